/*
 * test_evaluator.c - the shipped rules, compiled by the front end and run through the
 * concrete evaluator: counts and names of the compiled set, then exhaustive truth tables
 * of every kind of event against a model of rules/tisa-2014.accord written out by hand
 * from the spec, including the spec's claim that every permitted transfer satisfies all
 * four invariants.
 */
#include "test_support.h"

#include "eval_compiled.h"
#include "alloc.h"

#include <stdio.h>

#include <string.h>

enum { KR, JP, US, N_PARTIES };
enum { NUCLEAR, MISSILE, CONVENTIONAL, OTHER, N_TOPICS };
enum { FACT_REQUESTED, FACT_RECEIVED, FACT_APPROVED, N_FACTS };
/* Rule and invariant indexes in declaration order. */
enum { R_ENTRY, R_ART1, R_ART2, R_ART3_PROVIDE, R_ART3_RELAY, R_ART3_APPROVE, N_RULES };
enum { I_NO_DIRECT, I_SCOPE, I_MUTUAL, I_IN_FORCE, N_INVARIANTS };

#define EFFECTIVE 1419811200LL   /* 2014-12-29T00:00:00Z */

static const int64_t times[] = { EFFECTIVE - 1, EFFECTIVE, 1577836800LL /* 2020-01-01 */ };
#define N_TIMES (sizeof times / sizeof times[0])

static acc_ruleset *compile_shipped(void)
{
    static const char *const paths[] = { "rules/tisa-2014.accord" };
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile_files(paths, 1, &diags);
    CU_ASSERT_STRING_EQUAL(diags.text ? diags.text : "", "");
    test_diags_free(&diags);
    return rs;
}

static bool korea_or_japan(int p)
{
    return p == KR || p == JP;
}

static void test_evaluator__shipped_rules_compile_to_expected_names(void)
{
    acc_ruleset *rs = compile_shipped();
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    static const char *const rules[N_RULES] = { "entry-into-force", "art1-scope",
        "art2-requests", "art3-provide", "art3-relay", "art3-approve" };
    static const char *const invariants[N_INVARIANTS] = { "no-direct", "scope",
        "mutual-approval", "in-force" };
    static const char *const facts[N_FACTS] = { "requested", "received", "approved" };
    CU_ASSERT_STRING_EQUAL(acc_ruleset_name(rs), "TISA-2014");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_base_name(rs), "TISA-2014");
    CU_ASSERT_STRING_EQUAL(rs->title, "Trilateral Information Sharing Arrangement on North "
                                      "Korea's nuclear and missile threats");
    CU_ASSERT_EQUAL(rs->effective, EFFECTIVE);
    CU_ASSERT_EQUAL(acc_ruleset_rule_count(rs), N_RULES);
    for (size_t i = 0; i < N_RULES; i++)
        CU_ASSERT_STRING_EQUAL(acc_ruleset_rule_name(rs, i), rules[i]);
    CU_ASSERT_EQUAL(acc_ruleset_invariant_count(rs), N_INVARIANTS);
    for (size_t i = 0; i < N_INVARIANTS; i++)
        CU_ASSERT_STRING_EQUAL(acc_ruleset_invariant_name(rs, i), invariants[i]);
    CU_ASSERT_EQUAL(acc_ruleset_fact_count(rs), N_FACTS);
    for (size_t i = 0; i < N_FACTS; i++)
        CU_ASSERT_STRING_EQUAL(acc_ruleset_fact_name(rs, i), facts[i]);
    CU_ASSERT_EQUAL(acc_ruleset_assumption_count(rs), 0);
    CU_ASSERT_EQUAL(acc_ruleset_member_count(rs, ACC_TYPE_PARTY), 3);
    CU_ASSERT_EQUAL(acc_ruleset_member_count(rs, ACC_TYPE_TOPIC), 4);
    CU_ASSERT_EQUAL(acc_ruleset_member_count(rs, ACC_TYPE_LEVEL), 4);
    CU_ASSERT_STRING_EQUAL(acc_ruleset_member_name(rs, ACC_TYPE_PARTY, US), "US");
    CU_ASSERT_STRING_EQUAL(rs->parties.descriptions[JP], "Japan");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_member_name(rs, ACC_TYPE_TOPIC, OTHER), "other");
    CU_ASSERT_STRING_EQUAL(acc_ruleset_member_name(rs, ACC_TYPE_LEVEL, 3), "TOP-SECRET");
    CU_ASSERT_PTR_NULL(rs->levels.descriptions[0]);
    CU_ASSERT_TRUE(acc_ruleset_accepts_accord(rs, "TISA-2014"));
    CU_ASSERT_FALSE(acc_ruleset_accepts_accord(rs, "GSOMIA-2016"));
    acc_ruleset_free(rs);
}

static void test_evaluator__shipped_facts_compile_to_expected_bindings(void)
{
    acc_ruleset *rs = compile_shipped();
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    const acc_fact *req = &rs->facts[FACT_REQUESTED];
    CU_ASSERT_EQUAL(req->on, ACC_KIND_TRANSFER);
    CU_ASSERT_FALSE(req->latest);
    CU_ASSERT_EQUAL(req->src, ACC_KIND_REQUEST);
    CU_ASSERT_EQUAL_FATAL(req->n_bindings, 3);
    CU_ASSERT_EQUAL(req->bindings[0].src_field, ACC_FIELD_FROM);
    CU_ASSERT_TRUE(req->bindings[0].cur.is_field);
    CU_ASSERT_EQUAL(req->bindings[0].cur.field, ACC_FIELD_TO);
    CU_ASSERT_EQUAL(req->bindings[1].src_field, ACC_FIELD_TO);
    CU_ASSERT_FALSE(req->bindings[1].cur.is_field);
    CU_ASSERT_EQUAL(req->bindings[1].cur.type, ACC_TYPE_PARTY);
    CU_ASSERT_EQUAL(req->bindings[1].cur.value, US);
    CU_ASSERT_TRUE(req->has_within);
    CU_ASSERT_EQUAL(req->within, 180 * 86400);
    CU_ASSERT_PTR_NULL(req->has);
    const acc_fact *rec = &rs->facts[FACT_RECEIVED];
    CU_ASSERT_FALSE(rec->has_within);
    CU_ASSERT_EQUAL_FATAL(rec->n_bindings, 3);
    CU_ASSERT_EQUAL(rec->bindings[2].src_field, ACC_FIELD_ITEM);
    CU_ASSERT_EQUAL(rec->bindings[2].cur.field, ACC_FIELD_ITEM);
    const acc_fact *app = &rs->facts[FACT_APPROVED];
    CU_ASSERT_TRUE(app->latest);
    CU_ASSERT_EQUAL(app->src, ACC_KIND_APPROVAL);
    CU_ASSERT_EQUAL(app->within, 365 * 86400);
    CU_ASSERT_PTR_NOT_NULL_FATAL(app->has);
    CU_ASSERT_EQUAL(app->has->op, ACC_X_CMP);
    CU_ASSERT_EQUAL(app->has->u.cmp.l.field, ACC_FIELD_DECISION);
    CU_ASSERT_EQUAL(app->has->u.cmp.r.value, ACC_DECISION_GRANTED);
    /* Spans locate the declarations in the source. */
    unsigned line, column;
    acc_source_locate(&rs->sources[0], rs->facts[FACT_APPROVED].name_span.start, &line,
                      &column);
    CU_ASSERT_EQUAL(line, 31);
    CU_ASSERT_EQUAL(column, 6);
    acc_source_locate(&rs->sources[0], rs->rules[R_ART3_RELAY].name_span.start, &line, &column);
    CU_ASSERT_EQUAL(line, 46);
    CU_ASSERT_EQUAL(column, 6);
    acc_ruleset_free(rs);
}

/* Checks one verdict's index list against the expected membership bits. */
static void assert_indexes(const uint32_t *got, size_t n_got, const bool *want, size_t n_want)
{
    size_t k = 0;
    for (size_t i = 0; i < n_want; i++) {
        if (!want[i])
            continue;
        CU_ASSERT_TRUE(k < n_got && got[k] == i);
        k++;
    }
    CU_ASSERT_EQUAL(n_got, k);
}

/* Runs a truth table on the shipped rule set with a verdict initialised for it. */
static void with_shipped_rules(void (*table)(const acc_ruleset *rs, acc_verdict *v))
{
    acc_ruleset *rs = compile_shipped();
    acc_verdict v;
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL_FATAL(acc_verdict_init(&v, rs), ACC_OK);
    table(rs, &v);
    acc_verdict_fini(&v);
    acc_ruleset_free(rs);
}

static void request_truth_table(const acc_ruleset *rs, acc_verdict *v)
{
    unsigned permitted = 0;
    for (size_t t = 0; t < N_TIMES; t++)
        for (int from = 0; from < N_PARTIES; from++)
            for (int to = 0; to < N_PARTIES; to++)
                for (int topic = 0; topic < N_TOPICS; topic++) {
                    acc_event ev = { .kind = ACC_KIND_REQUEST, .time = times[t], .from = from,
                                     .to = to, .topic = topic };
                    bool want = korea_or_japan(from) && to == US;
                    acc_eval_event(rs, &ev, v);
                    CU_ASSERT_EQUAL(v->permitted, want);
                    CU_ASSERT_EQUAL(acc_eval_permitted(rs, &ev), want);
                    CU_ASSERT_EQUAL(v->n_permits, want ? 1 : 0);
                    CU_ASSERT_TRUE(!want || v->permits[0] == R_ART2);
                    CU_ASSERT_EQUAL(v->n_forbids, 0);
                    CU_ASSERT_EQUAL(v->n_broken_invariants, 0);
                    permitted += want;
                }
    CU_ASSERT_EQUAL(permitted, N_TIMES * 2 * N_TOPICS);
}

static void test_evaluator__request_truth_table(void)
{
    with_shipped_rules(request_truth_table);
}

static void approval_truth_table(const acc_ruleset *rs, acc_verdict *v)
{
    unsigned permitted = 0;
    for (size_t t = 0; t < N_TIMES; t++)
        for (int from = 0; from < N_PARTIES; from++)
            for (int to = 0; to < N_PARTIES; to++)
                for (int d = 0; d < ACC_DECISION_COUNT; d++) {
                    acc_event ev = { .kind = ACC_KIND_APPROVAL, .time = times[t], .from = from,
                                     .to = to, .decision = d, .item = "x", .item_len = 1 };
                    bool want = korea_or_japan(from) && korea_or_japan(to) && from != to;
                    acc_eval_event(rs, &ev, v);
                    CU_ASSERT_EQUAL(v->permitted, want);
                    CU_ASSERT_EQUAL(acc_eval_permitted(rs, &ev), want);
                    CU_ASSERT_TRUE(!want || (v->n_permits == 1 && v->permits[0] == R_ART3_APPROVE));
                    CU_ASSERT_EQUAL(v->n_forbids, 0);
                    CU_ASSERT_EQUAL(v->n_broken_invariants, 0);
                    permitted += want;
                }
    CU_ASSERT_EQUAL(permitted, N_TIMES * 2 * ACC_DECISION_COUNT);
}

static void test_evaluator__approval_truth_table(void)
{
    with_shipped_rules(approval_truth_table);
}

/* The hand-written model of one transfer: which rules match, which invariants break. */
static void transfer_model(const acc_event *ev, bool rules[N_RULES], bool broken[N_INVARIANTS])
{
    bool in_scope = ev->topic == NUCLEAR || ev->topic == MISSILE;
    memset(rules, 0, N_RULES * sizeof *rules);
    rules[R_ENTRY] = ev->time < EFFECTIVE;
    rules[R_ART1] = !in_scope;
    rules[R_ART3_PROVIDE] = korea_or_japan(ev->from) && ev->to == US &&
                            ev->originator == ev->from;
    rules[R_ART3_RELAY] = ev->from == US && korea_or_japan(ev->to) && ev->to != ev->originator &&
                          ev->facts[FACT_REQUESTED] && ev->facts[FACT_RECEIVED] &&
                          ev->facts[FACT_APPROVED];
    broken[I_NO_DIRECT] = korea_or_japan(ev->from) && korea_or_japan(ev->to);
    broken[I_SCOPE] = !in_scope;
    broken[I_MUTUAL] = ev->originator != ev->from && ev->originator != ev->to &&
                       !ev->facts[FACT_APPROVED];
    broken[I_IN_FORCE] = ev->time < EFFECTIVE;
}

static void transfer_truth_table_and_invariants_hold_when_permitted(const acc_ruleset *rs, acc_verdict *v)
{
    unsigned events = 0, permitted = 0, mismatches = 0, permitted_but_broken = 0;
    for (size_t t = 0; t < N_TIMES; t++)
    for (int from = 0; from < N_PARTIES; from++)
    for (int to = 0; to < N_PARTIES; to++)
    for (int topic = 0; topic < N_TOPICS; topic++)
    for (int orig = 0; orig < N_PARTIES; orig++)
    for (int level = 0; level < 4; level++)
    for (unsigned bits = 0; bits < 1u << N_FACTS; bits++) {
        bool facts[N_FACTS] = { bits & 1, bits & 2, bits & 4 };
        acc_event ev = { .kind = ACC_KIND_TRANSFER, .time = times[t], .from = from, .to = to,
                         .topic = topic, .originator = orig, .level = level, .item = "i",
                         .item_len = 1, .facts = facts };
        bool rules[N_RULES], broken[N_INVARIANTS];
        bool forbids[N_RULES] = { 0 }, permits[N_RULES] = { 0 };
        transfer_model(&ev, rules, broken);
        for (int r = 0; r < N_RULES; r++) {
            forbids[r] = rules[r] && (r == R_ENTRY || r == R_ART1);
            permits[r] = rules[r] && !forbids[r];
        }
        bool want = (permits[R_ART3_PROVIDE] || permits[R_ART3_RELAY]) && !forbids[R_ENTRY] &&
                    !forbids[R_ART1];
        acc_eval_event(rs, &ev, v);
        events++;
        mismatches += v->permitted != want || acc_eval_permitted(rs, &ev) != want;
        assert_indexes(v->permits, v->n_permits, permits, N_RULES);
        assert_indexes(v->forbids, v->n_forbids, forbids, N_RULES);
        assert_indexes(v->broken_invariants, v->n_broken_invariants, broken, N_INVARIANTS);
        permitted += v->permitted;
        permitted_but_broken += v->permitted && v->n_broken_invariants > 0;
    }
    CU_ASSERT_EQUAL(events, N_TIMES * 3 * 3 * 4 * 3 * 4 * 8);
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_EQUAL(permitted_but_broken, 0);
    /* Provide: 2 times x {KR,JP}->US x 2 topics x 4 levels x 8 fact values = 256;
     * relay: 2 times x US->{KR,JP} x 2 topics x 2 originators != to x 4 levels = 64. */
    CU_ASSERT_EQUAL(permitted, 256 + 64);
}

static void test_evaluator__transfer_truth_table_and_invariants_hold_when_permitted(void)
{
    with_shipped_rules(transfer_truth_table_and_invariants_hold_when_permitted);
}

static void test_evaluator__default_rules_match_the_shipped_file(void)
{
    test_diags diags = { 0 };
    acc_diag_sink sink = test_diags_sink(&diags);
    acc_file *file = NULL;
    acc_ruleset *rs = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_file_default(&file, &sink), ACC_OK);
    CU_ASSERT_STRING_EQUAL(acc_file_path(file), "rules/tisa-2014.accord");
    CU_ASSERT_STRING_EQUAL(acc_file_name(file), "TISA-2014");
    CU_ASSERT_FALSE(acc_file_is_amendment(file));
    CU_ASSERT_PTR_NULL(acc_file_base_name(file));
    CU_ASSERT_EQUAL(acc_ruleset_build(&rs, &file, 1, &sink), ACC_OK);
    acc_file_free(file);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_STRING_EQUAL(rs->sources[0].path, "rules/tisa-2014.accord");
    CU_ASSERT_EQUAL(acc_ruleset_rule_count(rs), N_RULES);
    CU_ASSERT_EQUAL(diags.count, 0);
    acc_ruleset_free(rs);
    test_diags_free(&diags);
}

/* Every comparison operator on less, equal and greater values, the extremes included. */
static void test_evaluator__comparisons_hold_exactly_per_operator(void)
{
    static const int64_t pairs[][2] = { { 1, 2 }, { 2, 2 }, { 3, 2 },
                                        { INT64_MIN, INT64_MAX }, { INT64_MAX, INT64_MIN } };
    static const acc_cmp_op ops[] = { ACC_CMP_EQ, ACC_CMP_NE, ACC_CMP_LT, ACC_CMP_LE,
                                      ACC_CMP_GT, ACC_CMP_GE };
    /* want[op][pair]: the value of pairs[pair][0] op pairs[pair][1] */
    static const bool want[6][5] = {
        { false, true, false, false, false }, { true, false, true, true, true },
        { true, false, false, true, false },  { true, true, false, true, false },
        { false, false, true, false, true },  { false, true, true, false, true } };
    int right = 0;
    for (int o = 0; o < 6; o++)
        for (int p = 0; p < 5; p++)
            right += acc_cmp_holds(ops[o], pairs[p][0], pairs[p][1]) == want[o][p];
    CU_ASSERT_EQUAL(right, 30);
}

/* Nots around and, or and implies, nested, on every pair of parties and both values of
   a fact, against the same formulas written in C. */
static void test_evaluator__nested_negations_keep_their_meaning(void)
{
    static const char text[] =
        "accord N { title \"nots\" effective 2015-01-01 }\n"
        "parties { KR JP US }\ntopics { t }\nlevels { L }\n"
        "fact seen on transfer = once request(from = from);\n"
        "rule any permit transfer;\n"
        "invariant a on transfer: not (not (from == KR) implies to == US);\n"
        "invariant b on transfer: not (from == KR or not (to == US and seen));\n"
        "invariant c on transfer: not not (from in {KR, JP} implies not seen);\n"
        "invariant d on transfer: (not from == to) and not (to not in {US} or false);\n";
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile("nots.accord", text, &diags);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL_FATAL(rs->n_invariants, 4);
    int right = 0;
    for (int from = 0; from < 3; from++)
        for (int to = 0; to < 3; to++)
            for (int seen = 0; seen < 2; seen++) {
                bool facts[1] = { seen };
                acc_event ev = { .kind = ACC_KIND_TRANSFER, .from = from, .to = to,
                                 .facts = facts };
                bool want[4] = {
                    !(from == KR || to == US),
                    !(from == KR || !(to == US && seen)),
                    !(from == KR || from == JP) || !seen,
                    from != to && to == US,
                };
                for (int i = 0; i < 4; i++)
                    right += acc_eval_expr(rs, rs->invariants[i].expr, &ev) == want[i];
            }
    CU_ASSERT_EQUAL(right, 3 * 3 * 2 * 4);
    acc_ruleset_free(rs);
    test_diags_free(&diags);
}

/* Whether the compiled program gives ev the evaluator's verdict and decision. */
static bool program_agrees(const acc_ruleset *rs, const acc_eval_program *p,
                           const acc_event *ev, acc_verdict *want, acc_verdict *got)
{
    acc_eval_event(rs, ev, want);
    acc_eval_program_event(p, ev, got);
    bool same = want->permitted == got->permitted && want->n_permits == got->n_permits &&
                want->n_forbids == got->n_forbids &&
                want->n_broken_invariants == got->n_broken_invariants &&
                want->n_broken_assumptions == got->n_broken_assumptions &&
                acc_eval_permitted(rs, ev) == acc_eval_program_permitted(p, ev);
    for (size_t i = 0; same && i < want->n_permits; i++)
        same = want->permits[i] == got->permits[i];
    for (size_t i = 0; same && i < want->n_forbids; i++)
        same = want->forbids[i] == got->forbids[i];
    for (size_t i = 0; same && i < want->n_broken_invariants; i++)
        same = want->broken_invariants[i] == got->broken_invariants[i];
    for (size_t i = 0; same && i < want->n_broken_assumptions; i++)
        same = want->broken_assumptions[i] == got->broken_assumptions[i];
    return same;
}

/* Counts the events on which the program and the evaluator agree; `next` gives each
   event (false when there are no more). */
static size_t count_agreements(const acc_ruleset *rs, bool (*next)(acc_event *ev, size_t i),
                               size_t *total)
{
    acc_eval_program *p = NULL;
    acc_verdict want, got;
    CU_ASSERT_EQUAL_FATAL(acc_eval_program_new(&p, rs), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(acc_verdict_init(&want, rs), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(acc_verdict_init(&got, rs), ACC_OK);
    size_t agree = 0, i = 0;
    acc_event ev;
    for (; next(&ev, i); i++)
        agree += program_agrees(rs, p, &ev, &want, &got);
    *total = i;
    acc_verdict_fini(&want);
    acc_verdict_fini(&got);
    acc_eval_program_free(p);
    return agree;
}

static bool shipped_facts[8][N_FACTS];

/* Every event of the shipped rules' domain: kind, parties, topic, level, decision, three
   times and the eight values of the facts, in mixed radix. */
static bool every_shipped_event(acc_event *ev, size_t i)
{
    size_t f = i % 8, t = i / 8 % N_TIMES, d = i / 24 % 3, l = i / 72 % 4, o = i / 288 % 3,
           tp = i / 864 % N_TOPICS, to = i / 3456 % N_PARTIES, fr = i / 10368 % N_PARTIES,
           k = i / 31104;
    if (k >= ACC_KIND_COUNT)
        return false;
    for (int j = 0; j < N_FACTS; j++)
        shipped_facts[f][j] = (f >> j) & 1;
    *ev = (acc_event){ .kind = (acc_kind)k, .time = times[t], .from = (int)fr, .to = (int)to,
                       .topic = (int)tp, .originator = (int)o, .level = (int)l,
                       .decision = (int)d, .facts = shipped_facts[f] };
    return true;
}

static void test_evaluator__compiled_program_agrees_on_every_shipped_event(void)
{
    acc_ruleset *rs = compile_shipped();
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    size_t total = 0;
    size_t agree = count_agreements(rs, every_shipped_event, &total);
    CU_ASSERT_EQUAL(total, 31104 * ACC_KIND_COUNT);
    CU_ASSERT_EQUAL(agree, total);
    acc_ruleset_free(rs);
}

static uint64_t random_state;
static bool random_facts[2];

static int64_t random_below(int64_t n)
{
    random_state = random_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int64_t)((random_state >> 33) % (uint64_t)n);
}

/* 200,000 random events, members from -2 to 71 (beyond both ends of the 70 parties) and
   times around the constants of the rule set below. */
static bool random_event(acc_event *ev, size_t i)
{
    if (i == 200000)
        return false;
    static const int64_t around[] = { 1420070399, 1420070400, 1420070401, 1420156800, 0 };
    random_facts[0] = random_below(2);
    random_facts[1] = random_below(2);
    *ev = (acc_event){ .kind = (acc_kind)random_below(ACC_KIND_COUNT),
                       .time = around[random_below(5)], .from = (int)random_below(74) - 2,
                       .to = (int)random_below(74) - 2, .topic = (int)random_below(3),
                       .originator = (int)random_below(74) - 2,
                       .level = (int)random_below(3), .decision = (int)random_below(3),
                       .facts = random_facts };
    return true;
}

static void test_evaluator__compiled_program_agrees_on_random_events(void)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "accord R { title \"random\" effective 2015-01-01 }\nparties {");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, " P%d", i);
    snprintf(text + n, sizeof text - n, " }\ntopics { t0 t1 t2 }\nlevels { L0 < L1 < L2 }\n"
        "fact seen on transfer = once request(from = from);\n"
        "fact told on transfer = latest approval(from = originator) has decision == granted;\n"
        "rule a permit transfer when from in {P1, P2, P65, P69} and not (to == from);\n"
        "rule b forbid transfer when time < 2015-01-01 or (level >= L1 implies seen);\n"
        "rule c permit transfer when not (originator not in {P0, P3} or told) and true;\n"
        "rule d permit request when to != P5 and (topic == t1 or time > 2015-01-02);\n"
        "rule e forbid request when not not (time == 2015-01-01 and from in {P60, P63, P64, P69});\n"
        "rule f permit approval when decision != granted or not (from in {P64, P7});\n"
        "rule g permit approval;\n"
        "rule h forbid approval when false or (to == from and time >= 2015-01-01);\n"
        "invariant i on transfer: (seen or told) implies (level <= L1 and topic in {t0, t2});\n"
        "invariant j on request: not (from == P0 and to == P0);\n"
        "assume k on transfer: seen implies (time <= 2015-01-02 or originator != P4);\n"
        "assume l on approval: from in {P0, P1, P2} or decision == denied;\n");
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile("random.accord", text, &diags);
    CU_ASSERT_STRING_EQUAL(diags.text ? diags.text : "", "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    random_state = 5;
    size_t total = 0;
    size_t agree = count_agreements(rs, random_event, &total);
    CU_ASSERT_EQUAL(total, 200000);
    CU_ASSERT_EQUAL(agree, total);
    acc_ruleset_free(rs);
    test_diags_free(&diags);
}

/* Compiling fails cleanly (ACC_ENOMEM, nothing leaked: ASan) at every allocation. */
static void test_evaluator__compiled_program_survives_every_allocation_failure(void)
{
    acc_ruleset *rs = compile_shipped();
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    unsigned long failed = 0, nth = 1;
    for (;; nth++) {
        acc_eval_program *p = NULL;
        acc_alloc_fail_at(nth);
        int rc = acc_eval_program_new(&p, rs);
        acc_alloc_fail_at(0);
        if (rc == ACC_OK) {
            acc_eval_program_free(p);
            break;
        }
        failed += rc == ACC_ENOMEM && p == NULL;
    }
    CU_ASSERT(nth > 1);
    CU_ASSERT_EQUAL(failed, nth - 1);
    acc_ruleset_free(rs);
}

int main(void)
{
    static const test_case tests[] = {
        { "shipped_rules_compile_to_expected_names",
          test_evaluator__shipped_rules_compile_to_expected_names },
        { "shipped_facts_compile_to_expected_bindings",
          test_evaluator__shipped_facts_compile_to_expected_bindings },
        { "request_truth_table", test_evaluator__request_truth_table },
        { "compiled_program_agrees_on_every_shipped_event", test_evaluator__compiled_program_agrees_on_every_shipped_event },
        { "compiled_program_agrees_on_random_events", test_evaluator__compiled_program_agrees_on_random_events },
        { "compiled_program_survives_every_allocation_failure", test_evaluator__compiled_program_survives_every_allocation_failure },
        { "comparisons_hold_exactly_per_operator", test_evaluator__comparisons_hold_exactly_per_operator },
        { "nested_negations_keep_their_meaning", test_evaluator__nested_negations_keep_their_meaning },
        { "approval_truth_table", test_evaluator__approval_truth_table },
        { "transfer_truth_table_and_invariants_hold_when_permitted",
          test_evaluator__transfer_truth_table_and_invariants_hold_when_permitted },
        { "default_rules_match_the_shipped_file",
          test_evaluator__default_rules_match_the_shipped_file },
        { NULL, NULL },
    };
    return test_run_suite("evaluator", tests);
}
