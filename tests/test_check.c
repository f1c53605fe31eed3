/*
 * test_check.c - `accord check` through the library: the shipped rules prove all four
 * invariants with every rule useful; dropping entry-into-force breaks in-force with a
 * witness dated before 2014-12-29; dead and redundant rules (with and without
 * assumptions) are found exactly; the renderers' text and JSON; the exit codes.
 */
#include "test_support.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static const char tiny_header[] =
    "accord T { title \"t\" effective 2020-01-01 }\n"
    "parties { A B }\n"
    "topics { t1 t2 }\n"
    "levels { L1 < L2 }\n";

/* The shipped rules with `amendment` (the text of an amendment of TISA-2014, or NULL). */
static acc_ruleset *tisa_amended(const char *amendment)
{
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile_tisa(amendment, &d);
    CU_ASSERT_EQUAL(d.errors, 0);
    CU_ASSERT_PTR_NOT_NULL(rs);
    test_diags_free(&d);
    return rs;
}

/* A small rule set: tiny_header followed by `body`. */
static acc_ruleset *tiny(const char *body)
{
    size_t n = strlen(tiny_header) + strlen(body) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s", tiny_header, body);
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile("t.accord", text, &d);
    if (!rs)
        fprintf(stderr, "%s", d.text);
    CU_ASSERT_PTR_NOT_NULL(rs);
    test_diags_free(&d);
    free(text);
    return rs;
}

static acc_check_result *run_check(const acc_ruleset *rs, unsigned timeout_ms)
{
    acc_check_result *r = NULL;
    acc_analysis_options opts = { .timeout_ms = timeout_ms };
    test_diags d = { 0 };
    acc_diag_sink sink = test_diags_sink(&d);
    CU_ASSERT_EQUAL(acc_check(&r, rs, &opts, &sink), ACC_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    test_diags_free(&d);
    return r;
}

/* Renders r into a malloc'd string. */
static char *render(const acc_check_result *r, acc_format format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_report_options o = { .format = format };
    CU_ASSERT_EQUAL(acc_check_write(f, r, &o), ACC_OK);
    fclose(f);
    return buf;
}

static void test_check__shipped_rules_prove_all_four_invariants(void)
{
    acc_ruleset *rs = tisa_amended(NULL);
    acc_check_result *r = run_check(rs, 0);
    CU_ASSERT_EQUAL(r->n_invariants, 4);
    static const char *const names[] = { "no-direct", "scope", "mutual-approval", "in-force" };
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_STRING_EQUAL(r->invariants[i].name, names[i]);
        CU_ASSERT_EQUAL(r->invariants[i].status, ACC_INV_PROVEN);
        CU_ASSERT_PTR_NULL(r->invariants[i].witness);
    }
    CU_ASSERT_EQUAL(r->n_proven, 4);
    CU_ASSERT_EQUAL(r->n_violated, 0);
    CU_ASSERT_EQUAL(r->n_unknown, 0);
    /* in-force rests on the entry-into-force rule; scope on art1-scope */
    CU_ASSERT_EQUAL(r->invariants[3].n_relies_on, 1);
    CU_ASSERT_STRING_EQUAL(r->invariants[3].relies_on[0].name, "entry-into-force");
    CU_ASSERT_EQUAL(r->invariants[1].n_relies_on, 1);
    CU_ASSERT_STRING_EQUAL(r->invariants[1].relies_on[0].name, "art1-scope");
    CU_ASSERT_EQUAL(acc_check_exit_code(r, true), 0);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__shipped_rules_are_all_useful(void)
{
    acc_ruleset *rs = tisa_amended(NULL);
    acc_check_result *r = run_check(rs, 0);
    static const char *const names[] = { "entry-into-force", "art1-scope", "art2-requests",
                                         "art3-provide", "art3-relay", "art3-approve" };
    static const unsigned lines[] = { 34, 37, 40, 43, 46, 50 };
    CU_ASSERT_EQUAL(r->n_rules_report, 6);
    for (size_t i = 0; i < 6 && i < r->n_rules_report; i++) {
        CU_ASSERT_STRING_EQUAL(r->rules_report[i].rule.name, names[i]);
        CU_ASSERT_EQUAL(r->rules_report[i].status, ACC_RULE_OK);
        CU_ASSERT_EQUAL(r->rules_report[i].rule.loc.line, lines[i]);
        CU_ASSERT_EQUAL(r->rules_report[i].rule.loc.column, 6);
    }
    CU_ASSERT_EQUAL(r->n_dead + r->n_redundant + r->n_rules_unknown, 0);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__dropping_entry_into_force_breaks_in_force(void)
{
    acc_ruleset *rs = tisa_amended("amendment NO-EIF to TISA-2014 { title \"x\" effective "
                                   "2015-01-01 }\nremove rule entry-into-force;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    acc_check_result *r = run_check(rs, 0);
    CU_ASSERT_EQUAL(r->n_violated, 1);
    CU_ASSERT_EQUAL(r->n_proven, 3);
    const acc_invariant_result *ir = &r->invariants[3];
    CU_ASSERT_STRING_EQUAL(ir->name, "in-force");
    CU_ASSERT_EQUAL(ir->status, ACC_INV_VIOLATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ir->witness);
    const acc_witness *w = ir->witness;
    int64_t eif;
    CU_ASSERT_TRUE(acc_date_parse("2014-12-29", 10, &eif));
    CU_ASSERT_TRUE(w->time < eif);
    CU_ASSERT_EQUAL(w->kind, ACC_KIND_TRANSFER);
    /* every field of a transfer, and its three facts */
    CU_ASSERT_PTR_NOT_NULL(w->from);
    CU_ASSERT_PTR_NOT_NULL(w->to);
    CU_ASSERT_PTR_NOT_NULL(w->topic);
    CU_ASSERT_PTR_NOT_NULL(w->originator);
    CU_ASSERT_PTR_NOT_NULL(w->level);
    CU_ASSERT_PTR_NULL(w->decision);
    CU_ASSERT_STRING_EQUAL(w->item, "item-1");
    CU_ASSERT_EQUAL(w->n_facts, 3);
    CU_ASSERT_STRING_EQUAL(w->facts[0].name, "requested");
    CU_ASSERT_STRING_EQUAL(w->facts[1].name, "received");
    CU_ASSERT_STRING_EQUAL(w->facts[2].name, "approved");
    /* it is in scope (art1-scope still holds) and some permit rule lets it through */
    CU_ASSERT_TRUE(strcmp(w->topic, "nk-nuclear") == 0 || strcmp(w->topic, "nk-missile") == 0);
    CU_ASSERT_TRUE(w->n_permitted_by >= 1);
    CU_ASSERT_TRUE(strncmp(w->permitted_by[0].name, "art3-", 5) == 0);
    CU_ASSERT_STRING_EQUAL(w->permitted_by[0].loc.file + strlen(w->permitted_by[0].loc.file) -
                               strlen("rules/tisa-2014.accord"),
                           "rules/tisa-2014.accord");
    CU_ASSERT_EQUAL(acc_check_exit_code(r, false), 1);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__finds_dead_and_redundant_rules(void)
{
    acc_ruleset *rs = tiny("rule p1 permit request when from == A;\n"
                           "rule p2 permit request when from == A and topic == t1;\n"
                           "rule f1 forbid request when from == A and from == B;\n"
                           "rule p3 permit request when to == B;\n"
                           "rule f2 forbid request when to == B;\n"
                           "rule f3 forbid request when topic == t2 and from == B and to == A;\n"
                           "rule p4 permit transfer when level >= L1;\n");
    acc_check_result *r = run_check(rs, 0);
    static const acc_rule_status want[] = { ACC_RULE_OK, ACC_RULE_REDUNDANT, ACC_RULE_DEAD,
                                            ACC_RULE_DEAD, ACC_RULE_OK, ACC_RULE_REDUNDANT,
                                            ACC_RULE_OK };
    CU_ASSERT_EQUAL_FATAL(r->n_rules_report, 7);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_EQUAL(r->rules_report[i].status, want[i]);
    CU_ASSERT_EQUAL(r->n_dead, 2);
    CU_ASSERT_EQUAL(r->n_redundant, 2);
    CU_ASSERT_EQUAL(acc_check_exit_code(r, false), 0);
    CU_ASSERT_EQUAL(acc_check_exit_code(r, true), 1);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__assumptions_narrow_dead_rules(void)
{
    acc_ruleset *rs = tiny("assume only-t1 on request: topic == t1;\n"
                           "rule p1 permit request when from == A;\n"
                           "rule f1 forbid request when topic == t2;\n"
                           "rule p2 permit request when topic == t2;\n");
    acc_check_result *r = run_check(rs, 0);
    CU_ASSERT_EQUAL_FATAL(r->n_rules_report, 3);
    CU_ASSERT_EQUAL(r->rules_report[0].status, ACC_RULE_OK);
    CU_ASSERT_EQUAL(r->rules_report[1].status, ACC_RULE_DEAD);
    CU_ASSERT_EQUAL(r->rules_report[2].status, ACC_RULE_DEAD);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__an_assumption_excludes_a_witness(void)
{
    /* without the assumption, a transfer of t2 would break the invariant */
    acc_ruleset *with = tiny("assume no-t2 on transfer: topic != t2;\n"
                             "rule p permit transfer;\n"
                             "invariant only-t1 on transfer: topic == t1;\n");
    acc_ruleset *without = tiny("rule p permit transfer;\n"
                                "invariant only-t1 on transfer: topic == t1;\n");
    acc_check_result *a = run_check(with, 0), *b = run_check(without, 0);
    CU_ASSERT_EQUAL(a->invariants[0].status, ACC_INV_PROVEN);
    CU_ASSERT_EQUAL(b->invariants[0].status, ACC_INV_VIOLATED);
    CU_ASSERT_STRING_EQUAL(b->invariants[0].witness->topic, "t2");
    acc_check_result_free(a);
    acc_check_result_free(b);
    acc_ruleset_free(with);
    acc_ruleset_free(without);
}

static void test_check__level_order_is_respected(void)
{
    acc_ruleset *rs = tiny("rule p permit transfer when level > L1;\n"
                           "invariant high on transfer: level == L2;\n"
                           "invariant low on transfer: level <= L1;\n");
    acc_check_result *r = run_check(rs, 0);
    CU_ASSERT_EQUAL(r->invariants[0].status, ACC_INV_PROVEN);
    CU_ASSERT_EQUAL(r->invariants[1].status, ACC_INV_VIOLATED);
    CU_ASSERT_STRING_EQUAL(r->invariants[1].witness->level, "L2");
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

/* One rule permits exactly one request, so the witness is unique. */
static const char unique_body[] =
    "rule p permit request when from == A and to == B and topic == t2\n"
    "  and time == 2020-05-01T10:00:00Z;\n"
    "rule never forbid request when from == B and to == B and from != to;\n"
    "invariant not-a on request: from != A;\n";

static void test_check__text_output_is_exact(void)
{
    acc_ruleset *rs = tiny(unique_body);
    acc_check_result *r = run_check(rs, 0);
    char *text = render(r, ACC_FORMAT_TEXT);
    CU_ASSERT_STRING_EQUAL(text,
        "check T (t.accord)\n"
        "  invariant not-a on request: violated\n"
        "    at t.accord:8:11\n"
        "    witness: request time=2020-05-01T10:00:00Z from=A to=B topic=t2\n"
        "    permitted by p (t.accord:5:6)\n"
        "t.accord:7:6: warning: rule 'never' is dead: its condition never holds on an event "
        "of its kind\n"
        "  summary: 1 invariant: 0 proven, 1 violated, 0 unknown; 2 rules: 1 ok, 1 dead, "
        "0 redundant\n");
    free(text);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__json_output_has_the_cli_fields(void)
{
    acc_ruleset *rs = tiny(unique_body);
    acc_check_result *r = run_check(rs, 0);
    char *json = render(r, ACC_FORMAT_JSON);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"command\": \"check\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"rules\": \"T\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json,
        "\"witness\": {\n"
        "        \"kind\": \"request\",\n"
        "        \"time\": \"2020-05-01T10:00:00Z\",\n"
        "        \"from\": \"A\",\n"
        "        \"to\": \"B\",\n"
        "        \"topic\": \"t2\"\n"
        "      },"));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"name\": \"never\",\n      \"status\": \"dead\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"name\": \"p\",\n      \"status\": \"ok\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"status\": \"violated\""));
    free(json);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__witness_facts_and_decisions_are_complete(void)
{
    acc_ruleset *rs = tiny("fact ok on approval = once request(from = to);\n"
                           "rule p permit approval when decision == revoked and ok;\n"
                           "invariant no-revoke on approval: decision != revoked;\n");
    acc_check_result *r = run_check(rs, 0);
    const acc_witness *w = r->invariants[0].witness;
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_STRING_EQUAL(w->decision, "revoked");
    CU_ASSERT_STRING_EQUAL(w->item, "item-1");
    CU_ASSERT_PTR_NULL(w->topic);
    CU_ASSERT_EQUAL(w->n_facts, 1);
    CU_ASSERT_STRING_EQUAL(w->facts[0].name, "ok");
    CU_ASSERT_TRUE(w->facts[0].value);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__renderers_refuse_other_formats(void)
{
    acc_ruleset *rs = tiny(unique_body);
    acc_check_result *r = run_check(rs, 0);
    acc_report_options o = { .format = ACC_FORMAT_SARIF };
    CU_ASSERT_EQUAL(acc_check_write(stdout, r, &o), ACC_EUSAGE);
    acc_check_result_free(r);
    acc_ruleset_free(rs);
}

static void test_check__lint_result_collects_and_decides(void)
{
    acc_lint_result *l = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_lint_new(&l), ACC_OK);
    acc_ruleset *rs = tiny(unique_body);
    CU_ASSERT_EQUAL(acc_lint_add_rule_set(l, run_check(rs, 0)), ACC_OK);
    CU_ASSERT_EQUAL(acc_lint_exit_code(l, false), 1);       /* not-a is violated */
    acc_diag_sink sink = acc_lint_diag_sink(l);
    acc_diag d = { ACC_SEV_ERROR, "x.accord", 3, 4, 2, "unknown party 'CN'", "ab CN", 5 };
    sink.fn(sink.payload, &d);
    CU_ASSERT_EQUAL(l->n_diags, 1);
    CU_ASSERT_EQUAL(l->n_errors, 1);
    CU_ASSERT_STRING_EQUAL(l->diags[0].message, "unknown party 'CN'");
    CU_ASSERT_EQUAL(acc_lint_exit_code(l, false), 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_report_options o = { .format = ACC_FORMAT_JSON };
    CU_ASSERT_EQUAL(acc_lint_write(f, l, &o), ACC_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"command\": \"lint\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"severity\": \"error\",\n      \"file\": \"x.accord\",\n"
                                       "      \"line\": 3,\n      \"column\": 4,\n"
                                       "      \"message\": \"unknown party 'CN'\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rule_sets\": [\n    {\n      \"name\": \"T\",\n"
                                       "      \"files\": [\n        \"t.accord\"\n      ],\n"
                                       "      \"invariants\": ["));
    free(buf);
    acc_lint_result_free(l);
    acc_ruleset_free(rs);
}

static void test_check__exit_codes_rank_findings_over_unknown(void)
{
    acc_check_result c;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL(acc_check_exit_code(&c, true), 0);
    c.n_rules_unknown = 1;
    CU_ASSERT_EQUAL(acc_check_exit_code(&c, false), 3);
    c.n_redundant = 1;
    CU_ASSERT_EQUAL(acc_check_exit_code(&c, false), 3);
    CU_ASSERT_EQUAL(acc_check_exit_code(&c, true), 1);
    c.n_violated = 1;
    CU_ASSERT_EQUAL(acc_check_exit_code(&c, false), 1);

    acc_invariant_result inv[2];
    memset(inv, 0, sizeof inv);
    inv[1].from_old = true;
    inv[1].status = ACC_INV_VIOLATED;
    acc_diff_result d;
    memset(&d, 0, sizeof d);
    d.invariants = inv;
    d.n_invariants = 2;
    d.n_unknown = 1;
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, false, false), 3);
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, true, false), 1);     /* OLD's, with --strict */
    d.n_unknown = 0;
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, false, false), 0);
    d.n_newly_permitted = 1;
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, false, true), 1);
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, false, false), 0);
    inv[0].status = ACC_INV_VIOLATED;                             /* NEW's */
    CU_ASSERT_EQUAL(acc_diff_exit_code(&d, false, false), 1);
}

typedef int (*analysis_fn)(const acc_ruleset *a, const acc_ruleset *b);

static int run_check_only(const acc_ruleset *a, const acc_ruleset *b)
{
    acc_check_result *r = NULL;
    (void)b;
    int st = acc_check(&r, a, NULL, NULL);
    CU_ASSERT_TRUE(st == ACC_OK ? r != NULL : r == NULL);
    acc_check_result_free(r);
    return st;
}

static int run_diff_only(const acc_ruleset *a, const acc_ruleset *b)
{
    acc_diff_result *r = NULL;
    int st = acc_diff(&r, a, b, NULL, NULL);
    CU_ASSERT_TRUE(st == ACC_OK ? r != NULL : r == NULL);
    acc_diff_result_free(r);
    return st;
}

static int run_smt_only(const acc_ruleset *a, const acc_ruleset *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int st = acc_smt_write_diff(f, a, b, NULL);
    fclose(f);
    free(buf);
    return st;
}

/* Makes allocation n fail for ~80 values of n spread over all the allocations fn makes:
 * each run must fail with ACC_ENOMEM (and leak nothing: the suite runs under ASan). */
static void fail_allocations(analysis_fn fn, const acc_ruleset *a, const acc_ruleset *b)
{
    acc_alloc_fail_at(0);
    CU_ASSERT_EQUAL_FATAL(fn(a, b), ACC_OK);
    unsigned long total = acc_alloc_count(), step = total / 80 + 1, failed = 0;
    CU_ASSERT_TRUE(total > 20);
    for (unsigned long n = 1; n <= total; n += step) {
        acc_alloc_fail_at(n);
        int st = fn(a, b);
        acc_alloc_fail_at(0);
        failed += st == ACC_ENOMEM;
        if (st != ACC_ENOMEM)
            fprintf(stderr, "\n    allocation %lu of %lu failed: status %d\n", n, total, st);
    }
    CU_ASSERT_EQUAL(failed, (total - 1) / step + 1);
}

/* Every allocation of check, diff and the SMT-LIB2 export may fail: each failure is
 * reported as ACC_ENOMEM without a leak or a crash. */
static void test_check__allocation_failures_are_handled_everywhere(void)
{
    acc_ruleset *old_rs = tisa_amended(NULL);
    acc_ruleset *new_rs = tisa_amended("amendment G to TISA-2014 { title \"g\" effective "
                                       "2016-11-23 }\nrule g permit transfer when from in {KR, JP}"
                                       " and to in {KR, JP} and from != to;\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(new_rs);
    fail_allocations(run_check_only, old_rs, NULL);
    fail_allocations(run_diff_only, old_rs, new_rs);
    fail_allocations(run_smt_only, old_rs, new_rs);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
}

int main(void)
{
    static const test_case tests[] = {
        { "shipped_rules_prove_all_four_invariants",
          test_check__shipped_rules_prove_all_four_invariants },
        { "shipped_rules_are_all_useful", test_check__shipped_rules_are_all_useful },
        { "dropping_entry_into_force_breaks_in_force",
          test_check__dropping_entry_into_force_breaks_in_force },
        { "finds_dead_and_redundant_rules", test_check__finds_dead_and_redundant_rules },
        { "assumptions_narrow_dead_rules", test_check__assumptions_narrow_dead_rules },
        { "an_assumption_excludes_a_witness", test_check__an_assumption_excludes_a_witness },
        { "level_order_is_respected", test_check__level_order_is_respected },
        { "text_output_is_exact", test_check__text_output_is_exact },
        { "json_output_has_the_cli_fields", test_check__json_output_has_the_cli_fields },
        { "witness_facts_and_decisions_are_complete",
          test_check__witness_facts_and_decisions_are_complete },
        { "renderers_refuse_other_formats", test_check__renderers_refuse_other_formats },
        { "lint_result_collects_and_decides", test_check__lint_result_collects_and_decides },
        { "exit_codes_rank_findings_over_unknown",
          test_check__exit_codes_rank_findings_over_unknown },
        { "allocation_failures_are_handled_everywhere",
          test_check__allocation_failures_are_handled_everywhere },
        { NULL, NULL } };
    return test_run_suite("check", tests);
}
