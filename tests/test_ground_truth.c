/*
 * test_ground_truth.c - the audit finds exactly what the log generator injected.
 *
 * bench/loggen.c writes realistic TISA-2014 logs (interleaved request -> provide ->
 * approve -> relay flows, denials, revocations) with problems of every finding code
 * injected at random, and the list of findings each injection must produce, computed
 * without libaccord. Each test generates a log in memory, audits it, and compares the
 * audit's findings with that ground truth as multisets of "SEQ CODE RULE" lines: every
 * injected problem found, nothing else reported.
 */
#include "test_support.h"

#include "alloc.h"
#include "loggen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A generated log and its ground truth, in memory. */
typedef struct generated {
    char *log, *truth;
    size_t log_len, truth_len;
    loggen_stats stats;
} generated;

static void generate(generated *g, const loggen_options *opt)
{
    memset(g, 0, sizeof *g);
    FILE *log = open_memstream(&g->log, &g->log_len);
    FILE *truth = open_memstream(&g->truth, &g->truth_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(truth);
    CU_ASSERT_EQUAL(loggen_write(opt, log, truth, &g->stats), 0);
    fclose(log);
    fclose(truth);
}

static void generated_free(generated *g)
{
    free(g->log);
    free(g->truth);
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The non-comment lines of `text`, sorted, joined with '\n' (malloc'd). */
static char *sorted_lines(const char *text)
{
    size_t n = 0, len = strlen(text);
    char *copy = malloc(len + 1), **lines = malloc((len / 2 + 1) * sizeof *lines);
    char *out = malloc(len + 2);
    CU_ASSERT_FATAL(copy && lines && out);
    memcpy(copy, text, len + 1);
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (l[0] != '#')
            lines[n++] = l;
    qsort(lines, n, sizeof *lines, line_cmp);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(out + o, "%s\n", lines[i]);
    out[o] = '\0';
    free(lines);
    free(copy);
    return out;
}

/* The audit's findings as ground-truth lines: "SEQ CODE RULE". */
static char *findings_lines(const acc_audit_result *r)
{
    size_t cap = 64 * (r->n_findings + 1), o = 0;
    char *s = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    s[0] = '\0';
    for (size_t i = 0; i < r->n_findings; i++) {
        const acc_finding *f = &r->findings[i];
        char seq[32] = "-";
        if (f->has_entry)
            snprintf(seq, sizeof seq, "%lld", (long long)f->seq);
        o += (size_t)snprintf(s + o, cap - o, "%s %s %s\n", seq, acc_finding_code_name(f->code),
                              f->rule ? f->rule : "-");
    }
    return s;
}

/* Prints the first line where two sorted listings differ (to explain a failure). */
static void show_difference(const char *want, const char *got)
{
    size_t i = 0;
    while (want[i] && want[i] == got[i])
        i++;
    while (i > 0 && want[i - 1] != '\n')
        i--;
    fprintf(stderr, "\n    ground truth: %.60s\n    audit:        %.60s\n", want + i, got + i);
}

static acc_ruleset *rules(bool assume)
{
    static acc_ruleset *sets[2];
    if (!sets[assume]) {
        const char *paths[2] = { "rules/tisa-2014.accord", "logs/findings-assume.accord" };
        test_diags d = { 0 };
        sets[assume] = test_compile_files(paths, assume ? 2 : 1, &d);
        test_diags_free(&d);
    }
    return sets[assume];
}

/*
 * Generates a log with `opt`, audits it (chunks of `chunk` bytes and `threads` threads, 0
 * for the defaults) and checks that the findings are exactly the ground truth. Returns the
 * audit result. Only the audit itself allocates through libaccord (acc_alloc_count).
 */
static acc_audit_result *audit_generated(const loggen_options *opt, size_t chunk,
                                         unsigned threads, generated *g)
{
    generate(g, opt);
    acc_audit_options ao;
    acc_audit_options_init(&ao);
    ao.rules = rules(opt->assume);
    ao.collect = true;
    ao.chunk_size = chunk;
    ao.threads = threads;
    CU_ASSERT_PTR_NOT_NULL_FATAL(ao.rules);
    acc_audit_source src = { "generated.xml", g->log, g->log_len };
    acc_audit_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_audit_run(&r, &ao, &src, 1, NULL), ACC_OK);
    char *got_raw = findings_lines(r);
    char *got = sorted_lines(got_raw), *want = sorted_lines(g->truth);
    bool same = strcmp(want, got) == 0;
    if (!same)
        show_difference(want, got);
    CU_ASSERT_TRUE(same);
    CU_ASSERT_EQUAL(r->n_findings_total, g->stats.findings);
    CU_ASSERT_EQUAL(r->entries, g->stats.entries);
    free(got_raw);
    free(got);
    free(want);
    return r;
}

static void test_ground_truth__every_code_found_exactly_with_hash_chain(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 20141229;
    opt.entries = 20000;
    opt.rate = 0.02;
    opt.chain = true;
    opt.assume = true;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 0, 0, &g);
    /* every code that applies was injected at least once (malformed: see below) */
    for (int c = 0; c < LOGGEN_MALFORMED; c++)
        CU_ASSERT_TRUE(g.stats.by_code[c] > 0);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_BROKEN);
    CU_ASSERT_FALSE(r->stopped);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__every_code_found_exactly_without_chain(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 7;
    opt.entries = 20000;
    opt.rate = 0.02;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 0, 0, &g);
    for (int c = 0; c < LOGGEN_CHAIN_BREAK; c++)
        CU_ASSERT_TRUE(g.stats.by_code[c] > 0);
    CU_ASSERT_EQUAL(g.stats.by_code[LOGGEN_CHAIN_BREAK], 0);
    CU_ASSERT_EQUAL(g.stats.by_code[LOGGEN_ASSUMPTION], 0);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_ABSENT);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__small_chunks_and_unwrapped_tags_change_nothing(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 99;
    opt.entries = 5000;
    opt.rate = 0.05;
    opt.chain = true;
    opt.wrap = false;
    opt.notes = 3;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 4093, 0, &g);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__truncated_log_ends_with_one_malformed(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 3;
    opt.entries = 3000;
    opt.rate = 0.01;
    opt.chain = true;
    opt.truncate = true;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 0, 0, &g);
    CU_ASSERT_EQUAL(g.stats.by_code[LOGGEN_MALFORMED], 1);
    CU_ASSERT_EQUAL(r->by_code[ACC_FINDING_MALFORMED], 1);
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 2);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__clean_log_has_no_finding_and_every_entry_permitted(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 5;
    opt.entries = 10000;
    opt.chain = true;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 0, 0, &g);
    CU_ASSERT_EQUAL(g.stats.findings, 0);
    CU_ASSERT_EQUAL(r->n_findings_total, 0);
    CU_ASSERT_EQUAL(r->judged, 10000);
    CU_ASSERT_EQUAL(r->permitted, 10000);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_VERIFIED);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, true), 0);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__reused_items_keep_the_truth_and_the_index_small(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 11;
    opt.entries = 20000;
    opt.rate = 0.01;
    opt.chain = true;
    opt.items = 50;
    generated g;
    acc_audit_result *r = audit_generated(&opt, 0, 0, &g);
    /* 50 items, two originators: at most 100 received and 100 approved keys, plus the
       requested keys and the items of injected entries */
    CU_ASSERT_TRUE(g.stats.fact_keys <= 200 + 4 + g.stats.injected);
    CU_ASSERT_TRUE(g.stats.flows > 1000);
    acc_audit_result_free(r);
    generated_free(&g);
}

static void test_ground_truth__generator_is_deterministic_per_seed(void)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.entries = 2000;
    opt.rate = 0.03;
    opt.chain = true;
    generated a, b, c;
    generate(&a, &opt);
    generate(&b, &opt);
    opt.seed = 2;
    generate(&c, &opt);
    CU_ASSERT_EQUAL(a.log_len, b.log_len);
    CU_ASSERT_TRUE(a.log_len == b.log_len && memcmp(a.log, b.log, a.log_len) == 0);
    CU_ASSERT_STRING_EQUAL(a.truth, b.truth);
    CU_ASSERT_FALSE(a.log_len == c.log_len && memcmp(a.log, c.log, a.log_len) == 0);
    generated_free(&a);
    generated_free(&b);
    generated_free(&c);
}

/* libaccord's allocations during one audit of a clean generated log of `entries`. */
static unsigned long audit_allocations(unsigned entries, unsigned threads)
{
    loggen_options opt;
    loggen_options_init(&opt);
    opt.seed = 17;
    opt.entries = entries;
    opt.chain = true;
    CU_ASSERT_PTR_NOT_NULL_FATAL(rules(false));    /* compiled before the count starts */
    generated g;
    acc_alloc_fail_at(0);
    acc_audit_result *r = audit_generated(&opt, 0, threads, &g);
    unsigned long allocations = acc_alloc_count();
    CU_ASSERT_EQUAL(g.stats.findings, 0);
    acc_audit_result_free(r);
    generated_free(&g);
    return allocations;
}

/*
 * The audit allocates nothing per entry: 35,000 more entries add only the growths of its
 * tables (a few per table each time the log grows half again) and, on two threads, the
 * ring's batches (at most 48, as the judge happens to lag). One allocation per entry,
 * or even per hundred entries, would add hundreds.
 */
static void test_ground_truth__allocations_do_not_grow_with_the_entries(void)
{
    for (unsigned threads = 1; threads <= 2; threads++) {
        unsigned long small = audit_allocations(5000, threads);
        unsigned long large = audit_allocations(40000, threads);
        unsigned long ring = threads > 1 ? 48 : 0;
        if (large > small + 40 + ring)
            fprintf(stderr, "\n    %u thread(s): %lu allocations for 5,000 entries, "
                    "%lu for 40,000\n", threads, small, large);
        CU_ASSERT_TRUE(small < 200 + ring);
        CU_ASSERT_TRUE(large <= small + 40 + ring);
    }
}

int main(void)
{
    static const test_case tests[] = {
        { "every_code_found_exactly_with_hash_chain",
          test_ground_truth__every_code_found_exactly_with_hash_chain },
        { "every_code_found_exactly_without_chain",
          test_ground_truth__every_code_found_exactly_without_chain },
        { "small_chunks_and_unwrapped_tags_change_nothing",
          test_ground_truth__small_chunks_and_unwrapped_tags_change_nothing },
        { "truncated_log_ends_with_one_malformed",
          test_ground_truth__truncated_log_ends_with_one_malformed },
        { "clean_log_has_no_finding_and_every_entry_permitted",
          test_ground_truth__clean_log_has_no_finding_and_every_entry_permitted },
        { "reused_items_keep_the_truth_and_the_index_small",
          test_ground_truth__reused_items_keep_the_truth_and_the_index_small },
        { "generator_is_deterministic_per_seed",
          test_ground_truth__generator_is_deterministic_per_seed },
        { "allocations_do_not_grow_with_the_entries",
          test_ground_truth__allocations_do_not_grow_with_the_entries },
        { NULL, NULL } };
    return test_run_suite("ground_truth", tests);
}
