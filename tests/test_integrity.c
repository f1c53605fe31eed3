/*
 * test_integrity.c - the integrity checks' building blocks (src/integrity.h): the id set
 * (first kind kept, memory per id), seq parsing, the canonical attribute order and the
 * SHA-256 link of the hash chain (vectors computed independently with Python's hashlib).
 */
#include "test_support.h"

#include "integrity.h"

#include <stdio.h>
#include <string.h>

static void test_integrity__id_set_keeps_the_first_kind(void)
{
    acc_id_set s;
    acc_id_set_init(&s);
    int prev = 99;
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "R-1", 3), -1);
    CU_ASSERT_EQUAL(acc_id_set_add(&s, "R-1", 3, ACC_KIND_REQUEST, &prev), ACC_OK);
    CU_ASSERT_EQUAL(prev, -1);
    CU_ASSERT_EQUAL(acc_id_set_add(&s, "A-1", 3, ACC_KIND_APPROVAL, &prev), ACC_OK);
    CU_ASSERT_EQUAL(prev, -1);
    CU_ASSERT_EQUAL(acc_id_set_add(&s, "R-1", 3, ACC_KIND_TRANSFER, &prev), ACC_OK);
    CU_ASSERT_EQUAL(prev, ACC_KIND_REQUEST);
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "R-1", 3), ACC_KIND_REQUEST);
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "A-1", 3), ACC_KIND_APPROVAL);
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "R-1 ", 4), -1);
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "R-", 2), -1);
    CU_ASSERT_EQUAL(s.n, 2);
    acc_id_set_fini(&s);
}

static void test_integrity__id_set_stays_within_16_bytes_per_id(void)
{
    acc_id_set s;
    acc_id_set_init(&s);
    char id[32];
    int prev = 0, dup = 0;
    for (int i = 0; i < 200000; i++) {
        int n = snprintf(id, sizeof id, "T-%d", i);
        CU_ASSERT_EQUAL_FATAL(acc_id_set_add(&s, id, (size_t)n, (acc_kind)(i % 3), &prev),
                              ACC_OK);
        dup += prev >= 0;
        if (i >= 2000 && i % 997 == 0)
            CU_ASSERT(acc_id_set_bytes(&s) <= 16 * s.n);
    }
    CU_ASSERT_EQUAL(dup, 0);
    CU_ASSERT_EQUAL(s.n, 200000);
    for (int i = 0; i < 200000; i += 7919) {
        int n = snprintf(id, sizeof id, "T-%d", i);
        CU_ASSERT_EQUAL(acc_id_set_find(&s, id, (size_t)n), i % 3);
    }
    CU_ASSERT_EQUAL(acc_id_set_find(&s, "T-200000", 8), -1);
    acc_id_set_fini(&s);
}

static void test_integrity__seq_is_a_positive_integer_as_written(void)
{
    int64_t v = 0;
    CU_ASSERT_TRUE(acc_seq_parse("1", 1, &v));
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_TRUE(acc_seq_parse("9223372036854775807", 19, &v));
    CU_ASSERT_EQUAL(v, INT64_MAX);
    static const char *const bad[] = { "", "0", "01", "+1", "-1", "1 ", " 1", "1e3", "x",
                                       "9223372036854775808", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CU_ASSERT_FALSE(acc_seq_parse(bad[i], strlen(bad[i]), &v));
}

static void test_integrity__canonical_order_is_bytewise_on_qualified_names(void)
{
    acc_canon_attr a[] = {
        { "x", "a", "\xC3\xA9", 2, 0 },
        { NULL, "a_b", "y", 1, 0 },
        { NULL, "B", "2", 1, 0 },
        { NULL, "a-b", "x", 1, 0 },
    };
    acc_canon_sort(a, 4);
    CU_ASSERT_STRING_EQUAL(a[0].name, "B");
    CU_ASSERT_STRING_EQUAL(a[1].name, "a-b");
    CU_ASSERT_STRING_EQUAL(a[2].name, "a_b");
    CU_ASSERT_STRING_EQUAL(a[3].name, "a");
    CU_ASSERT_STRING_EQUAL(a[3].prefix, "x");
    acc_chain c;
    acc_chain_init(&c);
    char out[ACC_DIGEST_HEX_LEN + 1];
    /* sha256("seed" + "transfer\nB=2\na-b=x\na_b=y\nx:a=\xC3\xA9\n") */
    CU_ASSERT_EQUAL(acc_chain_digest(&c, "seed", 4, "transfer", a, 4, out), ACC_OK);
    CU_ASSERT_STRING_EQUAL(out, "94f573880e962bc4e7ca80df9f77e4f89a9748f46a842ae5c69780e6b8760947");
    acc_chain_fini(&c);
}

static void test_integrity__many_attributes_sort_like_few(void)
{
    /* 200 names: the qsort path must give the same bytewise order. */
    static char names[200][8];
    acc_canon_attr a[200];
    for (int i = 0; i < 200; i++) {
        snprintf(names[i], sizeof names[i], "a%03d", (i * 37) % 200);
        a[i] = (acc_canon_attr){ NULL, names[i], "v", 1, 0 };
    }
    acc_canon_sort(a, 200);
    int sorted = 1;
    for (int i = 1; i < 200; i++)
        sorted &= strcmp(a[i - 1].name, a[i].name) < 0;
    CU_ASSERT_TRUE(sorted);
    CU_ASSERT_STRING_EQUAL(a[0].name, "a000");
    CU_ASSERT_STRING_EQUAL(a[199].name, "a199");
}

static void test_integrity__chain_link_matches_the_spec_formula(void)
{
    acc_canon_attr a[] = {
        /* Names with their lengths given (as the audit gives them) and without. */
        { NULL, "topic", "nk-missile", 10, 5 }, { NULL, "to", "US", 2, 0 },
        { NULL, "time", "2015-01-05T09:00:00Z", 20, 4 }, { NULL, "seq", "1", 1, 0 },
        { NULL, "id", "R-1", 3, 2 }, { NULL, "from", "JP", 2, 0 },
    };
    acc_canon_sort(a, 6);
    acc_chain c;
    acc_chain_init(&c);
    char zeros[ACC_DIGEST_HEX_LEN + 1];
    memset(zeros, '0', ACC_DIGEST_HEX_LEN);
    zeros[ACC_DIGEST_HEX_LEN] = '\0';
    char out[ACC_DIGEST_HEX_LEN + 1];
    CU_ASSERT_EQUAL(acc_chain_digest(&c, zeros, ACC_DIGEST_HEX_LEN, "request", a, 6, out), ACC_OK);
    CU_ASSERT_STRING_EQUAL(out, "c029a58d7b059d3c7b7395f4d4b469fa31b9d22900db4b14605e2c60ecc4073c");
    CU_ASSERT_TRUE(acc_digest_valid(out, strlen(out)));
    acc_chain_fini(&c);
}

static void test_integrity__digest_format_is_64_lowercase_hex(void)
{
    char d[65];
    memset(d, 'a', 64);
    d[64] = '\0';
    CU_ASSERT_TRUE(acc_digest_valid(d, 64));
    CU_ASSERT_FALSE(acc_digest_valid(d, 63));
    d[10] = 'A';
    CU_ASSERT_FALSE(acc_digest_valid(d, 64));
    d[10] = 'g';
    CU_ASSERT_FALSE(acc_digest_valid(d, 64));
    /* Each byte just outside the two ranges, and each bound inside them, at every
       position (the check goes sixteen bytes at a time). */
    static const unsigned char outside[] = { '/', ':', '`', 'g', 'A', 'F', ' ', 0, 0x80, 0xB0, 0xE6, 0xFF };
    static const char inside[] = "09af";
    int rejected = 0, accepted = 0;
    for (int pos = 0; pos < 64; pos++) {
        memset(d, '5', 64);
        for (size_t k = 0; k < sizeof outside; k++) {
            d[pos] = (char)outside[k];
            rejected += !acc_digest_valid(d, 64);
        }
        for (int k = 0; k < 4; k++) {
            d[pos] = inside[k];
            accepted += acc_digest_valid(d, 64);
        }
    }
    CU_ASSERT_EQUAL(rejected, 64 * (int)sizeof outside);
    CU_ASSERT_EQUAL(accepted, 64 * 4);
}

int main(void)
{
    static const test_case tests[] = {
        { "id_set_keeps_the_first_kind", test_integrity__id_set_keeps_the_first_kind },
        { "id_set_stays_within_16_bytes_per_id", test_integrity__id_set_stays_within_16_bytes_per_id },
        { "seq_is_a_positive_integer_as_written", test_integrity__seq_is_a_positive_integer_as_written },
        { "canonical_order_is_bytewise_on_qualified_names", test_integrity__canonical_order_is_bytewise_on_qualified_names },
        { "many_attributes_sort_like_few", test_integrity__many_attributes_sort_like_few },
        { "chain_link_matches_the_spec_formula", test_integrity__chain_link_matches_the_spec_formula },
        { "digest_format_is_64_lowercase_hex", test_integrity__digest_format_is_64_lowercase_hex },
        { NULL, NULL } };
    return test_run_suite("integrity", tests);
}
