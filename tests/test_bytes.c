/*
 * test_bytes.c - the inline copy and comparison of short strings (src/bytes.h): every
 * length from 0 to 40, a difference at each position, and no byte written outside the
 * destination's range.
 */
#include "test_support.h"

#include "bytes.h"

#include <string.h>

static void test_bytes__copy_writes_exactly_the_range(void)
{
    char src[48], dst[64];
    for (int i = 0; i < 48; i++)
        src[i] = (char)('a' + i % 26);
    int exact = 0;
    for (size_t n = 0; n <= 40; n++) {
        memset(dst, '#', sizeof dst);
        char *end = acc_copy_short(dst + 8, src + 3, n);
        bool ok = end == dst + 8 + n && memcmp(dst + 8, src + 3, n) == 0;
        for (size_t i = 0; i < sizeof dst; i++)
            if (i < 8 || i >= 8 + n)
                ok = ok && dst[i] == '#';
        exact += ok;
    }
    CU_ASSERT_EQUAL(exact, 41);
}

static void test_bytes__equal_sees_a_difference_at_every_position(void)
{
    char a[48], b[48];
    int right = 0, cases = 0;
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < sizeof a; i++)
            a[i] = b[i] = (char)(i * 7 + 1);
        /* Bytes after the range differ: they must not count. */
        b[n] = (char)(a[n] + 1);
        cases++;
        right += acc_equal_short(a, b, n);
        for (size_t k = 0; k < n; k++) {
            b[k] ^= 0x40;
            cases++;
            right += !acc_equal_short(a, b, n);
            b[k] ^= 0x40;
        }
    }
    CU_ASSERT_EQUAL(cases, 41 + 40 * 41 / 2);
    CU_ASSERT_EQUAL(right, cases);
}

int main(void)
{
    static const test_case tests[] = {
        { "copy_writes_exactly_the_range", test_bytes__copy_writes_exactly_the_range },
        { "equal_sees_a_difference_at_every_position",
          test_bytes__equal_sees_a_difference_at_every_position },
        { NULL, NULL } };
    return test_run_suite("bytes", tests);
}
