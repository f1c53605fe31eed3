/*
 * test_sha256.c - the hash chain's SHA-256 (src/sha256.h): FIPS 180-4's example vectors,
 * and every message length from 0 to 300 bytes (each padding case: tail of 0 to 63 bytes,
 * one or two padded blocks) plus longer ones, compared with OpenSSL's SHA-256, for the
 * portable implementation, the one with the SHA extensions (where this processor has
 * them) and the one acc_sha256 picks.
 */
#include "test_support.h"

#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const unsigned char md[ACC_SHA256_LEN], char hex[2 * ACC_SHA256_LEN + 1])
{
    for (int i = 0; i < ACC_SHA256_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* The three implementations' hex digests of data[0..len), each checked equal to `want`;
   true when all were. */
static bool check_all(const void *data, size_t len, const char *want)
{
    unsigned char md[ACC_SHA256_LEN];
    char portable[2 * ACC_SHA256_LEN + 1], chosen[2 * ACC_SHA256_LEN + 1];
    char native[2 * ACC_SHA256_LEN + 1];
    acc_sha256_portable(data, len, md);
    to_hex(md, portable);
    CU_ASSERT_STRING_EQUAL(portable, want);
    acc_sha256(data, len, md);
    to_hex(md, chosen);
    CU_ASSERT_STRING_EQUAL(chosen, want);
    bool have_native = acc_sha256_native(data, len, md);
    if (have_native) {
        to_hex(md, native);
        CU_ASSERT_STRING_EQUAL(native, want);
    }
    return strcmp(portable, want) == 0 && strcmp(chosen, want) == 0 &&
           (!have_native || strcmp(native, want) == 0);
}

static void openssl_hex(const void *data, size_t len, char hex[2 * ACC_SHA256_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    int ok = EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
    CU_ASSERT_TRUE_FATAL(ok && md_len == ACC_SHA256_LEN);
    to_hex(md, hex);
}

static void test_sha256__fips_180_examples(void)
{
    check_all("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_all("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check_all(two_blocks, strlen(two_blocks),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t million = 1000000;
    char *a = malloc(million);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    memset(a, 'a', million);
    check_all(a, million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

static void test_sha256__every_length_agrees_with_openssl(void)
{
    /* Random bytes, all 256 values; a fixed seed so that a failure can be replayed. */
    enum { MAX = 4200 };
    unsigned char *data = malloc(MAX);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    unsigned long x = 0x5eed;
    for (size_t i = 0; i < MAX; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        data[i] = (unsigned char)(x >> 56);
    }
    static const size_t longer[] = { 511, 512, 513, 1000, 4095, 4096, 4097, MAX };
    size_t checked = 0, agreed = 0;
    for (size_t k = 0; k <= 300 + sizeof longer / sizeof longer[0]; k++) {
        size_t len = k <= 300 ? k : longer[k - 301];
        /* Offsets 0 and 3: aligned and unaligned input. */
        for (size_t off = 0; off <= 3; off += 3) {
            if (off + len > MAX)
                continue;
            char want[2 * ACC_SHA256_LEN + 1];
            openssl_hex(data + off, len, want);
            checked++;
            if (check_all(data + off, len, want))
                agreed++;
            else
                fprintf(stderr, "\nlength %zu offset %zu: want %s\n", len, off, want);
        }
    }
    CU_ASSERT_EQUAL(checked, 2 * 301 + 2 * 7 + 1);
    CU_ASSERT_EQUAL(agreed, checked);
    free(data);
}

static void test_sha256__the_extensions_are_used_where_the_processor_has_them(void)
{
    /* On x86 with the SHA extensions (this project's CI machines), the native
       implementation must be available; elsewhere it must decline. */
    bool expected = false;
#if defined(__x86_64__) || defined(__i386__)
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[8192];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "flags", 5) == 0) {
                expected = strstr(line, " sha_ni") != NULL;
                break;
            }
        fclose(f);
    }
#endif
    unsigned char md[ACC_SHA256_LEN];
    CU_ASSERT_EQUAL(acc_sha256_native("abc", 3, md), expected);
}

int main(void)
{
    static const test_case tests[] = {
        { "fips_180_examples", test_sha256__fips_180_examples },
        { "every_length_agrees_with_openssl", test_sha256__every_length_agrees_with_openssl },
        { "the_extensions_are_used_where_the_processor_has_them",
          test_sha256__the_extensions_are_used_where_the_processor_has_them },
        { NULL, NULL } };
    return test_run_suite("sha256", tests);
}
