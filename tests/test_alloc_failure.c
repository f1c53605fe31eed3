/*
 * test_alloc_failure.c - every allocation of lint, check, diff and audit can fail, and each
 * failure ends in a clean error: ACC_ENOMEM (or an error diagnostic), never a crash, never
 * a success with a different result.
 *
 * For each scenario (a whole command's library work on small real inputs, from reading the
 * files to the finished result), a clean run counts its allocations (acc_alloc_count);
 * then the scenario runs once per allocation n = 1..total with acc_alloc_fail_at(n). A run
 * that still succeeds must render exactly the clean run's JSON (an allocation whose failure
 * is absorbed, such as a cache, may not change the result). Leaks on the error paths are
 * caught by LeakSanitizer when the suite runs under -DACCORD_SANITIZE=ON (tools/test.sh).
 * Rendering runs with injection off: the renderers have their own failure tests.
 */
#define _GNU_SOURCE   /* open_memstream */
#include "test_support.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The audit scenarios' acc_audit_options.threads: 1 keeps the order of allocations
   fixed; the two-thread test sets 2 (its reader thread allocates little, and only the
   outcome of each run is checked, never which allocation it was). */
static unsigned alloc_threads = 1;

/* Allocations made by the scenario's work before it rendered (set by end_window). */
static unsigned long window_allocs;

/* Ends the injection window: counts the allocations so far and stops failing. */
static void end_window(void)
{
    window_allocs = acc_alloc_count();
    acc_alloc_fail_at(0);
}

/* A JSON rendering into a malloc'd string (libc memory, outside the window). */
typedef struct rendering {
    char *text;
    size_t len;
    FILE *fp;
} rendering;

static FILE *rendering_open(rendering *r)
{
    r->text = NULL;
    r->len = 0;
    r->fp = open_memstream(&r->text, &r->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->fp);
    return r->fp;
}

static char *rendering_close(rendering *r)
{
    CU_ASSERT_EQUAL(fclose(r->fp), 0);
    return r->text;
}

static const acc_report_options json = { .format = ACC_FORMAT_JSON };

/* Loads repository files (base first) into a rule set, reporting to `sink`. */
static int load_rules(acc_ruleset **out, const char *const *rel, size_t n,
                      const acc_diag_sink *sink)
{
    acc_file *files[4] = { NULL };
    int st = ACC_OK;
    *out = NULL;
    for (size_t i = 0; i < n && st == ACC_OK; i++) {
        char path[512];
        st = acc_file_load(&files[i], test_path(path, sizeof path, rel[i]), sink);
    }
    if (st == ACC_OK)
        st = acc_ruleset_build(out, files, n, sink);
    for (size_t i = 0; i < n; i++)
        acc_file_free(files[i]);
    return st;
}

static const char *const tisa[] = { "rules/tisa-2014.accord" };
static const char *const gsomia[] = { "rules/tisa-2014.accord",
                                      "rules/amendments/gsomia-2016.accord" };

/* ---------------------------------------------------------------------------------- */
/* Scenarios: each returns its status and, on ACC_OK, its rendered JSON                */

/* `accord lint FILES`: every file parsed into the lint result's sink, the rule set built
   and checked. An error diagnostic counts as a clean error (ACC_EINPUT). */
static int lint_files(const char *const *rel, size_t n, char **out)
{
    acc_lint_result *lint = NULL;
    acc_ruleset *rs = NULL;
    acc_check_result *check = NULL;
    int st = acc_lint_new(&lint);
    if (st != ACC_OK)
        goto done;
    acc_diag_sink sink = acc_lint_diag_sink(lint);
    st = load_rules(&rs, rel, n, &sink);
    if (st == ACC_OK)
        st = acc_check(&check, rs, NULL, &sink);
    if (st == ACC_OK) {
        st = acc_lint_add_rule_set(lint, check);
        check = NULL;
    }
    if (st == ACC_OK && lint->failed_alloc)
        st = ACC_ENOMEM;
    if (st == ACC_OK && lint->n_errors > 0)
        st = ACC_EINPUT;
done:
    end_window();
    if (st == ACC_OK) {
        rendering r;
        CU_ASSERT_EQUAL(acc_lint_write(rendering_open(&r), lint, &json), ACC_OK);
        *out = rendering_close(&r);
    }
    acc_check_result_free(check);
    acc_ruleset_free(rs);
    acc_lint_result_free(lint);
    return st;
}

static int lint_shipped(char **out) { return lint_files(tisa, 1, out); }
static int lint_gsomia(char **out) { return lint_files(gsomia, 2, out); }

/* `accord check rules/tisa-2014.accord`. */
static int check_shipped(char **out)
{
    acc_ruleset *rs = NULL;
    acc_check_result *check = NULL;
    int st = load_rules(&rs, tisa, 1, NULL);
    if (st == ACC_OK)
        st = acc_check(&check, rs, NULL, NULL);
    end_window();
    if (st == ACC_OK) {
        rendering r;
        CU_ASSERT_EQUAL(acc_check_write(rendering_open(&r), check, &json), ACC_OK);
        *out = rendering_close(&r);
    }
    acc_check_result_free(check);
    acc_ruleset_free(rs);
    return st;
}

/* `accord diff rules/tisa-2014.accord rules/amendments/gsomia-2016.accord`. */
static int diff_gsomia(char **out)
{
    acc_ruleset *old_rs = NULL, *new_rs = NULL;
    acc_diff_result *diff = NULL;
    int st = load_rules(&old_rs, tisa, 1, NULL);
    if (st == ACC_OK)
        st = load_rules(&new_rs, gsomia, 2, NULL);
    if (st == ACC_OK)
        st = acc_diff(&diff, old_rs, new_rs, NULL, NULL);
    end_window();
    if (st == ACC_OK) {
        rendering r;
        CU_ASSERT_EQUAL(acc_diff_write(rendering_open(&r), diff, &json), ACC_OK);
        *out = rendering_close(&r);
    }
    acc_diff_result_free(diff);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
    return st;
}

/* `accord audit [-r NEW --baseline OLD] [--chain-head HEX] LOG`, rules loaded inside. */
static int audit_log(const char *rel_log, bool baseline, const char *chain_head, char **out)
{
    acc_ruleset *rs = NULL, *old_rs = NULL;
    acc_audit_result *res = NULL;
    int st = load_rules(&rs, baseline ? gsomia : tisa, baseline ? 2 : 1, NULL);
    if (st == ACC_OK && baseline)
        st = load_rules(&old_rs, tisa, 1, NULL);
    if (st == ACC_OK) {
        char path[512];
        const char *paths[] = { test_path(path, sizeof path, rel_log) };
        acc_audit_options opt;
        acc_audit_options_init(&opt);
        opt.rules = rs;
        opt.baseline = old_rs;
        opt.chain_head = chain_head;
        opt.collect = true;
        opt.threads = alloc_threads;
        st = acc_audit_files(&res, &opt, paths, 1, NULL);
    }
    end_window();
    if (st == ACC_OK) {
        rendering r;
        CU_ASSERT_EQUAL(acc_audit_render(rendering_open(&r), res, &json), ACC_OK);
        *out = rendering_close(&r);
    }
    acc_audit_result_free(res);
    acc_ruleset_free(rs);
    acc_ruleset_free(old_rs);
    return st;
}

static int audit_findings(char **out) { return audit_log("logs/findings.xml", false, NULL, out); }

static int audit_findings_baseline(char **out)
{
    return audit_log("logs/findings.xml", true, NULL, out);
}

static int audit_chained(char **out)
{
    return audit_log("logs/chained.xml", false,
                     "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5", out);
}

/* ---------------------------------------------------------------------------------- */
/* The driver                                                                         */

/*
 * Runs `scenario` clean, then with each of its allocations failing in turn; with
 * `diagnostics`, ACC_EINPUT (the scenario saw an error diagnostic) is a clean error too.
 * Returns the
 * number of allocations it made (so that a test can show that it did exercise some).
 */
static unsigned long fail_every_allocation(const char *name, int (*scenario)(char **out),
                                           bool diagnostics)
{
    char *clean = NULL;
    acc_alloc_fail_at(0);
    window_allocs = 0;
    CU_ASSERT_EQUAL_FATAL(scenario(&clean), ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(clean);
    unsigned long total = window_allocs;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long absorbed = 0, wrong = 0, bad_status = 0;
    for (unsigned long n = 1; n <= total; n++) {
        char *got = NULL;
        acc_alloc_fail_at(n);
        int st = scenario(&got);
        acc_alloc_fail_at(0);
        if (st == ACC_OK) {
            absorbed++;
            if (!got || strcmp(got, clean) != 0) {
                if (wrong++ < 5)
                    fprintf(stderr, "\n%s: allocation %lu failed, yet the run succeeded with "
                                    "another result\n", name, n);
            }
        } else if (st != ACC_ENOMEM && !(diagnostics && st == ACC_EINPUT)) {
            if (bad_status++ < 5)
                fprintf(stderr, "\n%s: allocation %lu failed: status %s, expected ACC_ENOMEM\n",
                        name, n, acc_status_text(st));
        }
        free(got);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "\n  %s: %lu allocations, each failed once (%lu absorbed) in %.1f s\n",
            name, total, absorbed,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(bad_status, 0);
    free(clean);
    return total;
}

static void test_alloc_failure__lint_of_the_shipped_rules_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("lint tisa-2014", lint_shipped, true) > 100);
}

static void test_alloc_failure__lint_of_an_amended_rule_set_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("lint tisa-2014 gsomia-2016", lint_gsomia, true) > 100);
}

static void test_alloc_failure__check_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("check tisa-2014", check_shipped, false) > 100);
}

static void test_alloc_failure__diff_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("diff tisa-2014 gsomia-2016", diff_gsomia, false) > 100);
}

static void test_alloc_failure__audit_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("audit findings.xml", audit_findings, false) > 20);
}

static void test_alloc_failure__audit_with_a_baseline_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("audit --baseline findings.xml",
                                         audit_findings_baseline, false) > 20);
}

static void test_alloc_failure__audit_of_a_chain_fails_cleanly(void)
{
    CU_ASSERT_TRUE(fail_every_allocation("audit --chain-head chained.xml", audit_chained, false) > 20);
}

static void test_alloc_failure__audit_on_two_threads_fails_cleanly(void)
{
    alloc_threads = 2;
    CU_ASSERT_TRUE(fail_every_allocation("audit --threads 2 findings.xml", audit_findings,
                                         false) > 20);
    CU_ASSERT_TRUE(fail_every_allocation("audit --threads 2 --chain-head chained.xml",
                                         audit_chained, false) > 20);
    alloc_threads = 1;
}

int main(void)
{
    static const test_case tests[] = {
        { "lint_of_the_shipped_rules_fails_cleanly", test_alloc_failure__lint_of_the_shipped_rules_fails_cleanly },
        { "lint_of_an_amended_rule_set_fails_cleanly", test_alloc_failure__lint_of_an_amended_rule_set_fails_cleanly },
        { "check_fails_cleanly", test_alloc_failure__check_fails_cleanly },
        { "diff_fails_cleanly", test_alloc_failure__diff_fails_cleanly },
        { "audit_fails_cleanly", test_alloc_failure__audit_fails_cleanly },
        { "audit_with_a_baseline_fails_cleanly", test_alloc_failure__audit_with_a_baseline_fails_cleanly },
        { "audit_of_a_chain_fails_cleanly", test_alloc_failure__audit_of_a_chain_fails_cleanly },
        { "audit_on_two_threads_fails_cleanly", test_alloc_failure__audit_on_two_threads_fails_cleanly },
        { NULL, NULL } };
    return test_run_suite("alloc_failure", tests);
}
