/*
 * test_typecheck.c - name resolution and type checking (resolve.c): one test per class of
 * error with its exact message and location, the names that must resolve (facts used
 * before their declaration, equal names in different namespaces), the IR that comes out,
 * and that every error of a file is reported in one run, in source order.
 */
#include "test_support.h"

#include "ir.h"

#include <stdio.h>
#include <string.h>

#define HEADER "accord T { title \"t\" effective 2014-12-29 }\n"
#define ENUMS "parties { KR JP US }\ntopics { a b }\nlevels { L < H }\n"
/* Declarations start on line 5. */
#define PRELUDE HEADER ENUMS

/* Compiles text as t.accord and checks the diagnostics; returns the rule set (or NULL). */
static acc_ruleset *compile(const char *text, const char *expected)
{
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile("t.accord", text, &diags);
    CU_ASSERT_TRUE(test_diags_match(&diags, expected));
    CU_ASSERT_EQUAL(rs == NULL, expected[0] != '\0');
    test_diags_free(&diags);
    return rs;
}

static void assert_rejected(const char *text, const char *expected)
{
    acc_ruleset *rs = compile(text, expected);
    CU_ASSERT_PTR_NULL(rs);
    acc_ruleset_free(rs);
}

static void test_typecheck__reports_undeclared_names(void)
{
    assert_rejected(PRELUDE "rule r permit transfer when from == CN;\n"
                            "invariant i on transfer: topic in {a, cyber};\n",
                    "t.accord:5:37: error: 'CN' is not a declared party, topic, level, fact or "
                    "decision\n"
                    "t.accord:6:39: error: 'cyber' is not a declared party, topic, level, fact "
                    "or decision\n");
}

static void test_typecheck__reports_fields_the_kind_lacks(void)
{
    assert_rejected(PRELUDE "rule r permit transfer when decision == granted;\n"
                            "invariant i on request: level == H;\n"
                            "assume s on approval: originator == KR;\n"
                            "fact f on transfer = latest approval() has topic == a;\n",
                    "t.accord:5:29: error: field 'decision' does not exist on transfer events\n"
                    "t.accord:6:25: error: field 'level' does not exist on request events\n"
                    "t.accord:7:23: error: field 'originator' does not exist on approval events\n"
                    "t.accord:8:44: error: field 'topic' does not exist on approval events\n");
}

static void test_typecheck__reports_binding_fields_the_kinds_lack(void)
{
    /* The left side is the earlier entry's field (approval has no topic), the right side
     * the current event's (request has a topic but no item). */
    assert_rejected(PRELUDE "fact f on request = once approval(topic = topic, item = item);\n",
                    "t.accord:5:35: error: field 'topic' does not exist on approval events\n"
                    "t.accord:5:57: error: field 'item' does not exist on request events\n");
}

static void test_typecheck__reports_comparisons_across_types(void)
{
    assert_rejected(PRELUDE "rule r1 permit transfer when from == a;\n"
                            "rule r2 permit transfer when time != H;\n"
                            "rule r3 permit approval when decision == KR;\n"
                            "rule r4 permit transfer when level < 2014-12-29;\n",
                    "t.accord:5:30: error: cannot compare party with topic\n"
                    "t.accord:6:30: error: cannot compare time with level\n"
                    "t.accord:7:30: error: cannot compare decision with party\n"
                    "t.accord:8:30: error: cannot compare level with time\n");
}

static void test_typecheck__reports_ordering_of_unordered_types(void)
{
    assert_rejected(PRELUDE "rule r1 permit transfer when from < JP;\n"
                            "rule r2 permit transfer when topic >= a;\n"
                            "rule r3 permit approval when decision > denied;\n"
                            "rule r4 permit transfer when KR <= US;\n",
                    "t.accord:5:30: error: '<' needs levels or times, not parties\n"
                    "t.accord:6:30: error: '>=' needs levels or times, not topics\n"
                    "t.accord:7:30: error: '>' needs levels or times, not decisions\n"
                    "t.accord:8:30: error: '<=' needs levels or times, not parties\n");
}

static void test_typecheck__reports_set_members_of_another_type(void)
{
    assert_rejected(PRELUDE "rule r permit transfer when from in {KR, a, H};\n",
                    "t.accord:5:42: error: set member 'a' is a topic, not a party\n"
                    "t.accord:5:45: error: set member 'H' is a level, not a party\n");
}

static void test_typecheck__keeps_item_inside_fact_bindings(void)
{
    assert_rejected(PRELUDE "rule r permit transfer when item == item;\n"
                            "invariant i on approval: item in {item};\n"
                            "fact f on transfer = latest approval(item = item) has item == item;\n",
                    "t.accord:5:29: error: 'item' may only appear in a fact's bindings\n"
                    "t.accord:5:37: error: 'item' may only appear in a fact's bindings\n"
                    "t.accord:6:26: error: 'item' may only appear in a fact's bindings\n"
                    "t.accord:6:35: error: 'item' may only appear in a fact's bindings\n"
                    "t.accord:7:55: error: 'item' may only appear in a fact's bindings\n"
                    "t.accord:7:63: error: 'item' may only appear in a fact's bindings\n");
}

static void test_typecheck__reports_facts_used_on_another_kind(void)
{
    assert_rejected(PRELUDE "fact f on transfer = once request();\n"
                            "rule r permit request when f;\n"
                            "invariant i on approval: not f;\n"
                            "assume s on request: f implies true;\n",
                    "t.accord:6:28: error: fact 'f' is on transfer events, not request events\n"
                    "t.accord:7:30: error: fact 'f' is on transfer events, not approval events\n"
                    "t.accord:8:22: error: fact 'f' is on transfer events, not request events\n");
}

static void test_typecheck__reports_facts_inside_has(void)
{
    assert_rejected(PRELUDE "fact f on approval = once request();\n"
                            "fact g on transfer = latest approval() has f;\n",
                    "t.accord:6:44: error: fact 'f' cannot be used inside 'has' (facts are not "
                    "computed for earlier entries)\n");
}

static void test_typecheck__reports_names_in_the_wrong_role(void)
{
    assert_rejected(PRELUDE "fact f on transfer = once request();\n"
                            "rule r1 permit transfer when KR;\n"
                            "rule r2 permit transfer when zz;\n"
                            "rule r3 permit transfer when from == f;\n",
                    "t.accord:6:30: error: 'KR' is a party, not a condition\n"
                    "t.accord:7:30: error: 'zz' is not a declared fact\n"
                    "t.accord:8:38: error: fact 'f' is a condition, not a value to compare\n");
}

static void test_typecheck__reports_binding_type_errors(void)
{
    assert_rejected(PRELUDE "fact f on transfer = once request(from = topic, to = a, from = to);\n"
                            "fact g on transfer = once transfer(time = 2014-12-29, level = KR);\n"
                            "fact h on transfer = once transfer(from = item);\n",
                    "t.accord:5:42: error: cannot bind party field 'from' to a topic\n"
                    "t.accord:5:54: error: cannot bind party field 'to' to a topic\n"
                    "t.accord:5:57: error: field 'from' is bound twice\n"
                    "t.accord:6:63: error: cannot bind level field 'level' to a party\n"
                    "t.accord:7:43: error: cannot bind party field 'from' to an item\n");
}

static void test_typecheck__reports_duplicate_declarations(void)
{
    assert_rejected(PRELUDE "fact f on transfer = once request();\n"
                            "rule r permit request;\n"
                            "invariant i on request: true;\n"
                            "assume s on request: true;\n"
                            "rule r forbid request;\n"
                            "invariant i on request: false;\n"
                            "assume s on request: false;\n"
                            "fact f on request = once request();\n",
                    "t.accord:9:6: error: duplicate rule 'r' (first defined at t.accord:6:6)\n"
                    "t.accord:10:11: error: duplicate invariant 'i' (first defined at "
                    "t.accord:7:11)\n"
                    "t.accord:11:8: error: duplicate assumption 's' (first defined at "
                    "t.accord:8:8)\n"
                    "t.accord:12:6: error: duplicate fact 'f' (first defined at t.accord:5:6)\n");
}

static void test_typecheck__reports_duplicate_members_within_and_across_enumerations(void)
{
    assert_rejected(HEADER "parties { KR JP KR }\ntopics { a KR }\nlevels { L < a < JP }\n",
                    "t.accord:2:17: error: duplicate party 'KR' (first declared at t.accord:2:11)\n"
                    "t.accord:3:12: error: 'KR' is already declared as a party at t.accord:2:11 "
                    "(a name cannot be both a party and a topic)\n"
                    "t.accord:4:14: error: 'a' is already declared as a topic at t.accord:3:10 "
                    "(a name cannot be both a topic and a level)\n"
                    "t.accord:4:18: error: 'JP' is already declared as a party at t.accord:2:14 "
                    "(a name cannot be both a party and a level)\n");
}

static void test_typecheck__reports_every_error_of_a_file_in_source_order(void)
{
    /* Found by different passes (merging, facts, rules, invariants), reported top down. */
    assert_rejected(PRELUDE "invariant i on transfer: from == a;\n"
                            "rule r permit transfer when to < US;\n"
                            "rule r permit transfer;\n"
                            "fact f on transfer = once request(topic = KR);\n",
                    "t.accord:5:26: error: cannot compare party with topic\n"
                    "t.accord:6:29: error: '<' needs levels or times, not parties\n"
                    "t.accord:7:6: error: duplicate rule 'r' (first defined at t.accord:6:6)\n"
                    "t.accord:8:43: error: cannot bind topic field 'topic' to a party\n");
}

static void test_typecheck__shows_at_most_100_errors_and_counts_the_rest(void)
{
    char text[16384] = PRELUDE;
    for (int i = 0; i < 150; i++)
        strcat(text, "rule r permit request;\n");
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile("t.accord", text, &diags);
    CU_ASSERT_PTR_NULL(rs);
    CU_ASSERT_EQUAL(diags.count, 101);
    CU_ASSERT_EQUAL(strncmp(diags.text, "t.accord:6:6: error: duplicate rule 'r' (first defined "
                                        "at t.accord:5:6)\n", 69), 0);
    const char *last = strstr(diags.text, "t.accord: error:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    CU_ASSERT_STRING_EQUAL(last, "t.accord: error: too many errors: 49 more not shown\n");
    test_diags_free(&diags);
}

static void test_typecheck__resolves_facts_declared_later_and_shared_names(void)
{
    /* One name for a rule, an invariant, an assumption and a fact: four namespaces. */
    acc_ruleset *rs = compile(PRELUDE "rule x permit transfer when x;\n"
                                      "invariant x on transfer: x;\n"
                                      "assume x on transfer: x or true;\n"
                                      "fact x on transfer = once transfer(from = to);\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(rs->n_rules, 1);
    CU_ASSERT_EQUAL(rs->n_invariants, 1);
    CU_ASSERT_EQUAL(rs->n_assumptions, 1);
    CU_ASSERT_EQUAL(rs->n_facts, 1);
    CU_ASSERT_EQUAL(rs->rules[0].cond->op, ACC_X_FACT);
    CU_ASSERT_EQUAL(rs->rules[0].cond->u.fact, 0);
    acc_ruleset_free(rs);
}

static void test_typecheck__compiles_terms_to_typed_constants_and_fields(void)
{
    acc_ruleset *rs = compile(PRELUDE "rule r permit transfer when level > L and "
                                      "time >= 2015-01-05T09:12:00Z and topic not in {b, a};\n"
                                      "rule q forbid approval when decision == revoked or "
                                      "time < 2014-12-29;\n", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    const acc_expr *c = rs->rules[0].cond;
    /* A three-operand chain is balanced as (a and (b and c)) or ((a and b) and c). */
    CU_ASSERT_EQUAL_FATAL(c->op, ACC_X_AND);
    const acc_expr *lvl = c->u.bin.a, *rest = c->u.bin.b;
    CU_ASSERT_EQUAL_FATAL(lvl->op, ACC_X_CMP);
    CU_ASSERT_EQUAL(lvl->u.cmp.op, ACC_CMP_GT);
    CU_ASSERT_TRUE(lvl->u.cmp.l.is_field);
    CU_ASSERT_EQUAL(lvl->u.cmp.l.type, ACC_TYPE_LEVEL);
    CU_ASSERT_FALSE(lvl->u.cmp.r.is_field);
    CU_ASSERT_EQUAL(lvl->u.cmp.r.value, 0);
    CU_ASSERT_EQUAL_FATAL(rest->op, ACC_X_AND);
    CU_ASSERT_EQUAL(rest->u.bin.a->u.cmp.r.value, 1420449120);
    CU_ASSERT_EQUAL(rest->u.bin.a->u.cmp.r.type, ACC_TYPE_TIME);
    const acc_expr *in = rest->u.bin.b;
    CU_ASSERT_EQUAL_FATAL(in->op, ACC_X_IN);
    CU_ASSERT_TRUE(in->u.in.negated);
    CU_ASSERT_EQUAL_FATAL(in->u.in.n, 2);
    CU_ASSERT_EQUAL(in->u.in.set[0].value, 1);
    CU_ASSERT_EQUAL(in->u.in.set[1].value, 0);
    /* Spans point at the text: the whole `in` test, in source 0. */
    CU_ASSERT_EQUAL(in->span.source, 0);
    CU_ASSERT_EQUAL(in->span.end - in->span.start, strlen("topic not in {b, a}"));
    const acc_expr *q = rs->rules[1].cond;
    CU_ASSERT_EQUAL_FATAL(q->op, ACC_X_OR);
    CU_ASSERT_EQUAL(q->u.bin.a->u.cmp.r.type, ACC_TYPE_DECISION);
    CU_ASSERT_EQUAL(q->u.bin.a->u.cmp.r.value, ACC_DECISION_REVOKED);
    CU_ASSERT_EQUAL(q->u.bin.b->u.cmp.r.value, 1419811200);
    CU_ASSERT_TRUE(rs->rules[1].forbid);
    CU_ASSERT_EQUAL(rs->rules[1].kind, ACC_KIND_APPROVAL);
    acc_ruleset_free(rs);
}

static void test_typecheck__rejects_empty_and_null_file_lists(void)
{
    acc_ruleset *rs = NULL;
    acc_file *none[1] = { NULL };
    CU_ASSERT_EQUAL(acc_ruleset_build(&rs, NULL, 0, NULL), ACC_EUSAGE);
    CU_ASSERT_EQUAL(acc_ruleset_build(&rs, none, 1, NULL), ACC_EUSAGE);
    CU_ASSERT_PTR_NULL(rs);
}

int main(void)
{
    static const test_case tests[] = {
        { "reports_undeclared_names", test_typecheck__reports_undeclared_names },
        { "reports_fields_the_kind_lacks", test_typecheck__reports_fields_the_kind_lacks },
        { "reports_binding_fields_the_kinds_lack",
          test_typecheck__reports_binding_fields_the_kinds_lack },
        { "reports_comparisons_across_types", test_typecheck__reports_comparisons_across_types },
        { "reports_ordering_of_unordered_types",
          test_typecheck__reports_ordering_of_unordered_types },
        { "reports_set_members_of_another_type",
          test_typecheck__reports_set_members_of_another_type },
        { "keeps_item_inside_fact_bindings", test_typecheck__keeps_item_inside_fact_bindings },
        { "reports_facts_used_on_another_kind",
          test_typecheck__reports_facts_used_on_another_kind },
        { "reports_facts_inside_has", test_typecheck__reports_facts_inside_has },
        { "reports_names_in_the_wrong_role", test_typecheck__reports_names_in_the_wrong_role },
        { "reports_binding_type_errors", test_typecheck__reports_binding_type_errors },
        { "reports_duplicate_declarations", test_typecheck__reports_duplicate_declarations },
        { "reports_duplicate_members_within_and_across_enumerations",
          test_typecheck__reports_duplicate_members_within_and_across_enumerations },
        { "reports_every_error_of_a_file_in_source_order",
          test_typecheck__reports_every_error_of_a_file_in_source_order },
        { "shows_at_most_100_errors_and_counts_the_rest",
          test_typecheck__shows_at_most_100_errors_and_counts_the_rest },
        { "resolves_facts_declared_later_and_shared_names",
          test_typecheck__resolves_facts_declared_later_and_shared_names },
        { "compiles_terms_to_typed_constants_and_fields",
          test_typecheck__compiles_terms_to_typed_constants_and_fields },
        { "rejects_empty_and_null_file_lists", test_typecheck__rejects_empty_and_null_file_lists },
        { NULL, NULL },
    };
    return test_run_suite("typecheck", tests);
}
