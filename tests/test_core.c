/*
 * test_core.c - the shared tables and utilities of accord/core.h: kind/field tables, UTC
 * time parsing and formatting, status texts; and the small internal helpers (arena, JSON
 * writer, allocation failure injection).
 */
#include "test_support.h"

#include "alloc.h"
#include "arena.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

static void test_core__field_table_matches_the_spec(void)
{
    CU_ASSERT_TRUE(acc_kind_has_field(ACC_KIND_REQUEST, ACC_FIELD_TOPIC));
    CU_ASSERT_FALSE(acc_kind_has_field(ACC_KIND_REQUEST, ACC_FIELD_ITEM));
    CU_ASSERT_FALSE(acc_kind_has_field(ACC_KIND_APPROVAL, ACC_FIELD_TOPIC));
    CU_ASSERT_TRUE(acc_kind_has_field(ACC_KIND_APPROVAL, ACC_FIELD_DECISION));
    CU_ASSERT_TRUE(acc_kind_has_field(ACC_KIND_TRANSFER, ACC_FIELD_ORIGINATOR));
    CU_ASSERT_TRUE(acc_kind_has_field(ACC_KIND_TRANSFER, ACC_FIELD_LEVEL));
    CU_ASSERT_FALSE(acc_kind_has_field(ACC_KIND_TRANSFER, ACC_FIELD_DECISION));
    CU_ASSERT_FALSE(acc_kind_has_field(ACC_KIND_COUNT, ACC_FIELD_TIME));
    CU_ASSERT_EQUAL(acc_field_type(ACC_FIELD_ORIGINATOR), ACC_TYPE_PARTY);
    CU_ASSERT_EQUAL(acc_field_type(ACC_FIELD_ITEM), ACC_TYPE_ITEM);
}

static void test_core__names_round_trip(void)
{
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        const char *name = acc_kind_name((acc_kind)k);
        CU_ASSERT_EQUAL(acc_kind_from_name(name, strlen(name)), k);
    }
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        const char *name = acc_field_name((acc_field)f);
        CU_ASSERT_EQUAL(acc_field_from_name(name, strlen(name)), f);
    }
    CU_ASSERT_EQUAL(acc_decision_from_name("revoked", 7), ACC_DECISION_REVOKED);
    CU_ASSERT_EQUAL(acc_decision_from_name("grant", 5), -1);
    CU_ASSERT_EQUAL(acc_kind_from_name("transfers", 8), ACC_KIND_TRANSFER);
    CU_ASSERT_EQUAL(acc_kind_from_name("transfers", 9), -1);
    CU_ASSERT_STRING_EQUAL(acc_status_text(ACC_EUNKNOWN), "solver returned unknown");
    CU_ASSERT_STRING_EQUAL(acc_status_text(99), "unknown status");
}

static void test_core__time_parses_exact_utc_format(void)
{
    int64_t t = 0;
    CU_ASSERT_TRUE(acc_time_parse("1970-01-01T00:00:00Z", 20, &t));
    CU_ASSERT_EQUAL(t, 0);
    CU_ASSERT_TRUE(acc_time_parse("2015-01-05T09:12:00Z", 20, &t));
    CU_ASSERT_EQUAL(t, 1420449120);
    CU_ASSERT_TRUE(acc_time_parse("2016-02-29T23:59:59Z", 20, &t));
    CU_ASSERT_EQUAL(t, 1456790399);
    CU_ASSERT_FALSE(acc_time_parse("2015-02-29T00:00:00Z", 20, &t));
    CU_ASSERT_FALSE(acc_time_parse("2015-01-05T24:00:00Z", 20, &t));
    CU_ASSERT_FALSE(acc_time_parse("2015-01-05T09:12:00+00:00", 25, &t));
    CU_ASSERT_FALSE(acc_time_parse("2015-01-05 09:12:00Z", 20, &t));
    CU_ASSERT_FALSE(acc_time_parse("2015-1-05T09:12:00Z", 19, &t));
    CU_ASSERT_FALSE(acc_time_parse("0000-01-01T00:00:00Z", 20, &t));
    CU_ASSERT_TRUE(acc_date_parse("2014-12-29", 10, &t));
    CU_ASSERT_EQUAL(t, 1419811200);
    CU_ASSERT_FALSE(acc_date_parse("2014-13-01", 10, &t));
}

static void test_core__time_formats_and_round_trips(void)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(1420449120, buf);
    CU_ASSERT_STRING_EQUAL(buf, "2015-01-05T09:12:00Z");
    acc_time_format(ACC_TIME_MIN, buf);
    CU_ASSERT_STRING_EQUAL(buf, "0001-01-01T00:00:00Z");
    acc_time_format(ACC_TIME_MAX, buf);
    CU_ASSERT_STRING_EQUAL(buf, "9999-12-31T23:59:59Z");
    acc_time_format(-1, buf);
    CU_ASSERT_STRING_EQUAL(buf, "1969-12-31T23:59:59Z");
    /* Every 9973rd second over the range parses back to itself. */
    int mismatches = 0;
    for (int64_t t = ACC_TIME_MIN; t <= ACC_TIME_MAX; t += 997300007) {
        int64_t back = 0;
        acc_time_format(t, buf);
        if (!acc_time_parse(buf, strlen(buf), &back) || back != t)
            mismatches++;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void test_arena__allocations_are_zeroed_and_survive_growth(void)
{
    acc_arena a;
    acc_arena_init(&a);
    char *first = acc_arena_strdup(&a, "first");
    unsigned char *big = acc_arena_alloc(&a, 100000);
    int *small[1000];
    for (int i = 0; i < 1000; i++) {
        small[i] = acc_arena_alloc(&a, sizeof(int) * 8);
        CU_ASSERT_EQUAL(small[i][7], 0);
        small[i][0] = i;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    CU_ASSERT_EQUAL(big[99999], 0);
    CU_ASSERT_STRING_EQUAL(first, "first");
    CU_ASSERT_EQUAL(small[999][0], 999);
    CU_ASSERT_EQUAL(small[0][0], 0);
    acc_arena_free(&a);
    CU_ASSERT_PTR_NULL(a.head);
}

static void test_alloc__fails_exactly_the_nth_allocation(void)
{
    acc_alloc_fail_at(3);
    void *a = acc_malloc(8), *b = acc_malloc(8), *c = acc_malloc(8), *d = acc_malloc(8);
    CU_ASSERT_PTR_NOT_NULL(a);
    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT_EQUAL(acc_alloc_count(), 4);
    acc_alloc_fail_at(0);
    acc_free(a);
    acc_free(b);
    acc_free(d);
}

static void test_json__escapes_and_separates_values(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_json j;
    acc_json_init(&j, f, 0);
    acc_json_object_begin(&j);
    acc_json_key(&j, "s");
    acc_json_string(&j, "a\"b\\c\n\x01\xff");
    acc_json_key(&j, "n");
    acc_json_int(&j, -42);
    acc_json_key(&j, "list");
    acc_json_array_begin(&j);
    acc_json_bool(&j, true);
    acc_json_null(&j);
    acc_json_string(&j, NULL);
    acc_json_array_end(&j);
    acc_json_key(&j, "empty");
    acc_json_object_begin(&j);
    acc_json_object_end(&j);
    acc_json_object_end(&j);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\",\"n\":-42,"
                                "\"list\":[true,null,null],\"empty\":{}}");
    free(buf);
}

static void test_json__indents_nested_values(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_json j;
    acc_json_init(&j, f, 2);
    acc_json_object_begin(&j);
    acc_json_key(&j, "a");
    acc_json_array_begin(&j);
    acc_json_int(&j, 1);
    acc_json_int(&j, 2);
    acc_json_array_end(&j);
    acc_json_object_end(&j);
    acc_json_finish(&j);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
    free(buf);
}

int main(void)
{
    static const test_case tests[] = {
        { "field_table_matches_the_spec", test_core__field_table_matches_the_spec },
        { "names_round_trip", test_core__names_round_trip },
        { "time_parses_exact_utc_format", test_core__time_parses_exact_utc_format },
        { "time_formats_and_round_trips", test_core__time_formats_and_round_trips },
        { "arena_allocations_are_zeroed_and_survive_growth",
          test_arena__allocations_are_zeroed_and_survive_growth },
        { "alloc_fails_exactly_the_nth_allocation", test_alloc__fails_exactly_the_nth_allocation },
        { "json_escapes_and_separates_values", test_json__escapes_and_separates_values },
        { "json_indents_nested_values", test_json__indents_nested_values },
        { NULL, NULL },
    };
    return test_run_suite("core", tests);
}
