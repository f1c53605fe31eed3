/*
 * accord/eval.h - the concrete evaluator: the meaning of a rule set on one event.
 *
 * This is the semantics that the audit applies to logged entries and that every witness
 * of the static analyses is re-checked against; the SMT encoder must agree with it.
 *
 * Ownership: an acc_event points at caller-owned storage (item text, fact values). An
 * acc_verdict owns its index arrays; acc_verdict_init allocates them for one rule set and
 * acc_verdict_fini releases them.
 */
#ifndef ACCORD_EVAL_H
#define ACCORD_EVAL_H

#include "accord/rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One event. Enumerated fields hold member indexes of the rule set (parties, topics and
 * levels in declaration order; decisions as acc_decision). Fields the kind lacks are
 * ignored. `facts[i]` is the value of fact i of the rule set (only the facts declared
 * `on` this kind are read); it may be NULL when the rule set has no facts of this kind.
 */
typedef struct acc_event {
    acc_kind kind;
    int64_t time;
    int from, to, topic, originator, level, decision;
    const char *item;       /* not NUL-terminated; item_len bytes */
    size_t item_len;
    const bool *facts;
} acc_event;

/*
 * The verdict on one event. The arrays hold rule, invariant and assumption indexes in
 * declaration order of the rule set.
 */
typedef struct acc_verdict {
    bool permitted;                 /* some permit rule matched and no forbid rule did */
    uint32_t *permits;  size_t n_permits;     /* permit rules whose condition held */
    uint32_t *forbids;  size_t n_forbids;     /* forbid rules whose condition held */
    uint32_t *broken_invariants;  size_t n_broken_invariants;
    uint32_t *broken_assumptions; size_t n_broken_assumptions;
} acc_verdict;

/* Allocates the arrays of `v` for rule set `rs`. Returns ACC_OK or ACC_ENOMEM. */
int acc_verdict_init(acc_verdict *v, const acc_ruleset *rs);
void acc_verdict_fini(acc_verdict *v);

/*
 * Evaluates every rule, invariant and assumption of `rs` for `ev.kind` on `ev` into `v`
 * (initialised for rs). Invariants are evaluated whether or not the event is permitted.
 */
void acc_eval_event(const acc_ruleset *rs, const acc_event *ev, acc_verdict *v);

/* Only the permitted/denied decision, without collecting matches. */
bool acc_eval_permitted(const acc_ruleset *rs, const acc_event *ev);

#ifdef __cplusplus
}
#endif
#endif
