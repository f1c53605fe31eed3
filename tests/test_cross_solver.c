/*
 * test_cross_solver.c - the SMT-LIB2 export re-checked by other solvers: the text that
 * acc_smt_write / acc_smt_write_diff print, run through the `z3 -smt2` and
 * `cvc5 --lang smt2 --incremental` command lines, answers every query as accord does
 * (unsat = proven / dead / redundant / empty region; sat otherwise).
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const solvers[] = { "z3 -smt2", "cvc5 --lang smt2 --incremental" };
static const char *const binaries[] = { "/usr/bin/z3", "/usr/bin/cvc5" };

/* Every construct of the language, in one rule set: enumerations and levels in both
 * directions, time before 1970 and at the edges, `in` with fields, decisions, facts,
 * an assumption, dead and redundant rules. */
static const char constructs[] =
    "accord C { title \"constructs\" effective 1960-01-01 }\n"
    "parties { A B C }\n"
    "topics { t1 t2 t3 }\n"
    "levels { L0 < L1 < L2 }\n"
    "fact seen on transfer = once request(from = from, topic = topic) within 3 days;\n"
    "fact ok on approval = latest approval(from = from, to = to, item = item) has decision == granted;\n"
    "assume held on transfer: seen implies level <= L1;\n"
    "rule p1 permit transfer when from != to and (L1 < level or seen) and time >= 1960-01-01;\n"
    "rule p2 permit transfer when A in {from, to} and topic not in {t3};\n"
    "rule p3 permit transfer when from == A and to == B and topic == t1 and level > L1 and seen;\n"
    "rule f1 forbid transfer when time < 1969-07-20T20:17:40Z or 9999-12-31T23:59:59Z <= time;\n"
    "rule f2 forbid transfer when originator in {to} and level >= L2;\n"
    "rule a1 permit approval when decision != denied implies ok;\n"
    "rule a2 forbid approval when decision == revoked and not ok and decision == granted;\n"
    "rule q1 permit request when (from == to) or (topic == t2 and to in {A, C});\n"
    "rule q2 permit request when from == to and topic == t1;\n"
    "invariant i1 on transfer: time >= 1969-07-20T20:17:40Z;\n"
    "invariant i2 on transfer: level == L2 implies (originator != to);\n"
    "invariant i3 on transfer: seen or level < L2 or from == A;\n"
    "invariant i4 on approval: decision == granted implies ok;\n"
    "invariant i5 on request: from == to;\n";

static bool solver_present(int s)
{
    if (access(binaries[s], X_OK) == 0)
        return true;
    fprintf(stderr, "\n    SKIPPED: %s is not installed, so '%s' cannot re-check the export\n",
            binaries[s], solvers[s]);
    return false;
}

/* Runs solver s on the file and returns its answers as a string of 's', 'u', '?'. */
static char *answers(int s, const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "%s '%s' 2>&1", solvers[s], path);
    FILE *p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    char line[4096], *out = calloc(1, 4096);
    size_t n = 0;
    while (fgets(line, sizeof line, p) && n < 4095) {
        line[strcspn(line, "\r\n")] = 0;
        if (strcmp(line, "sat") == 0)
            out[n++] = 's';
        else if (strcmp(line, "unsat") == 0)
            out[n++] = 'u';
        else if (strcmp(line, "unknown") == 0)
            out[n++] = '?';
        else {
            fprintf(stderr, "\n    %s said: %s\n", solvers[s], line);
            out[n++] = '!';
        }
    }
    CU_ASSERT_EQUAL(pclose(p), 0);
    return out;
}

/* What accord's check says, in the order of acc_smt_write's queries. */
static void expected_check(const acc_check_result *r, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_invariants; i++)
        out[n++] = r->invariants[i].status == ACC_INV_PROVEN ? 'u' : 's';
    for (size_t i = 0; i < r->n_rules_report; i++) {
        acc_rule_status st = r->rules_report[i].status;
        out[n++] = st == ACC_RULE_DEAD ? 'u' : 's';
        /* the redundancy query of a dead rule is unsat too (its rule never holds) */
        out[n++] = st == ACC_RULE_OK ? 's' : 'u';
    }
    out[n] = 0;
}

static char *temp_path(char *buf, size_t size)
{
    snprintf(buf, size, "%s/cross-XXXXXX", ACCORD_BINARY_DIR);
    int fd = mkstemp(buf);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    close(fd);
    return buf;
}

static void cross_check(const acc_ruleset *rs)
{
    acc_check_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_check(&r, rs, NULL, NULL), ACC_OK);
    char want[4096], path[4200];
    expected_check(r, want);
    FILE *f = fopen(temp_path(path, sizeof path), "w");
    CU_ASSERT_EQUAL(acc_smt_write(f, rs, NULL), ACC_OK);
    fclose(f);
    for (int s = 0; s < 2; s++) {
        if (!solver_present(s))
            continue;
        char *got = answers(s, path);
        if (strcmp(got, want) != 0)
            fprintf(stderr, "\n    %s on %s: got %s, accord %s\n", solvers[s], acc_ruleset_name(rs), got, want);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
    }
    unlink(path);
    acc_check_result_free(r);
}

static void cross_diff(const acc_ruleset *a, const acc_ruleset *b)
{
    acc_diff_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_diff(&r, a, b, NULL, NULL), ACC_OK);
    char want[4096], path[4200];
    size_t n = 0;
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        for (int np = 1; np >= 0; np--) {
            const acc_diff_class *cs = np ? r->newly_permitted : r->newly_forbidden;
            size_t count = np ? r->n_newly_permitted : r->n_newly_forbidden;
            bool some = false;
            for (size_t i = 0; i < count; i++)
                some |= cs[i].kind == (acc_kind)k;
            want[n++] = some ? 's' : 'u';
        }
    for (size_t i = 0; i < r->n_invariants; i++)
        want[n++] = r->invariants[i].status == ACC_INV_PROVEN ? 'u' : 's';
    want[n] = 0;
    FILE *f = fopen(temp_path(path, sizeof path), "w");
    CU_ASSERT_EQUAL(acc_smt_write_diff(f, a, b, NULL), ACC_OK);
    fclose(f);
    for (int s = 0; s < 2; s++) {
        if (!solver_present(s))
            continue;
        char *got = answers(s, path);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
    }
    unlink(path);
    acc_diff_result_free(r);
}

static acc_ruleset *load(const char *const *paths, size_t n)
{
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile_files(paths, n, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    test_diags_free(&d);
    return rs;
}

static void test_cross_solver__shipped_rules_answers_agree(void)
{
    const char *paths[] = { "rules/tisa-2014.accord" };
    acc_ruleset *rs = load(paths, 1);
    cross_check(rs);
    acc_ruleset_free(rs);
}

static void test_cross_solver__every_construct_answers_agree(void)
{
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile("constructs.accord", constructs, &d);
    if (!rs)
        fprintf(stderr, "%s", d.text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    /* the rule set is meant to have every kind of answer */
    acc_check_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_check(&r, rs, NULL, NULL), ACC_OK);
    CU_ASSERT_TRUE(r->n_proven > 0 && r->n_violated > 0 && r->n_dead > 0 && r->n_redundant > 0);
    acc_check_result_free(r);
    cross_check(rs);
    acc_ruleset_free(rs);
    test_diags_free(&d);
}

static void test_cross_solver__amendment_answers_agree(void)
{
    static const char *const amendments[] = { "rules/amendments/gsomia-2016.accord",
                                              "rules/amendments/level-cap-2017.accord",
                                              "rules/amendments/missile-warning-2023.accord",
                                              "rules/amendments/refactor-2015.accord" };
    const char *base[] = { "rules/tisa-2014.accord" };
    acc_ruleset *old_rs = load(base, 1);
    for (size_t i = 0; i < 4; i++) {
        const char *paths[] = { "rules/tisa-2014.accord", amendments[i] };
        acc_ruleset *new_rs = load(paths, 2);
        cross_check(new_rs);
        cross_diff(old_rs, new_rs);
        cross_diff(new_rs, old_rs);
        acc_ruleset_free(new_rs);
    }
    acc_ruleset_free(old_rs);
}

static void test_cross_solver__export_names_each_query(void)
{
    const char *paths[] = { "rules/tisa-2014.accord" };
    acc_ruleset *rs = load(paths, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_EQUAL(acc_smt_write(f, rs, NULL), ACC_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(set-logic ALL)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(declare-datatypes ((Party 0) (Topic 0) (Level 0) "
                                       "(Decision 0))\n  (((|Party.KR|) (|Party.JP|) (|Party.US|))\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(define-fun |rule.entry-into-force| () Bool "
                                       "(< |transfer.time| 1419811200))\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "; query: invariant in-force (unsat = proven, sat = "
                                       "violated)\n(push 1)\n(assert (! (and |assume.transfer| "
                                       "|permitted.transfer| (not (>= |transfer.time| "
                                       "1419811200))) :named q4))\n(check-sat)\n(pop 1)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "; query: rule art3-relay redundant (unsat = redundant, "
                                       "when not dead)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "(assert (and (<= (- 62135596800) |request.time|) "
                                       "(<= |request.time| 253402300799)))\n"));
    free(buf);
    acc_ruleset_free(rs);
}

int main(void)
{
    static const test_case tests[] = {
        { "shipped_rules_answers_agree", test_cross_solver__shipped_rules_answers_agree },
        { "every_construct_answers_agree", test_cross_solver__every_construct_answers_agree },
        { "amendment_answers_agree", test_cross_solver__amendment_answers_agree },
        { "export_names_each_query", test_cross_solver__export_names_each_query },
        { NULL, NULL } };
    return test_run_suite("cross_solver", tests);
}
