/*
 * analysis_internal.h - what check, diff, lint and their renderers share (internal):
 * the memory of a result, growable arrays, rule references with source locations,
 * witnesses built from solver points, and their re-check against the concrete evaluator.
 *
 * Ownership: everything a result points to lives in its acc_result_mem (an arena); a
 * growable array (acc_vec) is acc_malloc'd until acc_vec_adopt copies it into the arena.
 */
#ifndef ACCORD_ANALYSIS_INTERNAL_H
#define ACCORD_ANALYSIS_INTERNAL_H

#include "smt_encode.h"

struct acc_result_mem {
    acc_arena arena;
    /* acc_location_make's place in the source it located last, so that locating the
       rules of a large file one after the other reads it once, not once per rule */
    const acc_source_text *loc_src;
    uint32_t loc_offset, loc_line_start;
    unsigned loc_line;
};

/* A new, empty result memory, or NULL when out of memory. */
acc_result_mem *acc_result_mem_new(void);
void acc_result_mem_free(acc_result_mem *m);
/* Zero-filled memory / a string copy in m (NULL in, NULL out); NULL when out of memory. */
void *acc_result_alloc(acc_result_mem *m, size_t n);
const char *acc_result_strdup(acc_result_mem *m, const char *s);

typedef struct acc_vec {
    void *data;
    size_t n, cap, elem;
} acc_vec;

void acc_vec_init(acc_vec *v, size_t elem);
/* Appends a copy of *item. ACC_OK or ACC_ENOMEM. */
int acc_vec_push(acc_vec *v, const void *item);
/* Moves the elements into m (NULL when empty) and empties v; *ok = false when out of
 * memory (v is emptied either way). */
void *acc_vec_adopt(acc_vec *v, acc_result_mem *m, bool *ok);
void acc_vec_fini(acc_vec *v);

/* A reference to rule i of rs with its location. ACC_OK or ACC_ENOMEM. */
int acc_rule_ref_make(acc_rule_ref *out, acc_result_mem *m, const acc_ruleset *rs, uint32_t i);
/* The location of a span's start in rs (file copied into m). ACC_OK or ACC_ENOMEM. */
int acc_location_make(acc_location *out, acc_result_mem *m, const acc_ruleset *rs,
                      acc_span span);
/* An invariant result skeleton (name, citation, kind, location) for invariant p of rs. */
int acc_invariant_result_init(acc_invariant_result *out, acc_result_mem *m,
                              const acc_ruleset *rs, const acc_prop *p);

/*
 * Fills w with the event of point p: names from the space's domain, every fact variable
 * of p's kind, permitted_by = verdict->permits of `permit_view`'s rule set, and
 * forbidden_by = other->forbids of the other view (other may be NULL).
 */
int acc_witness_build(acc_witness *w, acc_result_mem *m, const smt_space *s,
                      const smt_point *p, uint32_t permit_view, const acc_verdict *verdict,
                      uint32_t other_view, const acc_verdict *other);

/* Scratch for evaluating a point in a view: a verdict and a facts array for its rules. */
typedef struct acc_recheck {
    acc_verdict verdict;
    bool *facts;
    acc_event event;
} acc_recheck;

int acc_recheck_init(acc_recheck *r, const acc_ruleset *rs);
void acc_recheck_fini(acc_recheck *r);
/* Evaluates point p in view v into r->verdict (r initialised for v's rule set). */
void acc_recheck_eval(acc_recheck *r, const smt_space *s, const smt_view *v, const smt_point *p);
/* True when point p has only values declared by view v. */
bool acc_point_declared(const smt_space *s, const smt_view *v, const smt_point *p);

/*
 * True when the evaluator's matching rules of `kind` in r->verdict are exactly the rule
 * literals true in the model (rules_true[i] for rule i of rs).
 */
bool acc_recheck_rules_agree(const acc_recheck *r, const acc_ruleset *rs, acc_kind kind,
                             const bool *rules_true);

/* Reports an error without location to sink (NULL sink discards). */
void acc_analysis_error(const acc_diag_sink *sink, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The common end of acc_check and acc_diff: reports a solver error (enc->error) to sink,
 * releases the encoder and (when have_space) the space. Returns st.
 */
int acc_analysis_finish(int st, smt_enc *enc, smt_space *space, bool have_space,
                        const acc_diag_sink *sink);

/* A point with facts storage for space s (acc_malloc'd). ACC_OK or ACC_ENOMEM. */
int acc_point_init(smt_point *p, const smt_space *s);
void acc_point_fini(smt_point *p);

/*
 * Decides invariant p (number `index` of view `view`'s rule set) on the events that
 * `permit_view`'s rules permit under its assumptions, into *out (initialised here): a
 * violation's witness is re-checked with the evaluator first. Used by check (both views
 * 0) and diff. Returns ACC_OK, ACC_ESOLVER, ACC_ENOMEM or ACC_EINTERNAL (reported).
 */
int acc_check_invariant(acc_invariant_result *out, acc_result_mem *m, smt_enc *enc,
                        uint32_t view, uint32_t permit_view, const acc_prop *p, uint32_t index,
                        const acc_diag_sink *sink);

/* diff: true when NEW removed OLD's invariant i or replaced it (same name, different
 * kind or expression, compared structurally). */
bool acc_invariant_replaced(const acc_ruleset *old_rs, uint32_t i, const acc_ruleset *new_rs);

/*
 * diff: the region of kind `kind` (newly permitted, or newly forbidden) as a formula of
 * an encoder over a diff space, and in *outside (when non-NULL) the universe minus it.
 */
Z3_ast acc_diff_region(smt_enc *enc, acc_kind kind, bool newly_permitted, Z3_ast *outside);
/* diff: the box of a class as a formula of an encoder over the same diff space. */
Z3_ast acc_diff_class_formula(smt_enc *enc, const acc_diff_class *c);

/*
 * Boxes of the rules of one view (analysis_box.c): per rule, per enumerated field the
 * members and for time the interval its condition can hold on, an over-approximation.
 * acc_box_set_meet(set, i, j) is false only when rules i and j can never hold on one
 * event. ACC_OK or ACC_ENOMEM; free with acc_box_set_free (NULL is accepted).
 */
typedef struct acc_box_set acc_box_set;
int acc_box_set_rules(acc_box_set **out, const smt_space *s, uint32_t view);
bool acc_box_set_meet(const acc_box_set *set, uint32_t i, uint32_t j);
void acc_box_set_free(acc_box_set *set);

#endif
