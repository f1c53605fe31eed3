/*
 * sha256.c - SHA-256 of a message in memory (sha256.h): FIPS 180-4's compression
 * function in portable C and with the x86 SHA extensions, the padding, and the choice
 * between the two, made once per process.
 *
 * Both compress whole 64-byte blocks into a state of eight words; acc_sha256 and its
 * variants pad the message's tail into a block or two on the stack. Nothing is allocated.
 */
#include "sha256.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_X86_SHA 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* Compresses n 64-byte blocks at p into state s. */
typedef void compress_fn(uint32_t s[8], const unsigned char *p, size_t n);

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static const uint32_t IV[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void compress_portable(uint32_t s[8], const unsigned char *p, size_t n)
{
    for (; n > 0; n--, p += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++)
            w[t] = load_be32(p + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = s[0], b = s[1], c = s[2], d = s[3];
        uint32_t e = s[4], f = s[5], g = s[6], h = s[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                          K[t] + w[t];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        s[0] += a, s[1] += b, s[2] += c, s[3] += d;
        s[4] += e, s[5] += f, s[6] += g, s[7] += h;
    }
}

#ifdef HAVE_X86_SHA
/*
 * The SHA extensions keep the state in two registers, ABEF and CDGH (A in the highest
 * lane); sha256rnds2 does two rounds, taking their message-plus-constant words from the
 * low half of its third operand. Each step below does four rounds and, from round 16 on,
 * computes the next four message words from the previous sixteen with sha256msg1/msg2.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_native(uint32_t s[8], const unsigned char *p, size_t n)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)&s[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)&s[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; n > 0; n--, p += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i m[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            __m128i w;
            if (i < 4) {
                w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
                                     bswap);
            } else {
                /* w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16], four at a time. */
                __m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
                w = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
            }
            m[i & 3] = w;
            __m128i wk = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * i]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)(void *)&s[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)(void *)&s[4], _mm_alignr_epi8(dchg, feba, 8));
}

/* Whether the processor has the SHA extensions and the SSSE3 and SSE4.1 they come with. */
static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return (b & (1u << 29)) != 0;  /* CPUID.(EAX=7,ECX=0):EBX.SHA */
}
#endif

static compress_fn *best;
static pthread_once_t best_once = PTHREAD_ONCE_INIT;

static void choose_best(void)
{
    best = compress_portable;
#ifdef HAVE_X86_SHA
    if (cpu_has_sha())
        best = compress_native;
#endif
}

/* Hashes data[0..len) with `compress`: the whole blocks in place, the padded tail copied. */
static void sha256_with(compress_fn *compress, const void *data, size_t len,
                        unsigned char out[ACC_SHA256_LEN])
{
    const unsigned char *p = data;
    uint32_t s[8];
    memcpy(s, IV, sizeof s);
    size_t whole = len / 64;
    if (whole > 0)
        compress(s, p, whole);
    unsigned char tail[128];
    size_t rest = len % 64;
    size_t tail_len = rest + 9 <= 64 ? 64 : 128;
    if (rest > 0)
        memcpy(tail, p + 64 * whole, rest);
    tail[rest] = 0x80;
    memset(tail + rest + 1, 0, tail_len - rest - 1 - 8);
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
    compress(s, tail, tail_len / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s[i] >> 8);
        out[4 * i + 3] = (unsigned char)s[i];
    }
}

void acc_sha256(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN])
{
    pthread_once(&best_once, choose_best);
    sha256_with(best, data, len, out);
}

void acc_sha256_portable(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN])
{
    sha256_with(compress_portable, data, len, out);
}

bool acc_sha256_native(const void *data, size_t len, unsigned char out[ACC_SHA256_LEN])
{
    pthread_once(&best_once, choose_best);
#ifdef HAVE_X86_SHA
    if (best == compress_native) {
        sha256_with(compress_native, data, len, out);
        return true;
    }
#endif
    (void)data, (void)len, (void)out;
    return false;
}
