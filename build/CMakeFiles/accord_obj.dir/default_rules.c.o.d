CMakeFiles/accord_obj.dir/default_rules.c.o: \
 /work/main/build/default_rules.c /usr/include/stdc-predef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
