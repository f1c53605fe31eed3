/*
 * eval_compiled.h - a rule set's conditions precompiled for the evaluator (internal).
 *
 * acc_eval_program_new flattens the conditions of a rule set, kind by kind, into compact
 * nodes: nots are pushed down to the leaves (`a implies b` becomes `not a or b`), nested
 * ands and ors become one node with all their operands, a comparison becomes the set
 * of outcomes (less, equal, greater) where it holds, and `in` of constants from 0 to 63
 * a 64-bit set. acc_eval_program_event gives exactly acc_eval_event's verdict (the tests
 * compare them on every event of the shipped rules and on random events of other rule
 * sets) with less work per event: no test of the kind of each rule, no dispatch on the
 * field of each term or on the operator of each comparison.
 *
 * Ownership: a program belongs to the caller (acc_eval_program_free) and keeps nothing
 * of the rule set: build it from the rule set the verdicts are initialised for
 * (acc_verdict_init), and it stays valid after that rule set is freed.
 */
#ifndef ACCORD_EVAL_COMPILED_H
#define ACCORD_EVAL_COMPILED_H

#include "ir.h"

typedef struct acc_eval_program acc_eval_program;

/* Where each int field (an enumeration or the decision) is in an acc_event; 0 for the
   other fields (time, item). ORDER: acc_field. Shared by both evaluators. */
extern const size_t acc_event_int_field_at[ACC_FIELD_COUNT];

/* Sets the counts of v's lists, filled by an evaluator, and its decision. */
void acc_verdict_set_counts(acc_verdict *v, size_t n_permits, size_t n_forbids,
                            size_t n_broken_invariants, size_t n_broken_assumptions);

/* Compiles every rule, invariant and assumption of rs. Returns ACC_OK or ACC_ENOMEM. */
int acc_eval_program_new(acc_eval_program **out, const acc_ruleset *rs);
/* Releases p (NULL is allowed). */
void acc_eval_program_free(acc_eval_program *p);

/* acc_eval_event(rs, ev, v) for the rule set p was compiled from. */
void acc_eval_program_event(const acc_eval_program *p, const acc_event *ev, acc_verdict *v);

/* acc_eval_permitted(rs, ev) for the rule set p was compiled from. */
bool acc_eval_program_permitted(const acc_eval_program *p, const acc_event *ev);

#endif
