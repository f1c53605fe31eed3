file(REMOVE_RECURSE
  "CMakeFiles/accord_test_support.dir/test_support.c.o"
  "CMakeFiles/accord_test_support.dir/test_support.c.o.d"
  "libaccord_test_support.a"
  "libaccord_test_support.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/accord_test_support.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
