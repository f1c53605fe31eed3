
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/build/default_rules.c" "CMakeFiles/accord_obj.dir/default_rules.c.o" "gcc" "CMakeFiles/accord_obj.dir/default_rules.c.o.d"
  "/work/main/src/alloc.c" "CMakeFiles/accord_obj.dir/src/alloc.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/alloc.c.o.d"
  "/work/main/src/arena.c" "CMakeFiles/accord_obj.dir/src/arena.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/arena.c.o.d"
  "/work/main/src/core.c" "CMakeFiles/accord_obj.dir/src/core.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/core.c.o.d"
  "/work/main/src/diag.c" "CMakeFiles/accord_obj.dir/src/diag.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/diag.c.o.d"
  "/work/main/src/eval.c" "CMakeFiles/accord_obj.dir/src/eval.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/eval.c.o.d"
  "/work/main/src/json.c" "CMakeFiles/accord_obj.dir/src/json.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/json.c.o.d"
  "/work/main/src/ruleset.c" "CMakeFiles/accord_obj.dir/src/ruleset.c.o" "gcc" "CMakeFiles/accord_obj.dir/src/ruleset.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
