/*
 * integrity.h - integrity checks of an exchange-log stream (internal): the set of ids
 * seen (duplicate-id, dangling-ref), the seq sequence (seq-gap) and the SHA-256 hash
 * chain (chain-break) of exchange-log.md.
 *
 * The id set keeps a 64-bit hash per id, not the id: 8 bytes a slot, between 10.7 and 16
 * bytes per id with its load kept between 1/2 and 3/4. Two different ids collide with
 * probability about n^2 / 2^63 for n ids (1e-5 for ten million), which could hide one
 * duplicate-id or one dangling-ref; docs/log-format.md states it.
 *
 * Ownership: each structure owns its memory (acc_malloc) and is released by its *_fini.
 */
#ifndef ACCORD_INTEGRITY_H
#define ACCORD_INTEGRITY_H

#include "accord/core.h"

/* The ids seen so far, each with the kind of the entry that first used it. */
typedef struct acc_id_set {
    uint64_t *slots;           /* 0: empty; else hash with low 2 bits = kind + 1 */
    size_t cap, n;
} acc_id_set;

void acc_id_set_init(acc_id_set *s);
void acc_id_set_fini(acc_id_set *s);

/* The hash under which id[0..len) is kept (for the *_hash variants below). */
uint64_t acc_id_hash(const char *id, size_t len);

/* Starts loading the slot of hash h into the cache (the lookup comes later). */
void acc_id_set_prefetch(const acc_id_set *s, uint64_t h);

/* acc_id_set_add with the id's acc_id_hash. */
int acc_id_set_add_hash(acc_id_set *s, uint64_t h, acc_kind kind, int *prev_kind);

/*
 * Adds id[0..len) as used by an entry of `kind`. Sets *prev_kind to the kind of the
 * entry that used it first, or -1 when it is new (then it is added). Returns ACC_OK or
 * ACC_ENOMEM.
 */
int acc_id_set_add(acc_id_set *s, const char *id, size_t len, acc_kind kind, int *prev_kind);

/* The kind of the first entry with id[0..len), or -1. */
int acc_id_set_find(const acc_id_set *s, const char *id, size_t len);

/* acc_id_set_find with the id's acc_id_hash. */
int acc_id_set_find_hash(const acc_id_set *s, uint64_t h);

/* Bytes used by the set (for the memory figures of docs/log-format.md). */
size_t acc_id_set_bytes(const acc_id_set *s);

/*
 * Parses a seq value: a positive decimal integer without sign or leading zero that fits
 * in int64. Returns false for anything else.
 */
bool acc_seq_parse(const char *s, size_t len, int64_t *out);

/* ---- Hash chain ---------------------------------------------------------------- */

#define ACC_DIGEST_HEX_LEN 64

/* One attribute of the canonical form: [prefix ":"] name "=" value. */
typedef struct acc_canon_attr {
    const char *prefix;        /* NULL when unprefixed */
    const char *name;          /* NUL-terminated local name */
    const char *value;
    size_t value_len;
    size_t name_len;           /* strlen(name), or 0: not known yet */
} acc_canon_attr;

/* Sorts attributes by their qualified names, bytewise (the canonical order). */
void acc_canon_sort(acc_canon_attr *attrs, size_t n);

typedef struct acc_chain {
    void *buf;                 /* the bytes hashed for one entry, assembled */
    size_t buf_cap;
} acc_chain;

void acc_chain_init(acc_chain *c);
void acc_chain_fini(acc_chain *c);

/*
 * out = lowercase hex SHA-256(prev[0..prev_len) + canon) where canon is
 * element "\n" + for each attribute (already sorted, digest excluded) name "=" value "\n".
 * Returns ACC_OK or ACC_ENOMEM (the buffer could not grow).
 */
int acc_chain_digest(acc_chain *c, const char *prev, size_t prev_len, const char *element,
                     const acc_canon_attr *sorted, size_t n,
                     char out[ACC_DIGEST_HEX_LEN + 1]);

/* True when s[0..len) is exactly 64 lowercase hex digits. */
bool acc_digest_valid(const char *s, size_t len);

#endif
