/*
 * ir.h - the rule-set intermediate representation (internal to libaccord).
 *
 * A compiled rule set: enumerations, facts, rules, invariants and assumptions, with every
 * expression resolved and type-checked. The concrete evaluator (eval.c) and the SMT
 * encoder (smt_encode.c) read this one structure, so they give one meaning to a rule set.
 *
 * Ownership: everything reachable from an acc_ruleset lives in its arena and is released
 * by acc_ruleset_free; nothing in it points outside the arena.
 */
#ifndef ACCORD_IR_H
#define ACCORD_IR_H

#include "accord.h"
#include "arena.h"

/* A byte range [start, end) in one of the rule set's sources. */
typedef struct acc_span {
    uint32_t source;       /* index into acc_ruleset.sources */
    uint32_t start, end;
} acc_span;

/* A source text the rule set was built from, kept for diagnostics. */
typedef struct acc_source_text {
    const char *path;
    const char *text;
    size_t len;
} acc_source_text;

/* A term: a field of the current event, or a constant. */
typedef struct acc_term {
    bool is_field;
    acc_type type;          /* never ACC_TYPE_BOOL */
    acc_field field;        /* when is_field */
    int64_t value;          /* when constant: member index, decision, or time in seconds */
    acc_span span;
} acc_term;

typedef enum acc_cmp_op { ACC_CMP_EQ, ACC_CMP_NE, ACC_CMP_LT, ACC_CMP_LE, ACC_CMP_GT,
                          ACC_CMP_GE } acc_cmp_op;

/* ORDER: expression operators; eval.c and smt_encode.c switch over all of them. */
typedef enum acc_expr_op {
    ACC_X_TRUE, ACC_X_FALSE,
    ACC_X_NOT,             /* a */
    ACC_X_AND, ACC_X_OR,   /* a, b */
    ACC_X_IMPLIES,         /* a implies b */
    ACC_X_CMP,             /* cmp.l cmp.op cmp.r; both sides of one type */
    ACC_X_IN,              /* in.l [not] in { in.set[0..n) } */
    ACC_X_FACT             /* the Boolean fact rs->facts[fact] of the current event */
} acc_expr_op;

typedef struct acc_expr {
    acc_expr_op op;
    acc_span span;
    union {
        struct { struct acc_expr *a, *b; } bin;
        struct { acc_cmp_op op; acc_term l, r; } cmp;
        struct { acc_term l; acc_term *set; uint32_t n; bool negated; } in;
        uint32_t fact;
    } u;
} acc_expr;

/* One binding of a fact: the earlier entry's `src_field` equals the current term `cur`. */
typedef struct acc_binding {
    acc_field src_field;
    acc_term cur;
} acc_binding;

/*
 * fact NAME on KIND = once|latest SRC(bindings) [has HAS] [within WITHIN];
 * `has` is evaluated on the matched earlier entry (its fields are the "current" event's
 * fields inside it); it is NULL for `once`.
 */
typedef struct acc_fact {
    const char *name;
    acc_kind on;
    bool latest;
    acc_kind src;
    acc_binding *bindings;
    uint32_t n_bindings;
    acc_expr *has;
    bool has_within;
    int64_t within;        /* seconds, inclusive */
    acc_span span;         /* the whole declaration */
    acc_span name_span;
} acc_fact;

typedef struct acc_rule {
    const char *name;
    const char *citation;  /* NULL when absent */
    bool forbid;
    acc_kind kind;
    acc_expr *cond;        /* NULL: no `when`, always true */
    acc_span span;
    acc_span name_span;
} acc_rule;

/* An invariant or an assumption: `on KIND: EXPR`. */
typedef struct acc_prop {
    const char *name;
    const char *citation;
    acc_kind kind;
    acc_expr *expr;
    acc_span span;
    acc_span name_span;
} acc_prop;

/* An enumeration: parties, topics or levels (levels lowest first). */
typedef struct acc_enum {
    uint32_t n;
    const char **names;
    const char **descriptions;   /* entries may be NULL */
} acc_enum;

/* The rule set itself is allocated in its own arena (resolve.c copies the arena header
 * into it after the first allocation), so acc_ruleset_free releases everything at once. */
struct acc_ruleset {
    acc_arena arena;
    const char *name;            /* the last applied amendment's, else the base's */
    const char *title;
    int64_t effective;
    const char *base_name;
    const char **accords;        /* base then each applied amendment */
    uint32_t n_accords;
    acc_source_text *sources;    /* sources[0] is the base file */
    uint32_t n_sources;
    acc_enum parties, topics, levels;
    acc_fact *facts;       uint32_t n_facts;
    acc_rule *rules;       uint32_t n_rules;
    acc_prop *invariants;  uint32_t n_invariants;
    acc_prop *assumptions; uint32_t n_assumptions;
};

/* The enumeration of `type` (party, topic or level); NULL for other types. */
const acc_enum *acc_ruleset_enum(const acc_ruleset *rs, acc_type type);

/* Evaluates a Boolean expression of `rs` on `ev` (facts read from ev->facts). */
bool acc_eval_expr(const acc_ruleset *rs, const acc_expr *e, const acc_event *ev);

/* `l op r` on values (member indexes, decisions, times): the one meaning of comparisons,
 * shared by the evaluator and the SMT encoder's lowering. */
bool acc_cmp_holds(acc_cmp_op op, int64_t l, int64_t r);

/* Evaluates a term on `ev`: member index, decision or time (item terms are not values). */
int64_t acc_eval_term(const acc_term *t, const acc_event *ev);

/* Line (1-based), column (1-based, bytes) of byte `offset` in `src`. */
void acc_source_locate(const acc_source_text *src, uint32_t offset, unsigned *line,
                       unsigned *column);

#endif
