/*
 * test_support.c - the runner and helpers shared by every CUnit suite (test_support.h).
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_run_suite(const char *suite_name, const test_case *tests)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    if (!suite) {
        CU_cleanup_registry();
        return 2;
    }
    for (const test_case *t = tests; t->name; t++) {
        if (!CU_add_test(suite, t->name, t->fn)) {
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failed == 0 && ran > 0 ? 0 : 1;
}

const char *test_source_dir(void)
{
#ifdef ACCORD_SOURCE_DIR
    return ACCORD_SOURCE_DIR;
#else
    return ".";
#endif
}

char *test_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", test_source_dir(), rel);
    return buf;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

bool test_write_temp(char *path, const char *data, size_t len)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return close(fd) == 0 && done == len;
}

static void diags_append(test_diags *d, const char *s)
{
    size_t n = strlen(s);
    if (d->len + n + 1 > d->cap) {
        size_t cap = (d->cap ? d->cap * 2 : 256) + n;
        char *bigger = realloc(d->text, cap);
        if (!bigger)
            return;
        d->text = bigger;
        d->cap = cap;
    }
    memcpy(d->text + d->len, s, n + 1);
    d->len += n;
}

static void diags_collect(void *payload, const acc_diag *diag)
{
    test_diags *d = payload;
    char line[1400];
    if (diag->line)
        snprintf(line, sizeof line, "%s:%u:%u: %s: %s\n", diag->file ? diag->file : "?",
                 diag->line, diag->column, acc_severity_name(diag->severity), diag->message);
    else
        snprintf(line, sizeof line, "%s: %s: %s\n", diag->file ? diag->file : "?",
                 acc_severity_name(diag->severity), diag->message);
    diags_append(d, line);
    d->count++;
    if (diag->severity == ACC_SEV_ERROR)
        d->errors++;
}

acc_diag_sink test_diags_sink(test_diags *d)
{
    if (!d->text) {
        d->text = calloc(1, 1);
        d->cap = d->text ? 1 : 0;
    }
    return (acc_diag_sink){ diags_collect, d };
}

bool test_diags_match(const test_diags *d, const char *expected)
{
    const char *got = d->text ? d->text : "";
    if (strcmp(got, expected) == 0)
        return true;
    fprintf(stderr, "\n--- got:\n%s--- expected:\n%s", got, expected);
    return false;
}

void test_diags_free(test_diags *d)
{
    free(d->text);
    memset(d, 0, sizeof *d);
}

acc_ruleset *test_compile(const char *path, const char *text, test_diags *diags)
{
    acc_diag_sink sink = test_diags_sink(diags);
    acc_file *file = NULL;
    acc_ruleset *rs = NULL;
    if (acc_file_parse(&file, path, text, strlen(text), &sink) != ACC_OK)
        return NULL;
    if (acc_ruleset_build(&rs, &file, 1, &sink) != ACC_OK)
        rs = NULL;
    acc_file_free(file);
    return rs;
}

acc_ruleset *test_compile_files(const char *const *rel_paths, size_t n, test_diags *diags)
{
    acc_diag_sink sink = test_diags_sink(diags);
    acc_file *files[16] = { 0 };
    acc_ruleset *rs = NULL;
    char path[4096];
    size_t loaded = 0;
    if (n > 16)
        return NULL;
    for (; loaded < n; loaded++)
        if (acc_file_load(&files[loaded], test_path(path, sizeof path, rel_paths[loaded]),
                          &sink) != ACC_OK)
            goto done;
    if (acc_ruleset_build(&rs, files, n, &sink) != ACC_OK)
        rs = NULL;
done:
    for (size_t i = 0; i < loaded; i++)
        acc_file_free(files[i]);
    return rs;
}

acc_ruleset *test_compile_tisa(const char *amendment, test_diags *diags)
{
    acc_diag_sink sink = test_diags_sink(diags);
    acc_file *files[2] = { NULL, NULL };
    acc_ruleset *rs = NULL;
    char path[4096];
    size_t n = amendment ? 2 : 1;
    if (acc_file_load(&files[0], test_path(path, sizeof path, "rules/tisa-2014.accord"), &sink) ==
            ACC_OK &&
        (!amendment || acc_file_parse(&files[1], "amend.accord", amendment, strlen(amendment),
                                      &sink) == ACC_OK) &&
        acc_ruleset_build(&rs, files, n, &sink) != ACC_OK)
        rs = NULL;
    acc_file_free(files[0]);
    acc_file_free(files[1]);
    return rs;
}
