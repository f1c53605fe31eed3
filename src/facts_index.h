/*
 * facts_index.h - exact computation of the rule set's facts over a log stream (internal).
 *
 * rule-language.md's facts, `once K(bindings) [within D]` and `latest K(bindings) has E
 * [within D]`, are computed in constant time per entry through one hash index per fact,
 * keyed by the values of its bindings (item strings included, compared in full):
 *   - bindings to a constant (`to = US`) filter entries when they are inserted and are
 *     not part of the key;
 *   - `once` keeps, per key, the largest time among the matching entries: "some earlier
 *     entry at most D older" holds exactly when the newest one is (ages may be negative);
 *   - `latest` keeps, per key, the time of the last matching entry in log order and the
 *     value of `has` on it, computed when it was inserted.
 * The caller computes an entry's facts BEFORE inserting it, so that an entry never
 * counts as earlier than itself.
 *
 * No key expires: log order need not follow time order, so a key whose newest entry is
 * older than D for the current entry can still count for a later entry with an earlier
 * timestamp. Memory is one slot per distinct key (docs/log-format.md).
 *
 * Ownership: an acc_facts belongs to the caller (acc_facts_free); it reads the rule set,
 * which must outlive it.
 */
#ifndef ACCORD_FACTS_INDEX_H
#define ACCORD_FACTS_INDEX_H

#include "ir.h"

typedef struct acc_facts acc_facts;

/* Builds the (empty) indexes of every fact of `rs`. Returns ACC_OK or ACC_ENOMEM. */
int acc_facts_new(acc_facts **out, const acc_ruleset *rs);
void acc_facts_free(acc_facts *f);

/*
 * Sets values[i] for every fact i declared `on ev->kind` from the entries inserted so
 * far (values has rs->n_facts elements; the others are left alone). ev is well-defined.
 */
void acc_facts_compute(acc_facts *f, const acc_event *ev, bool *values);

/*
 * Starts loading into the cache the index slots that acc_facts_compute and
 * acc_facts_insert will read for ev, so that their misses overlap (performance only).
 * It also keeps ev's encoded keys, which those two reuse when they are called on an
 * entry with the same fields and item bytes (else they encode its keys themselves).
 */
void acc_facts_prefetch(acc_facts *f, const acc_event *ev);

/* Adds a well-defined entry to the indexes of the facts whose source kind is ev->kind. */
int acc_facts_insert(acc_facts *f, const acc_event *ev);

/* What the index holds for fact `fact` and the current event `ev` (for messages). */
typedef struct acc_fact_match {
    bool found;                /* some earlier entry matches the bindings */
    int64_t time;              /* once: the newest match; latest: the last one */
    bool has;                  /* latest: `has` on the last match */
} acc_fact_match;

void acc_facts_lookup(acc_facts *f, uint32_t fact, const acc_event *ev, acc_fact_match *m);

/* Bytes held by the indexes. */
size_t acc_facts_bytes(const acc_facts *f);

#endif
