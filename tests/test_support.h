/*
 * test_support.h - shared helpers for the CUnit suites: a runner that exits non-zero when
 * any assertion fails (CU_basic_run_tests alone does not), paths to the repository's data,
 * and a diagnostic sink that collects rendered diagnostics into a string.
 */
#ifndef ACCORD_TEST_SUPPORT_H
#define ACCORD_TEST_SUPPORT_H

#include <CUnit/Basic.h>
#include <stdbool.h>
#include <stddef.h>

#include "accord.h"

/* A test of a suite: its name says what it proves. */
typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

/*
 * Registers one suite with the given tests, runs everything in verbose mode and returns
 * the process exit status: 0 only when every test ran and every assertion passed.
 */
int test_run_suite(const char *suite, const test_case *tests);

/* The repository's source directory (ACCORD_SOURCE_DIR, set by CMake). */
const char *test_source_dir(void);

/* Writes source_dir/rel into buf and returns buf. */
char *test_path(char *buf, size_t size, const char *rel);

/* Reads a whole file into a malloc'd NUL-terminated buffer, or NULL. */
char *test_read_file(const char *path, size_t *len);

/* Creates a file from the mkstemp template `path` (rewritten in place) that holds
   data[0..len); false when it could not be created or written. The caller removes it. */
bool test_write_temp(char *path, const char *data, size_t len);

/*
 * A sink that appends each diagnostic as "file:line:col: severity: message\n" (or
 * "file: severity: message\n" without a location) to a growing string.
 */
typedef struct test_diags {
    char *text;
    size_t len, cap;
    int count, errors;
} test_diags;

acc_diag_sink test_diags_sink(test_diags *d);

/*
 * True when the collected text equals `expected`; when it does not, prints both to stderr
 * so that a failing exact-text assertion shows the difference. Assert on the result.
 */
bool test_diags_match(const test_diags *d, const char *expected);
void test_diags_free(test_diags *d);

/* Parses `text` as file `path` and builds a rule set from it alone; NULL on error. */
acc_ruleset *test_compile(const char *path, const char *text, test_diags *diags);

/* Builds a rule set from repository files (base first, then amendments); NULL on error. */
acc_ruleset *test_compile_files(const char *const *rel_paths, size_t n, test_diags *diags);

/*
 * The shipped rules/tisa-2014.accord with `amendment` applied: the text of an amendment
 * file, parsed as "amend.accord" (NULL: the shipped rules alone). NULL on error.
 */
acc_ruleset *test_compile_tisa(const char *amendment, test_diags *diags);

#endif
