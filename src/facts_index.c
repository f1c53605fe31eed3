/*
 * facts_index.c - one hash index per fact, keyed by the binding values (facts_index.h).
 *
 * A key is encoded into bytes: 4 bytes per enumerated binding, 8 per time binding, and
 * for an item binding its length (4 bytes) and its bytes. A slot holds the key's hash,
 * the time and `has` value, and the key itself when it is short (most are: a party and
 * an item id) or its place in a growing byte pool. Nothing is allocated per entry: the
 * pool and the slot table grow geometrically: the table by half when 3/4 full (its load
 * stays in [1/2, 3/4]), releasing the old table page by page as the rehash reads it, so
 * that old and new are never both resident.
 */
#define _DEFAULT_SOURCE            /* madvise (grow.h) */
#include "facts_index.h"

#include "alloc.h"
#include "grow.h"
#include "hash.h"

#include <string.h>

#define FACT_HASH_SEED 0x6163636f72642d66ULL  /* "accord-f" */
#define MIN_SLOTS 64
#define RELEASE_SLOTS 1024         /* old slots read between two releases while growing */

/* Keys up to this long live in their slot: no second cache miss to compare them. */
#define INLINE_KEY 24

typedef struct slot {
    uint64_t hash;             /* 0: empty (hashes are forced non-zero) */
    int64_t time;
    uint32_t len;              /* key length */
    bool has;
    union {
        unsigned char bytes[INLINE_KEY];   /* len <= INLINE_KEY */
        uint64_t off;                      /* else: the key record in the pool */
    } key;
} slot;

typedef struct fact_index {
    const acc_fact *fact;
    uint32_t id;
    slot *slots;
    size_t cap, n;
} fact_index;

struct acc_facts {
    const acc_ruleset *rs;
    fact_index *idx;           /* one per fact, in rule set order */
    uint32_t *on[ACC_KIND_COUNT], n_on[ACC_KIND_COUNT];    /* facts computed for a kind */
    uint32_t *src[ACC_KIND_COUNT], n_src[ACC_KIND_COUNT];  /* facts fed by a kind */
    unsigned char *pool;
    size_t pool_len, pool_cap;
    unsigned char *key;        /* scratch for the key being looked up or inserted */
    size_t key_cap;
};

void acc_facts_free(acc_facts *f)
{
    if (!f)
        return;
    if (f->idx)
        for (uint32_t i = 0; i < f->rs->n_facts; i++)
            acc_free(f->idx[i].slots);
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        acc_free(f->on[k]);
        acc_free(f->src[k]);
    }
    acc_free(f->idx);
    acc_free(f->pool);
    acc_free(f->key);
    acc_free(f);
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
    if (!f->idx || !f->key)
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
        f->idx[i].id = i;
        f->on[fa->on][f->n_on[fa->on]++] = i;
        f->src[fa->src][f->n_src[fa->src]++] = i;
    }
    *out = f;
    return ACC_OK;
fail:
    acc_facts_free(f);
    return ACC_ENOMEM;
}

/* The value of field `field` of `ev` as a key component (enumerations and times). */
static int64_t field_value(const acc_event *ev, acc_field field)
{
    acc_term t = { .is_field = true, .field = field };
    return acc_eval_term(&t, ev);
}

static bool reserve_key(acc_facts *f, size_t need)
{
    void *k = f->key;
    bool ok = acc_grow(&k, &f->key_cap, need, 1, 256);
    f->key = k;
    return ok;
}

/*
 * Encodes the key of fact `fa` into f->key. For an inserted (source) entry the values
 * are its fields `src_field` and constants must match (else returns false: filtered
 * out); for a looked-up (current) entry they are the current terms. *len gets the key
 * length; *oom is set when the scratch could not grow.
 */
static bool encode_key(acc_facts *f, const acc_fact *fa, const acc_event *ev, bool source,
                       size_t *len, bool *oom)
{
    size_t n = 0;
    for (uint32_t i = 0; i < fa->n_bindings; i++) {
        const acc_binding *b = &fa->bindings[i];
        if (!b->cur.is_field) {
            if (source && field_value(ev, b->src_field) != b->cur.value)
                return false;
            continue;
        }
        if (b->src_field == ACC_FIELD_ITEM) {
            if (!reserve_key(f, n + 4 + ev->item_len)) {
                *oom = true;
                return false;
            }
            uint32_t il = (uint32_t)ev->item_len;
            memcpy(f->key + n, &il, 4);
            if (ev->item_len)
                memcpy(f->key + n + 4, ev->item, ev->item_len);
            n += 4 + ev->item_len;
        } else {
            if (!reserve_key(f, n + 8)) {
                *oom = true;
                return false;
            }
            int64_t v = source ? field_value(ev, b->src_field) : acc_eval_term(&b->cur, ev);
            if (b->cur.type == ACC_TYPE_TIME) {
                memcpy(f->key + n, &v, 8);
                n += 8;
            } else {               /* member indexes and decisions fit in 32 bits */
                int32_t w = (int32_t)v;
                memcpy(f->key + n, &w, 4);
                n += 4;
            }
        }
    }
    *len = n;
    return true;
}

static uint64_t key_hash(const unsigned char *key, size_t len)
{
    uint64_t h = acc_hash_bytes(key, len, FACT_HASH_SEED);
    return h ? h : 1;
}

/* a[0..len) == b[0..len), word by word: keys are short and libc's memcmp is a call. */
static bool key_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return false;
    }
    for (; i < len; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

static slot *find_slot(const acc_facts *f, const fact_index *ix, uint64_t h,
                       const unsigned char *key, size_t len)
{
    size_t i = acc_hash_range(h, ix->cap);
    for (;;) {
        slot *s = &ix->slots[i];
        if (!s->hash)
            return s;
        if (s->hash == h && s->len == len &&
            key_equal(len <= INLINE_KEY ? s->key.bytes : f->pool + s->key.off, key, len))
            return s;
        i = i + 1 == ix->cap ? 0 : i + 1;
    }
}

static int grow_index(acc_facts *f, fact_index *ix)
{
    size_t cap = ix->cap ? ix->cap + ix->cap / 2 : MIN_SLOTS;
    if (cap >= ((size_t)1 << 32))
        return ACC_ENOMEM;
    slot *slots = acc_calloc(cap, sizeof *slots);
    if (!slots)
        return ACC_ENOMEM;
    acc_hint_huge_pages(slots, cap * sizeof *slots);
    char *released = (char *)ix->slots;
    for (size_t i = 0; i < ix->cap; i++) {
        const slot *s = &ix->slots[i];
        if (s->hash) {
            size_t j = acc_hash_range(s->hash, cap);
            while (slots[j].hash)
                j = j + 1 == cap ? 0 : j + 1;
            slots[j] = *s;
        }
        if ((i + 1) % RELEASE_SLOTS == 0)
            released = acc_release_pages(released, (char *)(ix->slots + i + 1));
    }
    (void)f;
    acc_free(ix->slots);
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

void acc_facts_lookup(acc_facts *f, uint32_t fact, const acc_event *ev, acc_fact_match *m)
{
    *m = (acc_fact_match){ 0 };
    fact_index *ix = &f->idx[fact];
    size_t len = 0;
    bool oom = false;
    if (!ix->n || !encode_key(f, ix->fact, ev, false, &len, &oom))
        return;
    const slot *s = find_slot(f, ix, key_hash(f->key, len), f->key, len);
    if (!s->hash)
        return;
    m->found = true;
    m->time = s->time;
    m->has = s->has;
}

static void prefetch_key(acc_facts *f, const fact_index *ix, const acc_event *ev, bool source)
{
    size_t len = 0;
    bool oom = false;
    if (ix->cap && encode_key(f, ix->fact, ev, source, &len, &oom)) {
        /* a 48-byte slot may straddle two cache lines: fetch both */
        const slot *s = &ix->slots[acc_hash_range(key_hash(f->key, len), ix->cap)];
        __builtin_prefetch(s);
        __builtin_prefetch((const char *)s + sizeof *s - 1);
    }
}

void acc_facts_prefetch(acc_facts *f, const acc_event *ev)
{
    for (uint32_t k = 0; k < f->n_on[ev->kind]; k++)
        prefetch_key(f, &f->idx[f->on[ev->kind][k]], ev, false);
    for (uint32_t k = 0; k < f->n_src[ev->kind]; k++)
        prefetch_key(f, &f->idx[f->src[ev->kind][k]], ev, true);
}

void acc_facts_compute(acc_facts *f, const acc_event *ev, bool *values)
{
    for (uint32_t k = 0; k < f->n_on[ev->kind]; k++) {
        uint32_t i = f->on[ev->kind][k];
        const acc_fact *fa = &f->rs->facts[i];
        acc_fact_match m;
        acc_facts_lookup(f, i, ev, &m);
        bool v = m.found && (!fa->has_within || ev->time - m.time <= fa->within);
        if (fa->latest)
            v = v && m.has;
        values[i] = v;
    }
}

int acc_facts_insert(acc_facts *f, const acc_event *ev)
{
    for (uint32_t k = 0; k < f->n_src[ev->kind]; k++) {
        fact_index *ix = &f->idx[f->src[ev->kind][k]];
        const acc_fact *fa = ix->fact;
        size_t len = 0;
        bool oom = false;
        if (!encode_key(f, fa, ev, true, &len, &oom)) {
            if (oom)
                return ACC_ENOMEM;
            continue;
        }
        if ((ix->n + 1) * 4 > ix->cap * 3 && grow_index(f, ix) != ACC_OK)
            return ACC_ENOMEM;
        uint64_t h = key_hash(f->key, len);
        slot *s = find_slot(f, ix, h, f->key, len);
        bool has = fa->latest && fa->has ? acc_eval_expr(f->rs, fa->has, ev) : true;
        if (!s->hash) {
            slot n = { .hash = h, .len = (uint32_t)len, .has = has, .time = ev->time };
            if (len <= INLINE_KEY)
                memcpy(n.key.bytes, f->key, len);
            else if (pool_append(f, f->key, len, &n.key.off) != ACC_OK)
                return ACC_ENOMEM;
            *s = n;
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
        n += f->idx[i].cap * sizeof(slot);
    return n;
}
