/*
 * test_facts.c - exact facts over a stream (src/facts_index.h): `within` at D and D+1s,
 * negative ages (an earlier entry with a later timestamp), equal timestamps, `latest`
 * with revocation and log order over time order, constant bindings as filters, item
 * strings as exact keys, and an entry never counting as earlier than itself.
 */
#include "test_support.h"

#include "facts_index.h"

#include <stdio.h>
#include <string.h>

static const char rules[] =
    "accord T { title \"facts\" effective 2015-01-01 }\n"
    "parties { KR JP US }\n"
    "topics { t1 t2 }\n"
    "levels { L1 < L2 }\n"
    "fact recent on transfer = once request(from = to, to = US, topic = topic) within 1 day;\n"
    "fact ever on transfer = once transfer(from = originator, to = US, item = item);\n"
    "fact ok on transfer = latest approval(from = originator, to = to, item = item)\n"
    "                      has decision == granted within 1 day;\n"
    "rule any permit transfer;\n";

enum { KR, JP, US };
enum { F_RECENT, F_EVER, F_OK };
#define T0 1420070400LL   /* 2015-01-01T00:00:00Z */
#define DAY 86400LL

typedef struct fixture {
    test_diags diags;
    acc_ruleset *rs;
    acc_facts *facts;
    bool values[3];
} fixture;

static void setup(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->rs = test_compile("facts.accord", rules, &f->diags);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->rs);
    CU_ASSERT_EQUAL_FATAL(f->rs->n_facts, 3);
    CU_ASSERT_EQUAL_FATAL(acc_facts_new(&f->facts, f->rs), ACC_OK);
}

static void teardown(fixture *f)
{
    acc_facts_free(f->facts);
    acc_ruleset_free(f->rs);
    test_diags_free(&f->diags);
}

static acc_event request(int64_t t, int from, int to, int topic)
{
    return (acc_event){ .kind = ACC_KIND_REQUEST, .time = t, .from = from, .to = to,
                        .topic = topic };
}

static acc_event approval(int64_t t, int from, int to, const char *item, acc_decision d)
{
    return (acc_event){ .kind = ACC_KIND_APPROVAL, .time = t, .from = from, .to = to,
                        .item = item, .item_len = strlen(item), .decision = (int)d };
}

static acc_event transfer(int64_t t, int from, int to, int orig, const char *item)
{
    return (acc_event){ .kind = ACC_KIND_TRANSFER, .time = t, .from = from, .to = to,
                        .originator = orig, .topic = 0, .level = 0, .item = item,
                        .item_len = strlen(item) };
}

static void insert(fixture *f, acc_event ev)
{
    CU_ASSERT_EQUAL(acc_facts_insert(f->facts, &ev), ACC_OK);
}

/* The facts of a relay US -> JP of KR's item at time t. */
static bool fact(fixture *f, int which, int64_t t, const char *item)
{
    acc_event ev = transfer(t, US, JP, KR, item);
    memset(f->values, 0, sizeof f->values);
    acc_facts_compute(f->facts, &ev, f->values);
    return f->values[which];
}

static void test_facts__within_is_inclusive_to_the_second(void)
{
    fixture f;
    setup(&f);
    insert(&f, request(T0, JP, US, 0));
    CU_ASSERT_TRUE(fact(&f, F_RECENT, T0 + DAY, "I"));
    CU_ASSERT_FALSE(fact(&f, F_RECENT, T0 + DAY + 1, "I"));
    CU_ASSERT_TRUE(fact(&f, F_RECENT, T0, "I"));            /* equal timestamps: age 0 */
    teardown(&f);
}

static void test_facts__an_earlier_entry_with_a_later_timestamp_counts(void)
{
    fixture f;
    setup(&f);
    insert(&f, request(T0 + 10 * DAY, JP, US, 0));
    CU_ASSERT_TRUE(fact(&f, F_RECENT, T0, "I"));            /* age -10 days */
    /* once keeps the newest time: an older request logged later changes nothing. */
    insert(&f, request(T0 - 30 * DAY, JP, US, 0));
    CU_ASSERT_TRUE(fact(&f, F_RECENT, T0 + 11 * DAY, "I"));
    CU_ASSERT_FALSE(fact(&f, F_RECENT, T0 + 11 * DAY + 1, "I"));
    acc_fact_match m;
    acc_event ev = transfer(T0, US, JP, KR, "I");
    acc_facts_lookup(f.facts, F_RECENT, &ev, &m);
    CU_ASSERT_TRUE(m.found);
    CU_ASSERT_EQUAL(m.time, T0 + 10 * DAY);
    teardown(&f);
}

static void test_facts__constant_bindings_filter_and_keys_match_exactly(void)
{
    fixture f;
    setup(&f);
    insert(&f, request(T0, JP, JP, 0));                     /* to = JP: not to US */
    insert(&f, request(T0, KR, US, 0));                     /* another party */
    insert(&f, request(T0, JP, US, 1));                     /* another topic */
    CU_ASSERT_FALSE(fact(&f, F_RECENT, T0, "I"));
    insert(&f, request(T0, JP, US, 0));
    CU_ASSERT_TRUE(fact(&f, F_RECENT, T0, "I"));
    teardown(&f);
}

static void test_facts__item_strings_are_compared_in_full(void)
{
    fixture f;
    setup(&f);
    insert(&f, transfer(T0, KR, US, KR, "I-1"));
    CU_ASSERT_TRUE(fact(&f, F_EVER, T0, "I-1"));
    CU_ASSERT_FALSE(fact(&f, F_EVER, T0, "I-10"));
    CU_ASSERT_FALSE(fact(&f, F_EVER, T0, "I-"));
    CU_ASSERT_FALSE(fact(&f, F_EVER, T0, ""));
    insert(&f, transfer(T0, KR, US, KR, ""));
    CU_ASSERT_TRUE(fact(&f, F_EVER, T0, ""));
    /* A long item, longer than the key scratch buffer. */
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    insert(&f, transfer(T0, KR, US, KR, big));
    CU_ASSERT_TRUE(fact(&f, F_EVER, T0 - 100 * DAY, big));  /* no within: any age */
    big[500] = 'y';
    CU_ASSERT_FALSE(fact(&f, F_EVER, T0, big));
    teardown(&f);
}

static void test_facts__an_entry_is_not_earlier_than_itself(void)
{
    fixture f;
    setup(&f);
    /* A provide is itself a source of `ever`: its own facts come before its insertion. */
    acc_event provide = transfer(T0, KR, US, KR, "I-7");
    bool values[3] = { false, true, false };
    acc_facts_compute(f.facts, &provide, values);
    CU_ASSERT_FALSE(values[F_EVER]);
    insert(&f, provide);
    acc_facts_compute(f.facts, &provide, values);
    CU_ASSERT_TRUE(values[F_EVER]);
    teardown(&f);
}

static void test_facts__latest_revocation_cancels_a_grant(void)
{
    fixture f;
    setup(&f);
    CU_ASSERT_FALSE(fact(&f, F_OK, T0, "I"));               /* none at all */
    insert(&f, approval(T0, KR, JP, "I", ACC_DECISION_GRANTED));
    CU_ASSERT_TRUE(fact(&f, F_OK, T0 + 1, "I"));
    insert(&f, approval(T0 + 10, KR, JP, "I", ACC_DECISION_REVOKED));
    CU_ASSERT_FALSE(fact(&f, F_OK, T0 + 20, "I"));
    insert(&f, approval(T0 + 30, KR, JP, "I", ACC_DECISION_GRANTED));
    CU_ASSERT_TRUE(fact(&f, F_OK, T0 + 40, "I"));
    /* Another recipient or item is another key. */
    insert(&f, approval(T0 + 50, KR, US, "I", ACC_DECISION_DENIED));
    CU_ASSERT_TRUE(fact(&f, F_OK, T0 + 60, "I"));
    acc_fact_match m;
    acc_event ev = transfer(T0 + 60, US, JP, KR, "I");
    acc_facts_lookup(f.facts, F_OK, &ev, &m);
    CU_ASSERT_TRUE(m.found && m.has);
    CU_ASSERT_EQUAL(m.time, T0 + 30);
    teardown(&f);
}

static void test_facts__latest_takes_log_order_then_age(void)
{
    fixture f;
    setup(&f);
    insert(&f, approval(T0 + 5 * DAY, KR, JP, "I", ACC_DECISION_GRANTED));
    /* Logged later, timestamped earlier: it is the latest in log order, and too old. */
    insert(&f, approval(T0, KR, JP, "I", ACC_DECISION_GRANTED));
    CU_ASSERT_FALSE(fact(&f, F_OK, T0 + 5 * DAY, "I"));
    CU_ASSERT_TRUE(fact(&f, F_OK, T0 + DAY, "I"));          /* exactly D */
    CU_ASSERT_FALSE(fact(&f, F_OK, T0 + DAY + 1, "I"));     /* D + 1s */
    teardown(&f);
}

/* "I-<i>" in buf (32 bytes). */
static const char *numbered(char *buf, int i)
{
    snprintf(buf, 32, "I-%d", i);
    return buf;
}

static void test_facts__many_keys_are_all_kept(void)
{
    fixture f;
    setup(&f);
    char item[32];
    for (int i = 0; i < 5000; i++) {
        insert(&f, transfer(T0, KR, US, KR, numbered(item, i)));
    }
    int found = 0;
    for (int i = 0; i < 5000; i++) {
        found += fact(&f, F_EVER, T0, numbered(item, i));
    }
    CU_ASSERT_EQUAL(found, 5000);
    CU_ASSERT_FALSE(fact(&f, F_EVER, T0, "I-5000"));
    CU_ASSERT(acc_facts_bytes(f.facts) > 5000 * 8);
    teardown(&f);
}

/* The keys kept by prefetch for compute and insert are those of the entry's values:
   an entry with the same fields and item pointer but other item bytes is another key. */
static void test_facts__prefetched_keys_follow_the_item_bytes_not_the_pointer(void)
{
    fixture f;
    setup(&f);
    insert(&f, transfer(T0, KR, US, KR, "I-1"));
    char item[] = "I-1";
    acc_event ev = transfer(T0, US, JP, KR, item);
    acc_facts_prefetch(f.facts, &ev);
    item[2] = '2';                                          /* same pointer, now "I-2" */
    memset(f.values, 0, sizeof f.values);
    acc_facts_compute(f.facts, &ev, f.values);
    CU_ASSERT_FALSE(f.values[F_EVER]);
    item[2] = '1';
    acc_facts_compute(f.facts, &ev, f.values);
    CU_ASSERT_TRUE(f.values[F_EVER]);
    /* An insert after a prefetch of another entry inserts its own key. */
    acc_event other = transfer(T0, KR, US, KR, "I-3");
    acc_facts_prefetch(f.facts, &ev);
    insert(&f, other);
    CU_ASSERT_TRUE(fact(&f, F_EVER, T0, "I-3"));
    teardown(&f);
}

/* Items around the length where keys move from their slot to the pool, sharing long
   prefixes: each is found, and none is found for another. */
static void test_facts__items_near_the_inline_key_length_are_distinct_keys(void)
{
    fixture f;
    setup(&f);
    char items[40][48];
    for (int i = 0; i < 40; i++) {
        memset(items[i], 'z', (size_t)i);
        items[i][i] = '\0';
        if (i % 2 == 0)
            insert(&f, transfer(T0, KR, US, KR, items[i]));
    }
    int right = 0;
    for (int i = 0; i < 40; i++)
        right += fact(&f, F_EVER, T0, items[i]) == (i % 2 == 0);
    CU_ASSERT_EQUAL(right, 40);
    teardown(&f);
}

/* Keys too long for a slot live in the pool and are compared byte by byte when their
   32-bit tags agree: among 200,000 such keys, half of them present, some absent key
   shares its tag with a present one, and must still not be found. */
static void test_facts__long_keys_with_equal_tags_are_told_apart_by_their_bytes(void)
{
    fixture f;
    setup(&f);
    enum { N = 200000 };
    char item[64];
    for (int i = 0; i < N; i += 2) {
        snprintf(item, sizeof item, "a-long-item-name-past-the-slot-%07d", i);
        insert(&f, transfer(T0, KR, US, KR, item));
    }
    int right = 0;
    for (int i = 0; i < N; i++) {
        snprintf(item, sizeof item, "a-long-item-name-past-the-slot-%07d", i);
        right += fact(&f, F_EVER, T0, item) == (i % 2 == 0);
    }
    CU_ASSERT_EQUAL(right, N);
    teardown(&f);
}

/* `latest` keeps each key's last entry while later keys are placed among earlier ones
   (the table moves slots to keep them in order) and while the table grows. */
static void test_facts__latest_values_survive_moves_and_growth(void)
{
    fixture f;
    setup(&f);
    char item[32];
    for (int i = 0; i < 3000; i++) {
        insert(&f, approval(T0, KR, JP, numbered(item, i), ACC_DECISION_GRANTED));
    }
    for (int i = 0; i < 3000; i += 3) {
        insert(&f, approval(T0 + 1, KR, JP, numbered(item, i), ACC_DECISION_REVOKED));
    }
    int granted = 0, right = 0;
    for (int i = 0; i < 3000; i++) {
        bool ok = fact(&f, F_OK, T0 + 2, numbered(item, i));
        granted += ok;
        right += ok == (i % 3 != 0);
    }
    CU_ASSERT_EQUAL(granted, 2000);
    CU_ASSERT_EQUAL(right, 3000);
    CU_ASSERT_FALSE(fact(&f, F_OK, T0 + 2, "I-3000"));
    teardown(&f);
}

/* Member indexes of 128 and more take several bytes in a key: parties 1 and 129, or 0
   and 128, are still other keys. */
static void test_facts__large_member_indexes_are_distinct_keys(void)
{
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "accord T { title \"many\" effective 2015-01-01 }\nparties {");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, " P%d", i);
    snprintf(text + n, sizeof text - n, " }\ntopics { t }\nlevels { L }\n"
             "fact ever on transfer = once transfer(from = originator, to = to, item = item);\n"
             "rule any permit transfer;\n");
    test_diags diags = { 0 };
    acc_ruleset *rs = test_compile("many.accord", text, &diags);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    acc_facts *facts;
    CU_ASSERT_EQUAL_FATAL(acc_facts_new(&facts, rs), ACC_OK);
    acc_event in = transfer(T0, 129, 0, 129, "I");
    CU_ASSERT_EQUAL(acc_facts_insert(facts, &in), ACC_OK);
    static const int probes[][2] = { { 129, 0 }, { 1, 0 }, { 129, 128 }, { 1, 128 },
                                     { 257, 0 }, { 128, 0 } };
    bool found[6];
    for (int i = 0; i < 6; i++) {
        acc_event ev = transfer(T0, 2, probes[i][1], probes[i][0], "I");
        bool values[1] = { false };
        acc_facts_compute(facts, &ev, values);
        found[i] = values[0];
    }
    CU_ASSERT_TRUE(found[0]);
    CU_ASSERT_FALSE(found[1]);
    CU_ASSERT_FALSE(found[2]);
    CU_ASSERT_FALSE(found[3]);
    CU_ASSERT_FALSE(found[4]);
    CU_ASSERT_FALSE(found[5]);
    acc_facts_free(facts);
    acc_ruleset_free(rs);
    test_diags_free(&diags);
}

int main(void)
{
    static const test_case tests[] = {
        { "within_is_inclusive_to_the_second", test_facts__within_is_inclusive_to_the_second },
        { "an_earlier_entry_with_a_later_timestamp_counts", test_facts__an_earlier_entry_with_a_later_timestamp_counts },
        { "constant_bindings_filter_and_keys_match_exactly", test_facts__constant_bindings_filter_and_keys_match_exactly },
        { "item_strings_are_compared_in_full", test_facts__item_strings_are_compared_in_full },
        { "an_entry_is_not_earlier_than_itself", test_facts__an_entry_is_not_earlier_than_itself },
        { "latest_revocation_cancels_a_grant", test_facts__latest_revocation_cancels_a_grant },
        { "latest_takes_log_order_then_age", test_facts__latest_takes_log_order_then_age },
        { "many_keys_are_all_kept", test_facts__many_keys_are_all_kept },
        { "prefetched_keys_follow_the_item_bytes_not_the_pointer", test_facts__prefetched_keys_follow_the_item_bytes_not_the_pointer },
        { "items_near_the_inline_key_length_are_distinct_keys", test_facts__items_near_the_inline_key_length_are_distinct_keys },
        { "latest_values_survive_moves_and_growth", test_facts__latest_values_survive_moves_and_growth },
        { "large_member_indexes_are_distinct_keys", test_facts__large_member_indexes_are_distinct_keys },
        { "long_keys_with_equal_tags_are_told_apart_by_their_bytes",
          test_facts__long_keys_with_equal_tags_are_told_apart_by_their_bytes },
        { NULL, NULL } };
    return test_run_suite("facts", tests);
}
