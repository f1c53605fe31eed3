/*
 * fuzz_diff.c - libFuzzer target for the Z3 analyses: the fuzzed bytes are two rule files
 * separated by a line "====" (OLD, then NEW); without the separator OLD is the built-in
 * TISA-2014 and the whole input is NEW. An amendment is applied to TISA-2014. When both
 * build: acc_diff(OLD, NEW), acc_check(NEW) and the SMT-LIB2 export of the diff, with a
 * small per-query timeout so that no input stalls the fuzzer.
 * The property: no witness ever fails its re-check by the concrete evaluator, so
 * ACC_EINTERNAL (and a Z3 error, ACC_ESOLVER) aborts; a query that gives up is fine.
 */
#define _GNU_SOURCE   /* memmem */
#include "fuzz_common.h"

#define SEPARATOR "\n====\n"

static int parse_build(acc_ruleset **out, const char *text, size_t len)
{
    acc_file *file = NULL;
    *out = NULL;
    int st = acc_file_parse(&file, "fuzz.accord", text, len, &fuzz_sink);
    if (st != ACC_OK)
        return st;
    return fuzz_build(out, file);
}

static void require_sound(int st)
{
    if (st != ACC_OK && st != ACC_ENOMEM) {
        fprintf(stderr, "fuzz_diff: analysis failed: %s\n", acc_status_text(st));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *sep = memmem(text, size, SEPARATOR, strlen(SEPARATOR));
    acc_ruleset *old_rs = NULL, *new_rs = NULL;
    if (sep) {
        size_t old_len = (size_t)(sep - text);
        size_t skip = old_len + strlen(SEPARATOR);
        if (parse_build(&old_rs, text, old_len) != ACC_OK ||
            parse_build(&new_rs, text + skip, size - skip) != ACC_OK)
            goto done;
    } else if (parse_build(&new_rs, text, size) != ACC_OK) {
        goto done;
    }
    const acc_ruleset *old_used = old_rs ? old_rs : fuzz_default_rules();
    acc_analysis_options opts = { .timeout_ms = 50, .skip_rules_report = false };

    acc_diff_result *diff = NULL;
    int st = acc_diff(&diff, old_used, new_rs, &opts, &fuzz_sink);
    require_sound(st);
    if (diff) {
        if (diff->equivalent != (diff->n_newly_permitted == 0 && diff->n_newly_forbidden == 0))
            abort();
        acc_report_options ro = { .format = ACC_FORMAT_JSON };
        if (acc_diff_write(fuzz_null(), diff, &ro) != ACC_OK)
            abort();
        acc_diff_result_free(diff);
    }

    acc_check_result *check = NULL;
    st = acc_check(&check, new_rs, &opts, &fuzz_sink);
    require_sound(st);
    if (check) {
        if (check->n_proven + check->n_violated + check->n_unknown != check->n_invariants)
            abort();
        acc_check_result_free(check);
    }
    if (acc_smt_write_diff(fuzz_null(), old_used, new_rs, &opts) != ACC_OK)
        abort();
done:
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
    return 0;
}
