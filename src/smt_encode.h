/*
 * smt_encode.h - the SMT encoding of rule sets (internal): one meaning for Z3 (smt_encode.c)
 * and for the SMT-LIB2 text export (smt_export.c).
 *
 * An analysis ranges over a *space*: the value domain (parties, topics, levels and
 * decisions, unified by member name across the rule sets analysed together), one *view*
 * per rule set (how its member indexes map into the domain, which fact variable each of
 * its facts is), and the fact variables. `check` has one view; `diff` two (OLD, NEW).
 *
 * Comparisons and `in` tests are lowered (smt_atom_lower) into primitives over the domain:
 * "field is one of these members", "field equals field", "time OP constant". Both
 * back ends print or build exactly these primitives, so they cannot drift apart.
 *
 * A value a view does not declare behaves as the concrete evaluator sees it when the
 * analysis maps it to the negative index -1-d (d its domain index): it equals no constant,
 * equals only itself, and ranks below every declared level. Events with such a value are
 * never permitted in that view (dom constraint).
 *
 * Ownership: a space owns its arena (names, maps); it borrows the rule sets, which must
 * outlive it. An encoder owns its Z3 context, solver and every Z3 object it references.
 */
#ifndef ACCORD_SMT_ENCODE_H
#define ACCORD_SMT_ENCODE_H

#include "ir.h"

#include <z3.h>

/* The enumerated value types. ORDER: smt_enum_names in smt_encode.c. */
typedef enum smt_enum { SMT_PARTY, SMT_TOPIC, SMT_LEVEL, SMT_DECISION, SMT_ENUM_COUNT } smt_enum;

/* The enumeration of a type or a field, or -1 (time, item, Boolean). */
int smt_enum_of_type(acc_type type);
int smt_enum_of_field(acc_field field);
/* "Party", "Topic", "Level", "Decision" (SMT sort names). */
const char *smt_enum_sort_name(smt_enum e);

typedef struct smt_view {
    const acc_ruleset *rs;
    const char *tag;                       /* "" (check), "old" or "new" (diff) */
    int32_t *to_dom[SMT_ENUM_COUNT];       /* rule-set member -> domain member */
    int32_t *from_dom[SMT_ENUM_COUNT];     /* domain member -> rule-set member or -1 */
    bool complete[SMT_ENUM_COUNT];         /* the view declares every domain member */
    uint32_t *fact_var;                    /* rule-set fact -> space fact variable */
} smt_view;

typedef struct smt_fact_var {
    const char *name;      /* display name: the fact's, or NAME@old / NAME@new */
    acc_kind kind;
} smt_fact_var;

typedef struct smt_space {
    acc_arena arena;
    const char **names[SMT_ENUM_COUNT];    /* domain members */
    uint32_t n[SMT_ENUM_COUNT];
    smt_view views[2];
    uint32_t n_views;
    smt_fact_var *facts;
    uint32_t n_facts;
    int64_t *time_splits;                  /* ascending starts of elementary intervals */
    uint32_t n_time_splits;                /* (the first interval starts at ACC_TIME_MIN) */
} smt_space;

/* A space for `check` of one rule set. ACC_OK or ACC_ENOMEM. */
int smt_space_init_check(smt_space *s, const acc_ruleset *rs);
/* A space for `diff`: views[0] is OLD, views[1] NEW. ACC_OK or ACC_ENOMEM. */
int smt_space_init_diff(smt_space *s, const acc_ruleset *old_rs, const acc_ruleset *new_rs);
void smt_space_fini(smt_space *s);

/* The value a view's evaluator sees for domain member d of enumeration e. */
int smt_view_value(const smt_view *v, smt_enum e, int32_t d);

/* Structural equality of two expressions of two rule sets (members compared by name). */
bool smt_expr_equal(const acc_ruleset *ra, const acc_expr *a, const acc_ruleset *rb,
                    const acc_expr *b);
/* Structural equality of two facts' definitions (names not compared). */
bool smt_fact_equal(const acc_ruleset *ra, const acc_fact *a, const acc_ruleset *rb,
                    const acc_fact *b);

/* A lowered comparison: `negated` applied to the disjunction of `prims`. */
typedef enum smt_prim_kind {
    SMT_P_TRUE,            /* always */
    SMT_P_MEMBER,          /* field is one of the domain members with mask[d] */
    SMT_P_FEQ,             /* field == field2 (enumerated, two distinct fields) */
    SMT_P_TIME             /* time op value */
} smt_prim_kind;

typedef struct smt_prim {
    smt_prim_kind kind;
    acc_field field, field2;
    acc_cmp_op op;
    int64_t value;
    bool *mask;            /* SMT_P_MEMBER: one flag per domain member */
} smt_prim;

typedef struct smt_atom {
    bool negated;
    smt_prim *prims;       /* n == 0 means false (before negation) */
    uint32_t n;
    void *block;           /* the memory of prims and masks (acc_malloc) */
} smt_atom;

/* Lowers an ACC_X_CMP or ACC_X_IN expression of view v. ACC_OK or ACC_ENOMEM. */
int smt_atom_lower(smt_atom *out, const smt_space *s, const smt_view *v, const acc_expr *e);
void smt_atom_fini(smt_atom *a);

/* A concrete event of the space: domain indexes, time, and every fact variable's value. */
typedef struct smt_point {
    acc_kind kind;
    int64_t time;
    int32_t val[ACC_FIELD_COUNT];  /* domain member of each enumerated field, else 0 */
    bool *facts;                   /* [space->n_facts] */
} smt_point;

/*
 * The event of `p` as view v's evaluator sees it. `facts` must hold one slot per fact of
 * v's rule set; ev->item is "item-1".
 */
void smt_point_event(const smt_space *s, const smt_view *v, const smt_point *p, bool *facts,
                     acc_event *ev);

/* Per-view terms of the encoding, for every kind. */
typedef struct smt_view_terms {
    Z3_ast *rule;                      /* per rule: its condition */
    Z3_ast *lit;                       /* per rule: its literal (tracked queries only) */
    Z3_ast *track;                     /* per rule: the tracker of its literal's tie */
    Z3_ast assume[ACC_KIND_COUNT];     /* the kind's assumptions */
    Z3_ast dom[ACC_KIND_COUNT];        /* every enumerated field declared by the view */
    Z3_ast permit_any[ACC_KIND_COUNT]; /* some permit rule of the kind holds */
    Z3_ast forbid_any[ACC_KIND_COUNT]; /* some forbid rule holds */
    Z3_ast permitted[ACC_KIND_COUNT];  /* dom and permit_any and not forbid_any */
    Z3_ast permitted_lit[ACC_KIND_COUNT]; /* the same over the literals (tracked queries) */
} smt_view_terms;

typedef struct smt_enc {
    Z3_context ctx;
    Z3_solver solver;
    const smt_space *space;
    int status;                        /* first error (ACC_ESOLVER, ACC_ENOMEM) or ACC_OK */
    char error[256];                   /* its message */
    Z3_ast *pool;                      /* every AST the encoder holds a reference to */
    size_t n_pool, cap_pool;
    Z3_ast tru, fls;
    Z3_sort sort[SMT_ENUM_COUNT], int_sort;
    Z3_ast *member[SMT_ENUM_COUNT];    /* enumeration constants, domain order */
    Z3_ast var[ACC_KIND_COUNT][ACC_FIELD_COUNT];   /* NULL where the kind lacks the field */
    Z3_ast *fact;                      /* per space fact variable */
    smt_view_terms vt[2];
    bool *core;                        /* after unsat: rule i of view v at [v*n_rules0 + i] */
    uint32_t core_stride;
    char reason[128];                  /* after unknown: Z3's reason */
} smt_enc;

/*
 * Creates the Z3 context (reference counted, with an error handler that records and
 * returns) and solver with `timeout_ms` (0: none), declares the space's sorts, event
 * variables and facts, builds each view's terms, and asserts the time bounds. Returns ACC_OK, ACC_ENOMEM or ACC_ESOLVER (message in enc->error). On failure
 * the encoder is still safe to pass to smt_enc_fini.
 */
int smt_enc_init(smt_enc *enc, const smt_space *space, unsigned timeout_ms);
void smt_enc_fini(smt_enc *enc);

/* Term builders: each result is referenced by the encoder's pool until the pool is cut
 * back below it (smt_enc_mark / smt_enc_release). On a Z3 error they record the error
 * and return enc->fls, so that construction can go on and fail once at the end. */
size_t smt_enc_mark(const smt_enc *enc);
void smt_enc_release(smt_enc *enc, size_t mark);
Z3_ast smt_enc_keep(smt_enc *enc, Z3_ast a);
/* Records an allocation failure (ACC_ENOMEM) and returns enc->fls. */
Z3_ast smt_enc_oom(smt_enc *enc);
Z3_ast smt_enc_and(smt_enc *enc, unsigned n, const Z3_ast *args);
Z3_ast smt_enc_or(smt_enc *enc, unsigned n, const Z3_ast *args);
Z3_ast smt_enc_not(smt_enc *enc, Z3_ast a);
Z3_ast smt_enc_and2(smt_enc *enc, Z3_ast a, Z3_ast b);
/* Condition or expression of view v on events of `kind` (NULL: true). */
Z3_ast smt_enc_expr(smt_enc *enc, uint32_t view, acc_kind kind, const acc_expr *e);
/* field (enumerated) of kind is one of the members with mask[d]. */
Z3_ast smt_enc_member(smt_enc *enc, acc_kind kind, acc_field field, const bool *mask);
/* time of kind lies in [lo, hi]. */
Z3_ast smt_enc_time_range(smt_enc *enc, acc_kind kind, int64_t lo, int64_t hi);

/*
 * t with the variables of `kind` fixed and simplified: vals[f] >= 0 fixes enumerated field
 * f to that domain member, facts[i] >= 0 fixes fact variable i to false (0) or true (1).
 * Used to shrink a query to the part of it that a box leaves open.
 */
Z3_ast smt_enc_fix(smt_enc *enc, Z3_ast t, acc_kind kind, const int32_t *vals,
                   const int8_t *facts);

/* The result of a query. */
typedef enum smt_answer { SMT_SAT, SMT_UNSAT, SMT_UNKNOWN } smt_answer;

/*
 * Checks `query` in a push/pop scope. On SMT_SAT with `point` non-NULL, fills it with
 * the model's event of `kind` (point->facts must hold space->n_facts slots) and, when
 * `rules_true` is non-NULL, rules_true[v*core_stride + i] with the model's value of the
 * condition of rule i of view v (false for rules of other kinds). On SMT_UNSAT fills enc->core. On SMT_UNKNOWN fills
 * enc->reason. Returns ACC_OK or the encoder's error status.
 */
int smt_enc_check(smt_enc *enc, Z3_ast query, acc_kind kind, smt_answer *answer,
                  smt_point *point, bool *rules_true);

/*
 * As smt_enc_check, with the rules of `kind` in view `track_view` tied to their literals
 * by tracked implications in the query's scope (the query should use permitted_lit), so
 * that on SMT_UNSAT enc->core names the rules the proof used. track_view -1: none.
 */
int smt_enc_check_tracked(smt_enc *enc, Z3_ast query, acc_kind kind, int track_view,
                          smt_answer *answer, smt_point *point, bool *rules_true);

/* The start and end of elementary time interval i of the space. */
void smt_space_interval(const smt_space *s, uint32_t i, int64_t *lo, int64_t *hi);
/* The elementary interval that contains t. */
uint32_t smt_space_interval_of(const smt_space *s, int64_t t);

#endif
