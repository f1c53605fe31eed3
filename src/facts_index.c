/*
 * facts_index.c - one hash index per fact, keyed by the binding values (facts_index.h).
 *
 * acc_facts_new compiles each fact's bindings once into a key layout: the filters (the
 * bindings to a constant) and the parts, each an enumerated field, the time or the item.
 * A key is encoded into bytes: an enumerated value or a decision as the LEB128 varint of
 * its 32 bits (one byte for the usual small member indexes), a time as 8 bytes, an item
 * as its length (varint) then its bytes. Every key of a fact has the same sequence of
 * part types and each part's encoding is prefix-free, so two keys of a fact are equal
 * exactly when their values are, and no key is a proper prefix of another.
 *
 * A slot is 32 bytes in a 32-byte aligned table, so that it never straddles two cache
 * lines: the time, `has`, a tag (the upper 32 bits of a hash of the key's values, never
 * 0; 0 marks an empty slot, and the tag alone places a slot, so a rehash needs no key),
 * and the key itself when it has at most INLINE_KEY bytes, zero-padded, so that a probe compares
 * three words; a longer key lives in a growing byte pool. Probing is linear, Robin Hood
 * style (find_slot): a search for an absent key, the usual case for a new item, stops
 * after about as many slots as one for a present key instead of running on to the next
 * empty slot (each slot further is likely one more cache miss). Nothing is allocated
 * per entry: the pool and the slot table grow geometrically: the table by half when 3/4 full
 * (its load stays in [1/2, 3/4]), releasing the old table 2 MiB at a time as the rehash
 * reads it, so that old and new are never both resident.
 *
 * acc_facts_prefetch encodes the entry's keys and keeps them, with a copy of the fields
 * they were encoded from, for acc_facts_compute and acc_facts_insert: each key of an
 * entry is encoded and hashed once when the three are called in that order (compute
 * and insert fill the cache themselves when it does not hold their entry).
 */
#define _DEFAULT_SOURCE            /* madvise (grow.h) */
#include "facts_index.h"

#include "alloc.h"
#include "bytes.h"
#include "eval_compiled.h"
#include "grow.h"
#include "hash.h"

#include <stddef.h>
#include <string.h>

#define FACT_HASH_SEED 0x6163636f72642d66ULL  /* "accord-f" */
#define MIN_SLOTS 64

/* Keys up to this long live in their slot: no second cache miss to compare them. */
#define INLINE_KEY 18
#define LONG_KEY 0xff              /* slot.len of a key in the pool */
#define MAX_KEY_LEN UINT32_MAX     /* a pool key's length is kept in 32 bits */

/* Items up to this long are copied into the key cache; longer ones are not cached. */
#define CACHED_ITEM 64

typedef struct slot {
    int64_t time;
    uint32_t tag;              /* upper half of the key's hash, never 0; 0: empty */
    uint8_t len;               /* key length if <= INLINE_KEY, else LONG_KEY */
    bool has;
    unsigned char key[INLINE_KEY];  /* the key, zero-padded; or a LONG_KEY's
                                       {uint32 length at 0, uint64 pool offset at 10} */
} slot;

#define LONG_LEN_AT 0
#define LONG_OFF_AT 10
#define SLOT_ALIGN 32

_Static_assert(sizeof(slot) == SLOT_ALIGN, "a slot is half a cache line");
_Static_assert(offsetof(slot, tag) == 8 && offsetof(slot, has) == 13 &&
               offsetof(slot, key) == 14, "probe_equal compares bytes 8..32 but `has`");
_Static_assert(offsetof(slot, key) + LONG_OFF_AT == 24, "a pool offset is the last word");

typedef enum part_type { PART_ENUM, PART_TIME, PART_ITEM } part_type;

/* One part of a key: the value of a field of the entry. */
typedef struct key_part {
    part_type type;
    size_t src_off, cur_off;   /* PART_ENUM: the int field read from an inserted
                                  (source) entry and from a looked-up (current) one */
} key_part;

/* A binding to a constant: an inserted entry's field must have this value. */
typedef struct key_filter {
    part_type type;            /* PART_ITEM: the item, which reads as 0 (acc_eval_term) */
    size_t off;                /* PART_ENUM: where the int field is */
    int64_t value;
} key_filter;

typedef struct fact_index {
    const acc_fact *fact;
    key_part *parts;
    uint32_t n_parts;
    key_filter *filters;
    uint32_t n_filters;
    void *mem;                 /* the table's allocation; slots is inside, aligned */
    slot *slots;
    size_t cap, n;
} fact_index;

/* The keys of one entry, kept from acc_facts_prefetch for compute and insert. */
typedef struct key_cache {
    bool valid;
    acc_event ev;              /* the fields encoded (facts and item pointer ignored) */
    char item[CACHED_ITEM];    /* a copy of ev.item */
    slot *cur, *src;           /* per fact: the probe of the current / source key
                                  (len 0 and tag 0 when filtered out) */
} key_cache;

struct acc_facts {
    const acc_ruleset *rs;
    fact_index *idx;           /* one per fact, in rule set order */
    uint32_t *on[ACC_KIND_COUNT], n_on[ACC_KIND_COUNT];    /* facts computed for a kind */
    uint32_t *src[ACC_KIND_COUNT], n_src[ACC_KIND_COUNT];  /* facts fed by a kind */
    unsigned char *pool;
    size_t pool_len, pool_cap;
    unsigned char *key;        /* scratch for the key being looked up or inserted */
    size_t key_cap;
    key_cache cache;
};

/* What encoding a key gave. */
typedef enum key_status { KEY_OK, KEY_FILTERED, KEY_NOMEM } key_status;

void acc_facts_free(acc_facts *f)
{
    if (!f)
        return;
    if (f->idx)
        for (uint32_t i = 0; i < f->rs->n_facts; i++) {
            acc_free(f->idx[i].mem);
            acc_free(f->idx[i].parts);
            acc_free(f->idx[i].filters);
        }
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        acc_free(f->on[k]);
        acc_free(f->src[k]);
    }
    acc_free(f->idx);
    acc_free(f->pool);
    acc_free(f->key);
    acc_free(f->cache.cur);
    acc_free(f->cache.src);
    acc_free(f);
}

/* The type of the key part or filter for a field of an entry. */
static part_type field_part(acc_field field)
{
    return field == ACC_FIELD_ITEM ? PART_ITEM : field == ACC_FIELD_TIME ? PART_TIME
                                                                         : PART_ENUM;
}

/* Compiles the key layout of ix->fact: one part per binding to a field, one filter per
   binding to a constant. */
static int compile_key(fact_index *ix)
{
    const acc_fact *fa = ix->fact;
    ix->parts = acc_calloc(fa->n_bindings + 1, sizeof *ix->parts);
    ix->filters = acc_calloc(fa->n_bindings + 1, sizeof *ix->filters);
    if (!ix->parts || !ix->filters)
        return ACC_ENOMEM;
    for (uint32_t i = 0; i < fa->n_bindings; i++) {
        const acc_binding *b = &fa->bindings[i];
        if (!b->cur.is_field) {
            ix->filters[ix->n_filters++] = (key_filter){ .type = field_part(b->src_field),
                .off = acc_event_int_field_at[b->src_field], .value = b->cur.value };
            continue;
        }
        key_part *p = &ix->parts[ix->n_parts++];
        if (b->src_field == ACC_FIELD_ITEM) {
            p->type = PART_ITEM;
        } else if (b->cur.type == ACC_TYPE_TIME) {
            p->type = PART_TIME;
        } else {               /* member indexes and decisions fit in 32 bits */
            p->type = PART_ENUM;
            p->src_off = acc_event_int_field_at[b->src_field];
            p->cur_off = acc_event_int_field_at[b->cur.field];
        }
    }
    return ACC_OK;
}

int acc_facts_new(acc_facts **out, const acc_ruleset *rs)
{
    *out = NULL;
    acc_facts *f = acc_calloc(1, sizeof *f);
    if (!f)
        return ACC_ENOMEM;
    f->rs = rs;
    f->idx = acc_calloc(rs->n_facts + 1, sizeof *f->idx);
    f->key_cap = 256;
    f->key = acc_malloc(f->key_cap);
    f->cache.cur = acc_calloc(rs->n_facts + 1, sizeof *f->cache.cur);
    f->cache.src = acc_calloc(rs->n_facts + 1, sizeof *f->cache.src);
    if (!f->idx || !f->key || !f->cache.cur || !f->cache.src)
        goto fail;
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        f->on[k] = acc_calloc(rs->n_facts + 1, sizeof *f->on[k]);
        f->src[k] = acc_calloc(rs->n_facts + 1, sizeof *f->src[k]);
        if (!f->on[k] || !f->src[k])
            goto fail;
    }
    for (uint32_t i = 0; i < rs->n_facts; i++) {
        const acc_fact *fa = &rs->facts[i];
        f->idx[i].fact = fa;
        if (compile_key(&f->idx[i]) != ACC_OK)
            goto fail;
        f->on[fa->on][f->n_on[fa->on]++] = i;
        f->src[fa->src][f->n_src[fa->src]++] = i;
    }
    *out = f;
    return ACC_OK;
fail:
    acc_facts_free(f);
    return ACC_ENOMEM;
}

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static int int_field(const acc_event *ev, size_t off)
{
    int v;
    memcpy(&v, (const char *)ev + off, sizeof v);
    return v;
}

/* Whether an inserted (source) entry passes the constant bindings of ix's fact. */
static bool passes_filters(const fact_index *ix, const acc_event *ev)
{
    for (uint32_t i = 0; i < ix->n_filters; i++) {
        const key_filter *k = &ix->filters[i];
        int64_t v = k->type == PART_ENUM ? int_field(ev, k->off)
                    : k->type == PART_TIME ? ev->time : 0;
        if (v != k->value)
            return false;
    }
    return true;
}

/* The number of bytes of the varint of v. */
static size_t varint_len(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7)
        n++;
    return n;
}

/* One value folded into a key's hash (finished by acc_hash_mix). */
static uint64_t hash_part(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x9e3779b97f4a7c15ULL;
}

/* The slot where a search for `tag` starts. */
static size_t home(uint32_t tag, size_t cap)
{
    return acc_hash_range((uint64_t)tag << 32, cap);
}

/* The hash of an entry's item, as a key part (hashed once per entry: item_hash). */
static uint64_t item_hash(const acc_event *ev)
{
    return acc_hash_bytes(ev->item, ev->item_len, FACT_HASH_SEED);
}

/*
 * The length of the key of ix's fact for ev, and its tag (the upper half of a hash of
 * the values, never 0); `item` is item_hash(ev). The key's bytes are written to `out`
 * while they fit its `cap` bytes: a key that fits its slot is encoded in this one pass,
 * a longer one leaves a prefix there and is written in full by a second call. The tag
 * is computed from the values, not from the bytes: reading back bytes just stored one
 * by one stalls the processor (the loads cannot be forwarded from the stores), and
 * equal keys have equal values.
 */
static inline size_t key_bytes(const fact_index *ix, const acc_event *ev, bool source,
                               uint64_t item, uint32_t *tag, unsigned char *out, size_t cap)
{
    size_t len = 0;
    uint64_t h = FACT_HASH_SEED;
    for (uint32_t i = 0; i < ix->n_parts; i++) {
        const key_part *pt = &ix->parts[i];
        if (pt->type == PART_ENUM) {
            uint32_t v = (uint32_t)int_field(ev, source ? pt->src_off : pt->cur_off);
            size_t n = varint_len(v);
            if (len + n <= cap)
                put_varint(out + len, v);
            len += n;
            h = hash_part(h, v);
        } else if (pt->type == PART_TIME) {
            if (len + 8 <= cap)
                memcpy(out + len, &ev->time, 8);
            len += 8;
            h = hash_part(h, (uint64_t)ev->time);
        } else {
            size_t n = varint_len(ev->item_len) + ev->item_len;
            if (len + n <= cap) {
                unsigned char *q = put_varint(out + len, ev->item_len);
                if (ev->item_len)
                    memcpy(q, ev->item, ev->item_len);
            }
            len += n;
            h = hash_part(h, item);
        }
    }
    uint32_t t = (uint32_t)(acc_hash_mix(h) >> 32);
    *tag = t ? t : 1;
    return len;
}

/*
 * Encodes the key of ix's fact for ev into its probe p: tag, len and, inline, the key
 * zero-padded; a LONG_KEY probe holds the length, and the bytes go to f->key. For an
 * inserted (source) entry the parts are its fields `src_field` and the constants must
 * match (else KEY_FILTERED); for a looked-up (current) entry they are the current terms.
 * `item` is item_hash(ev).
 */
static key_status encode_key(acc_facts *f, const fact_index *ix, const acc_event *ev,
                             bool source, uint64_t item, slot *p)
{
    *p = (slot){ 0 };
    if (source && !passes_filters(ix, ev))
        return KEY_FILTERED;
    uint32_t tag;
    size_t len = key_bytes(ix, ev, source, item, &tag, p->key, INLINE_KEY);
    p->tag = tag;
    if (len <= INLINE_KEY) {
        p->len = (uint8_t)len;
        return KEY_OK;
    }
    memset(p->key, 0, sizeof p->key);  /* the prefix key_bytes wrote */
    if (len > MAX_KEY_LEN)
        return KEY_NOMEM;
    if (len > f->key_cap) {
        void *k = f->key;
        bool ok = acc_grow(&k, &f->key_cap, len, 1, 256);
        f->key = k;
        if (!ok)
            return KEY_NOMEM;
    }
    uint32_t l32 = (uint32_t)len;
    p->len = LONG_KEY;
    memcpy(p->key + LONG_LEN_AT, &l32, sizeof l32);
    key_bytes(ix, ev, source, item, &tag, f->key, len);
    return KEY_OK;
}

/* The bytes of a slot compared with a probe: tag, length, key; `has` is masked out. */
typedef struct slot_words {
    uint64_t w[3];
} slot_words;

static slot_words words_of(const slot *s)
{
    static const unsigned char not_has[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff };
    uint64_t mask;
    slot_words k;
    memcpy(&mask, not_has, 8);
    memcpy(k.w, (const char *)s + 8, sizeof k.w);
    k.w[0] &= mask;
    return k;
}

/*
 * Whether slot s, whose tag is p's, holds probe p's key (`pw` its words, `key` its
 * bytes): three words compare the tag, the length and an inline key; a pool key's stored
 * length is in the first two words, and its bytes are then compared in full.
 */
static bool probe_equal(const acc_facts *f, const slot *s, const slot *p,
                        const slot_words *pw, const unsigned char *key)
{
    slot_words sw = words_of(s);
    if ((sw.w[0] ^ pw->w[0]) | (sw.w[1] ^ pw->w[1]))
        return false;
    if (p->len != LONG_KEY)
        return sw.w[2] == pw->w[2];
    uint32_t len;
    uint64_t off;
    memcpy(&len, p->key + LONG_LEN_AT, sizeof len);
    memcpy(&off, s->key + LONG_OFF_AT, sizeof off);
    return acc_equal_short((const char *)f->pool + off, (const char *)key, len);
}

/* How far slot i is from the home of the key it holds (tables wrap around). */
static size_t distance(uint32_t tag, size_t i, size_t cap)
{
    size_t h = home(tag, cap);
    return i >= h ? i - h : i + cap - h;
}

/*
 * Searches ix for p's key. The table is a Robin Hood one: along a run of slots, keys are
 * in the order of their homes, so a search stops at an empty slot or at a key whose home
 * comes after p's (it is nearer its home than p would be), without walking the rest of
 * the run. Returns the slot holding the key (*found), or where it belongs (!*found: the
 * slot is empty, or place_slot moves its key and those after it along).
 */
static size_t find_slot(const acc_facts *f, const fact_index *ix, const slot *p,
                        const unsigned char *key, bool *found)
{
    slot_words pw = words_of(p);
    size_t cap = ix->cap, i = home(p->tag, cap);
    for (size_t d = 0;; d++) {
        const slot *s = &ix->slots[i];
        uint32_t tag = s->tag;
        if (tag == p->tag && probe_equal(f, s, p, &pw, key)) {
            *found = true;
            return i;
        }
        if (!tag || distance(tag, i, cap) < d) {
            *found = false;
            return i;
        }
        i = i + 1 == cap ? 0 : i + 1;
    }
}

/* Puts `n` in slot i, found by find_slot, moving the keys from i up to the next empty
   slot one place further (each stays in home order). */
static void place_slot(slot *slots, size_t cap, size_t i, const slot *n)
{
    size_t j = i;
    while (slots[j].tag)
        j = j + 1 == cap ? 0 : j + 1;
    while (j != i) {
        size_t before = j ? j - 1 : cap - 1;
        slots[j] = slots[before];
        j = before;
    }
    slots[i] = *n;
}

/* Where a key with `tag`, known to be absent, belongs in slots[0..cap). */
static size_t free_place(const slot *slots, size_t cap, uint32_t tag)
{
    size_t i = home(tag, cap);
    for (size_t d = 0; slots[i].tag && distance(slots[i].tag, i, cap) >= d; d++)
        i = i + 1 == cap ? 0 : i + 1;
    return i;
}

static int grow_index(fact_index *ix)
{
    size_t cap = ix->cap ? ix->cap + ix->cap / 2 : MIN_SLOTS;
    if (cap >= ((size_t)1 << 32))
        return ACC_ENOMEM;
    /* one slot more than cap, to align the table on a slot */
    void *mem = acc_calloc(cap + 1, sizeof(slot));
    if (!mem)
        return ACC_ENOMEM;
    acc_hint_huge_pages(mem, (cap + 1) * sizeof(slot));
    uintptr_t at = ((uintptr_t)mem + SLOT_ALIGN - 1) & ~(uintptr_t)(SLOT_ALIGN - 1);
    slot *slots = (slot *)at;
    acc_rehash r;
    acc_rehash_begin(&r, ix->slots, ix->cap, sizeof(slot), mem, (cap + 1) * sizeof(slot));
    for (size_t i = 0; i < ix->cap; i++) {
        const slot *s = &ix->slots[i];
        if (s->tag)
            place_slot(slots, cap, free_place(slots, cap, s->tag), s);
        acc_rehash_read(&r, i + 1);
    }
    acc_rehash_end(&r);
    acc_free(ix->mem);
    ix->mem = mem;
    ix->slots = slots;
    ix->cap = cap;
    return ACC_OK;
}

static int pool_append(acc_facts *f, const unsigned char *key, size_t len, uint64_t *off)
{
    void *p = f->pool;
    bool ok = acc_grow(&p, &f->pool_cap, f->pool_len + len, 1, 4096);
    f->pool = p;
    if (!ok)
        return ACC_ENOMEM;
    if (len)
        memcpy(f->pool + f->pool_len, key, len);
    *off = f->pool_len;
    f->pool_len += len;
    return ACC_OK;
}

/* ---- The key cache ---------------------------------------------------------------- */

/* Whether the cache holds the keys of an entry with ev's fields and item. */
static bool cache_holds(const key_cache *c, const acc_event *ev)
{
    const acc_event *k = &c->ev;
    return c->valid && k->kind == ev->kind && k->time == ev->time && k->from == ev->from &&
           k->to == ev->to && k->topic == ev->topic && k->originator == ev->originator &&
           k->level == ev->level && k->decision == ev->decision &&
           k->item_len == ev->item_len &&
           (!ev->item_len || acc_equal_short(c->item, ev->item, ev->item_len));
}

/*
 * Encodes ev's key for `fact` into the cache and returns its tag (0: none). Only inline
 * keys are kept (tag != 0); an entry filtered out keeps len 0, and a key that must be
 * encoded again (a pool key, or no memory to encode it) keeps len LONG_KEY. `item` is
 * item_hash(ev), hashed once for all the keys of the entry.
 */
static uint32_t cache_key(acc_facts *f, uint32_t fact, const acc_event *ev, bool source,
                          uint64_t item)
{
    slot *k = source ? &f->cache.src[fact] : &f->cache.cur[fact];
    key_status st = encode_key(f, &f->idx[fact], ev, source, item, k);
    uint32_t tag = st == KEY_OK ? k->tag : 0;
    if (st != KEY_OK || k->len == LONG_KEY)
        *k = (slot){ .len = st == KEY_FILTERED ? 0 : LONG_KEY };
    return tag;
}

/* Encodes and keeps the keys of ev for every fact on or fed by its kind. Items longer
   than CACHED_ITEM are not cached. Prefetches the slots of the keys when asked. */
static void cache_fill(acc_facts *f, const acc_event *ev, bool prefetch)
{
    key_cache *c = &f->cache;
    c->valid = false;
    if (ev->item_len > CACHED_ITEM)
        return;
    uint64_t item = item_hash(ev);
    for (int source = 0; source < 2; source++) {
        const uint32_t *facts = source ? f->src[ev->kind] : f->on[ev->kind];
        uint32_t n = source ? f->n_src[ev->kind] : f->n_on[ev->kind];
        for (uint32_t k = 0; k < n; k++) {
            const fact_index *ix = &f->idx[facts[k]];
            uint32_t tag = cache_key(f, facts[k], ev, source, item);
            if (prefetch && tag && ix->cap) {
                /* the home slot and the next one: two slots are one line or two */
                const slot *h = &ix->slots[home(tag, ix->cap)];
                __builtin_prefetch(h);
                __builtin_prefetch(h + 1);
            }
        }
    }
    c->ev = *ev;
    if (ev->item_len)
        acc_copy_short(c->item, ev->item, ev->item_len);
    c->valid = true;
}

/* Whether the cache holds ev's keys, filling it when it does not (it may stay empty). */
static bool cache_ready(acc_facts *f, const acc_event *ev)
{
    if (!cache_holds(&f->cache, ev))
        cache_fill(f, ev, false);
    return f->cache.valid;
}

/*
 * The probe of ev's key for `fact` (a current key, or a source key): from the cache when
 * `cached` (the cache holds ev), else encoded into p (then a pool key's bytes are in
 * f->key; a cached probe is never a pool key, so it needs no bytes beside it).
 */
static key_status probe_for(acc_facts *f, uint32_t fact, const acc_event *ev, bool source,
                            bool cached, slot *p)
{
    const fact_index *ix = &f->idx[fact];
    const key_cache *c = &f->cache;
    if (cached && (source ? ix->fact->src : ix->fact->on) == ev->kind) {
        const slot *k = source ? &c->src[fact] : &c->cur[fact];
        if (k->tag) {
            *p = *k;
            return KEY_OK;
        }
        if (k->len == 0)
            return KEY_FILTERED;
    }
    return encode_key(f, ix, ev, source, item_hash(ev), p);
}

/* ---- The interface ---------------------------------------------------------------- */

/* acc_facts_lookup, told whether the cache holds ev. */
static void lookup(acc_facts *f, uint32_t fact, const acc_event *ev, bool cached,
                   acc_fact_match *m)
{
    *m = (acc_fact_match){ 0 };
    const fact_index *ix = &f->idx[fact];
    slot p;
    if (!ix->n || probe_for(f, fact, ev, false, cached, &p) != KEY_OK)
        return;
    bool found;
    const slot *s = &ix->slots[find_slot(f, ix, &p, f->key, &found)];
    if (!found)
        return;
    m->found = true;
    m->time = s->time;
    m->has = s->has;
}

void acc_facts_lookup(acc_facts *f, uint32_t fact, const acc_event *ev, acc_fact_match *m)
{
    lookup(f, fact, ev, cache_holds(&f->cache, ev), m);
}

void acc_facts_prefetch(acc_facts *f, const acc_event *ev)
{
    cache_fill(f, ev, true);
}

void acc_facts_compute(acc_facts *f, const acc_event *ev, bool *values)
{
    bool cached = cache_ready(f, ev);
    for (uint32_t k = 0; k < f->n_on[ev->kind]; k++) {
        uint32_t i = f->on[ev->kind][k];
        const acc_fact *fa = f->idx[i].fact;
        acc_fact_match m;
        lookup(f, i, ev, cached, &m);
        bool v = m.found && (!fa->has_within || ev->time - m.time <= fa->within);
        if (fa->latest)
            v = v && m.has;
        values[i] = v;
    }
}

int acc_facts_insert(acc_facts *f, const acc_event *ev)
{
    bool cached = cache_ready(f, ev);
    for (uint32_t k = 0; k < f->n_src[ev->kind]; k++) {
        uint32_t i = f->src[ev->kind][k];
        fact_index *ix = &f->idx[i];
        const acc_fact *fa = ix->fact;
        slot p;
        key_status st = probe_for(f, i, ev, true, cached, &p);
        if (st == KEY_FILTERED)
            continue;
        if (st != KEY_OK)
            return ACC_ENOMEM;
        if ((ix->n + 1) * 4 > ix->cap * 3 && grow_index(ix) != ACC_OK)
            return ACC_ENOMEM;
        bool found;
        size_t at = find_slot(f, ix, &p, f->key, &found);
        slot *s = &ix->slots[at];
        bool has = fa->latest && fa->has ? acc_eval_expr(f->rs, fa->has, ev) : true;
        if (!found) {
            if (p.len == LONG_KEY) {
                uint32_t len;
                uint64_t off;
                memcpy(&len, p.key + LONG_LEN_AT, sizeof len);
                if (pool_append(f, f->key, len, &off) != ACC_OK)
                    return ACC_ENOMEM;
                memcpy(p.key + LONG_OFF_AT, &off, sizeof off);
            }
            p.time = ev->time;
            p.has = has;
            place_slot(ix->slots, ix->cap, at, &p);
            ix->n++;
        } else if (fa->latest) {
            s->time = ev->time;
            s->has = has;
        } else if (ev->time > s->time) {
            s->time = ev->time;
        }
    }
    return ACC_OK;
}

size_t acc_facts_bytes(const acc_facts *f)
{
    size_t n = f->pool_cap + f->key_cap;
    for (uint32_t i = 0; i < f->rs->n_facts; i++)
        if (f->idx[i].cap)
            n += (f->idx[i].cap + 1) * sizeof(slot);
    return n;
}
