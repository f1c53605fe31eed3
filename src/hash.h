/*
 * hash.h - a fast 64-bit hash of byte strings for the audit's tables (internal).
 *
 * The id set keeps only these hashes (not the ids), so the function must mix well: it
 * reads 8 bytes at a time and finalises with the murmur3/splitmix avalanche. Not a
 * cryptographic hash: a log author who wants two ids to collide can make them collide
 * (docs/log-format.md says what that means for duplicate-id and dangling-ref).
 */
#ifndef ACCORD_HASH_H
#define ACCORD_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t acc_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Hash of s[0..n) continuing from `seed` (chain calls to hash several pieces). */
static inline uint64_t acc_hash_bytes(const void *s, size_t n, uint64_t seed)
{
    const unsigned char *p = s;
    uint64_t h = seed ^ (0x9e3779b97f4a7c15ULL * (n + 1));
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ acc_hash_mix(w)) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    /* The last 0 to 7 bytes, read without a loop: overlapping loads that together cover
       each byte (the length is in h, so strings of a length map to distinct words). */
    uint64_t w = 0;
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        w = lo | (uint64_t)hi << 32;
    } else if (n > 0) {
        w = p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
    }
    h = (h ^ acc_hash_mix(w ^ 0xa0761d6478bd642fULL)) * 0x9e3779b97f4a7c15ULL;
    return acc_hash_mix(h);
}

/* Maps a 64-bit hash onto [0, n) without division (Lemire's multiply-shift). */
static inline size_t acc_hash_range(uint64_t h, size_t n)
{
    return (size_t)(((h >> 32) * (uint64_t)n) >> 32);
}

#endif
