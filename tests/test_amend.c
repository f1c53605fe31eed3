/*
 * test_amend.c - amendments (amend.c) and building rule sets from several files: replace
 * in place, append, remove, the errors of removing and redefining, enumeration
 * extensions, chains of amendments and their `to`, where diagnostics point, the shipped
 * GSOMIA amendment, large generated rule sets, and failure injection on every allocation
 * of parsing and building.
 */
#include "test_support.h"

#include "alloc.h"
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BASE \
    "accord T { title \"base\" effective 2014-12-29 }\n" \
    "parties { KR JP US }\ntopics { a b }\nlevels { L < H }\n" \
    "fact f on transfer = once request(from = to);\n" \
    "fact g on transfer = once approval(item = item);\n" \
    "rule r1 permit transfer when f;\n" \
    "rule r2 \"two\" permit request;\n" \
    "rule r3 forbid transfer when topic == b;\n" \
    "invariant i1 on transfer: topic == a;\n" \
    "invariant i2 on request: from != to;\n" \
    "assume s1 on transfer: true;\n"

#define AMEND(name, to) \
    "amendment " name " to " to " { title \"" name " title\" effective 2016-11-23 }\n"

/* Parses texts[i] as paths[i] and builds a rule set; diagnostics must equal `expected`. */
static acc_ruleset *build(const char *const *paths, const char *const *texts, size_t n,
                          const char *expected)
{
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *files[8] = { 0 };
    acc_ruleset *rs = NULL;
    size_t parsed = 0;
    for (; parsed < n; parsed++)
        if (acc_file_parse(&files[parsed], paths[parsed], texts[parsed], strlen(texts[parsed]),
                           &sink) != ACC_OK)
            break;
    if (parsed == n && acc_ruleset_build(&rs, files, n, &sink) != ACC_OK)
        rs = NULL;
    for (size_t i = 0; i < parsed; i++)
        acc_file_free(files[i]);
    CU_ASSERT_TRUE(test_diags_match(&diags, expected));
    CU_ASSERT_EQUAL(rs == NULL, expected[0] != '\0');
    test_diags_free(&diags);
    return rs;
}

static acc_ruleset *amend(const char *amendment, const char *expected)
{
    static const char *const paths[] = { "base.accord", "amend.accord" };
    const char *texts[] = { BASE, amendment };
    return build(paths, texts, 2, expected);
}

/* The names of a rule set's rules, invariants, assumptions or facts, space-separated. */
static void names(char *buf, size_t size, const acc_ruleset *rs, size_t (*count)(const acc_ruleset *),
                  const char *(*name)(const acc_ruleset *, size_t))
{
    buf[0] = '\0';
    for (size_t i = 0; i < count(rs); i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? " " : "", name(rs, i));
    }
}

#define ASSERT_NAMES(rs, what, expected) do { \
        char buf_[512]; \
        names(buf_, sizeof buf_, rs, acc_ruleset_##what##_count, acc_ruleset_##what##_name); \
        CU_ASSERT_STRING_EQUAL(buf_, expected); \
    } while (0)

static void test_amend__replacement_keeps_its_place(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "rule r2 \"new two\" forbid request when from == KR;\n"
                            "invariant i1 on transfer: topic != b;\n"
                            "fact f on transfer = once request(to = to);\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ASSERT_NAMES(rs, rule, "r1 r2 r3");
    ASSERT_NAMES(rs, invariant, "i1 i2");
    ASSERT_NAMES(rs, fact, "f g");
    CU_ASSERT_STRING_EQUAL(rs->rules[1].citation, "new two");
    CU_ASSERT_TRUE(rs->rules[1].forbid);
    CU_ASSERT_EQUAL(rs->rules[1].span.source, 1);
    CU_ASSERT_EQUAL(rs->rules[0].span.source, 0);
    CU_ASSERT_EQUAL(rs->invariants[0].expr->u.cmp.op, ACC_CMP_NE);
    CU_ASSERT_EQUAL(rs->facts[0].bindings[0].src_field, ACC_FIELD_TO);
    /* The base rule r1 now refers to the replaced fact, still index 0. */
    CU_ASSERT_EQUAL(rs->rules[0].cond->u.fact, 0);
    acc_ruleset_free(rs);
}

static void test_amend__new_names_come_after_the_base(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "rule r0 permit approval;\n"
                            "invariant i0 on approval: true;\n"
                            "assume s0 on approval: true;\n"
                            "fact e on approval = once request();\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ASSERT_NAMES(rs, rule, "r1 r2 r3 r0");
    ASSERT_NAMES(rs, invariant, "i1 i2 i0");
    ASSERT_NAMES(rs, assumption, "s1 s0");
    ASSERT_NAMES(rs, fact, "f g e");
    CU_ASSERT_EQUAL(rs->rules[3].span.source, 1);
    acc_ruleset_free(rs);
}

static void test_amend__the_amended_set_takes_the_amendment_header(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T"), "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_name(rs), "A");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_base_name(rs), "T");
    CU_ASSERT_STRING_EQUAL(rs->title, "A title");
    CU_ASSERT_EQUAL(rs->effective, 1479859200);   /* 2016-11-23 */
    CU_ASSERT_EQUAL(rs->n_accords, 2);
    CU_ASSERT_TRUE(acc_ruleset_accepts_accord(rs, "T"));
    CU_ASSERT_TRUE(acc_ruleset_accepts_accord(rs, "A"));
    CU_ASSERT_EQUAL(rs->n_sources, 2);
    CU_ASSERT_STRING_EQUAL(rs->sources[1].path, "amend.accord");
    CU_ASSERT_EQUAL(rs->sources[0].len, strlen(BASE));
    CU_ASSERT_EQUAL(memcmp(rs->sources[0].text, BASE, strlen(BASE)), 0);
    acc_ruleset_free(rs);
}

static void test_amend__removes_each_kind_of_declaration(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "remove rule r2;\nremove invariant i1;\nremove assume s1;\n"
                            "remove fact g;\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    ASSERT_NAMES(rs, rule, "r1 r3");
    ASSERT_NAMES(rs, invariant, "i2");
    ASSERT_NAMES(rs, assumption, "");
    ASSERT_NAMES(rs, fact, "f");
    acc_ruleset_free(rs);
}

static void test_amend__reports_removing_what_is_not_there(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "remove rule r9;\nremove invariant r1;\nremove fact f;\nremove fact f;\n",
                            "base.accord:7:30: error: 'f' is not a declared fact\n"
                            "amend.accord:2:13: error: cannot remove rule 'r9': 'T' has no such "
                            "rule\n"
                            "amend.accord:3:18: error: cannot remove invariant 'r1': 'T' has no "
                            "such invariant\n"
                            "amend.accord:5:13: error: fact 'f' is removed twice\n");
    acc_ruleset_free(rs);
}

static void test_amend__reports_removing_and_defining_one_name(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "remove rule r1;\n"
                            "rule r1 permit transfer;\n"
                            "remove assume s1;\n"
                            "assume s1 on request: true;\n",
                            "amend.accord:2:13: error: amendment 'A' both removes and defines rule "
                            "'r1'\n"
                            "amend.accord:4:15: error: amendment 'A' both removes and defines "
                            "assumption 's1'\n");
    acc_ruleset_free(rs);
}

static void test_amend__reports_duplicates_within_one_amendment(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "rule n permit request;\nrule n forbid request;\n",
                            "amend.accord:3:6: error: duplicate rule 'n' (first defined at "
                            "amend.accord:2:6)\n");
    acc_ruleset_free(rs);
}

static void test_amend__rejects_levels_in_an_amendment(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T") "levels { L < M < H }\n",
                            "amend.accord:2:1: error: an amendment cannot change 'levels'\n");
    acc_ruleset_free(rs);
}

static void test_amend__extends_parties_and_topics(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "topics { a \"re-listed: no change\" cyber \"new\" }\n"
                            "parties { CN }\n"
                            "rule c permit transfer when topic == cyber and to == CN;\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(acc_ruleset_member_count(rs, ACC_TYPE_TOPIC), 3);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_member_name(rs, ACC_TYPE_TOPIC, 2), "cyber");
    CU_ASSERT_STRING_EQUAL(rs->topics.descriptions[2], "new");
    CU_ASSERT_PTR_NULL(rs->topics.descriptions[0]);
    CU_ASSERT_EQUAL(acc_ruleset_member_find(rs, ACC_TYPE_PARTY, "CN", 2), 3);
    CU_ASSERT_EQUAL(acc_ruleset_member_count(rs, ACC_TYPE_LEVEL), 2);
    acc_ruleset_free(rs);
}

static void test_amend__reports_new_members_that_clash_with_another_enumeration(void)
{
    acc_ruleset *rs = amend(AMEND("A", "T") "topics { KR c c }\nparties { H }\n",
                            "amend.accord:2:10: error: 'KR' is already declared as a party at "
                            "base.accord:2:11 (a name cannot be both a party and a topic)\n"
                            "amend.accord:2:15: error: duplicate topic 'c' (first declared at "
                            "amend.accord:2:13)\n"
                            "amend.accord:3:11: error: 'H' is already declared as a level at "
                            "base.accord:4:14 (a name cannot be both a level and a party)\n");
    acc_ruleset_free(rs);
}

static void test_amend__applies_chained_amendments_in_order(void)
{
    static const char *const paths[] = { "base.accord", "a.accord", "b.accord" };
    const char *texts[] = {
        BASE,
        AMEND("A", "T") "rule r4 permit approval;\nremove rule r1;\n",
        AMEND("B", "A") "rule r4 forbid approval;\nrule r1 permit transfer;\nremove rule r2;\n",
    };
    acc_ruleset *rs = build(paths, texts, 3, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    /* r1 was removed by A and defined again by B: it is new, so it comes last. */
    ASSERT_NAMES(rs, rule, "r3 r4 r1");
    CU_ASSERT_TRUE(rs->rules[1].forbid);
    CU_ASSERT_EQUAL(rs->rules[1].span.source, 2);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_name(rs), "B");
    CU_ASSERT_STRING_EQUAL(rs->accords[0], "T");
    CU_ASSERT_STRING_EQUAL(rs->accords[1], "A");
    CU_ASSERT_STRING_EQUAL(rs->accords[2], "B");
    acc_ruleset_free(rs);
    /* An amendment to the base may follow another amendment to the base. */
    texts[2] = AMEND("B", "T");
    rs = build(paths, texts, 3, "");
    CU_ASSERT_PTR_NOT_NULL(rs);
    acc_ruleset_free(rs);
}

static void test_amend__reports_an_amendment_to_an_accord_not_applied_before(void)
{
    static const char *const paths[] = { "base.accord", "b.accord", "a.accord" };
    const char *texts[] = { BASE, AMEND("B", "A"), AMEND("A", "X") };
    acc_ruleset *rs = build(paths, texts, 3,
                            "b.accord:1:16: error: amendment 'B' is to 'A', which is neither the "
                            "base accord 'T' nor an amendment applied before it\n"
                            "a.accord:1:16: error: amendment 'A' is to 'X', which is neither the "
                            "base accord 'T' nor an amendment applied before it\n");
    acc_ruleset_free(rs);
}

static void test_amend__reports_files_in_the_wrong_role(void)
{
    static const char *const paths[] = { "a.accord", "base.accord", "a2.accord" };
    const char *texts[] = { AMEND("A", "T"), BASE, AMEND("A", "T") };
    acc_ruleset *rs = build(paths, texts, 3,
                            "a.accord:1:11: error: 'A' is an amendment (to 'T'); the first file "
                            "must be a base accord\n"
                            "base.accord:1:8: error: 'T' is a base accord, not an amendment; only "
                            "the first file may be a base accord\n"
                            "a2.accord:1:11: error: accord 'A' is already part of this rule set\n");
    acc_ruleset_free(rs);
}

static void test_amend__points_type_errors_into_the_file_that_has_them(void)
{
    /* The amendment changes fact f's kind: the base rule that uses it is now wrong, and
     * the message points into the base; the amendment's own error into the amendment. */
    acc_ruleset *rs = amend(AMEND("A", "T")
                            "fact f on request = once request();\n"
                            "rule r4 permit transfer when from == a;\n",
                            "base.accord:7:30: error: fact 'f' is on request events, not transfer "
                            "events\n"
                            "amend.accord:3:30: error: cannot compare party with topic\n");
    acc_ruleset_free(rs);
}

static void test_amend__applies_the_shipped_gsomia_amendment(void)
{
    static const char *const paths[] = { "rules/tisa-2014.accord",
                                         "rules/amendments/gsomia-2016.accord" };
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile_files(paths, 2, &diags);
    CU_ASSERT_STRING_EQUAL(diags.text ? diags.text : "", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_name(rs), "GSOMIA-2016");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_base_name(rs), "TISA-2014");
    ASSERT_NAMES(rs, rule, "entry-into-force art1-scope art2-requests art3-provide art3-relay "
                           "art3-approve gsomia-direct");
    ASSERT_NAMES(rs, invariant, "no-direct scope mutual-approval in-force");
    CU_ASSERT_EQUAL(rs->invariants[0].span.source, 1);
    CU_ASSERT_EQUAL(rs->invariants[1].span.source, 0);
    CU_ASSERT_EQUAL(rs->invariants[0].expr->op, ACC_X_IMPLIES);
    acc_ruleset_free(rs);
    test_diags_free(&diags);
}

/* A base with n rules, invariants and facts, and an amendment replacing half of each
 * and adding as many again. */
static void generate(char **base, char **amendment, int n)
{
    size_t cap = (size_t)n * 400 + 1024;
    char *b = malloc(cap), *a = malloc(cap), *p = b, *q = a;
    CU_ASSERT_TRUE_FATAL(b && a);
    p += sprintf(p, "accord BIG { title \"big\" effective 2014-12-29 }\n"
                    "parties { KR JP US }\ntopics { a b }\nlevels { L < H }\n");
    q += sprintf(q, AMEND("BIG-2", "BIG"));
    for (int i = 0; i < n; i++) {
        p += sprintf(p, "fact f%d on transfer = once request(from = to) within %d days;\n"
                        "rule r%d permit transfer when from in {KR, JP} and to == US and f%d;\n"
                        "invariant i%d on transfer: f%d implies topic != b;\n", i, i + 1, i, i,
                     i, i);
        if (i % 2 == 0)
            q += sprintf(q, "rule r%d forbid transfer when f%d;\n", i, i);
        q += sprintf(q, "rule n%d permit request when from == JP;\n", i);
    }
    *base = b;
    *amendment = a;
}

static void test_amend__builds_large_rule_sets_in_linear_time(void)
{
    static const char *const paths[] = { "big.accord", "big-2.accord" };
    char *texts[2];
    generate(&texts[0], &texts[1], 20000);
    clock_t start = clock();
    acc_ruleset *rs = build(paths, (const char *const *)texts, 2, "");
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(acc_ruleset_rule_count(rs), 40000);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_rule_name(rs, 19999), "r19999");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_rule_name(rs, 20000), "n0");
    CU_ASSERT_TRUE(rs->rules[0].forbid);
    CU_ASSERT_FALSE(rs->rules[1].forbid);
    CU_ASSERT_EQUAL(acc_ruleset_fact_count(rs), 20000);
    /* 120,000 declarations: a quadratic name lookup would take minutes, not seconds. */
    CU_ASSERT_TRUE(seconds < 10.0);
    acc_ruleset_free(rs);
    free(texts[0]);
    free(texts[1]);
}

/* Parses and builds base + amendment with the nth allocation failing (0: none); the
 * number of allocations made goes to *allocs. */
static int parse_and_build(const char *base, const char *amendment, unsigned long nth,
                           unsigned long *allocs)
{
    acc_file *files[2] = { NULL, NULL };
    acc_ruleset *rs = NULL;
    int status;
    acc_alloc_fail_at(nth);
    if ((status = acc_file_parse(&files[0], "b.accord", base, strlen(base), NULL)) == ACC_OK &&
        (status = acc_file_parse(&files[1], "a.accord", amendment, strlen(amendment), NULL)) ==
            ACC_OK)
        status = acc_ruleset_build(&rs, files, 2, NULL);
    *allocs = acc_alloc_count();
    acc_alloc_fail_at(0);
    acc_ruleset_free(rs);
    acc_file_free(files[0]);
    acc_file_free(files[1]);
    return status;
}

/* Fails each allocation of parsing and building in turn (the run without failures must
 * end with clean_status); returns how many runs did not end with ACC_ENOMEM. */
static unsigned long fail_each_allocation(const char *amendment, int clean_status)
{
    unsigned long total, allocs, unexpected = 0;
    CU_ASSERT_EQUAL_FATAL(parse_and_build(BASE, amendment, 0, &total), clean_status);
    CU_ASSERT_TRUE(total > 10);
    for (unsigned long nth = 1; nth <= total; nth++) {
        int status = parse_and_build(BASE, amendment, nth, &allocs);
        unexpected += status != ACC_ENOMEM;
    }
    return unexpected;
}

static void test_amend__survives_every_allocation_failure(void)
{
    static const char amendment[] = AMEND("A", "T") "topics { c }\nrule r2 forbid request;\n"
                                    "remove rule r3;\nrule r9 permit transfer when g;\n";
    /* Every single failure is reported as out of memory (and leaks nothing: ASan). */
    CU_ASSERT_EQUAL(fail_each_allocation(amendment, ACC_OK), 0);
}

static void test_amend__reports_allocation_failures_while_reporting_errors(void)
{
    /* With errors to report, a failure (in the diagnostic buffer too) is still ENOMEM. */
    static const char bad[] = AMEND("A", "T") "rule r2 forbid request when from == a;\n"
                              "remove rule r7;\n";
    CU_ASSERT_EQUAL(fail_each_allocation(bad, ACC_EINPUT), 0);
}

int main(void)
{
    static const test_case tests[] = {
        { "replacement_keeps_its_place", test_amend__replacement_keeps_its_place },
        { "new_names_come_after_the_base", test_amend__new_names_come_after_the_base },
        { "the_amended_set_takes_the_amendment_header",
          test_amend__the_amended_set_takes_the_amendment_header },
        { "removes_each_kind_of_declaration", test_amend__removes_each_kind_of_declaration },
        { "reports_removing_what_is_not_there", test_amend__reports_removing_what_is_not_there },
        { "reports_removing_and_defining_one_name",
          test_amend__reports_removing_and_defining_one_name },
        { "reports_duplicates_within_one_amendment",
          test_amend__reports_duplicates_within_one_amendment },
        { "rejects_levels_in_an_amendment", test_amend__rejects_levels_in_an_amendment },
        { "extends_parties_and_topics", test_amend__extends_parties_and_topics },
        { "reports_new_members_that_clash_with_another_enumeration",
          test_amend__reports_new_members_that_clash_with_another_enumeration },
        { "applies_chained_amendments_in_order", test_amend__applies_chained_amendments_in_order },
        { "reports_an_amendment_to_an_accord_not_applied_before",
          test_amend__reports_an_amendment_to_an_accord_not_applied_before },
        { "reports_files_in_the_wrong_role", test_amend__reports_files_in_the_wrong_role },
        { "points_type_errors_into_the_file_that_has_them",
          test_amend__points_type_errors_into_the_file_that_has_them },
        { "applies_the_shipped_gsomia_amendment",
          test_amend__applies_the_shipped_gsomia_amendment },
        { "builds_large_rule_sets_in_linear_time",
          test_amend__builds_large_rule_sets_in_linear_time },
        { "survives_every_allocation_failure", test_amend__survives_every_allocation_failure },
        { "reports_allocation_failures_while_reporting_errors",
          test_amend__reports_allocation_failures_while_reporting_errors },
        { NULL, NULL },
    };
    return test_run_suite("amend", tests);
}
