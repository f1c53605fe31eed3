file(REMOVE_RECURSE
  "libaccord.pdb"
  "libaccord.so"
  "libaccord.so.0"
  "libaccord.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/accord.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
