file(REMOVE_RECURSE
  "libaccord.a"
  "libaccord.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/accord_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
