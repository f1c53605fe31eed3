file(REMOVE_RECURSE
  "CMakeFiles/accord_cli.dir/src/cli/main.c.o"
  "CMakeFiles/accord_cli.dir/src/cli/main.c.o.d"
  "accord"
  "accord.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/accord_cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
