/*
 * fuzz_common.h - helpers shared by the libFuzzer targets (fuzz_*.c) and by replay.c,
 * which runs the same LLVMFuzzerTestOneInput over corpus files in an ordinary build.
 *
 * Everything here is static so that each target is one translation unit; the helpers
 * abort() on a broken library contract so that the fuzzer reports it as a crash.
 */
#ifndef ACCORD_FUZZ_COMMON_H
#define ACCORD_FUZZ_COMMON_H

#include "accord.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of each diagnostic's strings, so that ASan checks the spans. */
static void fuzz_touch_diag(void *payload, const acc_diag *d)
{
    size_t *sum = payload;
    if (d->message)
        *sum += strlen(d->message);
    if (d->file)
        *sum += strlen(d->file);
    for (size_t i = 0; d->source_line && i < d->source_line_len; i++)
        *sum += (unsigned char)d->source_line[i];
    if (d->line > 0 && d->span_len == 0)
        abort();   /* core.h: at least 1 when there is a location */
}

static size_t fuzz_diag_sum;
static const acc_diag_sink fuzz_sink = { fuzz_touch_diag, &fuzz_diag_sum };

/* A sink for the library's output: /dev/null, opened once. */
static inline FILE *fuzz_null(void)
{
    static FILE *null_out;
    if (!null_out && !(null_out = fopen("/dev/null", "w")))
        abort();
    return null_out;
}

/* Reads ACCORD_SOURCE_DIR/rel into a malloc'd buffer (kept for the process's life). */
static inline char *fuzz_read_source(const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", ACCORD_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        abort();
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap + 1);
            if (!buf)
                abort();
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The built-in default rule set (TISA-2014), built once. */
static inline acc_ruleset *fuzz_default_rules(void)
{
    static acc_ruleset *rs;
    if (!rs) {
        acc_file *f = NULL;
        if (acc_file_default(&f, NULL) != ACC_OK ||
            acc_ruleset_build(&rs, &f, 1, NULL) != ACC_OK)
            abort();
        acc_file_free(f);
    }
    return rs;
}

/*
 * Builds a rule set from a parsed file: a base file alone, or an amendment applied to
 * the default (its `to` must name TISA-2014, else ACC_EINPUT). Frees `file`.
 */
static inline int fuzz_build(acc_ruleset **out, acc_file *file)
{
    int st;
    *out = NULL;
    if (acc_file_is_amendment(file)) {
        acc_file *base = NULL;
        if (acc_file_default(&base, NULL) != ACC_OK)
            abort();
        acc_file *files[2] = { base, file };
        st = acc_ruleset_build(out, files, 2, &fuzz_sink);
        acc_file_free(base);
    } else {
        st = acc_ruleset_build(out, &file, 1, &fuzz_sink);
    }
    acc_file_free(file);
    if (st != ACC_OK && st != ACC_EINPUT && st != ACC_ENOMEM)
        abort();
    if ((st == ACC_OK) != (*out != NULL))
        abort();
    return st;
}

#endif
