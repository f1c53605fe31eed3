/*
 * test_diff.c - `accord diff` through the library: the GSOMIA amendment of the spec (its
 * exact classes, witnesses, rules and invariant statuses), amendments that add a topic,
 * narrow a rule, redefine a fact or only restate; the classes of every shipped amendment
 * cover their region exactly (proved with a solver query); exit codes and JSON.
 */
#include "test_support.h"

#include "analysis_internal.h"

#include <stdlib.h>
#include <string.h>

static const char gsomia[] =
    "amendment GSOMIA-2016 to TISA-2014 {\n"
    "  title     \"Korea-Japan GSOMIA: direct bilateral exchange\"\n"
    "  effective 2016-11-23\n"
    "}\n"
    "rule gsomia-direct \"GSOMIA Art. 2: each party may provide its own information directly\"\n"
    "  permit transfer when from in {KR, JP} and to in {KR, JP} and from != to\n"
    "                   and originator == from and time >= 2016-11-23;\n"
    "invariant no-direct \"direct exchange only under GSOMIA, from 2016-11-23\"\n"
    "  on transfer: time < 2016-11-23 implies not (from in {KR, JP} and to in {KR, JP});\n";

/* TISA-2014 with an amendment given as text (NULL: none). */
static acc_ruleset *amended(const char *text)
{
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile_tisa(text, &d);
    if (d.errors)
        fprintf(stderr, "%s", d.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    test_diags_free(&d);
    return rs;
}

static acc_ruleset *tisa(void) { return amended(NULL); }

static acc_ruleset *shipped_amendment(const char *rel)
{
    test_diags d = { 0 };
    const char *paths[2] = { "rules/tisa-2014.accord", rel };
    acc_ruleset *rs = test_compile_files(paths, 2, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    test_diags_free(&d);
    return rs;
}

static acc_diff_result *run_diff(const acc_ruleset *a, const acc_ruleset *b)
{
    acc_diff_result *r = NULL;
    test_diags d = { 0 };
    acc_diag_sink sink = test_diags_sink(&d);
    CU_ASSERT_EQUAL(acc_diff(&r, a, b, NULL, &sink), ACC_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    test_diags_free(&d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

static const acc_class_field *class_field(const acc_diff_class *c, acc_field f, const char *fact)
{
    for (size_t i = 0; i < c->n_fields; i++)
        if (fact ? c->fields[i].fact && strcmp(c->fields[i].fact, fact) == 0
                 : !c->fields[i].fact && c->fields[i].field == f)
            return &c->fields[i];
    return NULL;
}

/* "a,b,c": the values of an enumerated class field, or "*" when unconstrained. */
static const char *values(const acc_diff_class *c, acc_field f)
{
    static char buf[256];
    const acc_class_field *cf = class_field(c, f, NULL);
    if (!cf)
        return "*";
    buf[0] = 0;
    for (size_t i = 0; i < cf->n_values; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "", cf->values[i]);
    return buf;
}

static int64_t date(const char *d)
{
    int64_t t = 0;
    CU_ASSERT_TRUE(acc_date_parse(d, 10, &t));
    return t;
}

static void test_diff__gsomia_newly_permits_two_exact_classes(void)
{
    acc_ruleset *old_rs = tisa(), *new_rs = amended(gsomia);
    acc_diff_result *r = run_diff(old_rs, new_rs);
    CU_ASSERT_STRING_EQUAL(r->old_name, "TISA-2014");
    CU_ASSERT_STRING_EQUAL(r->new_name, "GSOMIA-2016");
    CU_ASSERT_FALSE(r->equivalent);
    CU_ASSERT_EQUAL(r->n_newly_forbidden, 0);
    CU_ASSERT_EQUAL_FATAL(r->n_newly_permitted, 2);
    for (size_t i = 0; i < 2; i++) {
        const acc_diff_class *c = &r->newly_permitted[i];
        bool kr = strcmp(values(c, ACC_FIELD_FROM), "KR") == 0;
        CU_ASSERT_EQUAL(c->kind, ACC_KIND_TRANSFER);
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_FROM), kr ? "KR" : "JP");
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_TO), kr ? "JP" : "KR");
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_ORIGINATOR), kr ? "KR" : "JP");
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_TOPIC), "nk-nuclear,nk-missile");
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_LEVEL), "*");
        const acc_class_field *t = class_field(c, ACC_FIELD_TIME, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT_EQUAL(t->n_intervals, 1);
        CU_ASSERT_TRUE(t->intervals[0].has_min);
        CU_ASSERT_EQUAL(t->intervals[0].min, date("2016-11-23"));
        CU_ASSERT_FALSE(t->intervals[0].has_max);
        CU_ASSERT_EQUAL(c->n_fields, 5);                 /* no fact is constrained */
        CU_ASSERT_EQUAL_FATAL(c->n_rules, 1);
        CU_ASSERT_STRING_EQUAL(c->rules[0].name, "gsomia-direct");
        CU_ASSERT_STRING_EQUAL(c->rules[0].loc.file, "amend.accord");
        CU_ASSERT_EQUAL(c->rules[0].loc.line, 5);
        const acc_witness *w = &c->witness;
        CU_ASSERT_STRING_EQUAL(w->from, kr ? "KR" : "JP");
        CU_ASSERT_STRING_EQUAL(w->to, kr ? "JP" : "KR");
        CU_ASSERT_STRING_EQUAL(w->originator, w->from);
        CU_ASSERT_TRUE(w->time >= date("2016-11-23"));
        CU_ASSERT_EQUAL(w->n_facts, 3);
        CU_ASSERT_EQUAL(w->n_permitted_by, 1);
        CU_ASSERT_EQUAL(w->n_forbidden_by, 0);           /* OLD had no permit for it */
    }
    char first[256];
    snprintf(first, sizeof first, "%s", values(&r->newly_permitted[0], ACC_FIELD_FROM));
    CU_ASSERT_STRING_NOT_EQUAL(first, values(&r->newly_permitted[1], ACC_FIELD_FROM));
    acc_diff_result_free(r);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
}

static void test_diff__gsomia_invariants_new_hold_old_no_direct_breaks(void)
{
    acc_ruleset *old_rs = tisa(), *new_rs = amended(gsomia);
    acc_diff_result *r = run_diff(old_rs, new_rs);
    static const char *const names[] = { "no-direct", "scope", "mutual-approval", "in-force",
                                         "no-direct" };
    CU_ASSERT_EQUAL_FATAL(r->n_invariants, 5);
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_STRING_EQUAL(r->invariants[i].name, names[i]);
        CU_ASSERT_EQUAL(r->invariants[i].from_old, i == 4);
        CU_ASSERT_EQUAL(r->invariants[i].status, i == 4 ? ACC_INV_VIOLATED : ACC_INV_PROVEN);
    }
    const acc_witness *w = r->invariants[4].witness;
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_TRUE(strcmp(w->from, "KR") == 0 || strcmp(w->from, "JP") == 0);
    CU_ASSERT_TRUE(strcmp(w->to, "KR") == 0 || strcmp(w->to, "JP") == 0);
    CU_ASSERT_TRUE(w->time >= date("2016-11-23"));
    CU_ASSERT_EQUAL_FATAL(w->n_permitted_by, 1);
    CU_ASSERT_STRING_EQUAL(w->permitted_by[0].name, "gsomia-direct");
    CU_ASSERT_EQUAL(acc_diff_exit_code(r, false, false), 0);
    CU_ASSERT_EQUAL(acc_diff_exit_code(r, true, false), 1);
    CU_ASSERT_EQUAL(acc_diff_exit_code(r, false, true), 1);
    acc_diff_result_free(r);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
}

static void test_diff__gsomia_json_class_is_the_spec_example(void)
{
    acc_ruleset *old_rs = tisa(), *new_rs = amended(gsomia);
    acc_diff_result *r = run_diff(old_rs, new_rs);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_report_options o = { .format = ACC_FORMAT_JSON };
    CU_ASSERT_EQUAL(acc_diff_write(f, r, &o), ACC_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"command\": \"diff\",\n  \"old\": \"TISA-2014\",\n"
                                       "  \"new\": \"GSOMIA-2016\",\n  \"equivalent\": false,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf,
        "\"class\": {\n"
        "        \"time\": [\n"
        "          {\n"
        "            \"min\": \"2016-11-23T00:00:00Z\",\n"
        "            \"max\": null\n"
        "          }\n"
        "        ],\n"
        "        \"from\": [\n"
        "          \"KR\"\n"
        "        ],\n"
        "        \"to\": [\n"
        "          \"JP\"\n"
        "        ],\n"
        "        \"topic\": [\n"
        "          \"nk-nuclear\",\n"
        "          \"nk-missile\"\n"
        "        ],\n"
        "        \"originator\": [\n"
        "          \"KR\"\n"
        "        ]\n"
        "      },"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"rules\": [\n        \"gsomia-direct\"\n      ],"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"newly_forbidden\": [],"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"name\": \"no-direct\",\n      \"source\": \"old\",\n"
                                       "      \"kind\": \"transfer\",\n"
                                       "      \"status\": \"violated\","));
    free(buf);
    acc_diff_result_free(r);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
}

static void test_diff__same_rules_are_equivalent(void)
{
    acc_ruleset *a = tisa(), *b = tisa();
    acc_diff_result *r = run_diff(a, b);
    CU_ASSERT_TRUE(r->equivalent);
    CU_ASSERT_EQUAL(r->n_newly_permitted + r->n_newly_forbidden, 0);
    CU_ASSERT_EQUAL(r->n_invariants, 4);             /* nothing removed or replaced */
    CU_ASSERT_EQUAL(acc_diff_exit_code(r, true, true), 0);
    acc_diff_result_free(r);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_diff__restatement_is_equivalent_and_rewording_is_not_a_replacement(void)
{
    /* a new citation and extra parentheses: the same invariant; a rewritten expression
     * (not <) is a replacement even though it means the same */
    acc_ruleset *a = tisa(), *b = amended(
        "amendment R1 to TISA-2014 { title \"r\" effective 2015-06-01 }\n"
        "invariant scope \"restated\" on transfer: ((topic in {nk-nuclear, nk-missile}));\n"
        "invariant in-force \"restated\" on transfer: not (time < 2014-12-29);\n"
        "rule art1-scope forbid transfer when not (topic == nk-nuclear or topic == nk-missile);\n");
    acc_diff_result *r = run_diff(a, b);
    CU_ASSERT_TRUE(r->equivalent);
    CU_ASSERT_EQUAL_FATAL(r->n_invariants, 5);
    CU_ASSERT_STRING_EQUAL(r->invariants[4].name, "in-force");
    CU_ASSERT_TRUE(r->invariants[4].from_old);
    CU_ASSERT_EQUAL(r->invariants[4].status, ACC_INV_PROVEN);
    acc_diff_result_free(r);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_diff__a_new_topic_is_newly_permitted_without_blocking_rules(void)
{
    acc_ruleset *a = tisa(), *b = shipped_amendment("rules/amendments/missile-warning-2023.accord");
    acc_diff_result *r = run_diff(a, b);
    CU_ASSERT_EQUAL(r->n_newly_forbidden, 0);
    size_t requests = 0, transfers = 0;
    for (size_t i = 0; i < r->n_newly_permitted; i++) {
        const acc_diff_class *c = &r->newly_permitted[i];
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_TOPIC), "nk-missile-warning");
        CU_ASSERT_STRING_EQUAL(c->witness.topic, "nk-missile-warning");
        CU_ASSERT_EQUAL(c->witness.n_forbidden_by, 0);
        requests += c->kind == ACC_KIND_REQUEST;
        transfers += c->kind == ACC_KIND_TRANSFER;
        if (c->kind == ACC_KIND_REQUEST) {
            CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_FROM), "KR,JP");
            CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_TO), "US");
            CU_ASSERT_STRING_EQUAL(class_field(c, ACC_FIELD_TIME, NULL) ? "time" : "*", "*");
        } else {
            const acc_class_field *t = class_field(c, ACC_FIELD_TIME, NULL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(t);
            CU_ASSERT_EQUAL(t->intervals[0].min, date("2023-12-19"));
        }
    }
    CU_ASSERT_EQUAL(requests, 1);
    CU_ASSERT_EQUAL(transfers, 4);
    /* OLD's scope and mutual-approval were replaced and no longer hold */
    CU_ASSERT_EQUAL_FATAL(r->n_invariants, 6);
    CU_ASSERT_STRING_EQUAL(r->invariants[4].name, "scope");
    CU_ASSERT_EQUAL(r->invariants[4].status, ACC_INV_VIOLATED);
    CU_ASSERT_STRING_EQUAL(r->invariants[4].witness->topic, "nk-missile-warning");
    CU_ASSERT_STRING_EQUAL(r->invariants[5].name, "mutual-approval");
    CU_ASSERT_EQUAL(r->invariants[5].status, ACC_INV_VIOLATED);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(r->invariants[i].status, ACC_INV_PROVEN);
    acc_diff_result_free(r);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_diff__level_cap_newly_forbids_top_secret_relays(void)
{
    acc_ruleset *a = tisa(), *b = shipped_amendment("rules/amendments/level-cap-2017.accord");
    acc_diff_result *r = run_diff(a, b);
    CU_ASSERT_EQUAL(r->n_newly_permitted, 0);
    size_t transfers = 0;
    for (size_t i = 0; i < r->n_newly_forbidden; i++) {
        const acc_diff_class *c = &r->newly_forbidden[i];
        if (c->kind == ACC_KIND_REQUEST) {
            CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_TOPIC), "nk-conventional,other");
            CU_ASSERT_STRING_EQUAL(c->rules[0].name, "art2-requests");
            continue;
        }
        transfers++;
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_LEVEL), "TOP-SECRET");
        CU_ASSERT_STRING_EQUAL(values(c, ACC_FIELD_FROM), "US");
        CU_ASSERT_EQUAL(class_field(c, ACC_FIELD_TIME, NULL)->intervals[0].min,
                        date("2017-01-01"));
        CU_ASSERT_EQUAL_FATAL(c->n_rules, 1);
        CU_ASSERT_STRING_EQUAL(c->rules[0].name, "art3-relay");
        CU_ASSERT_EQUAL_FATAL(c->witness.n_forbidden_by, 1);
        CU_ASSERT_STRING_EQUAL(c->witness.forbidden_by[0].name, "relay-level-cap");
        CU_ASSERT_TRUE(class_field(c, ACC_FIELD_COUNT, "approved")->fact_value);
    }
    CU_ASSERT_EQUAL(transfers, 2);
    CU_ASSERT_EQUAL(r->n_newly_forbidden, 3);
    acc_diff_result_free(r);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

static void test_diff__a_redefined_fact_gets_two_names(void)
{
    acc_ruleset *a = tisa(), *b = amended(
        "amendment SHORT to TISA-2014 { title \"s\" effective 2015-01-01 }\n"
        "fact approved on transfer = latest approval(from = originator, to = to, item = item)\n"
        "  has decision == granted within 30 days;\n");
    acc_diff_result *r = run_diff(a, b);
    CU_ASSERT_EQUAL_FATAL(r->n_newly_permitted, 2);
    CU_ASSERT_EQUAL_FATAL(r->n_newly_forbidden, 2);
    for (size_t i = 0; i < 2; i++) {
        const acc_diff_class *np = &r->newly_permitted[i], *nf = &r->newly_forbidden[i];
        CU_ASSERT_TRUE(class_field(np, ACC_FIELD_COUNT, "approved@new")->fact_value);
        CU_ASSERT_FALSE(class_field(np, ACC_FIELD_COUNT, "approved@old")->fact_value);
        CU_ASSERT_FALSE(class_field(nf, ACC_FIELD_COUNT, "approved@new")->fact_value);
        CU_ASSERT_TRUE(class_field(nf, ACC_FIELD_COUNT, "approved@old")->fact_value);
        CU_ASSERT_STRING_EQUAL(np->rules[0].name, "art3-relay");
        CU_ASSERT_EQUAL(np->witness.n_facts, 4);      /* requested, received, both approved */
    }
    acc_diff_result_free(r);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
}

/* The classes of each list cover the region exactly: every box lies in the region (within
 * the universe), and no event of the region lies outside every box. */
static void assert_classes_exact(const acc_ruleset *a, const acc_ruleset *b)
{
    acc_diff_result *r = run_diff(a, b);
    smt_space s;
    smt_enc enc;
    CU_ASSERT_EQUAL_FATAL(smt_space_init_diff(&s, a, b), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(smt_enc_init(&enc, &s, 0), ACC_OK);
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        for (int np = 0; np < 2; np++) {
            const acc_diff_class *cs = np ? r->newly_permitted : r->newly_forbidden;
            size_t n = np ? r->n_newly_permitted : r->n_newly_forbidden;
            Z3_ast outside, inside = acc_diff_region(&enc, (acc_kind)k, np, &outside);
            Z3_ast boxes[64];
            unsigned nb = 0;
            for (size_t i = 0; i < n && nb < 64; i++) {
                if (cs[i].kind != (acc_kind)k)
                    continue;
                boxes[nb] = acc_diff_class_formula(&enc, &cs[i]);
                smt_answer ans;
                CU_ASSERT_EQUAL(smt_enc_check(&enc, smt_enc_and2(&enc, boxes[nb], outside),
                                              (acc_kind)k, &ans, NULL, NULL), ACC_OK);
                CU_ASSERT_EQUAL(ans, SMT_UNSAT);       /* the box lies in the region */
                nb++;
            }
            smt_answer ans;
            Z3_ast uncovered = smt_enc_and2(&enc, inside,
                                            smt_enc_not(&enc, smt_enc_or(&enc, nb, boxes)));
            CU_ASSERT_EQUAL(smt_enc_check(&enc, uncovered, (acc_kind)k, &ans, NULL, NULL), ACC_OK);
            CU_ASSERT_EQUAL(ans, SMT_UNSAT);           /* nothing of the region is left out */
        }
    smt_enc_fini(&enc);
    smt_space_fini(&s);
    acc_diff_result_free(r);
}

static void test_diff__classes_cover_each_region_exactly(void)
{
    static const char *const amendments[] = { "rules/amendments/gsomia-2016.accord",
                                              "rules/amendments/level-cap-2017.accord",
                                              "rules/amendments/missile-warning-2023.accord",
                                              "rules/amendments/refactor-2015.accord" };
    acc_ruleset *base = tisa();
    for (size_t i = 0; i < 4; i++) {
        acc_ruleset *b = shipped_amendment(amendments[i]);
        assert_classes_exact(base, b);
        assert_classes_exact(b, base);                 /* and the way back */
        acc_ruleset_free(b);
    }
    acc_ruleset_free(base);
}

static void test_diff__unrelated_rule_files_unify_members_by_name(void)
{
    test_diags d = { 0 };
    acc_ruleset *a = test_compile("a.accord",
        "accord A { title \"a\" effective 2020-01-01 }\n"
        "parties { X Y } topics { t } levels { lo < hi }\n"
        "rule p permit request when from == X;\n", &d);
    acc_ruleset *b = test_compile("b.accord",
        "accord B { title \"b\" effective 2020-01-01 }\n"
        "parties { Z X } topics { t } levels { lo < hi }\n"
        "rule p permit request when from == X or from == Z;\n", &d);
    CU_ASSERT_EQUAL(d.errors, 0);
    acc_diff_result *r = run_diff(a, b);
    /* Z exists only in B: requests from or to Z are newly permitted; Y only in A: the
     * request from X to Y no longer exists, so it is newly forbidden */
    CU_ASSERT_EQUAL(r->n_newly_permitted, 2);
    for (size_t i = 0; i < r->n_newly_permitted; i++) {
        const acc_diff_class *c = &r->newly_permitted[i];
        CU_ASSERT_TRUE(strcmp(c->witness.from, "Z") == 0 || strcmp(c->witness.to, "Z") == 0);
        CU_ASSERT_TRUE(strcmp(values(c, ACC_FIELD_FROM), "Z") == 0 ||
                       strcmp(values(c, ACC_FIELD_TO), "Z") == 0);
    }
    CU_ASSERT_EQUAL_FATAL(r->n_newly_forbidden, 1);
    CU_ASSERT_STRING_EQUAL(values(&r->newly_forbidden[0], ACC_FIELD_FROM), "X");
    CU_ASSERT_STRING_EQUAL(values(&r->newly_forbidden[0], ACC_FIELD_TO), "Y");
    CU_ASSERT_EQUAL(r->newly_forbidden[0].witness.n_forbidden_by, 0);
    acc_diff_result_free(r);
    assert_classes_exact(a, b);
    acc_ruleset_free(a);
    acc_ruleset_free(b);
    test_diags_free(&d);
}

static void test_diff__text_output_reads_like_a_plan(void)
{
    acc_ruleset *old_rs = tisa(), *new_rs = amended(gsomia);
    acc_diff_result *r = run_diff(old_rs, new_rs);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(acc_diff_write(f, r, NULL), ACC_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "diff TISA-2014 -> GSOMIA-2016\n"
                                       "  transfer newly permitted (2 classes):\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "    + time>=2016-11-23T00:00:00Z from=KR to=JP "
                                       "topic={nk-nuclear,nk-missile} originator=KR\n"
                                       "    permitted by gsomia-direct (amend.accord:5:6)\n"
                                       "    e.g. transfer time="));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  invariant no-direct (of the old rules, removed or "
                                       "replaced) on transfer: violated\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "  summary: 2 newly permitted classes, 0 newly forbidden "
                                       "classes; 0 invariants of GSOMIA-2016 violated\n"));
    free(buf);
    acc_diff_result_free(r);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
}

int main(void)
{
    static const test_case tests[] = {
        { "gsomia_newly_permits_two_exact_classes",
          test_diff__gsomia_newly_permits_two_exact_classes },
        { "gsomia_invariants_new_hold_old_no_direct_breaks",
          test_diff__gsomia_invariants_new_hold_old_no_direct_breaks },
        { "gsomia_json_class_is_the_spec_example",
          test_diff__gsomia_json_class_is_the_spec_example },
        { "same_rules_are_equivalent", test_diff__same_rules_are_equivalent },
        { "restatement_is_equivalent_and_rewording_is_not_a_replacement",
          test_diff__restatement_is_equivalent_and_rewording_is_not_a_replacement },
        { "a_new_topic_is_newly_permitted_without_blocking_rules",
          test_diff__a_new_topic_is_newly_permitted_without_blocking_rules },
        { "level_cap_newly_forbids_top_secret_relays",
          test_diff__level_cap_newly_forbids_top_secret_relays },
        { "a_redefined_fact_gets_two_names", test_diff__a_redefined_fact_gets_two_names },
        { "classes_cover_each_region_exactly", test_diff__classes_cover_each_region_exactly },
        { "unrelated_rule_files_unify_members_by_name",
          test_diff__unrelated_rule_files_unify_members_by_name },
        { "text_output_reads_like_a_plan", test_diff__text_output_reads_like_a_plan },
        { NULL, NULL } };
    return test_run_suite("diff", tests);
}
