/*
 * test_parser.c - the parser and acc_file_*: every construct of the grammar (checked by
 * printing the syntax tree back as S-expressions), precedence and associativity, error
 * messages with exact locations, recovery (several errors per run), the file-level rules
 * (one header, a base's enumerations, what only amendments may do), the nesting limit,
 * and loading files from disk.
 */
#include "test_support.h"

#include "ast.h"
#include "parser.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER "accord T { title \"t\" effective 2014-12-29 }\n"
#define ENUMS "parties { KR JP US }\ntopics { a b }\nlevels { L < H }\n"

/* Parses text as "t.accord"; the rendered diagnostics go to diags. */
static acc_file *parse(const char *text, test_diags *diags)
{
    acc_diag_sink sink = test_diags_sink(diags);
    acc_file *file = NULL;
    int status = acc_file_parse(&file, "t.accord", text, strlen(text), &sink);
    CU_ASSERT_EQUAL(status, file ? ACC_OK : ACC_EINPUT);
    return file;
}

/* The diagnostics of a file that must not parse. */
static void assert_errors(const char *text, const char *expected)
{
    test_diags diags = { 0 };
    acc_file *file = parse(text, &diags);
    CU_ASSERT_PTR_NULL(file);
    CU_ASSERT_TRUE(test_diags_match(&diags, expected));
    acc_file_free(file);
    test_diags_free(&diags);
}

static void put(char **p, const char *end, const char *s)
{
    size_t n = strlen(s);
    if (*p + n < end) {
        memcpy(*p, s, n + 1);
        *p += n;
    }
}

static void render_term(char **p, const char *end, const ast_term *t)
{
    char buf[64];
    switch (t->kind) {
    case AST_TERM_FIELD: snprintf(buf, sizeof buf, "%s", acc_field_name(t->field)); break;
    case AST_TERM_DECISION:
        snprintf(buf, sizeof buf, "%s", acc_decision_name((acc_decision)t->value));
        break;
    case AST_TERM_NAME: snprintf(buf, sizeof buf, "%s", t->name); break;
    case AST_TERM_TIME: snprintf(buf, sizeof buf, "@%lld", (long long)t->value); break;
    }
    put(p, end, buf);
}

/* An expression as an S-expression: (and a b), (== from KR), (not-in topic {a b}). */
static void render(char **p, const char *end, const ast_expr *e)
{
    static const char *const cmp[] = { "==", "!=", "<", "<=", ">", ">=" };
    switch (e->kind) {
    case AST_TRUE: put(p, end, "true"); return;
    case AST_FALSE: put(p, end, "false"); return;
    case AST_FACT: put(p, end, e->name); return;
    case AST_NOT:
        put(p, end, "(not ");
        render(p, end, e->a);
        put(p, end, ")");
        return;
    case AST_AND: case AST_OR: case AST_IMPLIES:
        put(p, end, e->kind == AST_AND ? "(and " : e->kind == AST_OR ? "(or " : "(implies ");
        render(p, end, e->a);
        put(p, end, " ");
        render(p, end, e->b);
        put(p, end, ")");
        return;
    case AST_CMP:
        put(p, end, "(");
        put(p, end, cmp[e->cmp]);
        put(p, end, " ");
        render_term(p, end, &e->l);
        put(p, end, " ");
        render_term(p, end, &e->r);
        put(p, end, ")");
        return;
    case AST_IN:
        put(p, end, e->negated ? "(not-in " : "(in ");
        render_term(p, end, &e->l);
        put(p, end, " {");
        for (uint32_t i = 0; i < e->n_set; i++) {
            if (i)
                put(p, end, " ");
            render_term(p, end, &e->set[i]);
        }
        put(p, end, "})");
        return;
    }
}

/* The condition of `rule r permit transfer when COND;` rendered, or "" on error. */
static void assert_condition(const char *cond, const char *expected)
{
    char text[1024], out[1024];
    char *p = out;
    test_diags diags = { 0 };
    snprintf(text, sizeof text, HEADER ENUMS "rule r permit transfer when %s;", cond);
    acc_file *file = parse(text, &diags);
    out[0] = '\0';
    if (file && file->n_decls == 1 && file->decls[0].expr)
        render(&p, out + sizeof out, file->decls[0].expr);
    CU_ASSERT_STRING_EQUAL(out, expected);
    CU_ASSERT_STRING_EQUAL(diags.text, "");
    acc_file_free(file);
    test_diags_free(&diags);
}

static void test_parser__parses_the_shipped_rules(void)
{
    char path[4096];
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *f = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_file_load(&f, test_path(path, sizeof path,
                                                      "rules/tisa-2014.accord"), &sink), ACC_OK);
    CU_ASSERT_STRING_EQUAL(acc_file_path(f), path);
    CU_ASSERT_STRING_EQUAL(acc_file_name(f), "TISA-2014");
    CU_ASSERT_FALSE(acc_file_is_amendment(f));
    CU_ASSERT_PTR_NULL(acc_file_base_name(f));
    CU_ASSERT_STRING_EQUAL(f->title, "Trilateral Information Sharing Arrangement on North "
                                     "Korea's nuclear and missile threats");
    CU_ASSERT_EQUAL(f->effective, 1419811200);
    CU_ASSERT_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_PARTY)].n, 3);
    CU_ASSERT_STRING_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_PARTY)].members[0].description,
                           "Republic of Korea");
    CU_ASSERT_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_TOPIC)].n, 4);
    CU_ASSERT_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_LEVEL)].n, 4);
    CU_ASSERT_STRING_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_LEVEL)].members[3].name,
                           "TOP-SECRET");
    CU_ASSERT_EQUAL_FATAL(f->n_decls, 13);
    static const ast_decl_kind kinds[13] = {
        AST_DECL_FACT, AST_DECL_FACT, AST_DECL_FACT, AST_DECL_RULE, AST_DECL_RULE,
        AST_DECL_RULE, AST_DECL_RULE, AST_DECL_RULE, AST_DECL_RULE, AST_DECL_INVARIANT,
        AST_DECL_INVARIANT, AST_DECL_INVARIANT, AST_DECL_INVARIANT,
    };
    for (int i = 0; i < 13; i++)
        CU_ASSERT_EQUAL(f->decls[i].kind, kinds[i]);
    CU_ASSERT_STRING_EQUAL(f->decls[3].citation,
                           "\"The defense ministries of the three nations will sign a military "
                           "intelligence agreement on Monday\" (2014-12-29)");
    CU_ASSERT_EQUAL(f->n_removes, 0);
    CU_ASSERT_EQUAL(diags.count, 0);
    acc_file_free(f);
    test_diags_free(&diags);
}

static void test_parser__parses_every_declaration_form(void)
{
    test_diags diags = { 0 };
    acc_file *f = parse(
        "# comment first; the header may come anywhere\n"
        "parties { KR \"Korea\" JP }\n"
        "topics { a }\n"
        "levels { L \"low\" < H }\n"
        "fact f1 on transfer = once request(from = to, to = US) within 2 days;\n"
        "fact f2 on approval = latest approval() has decision != revoked within 1 hour;\n"
        "fact f3 on transfer = once transfer(item = item) within 90 minutes;\n"
        "fact f4 on request = latest transfer(time = time) has true;\n"
        "rule r1 permit request;\n"
        "rule r2 \"cited\" forbid approval when false;\n"
        "invariant i1 \"c\" on transfer: f1;\n"
        "assume s1 on approval: from != to;\n"
        "accord T { effective 2014-12-29 title \"t \\\"q\\\"\" }\n", &diags);
    CU_ASSERT_STRING_EQUAL(diags.text, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "T");
    CU_ASSERT_STRING_EQUAL(f->title, "t \"q\"");
    CU_ASSERT_STRING_EQUAL(f->enums[0].members[0].description, "Korea");
    CU_ASSERT_PTR_NULL(f->enums[0].members[1].description);
    CU_ASSERT_STRING_EQUAL(f->enums[2].members[0].description, "low");
    CU_ASSERT_EQUAL_FATAL(f->n_decls, 8);
    const ast_decl *d = f->decls;
    CU_ASSERT_STRING_EQUAL(d[0].name, "f1");
    CU_ASSERT_EQUAL(d[0].on, ACC_KIND_TRANSFER);
    CU_ASSERT_FALSE(d[0].latest);
    CU_ASSERT_EQUAL(d[0].src, ACC_KIND_REQUEST);
    CU_ASSERT_EQUAL_FATAL(d[0].n_bindings, 2);
    CU_ASSERT_EQUAL(d[0].bindings[0].field.field, ACC_FIELD_FROM);
    CU_ASSERT_EQUAL(d[0].bindings[0].value.field, ACC_FIELD_TO);
    CU_ASSERT_EQUAL(d[0].bindings[1].value.kind, AST_TERM_NAME);
    CU_ASSERT_STRING_EQUAL(d[0].bindings[1].value.name, "US");
    CU_ASSERT_TRUE(d[0].has_within);
    CU_ASSERT_EQUAL(d[0].within, 2 * 86400);
    CU_ASSERT_TRUE(d[1].latest);
    CU_ASSERT_EQUAL(d[1].n_bindings, 0);
    CU_ASSERT_EQUAL(d[1].within, 3600);
    CU_ASSERT_EQUAL(d[1].expr->kind, AST_CMP);
    CU_ASSERT_EQUAL(d[2].within, 90 * 60);
    CU_ASSERT_FALSE(d[3].has_within);
    CU_ASSERT_EQUAL(d[3].expr->kind, AST_TRUE);
    CU_ASSERT_EQUAL(d[4].kind, AST_DECL_RULE);
    CU_ASSERT_FALSE(d[4].forbid);
    CU_ASSERT_PTR_NULL(d[4].expr);
    CU_ASSERT_PTR_NULL(d[4].citation);
    CU_ASSERT_TRUE(d[5].forbid);
    CU_ASSERT_EQUAL(d[5].on, ACC_KIND_APPROVAL);
    CU_ASSERT_STRING_EQUAL(d[5].citation, "cited");
    CU_ASSERT_EQUAL(d[6].kind, AST_DECL_INVARIANT);
    CU_ASSERT_EQUAL(d[6].expr->kind, AST_FACT);
    CU_ASSERT_EQUAL(d[7].kind, AST_DECL_ASSUME);
    CU_ASSERT_EQUAL(d[7].on, ACC_KIND_APPROVAL);
    /* Spans: the whole declaration and its name. */
    CU_ASSERT_EQUAL(d[4].end - d[4].start, strlen("rule r1 permit request;"));
    CU_ASSERT_EQUAL(d[4].name_end - d[4].name_start, 2);
    acc_file_free(f);
    test_diags_free(&diags);
}

static void test_parser__parses_amendment_headers_and_removals(void)
{
    test_diags diags = { 0 };
    acc_file *f = parse("amendment G-1 to TISA-2014 { title \"g\" effective 2016-11-23 }\n"
                        "topics { cyber }\n"
                        "remove rule r1;\nremove invariant i;\nremove assume s;\nremove fact f;\n",
                        &diags);
    CU_ASSERT_STRING_EQUAL(diags.text, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_TRUE(acc_file_is_amendment(f));
    CU_ASSERT_STRING_EQUAL(acc_file_name(f), "G-1");
    CU_ASSERT_STRING_EQUAL(acc_file_base_name(f), "TISA-2014");
    CU_ASSERT_EQUAL_FATAL(f->n_removes, 4);
    CU_ASSERT_EQUAL(f->removes[0].kind, AST_DECL_RULE);
    CU_ASSERT_STRING_EQUAL(f->removes[0].name, "r1");
    CU_ASSERT_EQUAL(f->removes[1].kind, AST_DECL_INVARIANT);
    CU_ASSERT_EQUAL(f->removes[2].kind, AST_DECL_ASSUME);
    CU_ASSERT_EQUAL(f->removes[3].kind, AST_DECL_FACT);
    CU_ASSERT_FALSE(f->enums[AST_ENUM_INDEX(ACC_TYPE_PARTY)].present);
    CU_ASSERT_EQUAL(f->enums[AST_ENUM_INDEX(ACC_TYPE_TOPIC)].n, 1);
    acc_file_free(f);
    test_diags_free(&diags);
}

static void test_parser__gives_comparison_precedence_over_not_and_or_implies(void)
{
    assert_condition("from == KR or to == JP and time < 2015-01-01",
                     "(or (== from KR) (and (== to JP) (< time @1420070400)))");
    assert_condition("not from == KR and f", "(and (not (== from KR)) f)");
    assert_condition("a implies b implies c", "(implies a (implies b c))");
    assert_condition("a implies b or c and not d", "(implies a (or b (and c (not d))))");
    assert_condition("(a implies b) implies c", "(implies (implies a b) c)");
    assert_condition("not not a", "(not (not a))");
    assert_condition("topic not in {a, b} or from in {KR}",
                     "(or (not-in topic {a b}) (in from {KR}))");
    assert_condition("true and false", "(and true false)");
}

static void test_parser__parses_every_comparison_and_term_kind(void)
{
    assert_condition("level >= L and level > L and level <= H and level != H",
                     "(and (and (>= level L) (> level L)) (and (<= level H) (!= level H)))");
    assert_condition("time >= 2015-01-05T09:12:00Z", "(>= time @1420449120)");
    assert_condition("decision == granted", "(== decision granted)");
    assert_condition("KR == originator", "(== KR originator)");
    assert_condition("KR not in {from, to}", "(not-in KR {from to})");
}

/* A long chain is one balanced tree, not a list as deep as the chain is long. */
static int height(const ast_expr *e)
{
    if (!e->a)
        return 1;
    int a = height(e->a), b = e->b ? height(e->b) : 0;
    return 1 + (a > b ? a : b);
}

static void test_parser__builds_balanced_trees_for_long_chains(void)
{
    size_t n = 100000, cap = n * 16 + 256;
    char *text = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *p = text;
    p += sprintf(p, HEADER ENUMS "rule r permit transfer when from == KR");
    for (size_t i = 1; i < n; i++)
        p += sprintf(p, i % 2 ? " or to == JP" : " and f");
    strcpy(p, ";");
    test_diags diags = { 0 };
    acc_file *f = parse(text, &diags);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_TRUE(height(f->decls[0].expr) <= 40);
    CU_ASSERT_EQUAL(f->decls[0].expr->kind, AST_OR);
    acc_file_free(f);
    test_diags_free(&diags);
    free(text);
}

static char *nested(size_t depth)
{
    char *text = malloc(depth * 2 + 256);
    char *p = text;
    if (!text)
        return NULL;
    p += sprintf(p, HEADER ENUMS "rule r permit transfer when ");
    memset(p, '(', depth);
    p += depth;
    p += sprintf(p, "from == KR");
    memset(p, ')', depth);
    p += depth;
    strcpy(p, ";\nrule s permit transfer;\n");
    return text;
}

static void test_parser__rejects_a_million_nested_parentheses_without_overflowing(void)
{
    char *text = nested(1000000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    assert_errors(text, "t.accord:5:285: error: expression nested too deeply (the limit is "
                        "256 levels)\n");
    free(text);
    /* The whole condition counts as one level: 255 parentheses are the most. */
    text = nested(255);
    test_diags diags = { 0 };
    acc_file *f = parse(text, &diags);
    CU_ASSERT_PTR_NOT_NULL(f);
    CU_ASSERT_STRING_EQUAL(diags.text, "");
    acc_file_free(f);
    test_diags_free(&diags);
    free(text);
    text = nested(256);
    assert_errors(text, "t.accord:5:285: error: expression nested too deeply (the limit is "
                        "256 levels)\n");
    free(text);
    char deep_not[4096] = HEADER ENUMS "invariant i on transfer: ";
    for (int i = 0; i < 300; i++)
        strcat(deep_not, "not ");
    strcat(deep_not, "from == KR;");
    assert_errors(deep_not, "t.accord:5:1050: error: expression nested too deeply (the limit "
                            "is 256 levels)\n");
}

static void test_parser__reports_three_errors_in_one_run_with_locations(void)
{
    assert_errors(HEADER ENUMS
                  "rule r1 permit transfer when from == ;\n"
                  "rule r2 permit transfer when from == KR\n"
                  "rule r3 permit transfer;\n"
                  "rule r4 permit transfre;\n"
                  "rule r5 forbid transfer;\n",
                  "t.accord:5:38: error: expected a field, a name, a date or a time, found ';'\n"
                  "t.accord:6:40: error: expected ';' at the end of the rule, found 'rule'\n"
                  "t.accord:8:16: error: unknown event kind 'transfre' (the kinds are request, "
                  "approval and transfer)\n");
}

static void test_parser__resynchronises_after_a_brace_inside_a_rule(void)
{
    /* The error is inside the set; the '}' that closes it is not a declaration's end. */
    assert_errors(HEADER ENUMS
                  "rule r1 permit transfer when from in {KR, ;} and to == US;\n"
                  "rule r2 permit transfer when to in {KR JP};\n"
                  "invariant i on transfer: from == KR\n"
                  "x y z;\n"
                  "rule r3 permit transfer;\n",
                  "t.accord:5:43: error: expected a field, a name, a date or a time, found ';'\n"
                  "t.accord:6:40: error: expected ',' or '}' in the set, found identifier 'JP'\n"
                  "t.accord:7:36: error: expected ';' at the end of the invariant, found "
                  "identifier 'x'\n");
}

static void test_parser__reports_expression_syntax_errors(void)
{
    assert_errors(HEADER ENUMS
                  "rule r1 permit transfer when time;\n"
                  "rule r2 permit transfer when (from == KR;\n"
                  "rule r3 permit transfer when \"x\" == KR;\n"
                  "rule r4 permit transfer when from not == KR;\n"
                  "rule r5 permit transfer when from in KR;\n"
                  "rule r6 permit transfer when from in {};\n",
                  "t.accord:5:34: error: expected a comparison or 'in' after 'time', found ';'\n"
                  "t.accord:6:41: error: expected ')', found ';'\n"
                  "t.accord:7:30: error: expected a condition, found string\n"
                  "t.accord:8:39: error: expected 'in' after 'not', found '=='\n"
                  "t.accord:9:38: error: expected '{' after 'in', found identifier 'KR'\n"
                  "t.accord:10:39: error: expected a field, a name, a date or a time, found '}'\n");
}

static void test_parser__reports_fact_syntax_errors(void)
{
    assert_errors(HEADER ENUMS
                  "fact f1 on transfer = once request(foo = to);\n"
                  "fact f2 on transfer = once request() has from == KR;\n"
                  "fact f3 on transfer = latest request() within 3 days;\n"
                  "fact f4 on transfer = once request() within 3 weeks;\n"
                  "fact f5 on transfer = once request() within 200000000000 days;\n"
                  "fact f6 on transfer = sometime request();\n"
                  "fact f7 on transfer = once request(from == to);\n"
                  "fact f8 transfer = once request();\n",
                  "t.accord:5:36: error: 'foo' is not a field (the fields are time, from, to, "
                  "topic, item, originator, level and decision)\n"
                  "t.accord:6:38: error: 'has' needs 'latest' (a 'once' fact only asks whether "
                  "a match exists)\n"
                  "t.accord:7:40: error: expected 'has' and a condition on the latest entry, "
                  "found 'within'\n"
                  "t.accord:8:47: error: expected a unit (days, hours or minutes), found "
                  "identifier 'weeks'\n"
                  "t.accord:9:45: error: duration '200000000000 days' is too long\n"
                  "t.accord:10:23: error: expected 'once' or 'latest', found identifier "
                  "'sometime'\n"
                  "t.accord:11:41: error: expected '=' after the field, found '=='\n"
                  "t.accord:12:9: error: expected 'on' and the kind of event the fact is about, "
                  "found 'transfer'\n");
}

static void test_parser__reports_reserved_words_used_as_names(void)
{
    assert_errors("accord to { title \"t\" effective 2014-12-29 }\n"
                  "parties { KR from }\ntopics { a }\nlevels { L < level }\n"
                  "rule time permit transfer;\n"
                  "fact granted on transfer = once request();\n"
                  "invariant in on transfer: true;\n"
                  "assume days on transfer: true;\n",
                  "t.accord:1:8: error: 'to' is a reserved word and cannot name an accord\n"
                  "t.accord:2:14: error: 'from' is a reserved word and cannot name a party\n"
                  "t.accord:4:14: error: 'level' is a reserved word and cannot name a level\n"
                  "t.accord:5:6: error: 'time' is a reserved word and cannot name a rule\n"
                  "t.accord:6:6: error: 'granted' is a reserved word and cannot name a fact\n"
                  "t.accord:7:11: error: 'in' is a reserved word and cannot name an invariant\n"
                  "t.accord:8:8: error: 'days' is a reserved word and cannot name an "
                  "assumption\n");
}

static void test_parser__reports_a_missing_header(void)
{
    assert_errors(ENUMS "rule r permit transfer;\n",
                  "t.accord:1:1: error: missing 'accord' header (a rule file declares "
                  "'accord NAME { title \"...\" effective YYYY-MM-DD }')\n");
    assert_errors("", "t.accord:1:1: error: missing 'accord' header (a rule file declares "
                      "'accord NAME { title \"...\" effective YYYY-MM-DD }')\n");
}

static void test_parser__reports_header_errors(void)
{
    assert_errors("accord T { }\n" ENUMS,
                  "t.accord:1:1: error: the accord header has no 'title'\n"
                  "t.accord:1:1: error: the accord header has no 'effective' date\n");
    assert_errors("accord T { title \"a\" title \"b\" effective 2014-12-29 }\n" ENUMS,
                  "t.accord:1:22: error: duplicate 'title' in the accord header\n");
    assert_errors("accord T { title \"a\" effective 2014-12-29T10:00:00Z }\n" ENUMS,
                  "t.accord:1:32: error: 'effective' takes a date (YYYY-MM-DD), not a date and "
                  "time\n");
    assert_errors("accord T { title \"a\" effective 2014-12-29 author \"x\" }\n" ENUMS,
                  "t.accord:1:43: error: expected 'title', 'effective' or '}', found "
                  "identifier 'author'\n");
    assert_errors(HEADER ENUMS "accord U { title \"u\" effective 2014-12-29 }\n",
                  "t.accord:5:1: error: a rule file has one header; the first is at "
                  "t.accord:1:1\n");
    assert_errors("amendment G to T { effective 2016-01-01 effective 2016-01-02 }\n",
                  "t.accord:1:1: error: the amendment header has no 'title'\n"
                  "t.accord:1:41: error: duplicate 'effective' in the amendment header\n");
    assert_errors("amendment G { title \"g\" effective 2016-01-01 }\n",
                  "t.accord:1:13: error: expected 'to' and the name of the amended accord, "
                  "found '{'\n");
}

static void test_parser__reports_enumeration_errors(void)
{
    assert_errors(HEADER "parties { }\ntopics { a }\nlevels { }\n",
                  "t.accord:2:1: error: 'parties' lists no members\n"
                  "t.accord:4:1: error: 'levels' lists no members\n");
    assert_errors(HEADER ENUMS "topics { c }\n",
                  "t.accord:5:1: error: 'topics' is declared twice; the first is at "
                  "t.accord:3:1\n");
    assert_errors(HEADER "parties { KR }\ntopics { a }\nlevels { L H }\n",
                  "t.accord:4:12: error: expected '<' or '}' (levels are listed lowest first, "
                  "joined by '<'), found identifier 'H'\n");
    assert_errors(HEADER "parties { KR, JP }\ntopics { a }\nlevels { L }\n",
                  "t.accord:2:13: error: expected a party name or '}', found ','\n");
    assert_errors(HEADER "parties { KR }\n",
                  "t.accord:1:1: error: accord 'T' declares no 'topics'\n"
                  "t.accord:1:1: error: accord 'T' declares no 'levels'\n");
    /* A misspelt declaration is the one error: not also "declares no 'parties'" before it. */
    assert_errors(HEADER "partys { KR }\ntopics { a }\nlevels { L }\n",
                  "t.accord:2:1: error: expected a declaration (accord, amendment, parties, "
                  "topics, levels, fact, rule, invariant, assume or remove), found identifier "
                  "'partys'\n");
}

static void test_parser__reports_what_only_amendments_may_do_and_may_not(void)
{
    assert_errors(HEADER ENUMS "remove rule r;\n",
                  "t.accord:5:1: error: 'remove' is only allowed in an amendment\n");
    assert_errors("amendment G to T { title \"g\" effective 2016-01-01 }\nlevels { X }\n",
                  "t.accord:2:1: error: an amendment cannot change 'levels'\n");
    assert_errors("amendment G to T { title \"g\" effective 2016-01-01 }\nremove party KR;\n",
                  "t.accord:2:8: error: expected 'rule', 'invariant', 'assume' or 'fact' after "
                  "'remove', found identifier 'party'\n");
}

static void test_parser__suppresses_parser_errors_after_a_malformed_token(void)
{
    /* The unterminated string swallows the rest of line 4: one message, not two. */
    assert_errors(HEADER ENUMS
                  "rule r1 \"unterminated permit transfer;\n"
                  "rule r2 permit transfer when time < 2014-02-30;\n"
                  "rule r3 permit transfer;\n",
                  "t.accord:5:9: error: unterminated string\n"
                  "t.accord:6:37: error: invalid date '2014-02-30'\n");
}

static void test_parser__shows_at_most_100_errors_and_counts_the_rest(void)
{
    size_t n = 1000000;
    char *text = malloc(n + 256);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    strcpy(text, HEADER ENUMS);
    memset(text + strlen(text), '@', n);
    strcpy(text + strlen(HEADER ENUMS) + n, "\n");
    test_diags diags = { 0 };
    acc_file *f = parse(text, &diags);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(diags.count, 101);
    const char *last = strstr(diags.text, "t.accord: error:");
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    CU_ASSERT_STRING_EQUAL(last, "t.accord: error: too many errors: 999900 more not shown\n");
    CU_ASSERT_EQUAL(strncmp(diags.text, "t.accord:5:1: error: unexpected character '@'\n"
                                        "t.accord:5:2: error: unexpected character '@'\n", 92),
                    0);
    test_diags_free(&diags);
    free(text);
}

static void test_parser__works_without_a_sink(void)
{
    acc_file *f = NULL;
    CU_ASSERT_EQUAL(acc_file_parse(&f, "x", "rule", 4, NULL), ACC_EINPUT);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(acc_file_parse(&f, "x", NULL, 0, NULL), ACC_EINPUT);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_EQUAL(acc_file_parse(&f, NULL, HEADER ENUMS, strlen(HEADER ENUMS), NULL), ACC_OK);
    CU_ASSERT_STRING_EQUAL(acc_file_path(f), "<input>");
    acc_file_free(f);
    acc_file_free(NULL);
}

static void test_parser__load_rejects_missing_directories_and_devices(void)
{
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *f = NULL;
    CU_ASSERT_EQUAL(acc_file_load(&f, "/nonexistent/x.accord", &sink), ACC_EIO);
    CU_ASSERT_EQUAL(acc_file_load(&f, "/tmp", &sink), ACC_EIO);
    CU_ASSERT_EQUAL(acc_file_load(&f, "/dev/zero", &sink), ACC_EIO);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_STRING_EQUAL(diags.text,
                           "/nonexistent/x.accord: error: cannot open the rule file: No such "
                           "file or directory\n"
                           "/tmp: error: is a directory, not a rule file\n"
                           "/dev/zero: error: is not a regular file\n");
    test_diags_free(&diags);
}

static void test_parser__load_rejects_files_over_16_mib(void)
{
    char path[] = "/tmp/accord-big-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);   /* sparse: no disk used */
    close(fd);
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *f = NULL;
    CU_ASSERT_EQUAL(acc_file_load(&f, path, &sink), ACC_EIO);
    CU_ASSERT_PTR_NULL(f);
    char expected[256];
    snprintf(expected, sizeof expected,
             "%s: error: file is too large (16777217 bytes; rule files are limited to 16 MiB)\n",
             path);
    CU_ASSERT_STRING_EQUAL(diags.text, expected);
    unlink(path);
    test_diags_free(&diags);
}

static void test_parser__load_reports_syntax_errors_with_the_given_path(void)
{
    char path[] = "/tmp/accord-bad-XXXXXX";
    static const char text[] = HEADER ENUMS "rule r permit;\n";
    CU_ASSERT_TRUE_FATAL(test_write_temp(path, text, sizeof text - 1));
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *f = NULL;
    CU_ASSERT_EQUAL(acc_file_load(&f, path, &sink), ACC_EINPUT);
    char expected[256];
    snprintf(expected, sizeof expected, "%s:5:14: error: expected an event kind (request, "
             "approval or transfer), found ';'\n", path);
    CU_ASSERT_TRUE(test_diags_match(&diags, expected));
    unlink(path);
    test_diags_free(&diags);
}

int main(void)
{
    static const test_case tests[] = {
        { "parses_the_shipped_rules", test_parser__parses_the_shipped_rules },
        { "parses_every_declaration_form", test_parser__parses_every_declaration_form },
        { "parses_amendment_headers_and_removals",
          test_parser__parses_amendment_headers_and_removals },
        { "gives_comparison_precedence_over_not_and_or_implies",
          test_parser__gives_comparison_precedence_over_not_and_or_implies },
        { "parses_every_comparison_and_term_kind",
          test_parser__parses_every_comparison_and_term_kind },
        { "builds_balanced_trees_for_long_chains",
          test_parser__builds_balanced_trees_for_long_chains },
        { "rejects_a_million_nested_parentheses_without_overflowing",
          test_parser__rejects_a_million_nested_parentheses_without_overflowing },
        { "reports_three_errors_in_one_run_with_locations",
          test_parser__reports_three_errors_in_one_run_with_locations },
        { "resynchronises_after_a_brace_inside_a_rule",
          test_parser__resynchronises_after_a_brace_inside_a_rule },
        { "reports_expression_syntax_errors", test_parser__reports_expression_syntax_errors },
        { "reports_fact_syntax_errors", test_parser__reports_fact_syntax_errors },
        { "reports_reserved_words_used_as_names",
          test_parser__reports_reserved_words_used_as_names },
        { "reports_a_missing_header", test_parser__reports_a_missing_header },
        { "reports_header_errors", test_parser__reports_header_errors },
        { "reports_enumeration_errors", test_parser__reports_enumeration_errors },
        { "reports_what_only_amendments_may_do_and_may_not",
          test_parser__reports_what_only_amendments_may_do_and_may_not },
        { "suppresses_parser_errors_after_a_malformed_token",
          test_parser__suppresses_parser_errors_after_a_malformed_token },
        { "shows_at_most_100_errors_and_counts_the_rest",
          test_parser__shows_at_most_100_errors_and_counts_the_rest },
        { "works_without_a_sink", test_parser__works_without_a_sink },
        { "load_rejects_missing_directories_and_devices",
          test_parser__load_rejects_missing_directories_and_devices },
        { "load_rejects_files_over_16_mib", test_parser__load_rejects_files_over_16_mib },
        { "load_reports_syntax_errors_with_the_given_path",
          test_parser__load_reports_syntax_errors_with_the_given_path },
        { NULL, NULL },
    };
    return test_run_suite("parser", tests);
}
