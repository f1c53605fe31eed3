/*
 * test_smt_encode.c - the SMT encoder's parts: the analysis space (domain unified by name,
 * views, fact variables and their names, elementary time intervals), the lowering of
 * comparisons into primitives, the values an evaluator sees for undeclared members, the
 * Z3 encoder's answers and models, its error handler (records and returns), and its
 * timeouts.
 */
#include "test_support.h"

#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

static acc_ruleset *compile(const char *text)
{
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile("s.accord", text, &d);
    if (!rs)
        fprintf(stderr, "%s", d.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    test_diags_free(&d);
    return rs;
}

static const char set_a[] =
    "accord A { title \"a\" effective 2020-01-01 }\n"
    "parties { KR JP US } topics { nuc mis } levels { LO < HI }\n"
    "fact same on transfer = once request(from = from);\n"
    "fact diff on transfer = once request(from = to);\n"
    "fact only-a on approval = once request(from = from);\n"
    "rule r1 permit transfer when time < 2014-12-29 and from in {KR, to};\n"
    "rule r2 forbid transfer when level > LO or time == 2016-11-23T00:00:00Z;\n"
    "invariant i on transfer: time <= 2020-01-01;\n";

static const char set_b[] =
    "accord B { title \"b\" effective 2020-01-01 }\n"
    "parties { US CN KR } topics { mis cyber } levels { LO < MID < HI }\n"
    "fact same on transfer = once request(from = from);\n"
    "fact diff on transfer = once request(from = originator);\n"
    "fact only-b on request = once request(from = from);\n"
    "rule r1 permit transfer when level >= MID;\n";

static void test_smt_encode__domain_unifies_members_by_name(void)
{
    acc_ruleset *a = compile(set_a), *b = compile(set_b);
    smt_space s;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_diff(&s, a, b), ACC_OK);
    CU_ASSERT_EQUAL(s.n[SMT_PARTY], 4);
    CU_ASSERT_STRING_EQUAL(s.names[SMT_PARTY][0], "KR");
    CU_ASSERT_STRING_EQUAL(s.names[SMT_PARTY][3], "CN");
    CU_ASSERT_EQUAL(s.n[SMT_TOPIC], 3);
    CU_ASSERT_EQUAL(s.n[SMT_LEVEL], 3);
    CU_ASSERT_STRING_EQUAL(s.names[SMT_LEVEL][2], "MID");
    CU_ASSERT_EQUAL(s.n[SMT_DECISION], 3);
    /* B's US (its member 0) is domain member 2; domain KR is B's member 2; JP is not B's */
    CU_ASSERT_EQUAL(s.views[1].to_dom[SMT_PARTY][0], 2);
    CU_ASSERT_EQUAL(s.views[1].from_dom[SMT_PARTY][0], 2);
    CU_ASSERT_EQUAL(s.views[1].from_dom[SMT_PARTY][1], -1);
    CU_ASSERT_FALSE(s.views[0].complete[SMT_PARTY]);
    CU_ASSERT_FALSE(s.views[1].complete[SMT_PARTY]);
    CU_ASSERT_TRUE(s.views[0].complete[SMT_DECISION]);
    /* an undeclared member is a negative value no constant equals */
    CU_ASSERT_EQUAL(smt_view_value(&s.views[1], SMT_PARTY, 1), -2);
    CU_ASSERT_EQUAL(smt_view_value(&s.views[0], SMT_PARTY, 3), -4);
    CU_ASSERT_EQUAL(smt_view_value(&s.views[1], SMT_LEVEL, 2), 1);   /* MID is B's 1 */
    smt_space_fini(&s);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_smt_encode__facts_share_a_variable_only_when_equal(void)
{
    acc_ruleset *a = compile(set_a), *b = compile(set_b);
    smt_space s;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_diff(&s, a, b), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(s.n_facts, 5);
    static const char *const names[] = { "same", "diff@old", "only-a", "diff@new", "only-b" };
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_STRING_EQUAL(s.facts[i].name, names[i]);
    CU_ASSERT_EQUAL(s.views[1].fact_var[0], s.views[0].fact_var[0]);
    CU_ASSERT_EQUAL(s.views[1].fact_var[1], 3);
    CU_ASSERT_EQUAL(s.facts[4].kind, ACC_KIND_REQUEST);
    smt_space_fini(&s);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_smt_encode__time_constants_cut_elementary_intervals(void)
{
    acc_ruleset *a = compile(set_a);
    smt_space s;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_check(&s, a), ACC_OK);
    int64_t eif, gsomia, y2020;
    CU_ASSERT_TRUE(acc_date_parse("2014-12-29", 10, &eif));
    CU_ASSERT_TRUE(acc_date_parse("2016-11-23", 10, &gsomia));
    CU_ASSERT_TRUE(acc_date_parse("2020-01-01", 10, &y2020));
    /* < c cuts at c; == c cuts at c and c+1; <= c at c+1 */
    CU_ASSERT_EQUAL_FATAL(s.n_time_splits, 4);
    CU_ASSERT_EQUAL(s.time_splits[0], eif);
    CU_ASSERT_EQUAL(s.time_splits[1], gsomia);
    CU_ASSERT_EQUAL(s.time_splits[2], gsomia + 1);
    CU_ASSERT_EQUAL(s.time_splits[3], y2020 + 1);
    int64_t lo, hi;
    smt_space_interval(&s, 0, &lo, &hi);
    CU_ASSERT_EQUAL(lo, ACC_TIME_MIN);
    CU_ASSERT_EQUAL(hi, eif - 1);
    smt_space_interval(&s, 2, &lo, &hi);
    CU_ASSERT_EQUAL(lo, gsomia);
    CU_ASSERT_EQUAL(hi, gsomia);
    smt_space_interval(&s, 4, &lo, &hi);
    CU_ASSERT_EQUAL(hi, ACC_TIME_MAX);
    CU_ASSERT_EQUAL(smt_space_interval_of(&s, ACC_TIME_MIN), 0);
    CU_ASSERT_EQUAL(smt_space_interval_of(&s, eif - 1), 0);
    CU_ASSERT_EQUAL(smt_space_interval_of(&s, eif), 1);
    CU_ASSERT_EQUAL(smt_space_interval_of(&s, gsomia), 2);
    CU_ASSERT_EQUAL(smt_space_interval_of(&s, ACC_TIME_MAX), 4);
    smt_space_fini(&s);
    acc_ruleset_free(a);
}

static void test_smt_encode__comparisons_lower_to_exact_primitives(void)
{
    acc_ruleset *a = compile(set_a), *b = compile(set_b);
    smt_space s;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_diff(&s, a, b), ACC_OK);
    /* A's r1: time < 2014-12-29 and from in {KR, to} */
    const acc_expr *r1 = a->rules[0].cond;
    smt_atom at;
    CU_ASSERT_EQUAL_FATAL(smt_atom_lower(&at, &s, &s.views[0], r1->u.bin.a), ACC_OK);
    CU_ASSERT_FALSE(at.negated);
    CU_ASSERT_EQUAL_FATAL(at.n, 1);
    CU_ASSERT_EQUAL(at.prims[0].kind, SMT_P_TIME);
    CU_ASSERT_EQUAL(at.prims[0].op, ACC_CMP_LT);
    smt_atom_fini(&at);
    CU_ASSERT_EQUAL_FATAL(smt_atom_lower(&at, &s, &s.views[0], r1->u.bin.b), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(at.n, 2);
    CU_ASSERT_EQUAL(at.prims[0].kind, SMT_P_MEMBER);
    CU_ASSERT_EQUAL(at.prims[0].field, ACC_FIELD_FROM);
    CU_ASSERT_TRUE(at.prims[0].mask[0]);
    CU_ASSERT_FALSE(at.prims[0].mask[1] || at.prims[0].mask[2] || at.prims[0].mask[3]);
    CU_ASSERT_EQUAL(at.prims[1].kind, SMT_P_FEQ);
    CU_ASSERT_EQUAL(at.prims[1].field2, ACC_FIELD_TO);
    smt_atom_fini(&at);
    /* A's level > LO: HI only, and MID (undeclared in A) ranks below everything */
    const acc_expr *gt = a->rules[1].cond->u.bin.a;
    CU_ASSERT_EQUAL_FATAL(smt_atom_lower(&at, &s, &s.views[0], gt), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(at.n, 1);
    CU_ASSERT_FALSE(at.prims[0].mask[0]);
    CU_ASSERT_TRUE(at.prims[0].mask[1]);
    CU_ASSERT_FALSE(at.prims[0].mask[2]);
    smt_atom_fini(&at);
    /* B's level >= MID: MID and HI by B's own order */
    CU_ASSERT_EQUAL_FATAL(smt_atom_lower(&at, &s, &s.views[1], b->rules[0].cond), ACC_OK);
    CU_ASSERT_FALSE(at.prims[0].mask[0]);
    CU_ASSERT_TRUE(at.prims[0].mask[1]);
    CU_ASSERT_TRUE(at.prims[0].mask[2]);
    smt_atom_fini(&at);
    smt_space_fini(&s);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_smt_encode__point_events_use_each_views_indexes(void)
{
    acc_ruleset *a = compile(set_a), *b = compile(set_b);
    smt_space s;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_diff(&s, a, b), ACC_OK);
    smt_point p;
    CU_ASSERT_EQUAL_FATAL(acc_point_init(&p, &s), ACC_OK);
    p.kind = ACC_KIND_TRANSFER;
    p.val[ACC_FIELD_FROM] = 3;           /* CN */
    p.val[ACC_FIELD_TO] = 2;             /* US */
    p.val[ACC_FIELD_LEVEL] = 2;          /* MID */
    p.facts[3] = true;                   /* diff@new */
    bool facts[8];
    acc_event ev;
    smt_point_event(&s, &s.views[1], &p, facts, &ev);
    CU_ASSERT_EQUAL(ev.from, 1);
    CU_ASSERT_EQUAL(ev.to, 0);
    CU_ASSERT_EQUAL(ev.level, 1);
    CU_ASSERT_FALSE(facts[0]);
    CU_ASSERT_TRUE(facts[1]);
    CU_ASSERT_EQUAL(ev.item_len, 6);
    smt_point_event(&s, &s.views[0], &p, facts, &ev);
    CU_ASSERT_EQUAL(ev.from, -4);
    CU_ASSERT_EQUAL(ev.to, 2);
    CU_ASSERT_EQUAL(ev.level, -3);
    CU_ASSERT_FALSE(facts[1]);
    CU_ASSERT_FALSE(acc_point_declared(&s, &s.views[0], &p));
    CU_ASSERT_FALSE(acc_point_declared(&s, &s.views[1], &p));
    acc_point_fini(&p);
    smt_space_fini(&s);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_smt_encode__queries_answer_with_models_and_cores(void)
{
    acc_ruleset *a = compile(set_a);
    smt_space s;
    smt_enc enc;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_check(&s, a), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(smt_enc_init(&enc, &s, 0), ACC_OK);
    smt_point p;
    CU_ASSERT_EQUAL_FATAL(acc_point_init(&p, &s), ACC_OK);
    bool rules_true[8] = { false };
    smt_answer ans;
    acc_kind t = ACC_KIND_TRANSFER;
    CU_ASSERT_EQUAL(smt_enc_check(&enc, enc.vt[0].permitted[t], t, &ans, &p, rules_true), ACC_OK);
    CU_ASSERT_EQUAL(ans, SMT_SAT);
    int64_t eif;
    CU_ASSERT_TRUE(acc_date_parse("2014-12-29", 10, &eif));
    CU_ASSERT_TRUE(p.time < eif);
    CU_ASSERT_EQUAL(p.val[ACC_FIELD_LEVEL], 0);                   /* r2 forbids HI */
    CU_ASSERT_TRUE(rules_true[0]);
    CU_ASSERT_FALSE(rules_true[1]);
    /* permitted and HI: impossible, and the core names the forbid rule r2 */
    bool hi[3] = { false, true, false };
    Z3_ast q = smt_enc_and2(&enc, enc.vt[0].permitted_lit[t],
                            smt_enc_member(&enc, t, ACC_FIELD_LEVEL, hi));
    CU_ASSERT_EQUAL(smt_enc_check_tracked(&enc, q, t, 0, &ans, NULL, NULL), ACC_OK);
    CU_ASSERT_EQUAL(ans, SMT_UNSAT);
    CU_ASSERT_FALSE(enc.core[0]);
    CU_ASSERT_TRUE(enc.core[1]);
    acc_point_fini(&p);
    smt_enc_fini(&enc);
    smt_space_fini(&s);
    acc_ruleset_free(a);
}

static void test_smt_encode__z3_errors_are_recorded_not_fatal(void)
{
    acc_ruleset *a = compile(set_a);
    smt_space s;
    smt_enc enc;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_check(&s, a), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(smt_enc_init(&enc, &s, 0), ACC_OK);
    /* adding a Boolean to an Int is a sort error: Z3 calls the handler, which returns */
    Z3_ast args[2] = { enc.tru, enc.var[ACC_KIND_TRANSFER][ACC_FIELD_TIME] };
    Z3_ast bad = smt_enc_keep(&enc, Z3_mk_add(enc.ctx, 2, args));
    CU_ASSERT_PTR_EQUAL(bad, enc.fls);
    CU_ASSERT_EQUAL(enc.status, ACC_ESOLVER);
    CU_ASSERT_PTR_NOT_NULL(strstr(enc.error, "Z3 error in building a term: "));
    smt_answer ans;
    CU_ASSERT_EQUAL(smt_enc_check(&enc, enc.tru, ACC_KIND_TRANSFER, &ans, NULL, NULL),
                    ACC_ESOLVER);
    CU_ASSERT_EQUAL(ans, SMT_UNKNOWN);
    smt_enc_fini(&enc);
    smt_space_fini(&s);
    acc_ruleset_free(a);
}

static void test_smt_encode__structural_equality_ignores_parentheses(void)
{
    acc_ruleset *a = compile("accord A { title \"a\" effective 2020-01-01 }\n"
                             "parties { X Y } topics { t } levels { l }\n"
                             "invariant p on request: ((from == X)) and (to != Y);\n"
                             "invariant q on request: from == X and to != Y;\n"
                             "invariant r on request: to != Y and from == X;\n");
    acc_ruleset *b = compile("accord B { title \"b\" effective 2020-01-01 }\n"
                             "parties { Y X } topics { t } levels { l }\n"
                             "invariant p \"cited\" on request: from == X and to != Y;\n");
    CU_ASSERT_TRUE(smt_expr_equal(a, a->invariants[0].expr, a, a->invariants[1].expr));
    CU_ASSERT_FALSE(smt_expr_equal(a, a->invariants[1].expr, a, a->invariants[2].expr));
    /* X is member 0 of A and 1 of B: constants compare by name */
    CU_ASSERT_TRUE(smt_expr_equal(a, a->invariants[0].expr, b, b->invariants[0].expr));
    CU_ASSERT_FALSE(acc_invariant_replaced(a, 0, b));
    CU_ASSERT_TRUE(acc_invariant_replaced(a, 1, b));       /* q is not in B */
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

/* The trust rule: a witness the evaluator does not confirm is an internal error with a
 * diagnostic, never a result. The rule set is changed after it was encoded, so the
 * solver's witness no longer re-evaluates as claimed. */
static void test_smt_encode__an_unconfirmed_witness_is_an_internal_error(void)
{
    acc_ruleset *a = compile("accord A { title \"a\" effective 2020-01-01 }\n"
                             "parties { X Y } topics { t } levels { l }\n"
                             "rule p permit request when from == X;\n"
                             "invariant not-x on request: from != X;\n");
    smt_space s;
    smt_enc enc;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_check(&s, a), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(smt_enc_init(&enc, &s, 0), ACC_OK);
    acc_result_mem *m = acc_result_mem_new();
    acc_invariant_result ir;
    test_diags d = { 0 };
    acc_diag_sink sink = test_diags_sink(&d);
    CU_ASSERT_EQUAL(acc_check_invariant(&ir, m, &enc, 0, 0, &a->invariants[0], 0, &sink), ACC_OK);
    CU_ASSERT_EQUAL(ir.status, ACC_INV_VIOLATED);
    a->rules[0].forbid = true;         /* the evaluator now denies what Z3 permits */
    CU_ASSERT_EQUAL(acc_check_invariant(&ir, m, &enc, 0, 0, &a->invariants[0], 0, &sink),
                    ACC_EINTERNAL);
    CU_ASSERT_TRUE(test_diags_match(&d, "?: error: internal error: the witness of invariant "
                                        "'not-x' does not re-evaluate as a permitted event that "
                                        "breaks it\n"));
    test_diags_free(&d);
    acc_result_mem_free(m);
    smt_enc_fini(&enc);
    smt_space_fini(&s);
    acc_ruleset_free(a);
}

int main(void)
{
    static const test_case tests[] = {
        { "domain_unifies_members_by_name", test_smt_encode__domain_unifies_members_by_name },
        { "facts_share_a_variable_only_when_equal",
          test_smt_encode__facts_share_a_variable_only_when_equal },
        { "time_constants_cut_elementary_intervals",
          test_smt_encode__time_constants_cut_elementary_intervals },
        { "comparisons_lower_to_exact_primitives",
          test_smt_encode__comparisons_lower_to_exact_primitives },
        { "point_events_use_each_views_indexes",
          test_smt_encode__point_events_use_each_views_indexes },
        { "queries_answer_with_models_and_cores",
          test_smt_encode__queries_answer_with_models_and_cores },
        { "z3_errors_are_recorded_not_fatal", test_smt_encode__z3_errors_are_recorded_not_fatal },
        { "structural_equality_ignores_parentheses",
          test_smt_encode__structural_equality_ignores_parentheses },
        { "an_unconfirmed_witness_is_an_internal_error",
          test_smt_encode__an_unconfirmed_witness_is_an_internal_error },
        { NULL, NULL } };
    return test_run_suite("smt_encode", tests);
}
