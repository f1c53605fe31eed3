/*
 * integrity.c - the id set, seq parsing and the SHA-256 hash chain (integrity.h).
 *
 * The id set is an open-addressed table of 64-bit hashes with linear probing. It grows
 * by half when 3/4 full, so its load stays in [1/2, 3/4] once it has grown (at most 16
 * bytes per id); slots are mapped with a multiply-shift, so the capacity need not be a
 * power of two. When it grows, the old table is released 2 MiB at a time as the rehash
 * reads it, so that the peak stays at the new table's size (16 bytes per id at most, and
 * 2 MiB) instead of old plus new (26.7).
 */
#define _DEFAULT_SOURCE            /* madvise (grow.h) */
#include "integrity.h"

#include "alloc.h"
#include "bytes.h"
#include "grow.h"
#include "hash.h"
#include "sha256.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define ID_SET_MIN_CAP 1024
#define ID_HASH_SEED 0x6163636f72642d69ULL   /* "accord-i" */

void acc_id_set_init(acc_id_set *s)
{
    memset(s, 0, sizeof *s);
}

void acc_id_set_fini(acc_id_set *s)
{
    acc_free(s->slots);
    memset(s, 0, sizeof *s);
}

uint64_t acc_id_hash(const char *id, size_t len)
{
    return acc_hash_bytes(id, len, ID_HASH_SEED) & ~(uint64_t)3;
}

void acc_id_set_prefetch(const acc_id_set *s, uint64_t h)
{
    if (s->cap)
        __builtin_prefetch(&s->slots[acc_hash_range(h, s->cap)]);
}

/* The slot holding `key` or the empty slot where it belongs. */
static size_t probe(const uint64_t *slots, size_t cap, uint64_t key)
{
    size_t i = acc_hash_range(key, cap);
    while (slots[i] && (slots[i] & ~(uint64_t)3) != key)
        i = i + 1 == cap ? 0 : i + 1;
    return i;
}

static int grow(acc_id_set *s)
{
    size_t cap = s->cap ? s->cap + s->cap / 2 : ID_SET_MIN_CAP;
    if (cap >= ((size_t)1 << 32))
        return ACC_ENOMEM;     /* acc_hash_range maps onto 32-bit capacities */
    uint64_t *slots = acc_calloc(cap, sizeof *slots);
    if (!slots)
        return ACC_ENOMEM;
    acc_hint_huge_pages(slots, cap * sizeof *slots);
    acc_rehash r;
    acc_rehash_begin(&r, s->slots, s->cap, sizeof *slots, slots, cap * sizeof *slots);
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slots[i])
            slots[probe(slots, cap, s->slots[i] & ~(uint64_t)3)] = s->slots[i];
        acc_rehash_read(&r, i + 1);
    }
    acc_rehash_end(&r);
    acc_free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return ACC_OK;
}

int acc_id_set_add(acc_id_set *s, const char *id, size_t len, acc_kind kind, int *prev_kind)
{
    return acc_id_set_add_hash(s, acc_id_hash(id, len), kind, prev_kind);
}

int acc_id_set_add_hash(acc_id_set *s, uint64_t key, acc_kind kind, int *prev_kind)
{
    *prev_kind = -1;
    if ((s->n + 1) * 4 > s->cap * 3) {
        int st = grow(s);
        if (st != ACC_OK)
            return st;
    }
    size_t i = probe(s->slots, s->cap, key);
    if (s->slots[i]) {
        *prev_kind = (int)(s->slots[i] & 3) - 1;
        return ACC_OK;
    }
    s->slots[i] = key | (uint64_t)(kind + 1);
    s->n++;
    return ACC_OK;
}

int acc_id_set_find(const acc_id_set *s, const char *id, size_t len)
{
    return acc_id_set_find_hash(s, acc_id_hash(id, len));
}

int acc_id_set_find_hash(const acc_id_set *s, uint64_t h)
{
    if (!s->cap)
        return -1;
    size_t i = probe(s->slots, s->cap, h);
    return s->slots[i] ? (int)(s->slots[i] & 3) - 1 : -1;
}

size_t acc_id_set_bytes(const acc_id_set *s)
{
    return s->cap * sizeof *s->slots;
}

bool acc_seq_parse(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 19 || s[0] < '1' || s[0] > '9')
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)v;
    return true;
}

/* ---- Hash chain ---------------------------------------------------------------- */

/* Byte i of the qualified name [prefix ":"] name, or -1 past its end. */
static int qname_byte(const acc_canon_attr *a, size_t i)
{
    if (a->prefix) {
        size_t pl = strlen(a->prefix);
        if (i < pl)
            return (unsigned char)a->prefix[i];
        if (i == pl)
            return ':';
        i -= pl + 1;
    }
    unsigned char c = (unsigned char)a->name[i];
    if (c)
        return c;
    /* name[i] is NUL: i is the name's length, so past the end. */
    return -1;
}

static int qname_cmp(const acc_canon_attr *a, const acc_canon_attr *b)
{
    if (!a->prefix && !b->prefix)
        return strcmp(a->name, b->name);
    for (size_t i = 0;; i++) {
        int x = qname_byte(a, i), y = qname_byte(b, i);
        if (x != y)
            return x < y ? -1 : 1;
        if (x < 0)
            return 0;
    }
}

static int qname_qsort_cmp(const void *a, const void *b)
{
    return qname_cmp(a, b);
}

void acc_canon_sort(acc_canon_attr *attrs, size_t n)
{
    /* Entries have about ten attributes: insertion sort is the fastest there; a hostile
       entry with thousands of them must not make it quadratic. */
    if (n > 32) {
        qsort(attrs, n, sizeof *attrs, qname_qsort_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        acc_canon_attr t = attrs[i];
        size_t j = i;
        while (j > 0 && qname_cmp(&attrs[j - 1], &t) > 0) {
            attrs[j] = attrs[j - 1];
            j--;
        }
        attrs[j] = t;
    }
}

void acc_chain_init(acc_chain *c)
{
    memset(c, 0, sizeof *c);
}

void acc_chain_fini(acc_chain *c)
{
    acc_free(c->buf);
    memset(c, 0, sizeof *c);
}

static size_t name_length(const acc_canon_attr *a)
{
    return a->name_len ? a->name_len : strlen(a->name);
}

/* out[0..64) = the 64 lowercase hex digits of md; sixteen at a time where SSE2 is there. */
static void hex_encode(const unsigned char md[ACC_SHA256_LEN], char out[ACC_DIGEST_HEX_LEN])
{
#ifdef __SSE2__
    const __m128i nibble = _mm_set1_epi8(0x0f), nine = _mm_set1_epi8(9);
    const __m128i digit0 = _mm_set1_epi8('0'), past9 = _mm_set1_epi8('a' - '0' - 10);
    for (int h = 0; h < 2; h++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(md + 16 * h));
        __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), nibble);
        __m128i lo = _mm_and_si128(x, nibble);
        __m128i n[2] = { _mm_unpacklo_epi8(hi, lo), _mm_unpackhi_epi8(hi, lo) };
        for (int k = 0; k < 2; k++) {
            __m128i c = _mm_add_epi8(n[k], digit0);
            c = _mm_add_epi8(c, _mm_and_si128(_mm_cmpgt_epi8(n[k], nine), past9));
            _mm_storeu_si128((__m128i *)(void *)(out + 32 * h + 16 * k), c);
        }
    }
#else
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < ACC_SHA256_LEN; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
#endif
}

int acc_chain_digest(acc_chain *c, const char *prev, size_t prev_len, const char *element,
                     const acc_canon_attr *sorted, size_t n,
                     char out[ACC_DIGEST_HEX_LEN + 1])
{
    /* One buffer, one call: hashing a few short strings one by one would pad and
       compress partial blocks for each. */
    size_t element_len = strlen(element);
    size_t need = prev_len + element_len + 1;
    for (size_t i = 0; i < n; i++)
        need += (sorted[i].prefix ? strlen(sorted[i].prefix) + 1 : 0) + name_length(&sorted[i]) +
                sorted[i].value_len + 2;
    if (!acc_grow(&c->buf, &c->buf_cap, need, 1, 1024))
        return ACC_ENOMEM;
    char *start = c->buf, *d = start;
    d = acc_copy_short(d, prev, prev_len);
    d = acc_copy_short(d, element, element_len);
    *d++ = '\n';
    for (size_t i = 0; i < n; i++) {
        if (sorted[i].prefix) {
            d = acc_copy_short(d, sorted[i].prefix, strlen(sorted[i].prefix));
            *d++ = ':';
        }
        d = acc_copy_short(d, sorted[i].name, name_length(&sorted[i]));
        *d++ = '=';
        d = acc_copy_short(d, sorted[i].value, sorted[i].value_len);
        *d++ = '\n';
    }
    unsigned char md[ACC_SHA256_LEN];
    acc_sha256(start, (size_t)(d - start), md);
    hex_encode(md, out);
    out[ACC_DIGEST_HEX_LEN] = '\0';
    return ACC_OK;
}

bool acc_digest_valid(const char *s, size_t len)
{
    if (len != ACC_DIGEST_HEX_LEN)
        return false;
    /* This runs on every digest of a chained log: sixteen bytes a step where SSE2 is
       there (a byte of 0x80 or more is negative, so neither range takes it), else
       branch-free per byte. */
#ifdef __SSE2__
    const __m128i below0 = _mm_set1_epi8('0' - 1), above9 = _mm_set1_epi8('9' + 1);
    const __m128i below_a = _mm_set1_epi8('a' - 1), above_f = _mm_set1_epi8('f' + 1);
    int all = 0xffff;
    for (size_t i = 0; i < ACC_DIGEST_HEX_LEN; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, below0), _mm_cmplt_epi8(c, above9));
        __m128i hex = _mm_and_si128(_mm_cmpgt_epi8(c, below_a), _mm_cmplt_epi8(c, above_f));
        all &= _mm_movemask_epi8(_mm_or_si128(digit, hex));
    }
    return all == 0xffff;
#else
    unsigned bad = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bad |= (unsigned)((unsigned char)(c - '0') > 9) & (unsigned)((unsigned char)(c - 'a') > 5);
    }
    return !bad;
#endif
}
