file(REMOVE_RECURSE
  "CMakeFiles/accord_obj.dir/default_rules.c.o"
  "CMakeFiles/accord_obj.dir/default_rules.c.o.d"
  "CMakeFiles/accord_obj.dir/src/alloc.c.o"
  "CMakeFiles/accord_obj.dir/src/alloc.c.o.d"
  "CMakeFiles/accord_obj.dir/src/arena.c.o"
  "CMakeFiles/accord_obj.dir/src/arena.c.o.d"
  "CMakeFiles/accord_obj.dir/src/core.c.o"
  "CMakeFiles/accord_obj.dir/src/core.c.o.d"
  "CMakeFiles/accord_obj.dir/src/diag.c.o"
  "CMakeFiles/accord_obj.dir/src/diag.c.o.d"
  "CMakeFiles/accord_obj.dir/src/eval.c.o"
  "CMakeFiles/accord_obj.dir/src/eval.c.o.d"
  "CMakeFiles/accord_obj.dir/src/json.c.o"
  "CMakeFiles/accord_obj.dir/src/json.c.o.d"
  "CMakeFiles/accord_obj.dir/src/ruleset.c.o"
  "CMakeFiles/accord_obj.dir/src/ruleset.c.o.d"
  "default_rules.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/accord_obj.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
