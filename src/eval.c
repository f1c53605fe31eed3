/*
 * eval.c - the concrete evaluator: the meaning of a rule set on one event (accord/eval.h).
 *
 * An event is permitted when some permit rule of its kind holds and no forbid rule does;
 * invariants and assumptions are evaluated on every event of their kind. smt_encode.c
 * must give these same meanings; tests compare the two on random events.
 */
#include "eval_compiled.h"

#include "alloc.h"

#include <stddef.h>
#include <string.h>

/*
 * Where each enumerated field and the decision is in an acc_event; time is read on its
 * own and item is opaque (the type checker keeps it out of expressions: it reads 0).
 * The evaluator reads terms through this table and branches with `if`, never `switch`:
 * a switch over operators or fields compiles to an indirect jump, which mispredicts far
 * more often (and costs more) than a chain of tests on these few cases.
 */
const size_t acc_event_int_field_at[ACC_FIELD_COUNT] = {   /* ORDER: acc_field */
    [ACC_FIELD_FROM] = offsetof(acc_event, from),
    [ACC_FIELD_TO] = offsetof(acc_event, to),
    [ACC_FIELD_TOPIC] = offsetof(acc_event, topic),
    [ACC_FIELD_ORIGINATOR] = offsetof(acc_event, originator),
    [ACC_FIELD_LEVEL] = offsetof(acc_event, level),
    [ACC_FIELD_DECISION] = offsetof(acc_event, decision),
};

/* The value of a term; inlined into the evaluator, which reads many terms per event. */
static inline int64_t term_value(const acc_term *t, const acc_event *ev)
{
    if (!t->is_field)
        return t->value;
    if (t->field == ACC_FIELD_TIME)
        return ev->time;
    if ((unsigned)t->field >= ACC_FIELD_COUNT || t->field == ACC_FIELD_ITEM)
        return 0;
    int v;
    memcpy(&v, (const char *)ev + acc_event_int_field_at[t->field], sizeof v);
    return v;
}

int64_t acc_eval_term(const acc_term *t, const acc_event *ev)
{
    return term_value(t, ev);
}

/* Bit 2: holds when l < r, bit 1: when l == r, bit 0: when l > r. ORDER: acc_cmp_op */
static const unsigned char cmp_outcomes[] = { 2, 5, 4, 6, 1, 3 };

static inline bool cmp_holds(acc_cmp_op op, int64_t l, int64_t r)
{
    if ((unsigned)op >= sizeof cmp_outcomes)
        return false;
    unsigned shift = (unsigned)(l < r) * 2 + (unsigned)(l == r);
    return (cmp_outcomes[op] >> shift) & 1;
}

bool acc_cmp_holds(acc_cmp_op op, int64_t l, int64_t r)
{
    return cmp_holds(op, l, r);
}

/* Whether e has no operand expressions (comparisons, in, facts, constants). */
static inline bool is_leaf(acc_expr_op op)
{
    return op == ACC_X_CMP || op == ACC_X_IN || op == ACC_X_FACT || op == ACC_X_TRUE ||
           op == ACC_X_FALSE;
}

/* The value of a leaf (is_leaf). */
static inline bool leaf_value(const acc_expr *e, const acc_event *ev)
{
    if (e->op == ACC_X_CMP)
        return cmp_holds(e->u.cmp.op, term_value(&e->u.cmp.l, ev), term_value(&e->u.cmp.r, ev));
    if (e->op == ACC_X_IN) {
        int64_t v = term_value(&e->u.in.l, ev);
        bool found = false;
        for (uint32_t i = 0; i < e->u.in.n && !found; i++)
            found = v == term_value(&e->u.in.set[i], ev);
        return found != e->u.in.negated;
    }
    if (e->op == ACC_X_FACT)
        return ev->facts ? ev->facts[e->u.fact] : false;
    return e->op == ACC_X_TRUE;
}

/*
 * The value of e on ev. The right operand of and/or/implies and the operand of not are
 * followed in a loop rather than by a call (rule conditions are mostly chains of `and`),
 * with `negate` carrying the nots passed on the way; a left operand that is a leaf is
 * evaluated in place. Operators are tested with `if` (see acc_event_int_field_at on
 * `switch`).
 */
static bool eval(const acc_expr *e, const acc_event *ev)
{
    bool negate = false;
    for (;;) {
        acc_expr_op op = e->op;
        if (op == ACC_X_AND || op == ACC_X_OR || op == ACC_X_IMPLIES) {
            /* and: a false left side decides (false); or: a true one (true);
               implies: a false one (true) */
            const acc_expr *l = e->u.bin.a;
            bool a = is_leaf(l->op) ? leaf_value(l, ev) : eval(l, ev);
            if (op == ACC_X_OR ? a : !a)
                return (op != ACC_X_AND) != negate;
            e = e->u.bin.b;
            continue;
        }
        if (op == ACC_X_NOT) {
            negate = !negate;
            e = e->u.bin.a;
            continue;
        }
        if (!is_leaf(op))
            return negate;     /* not an operator: false */
        return leaf_value(e, ev) != negate;
    }
}

bool acc_eval_expr(const acc_ruleset *rs, const acc_expr *e, const acc_event *ev)
{
    (void)rs;
    return eval(e, ev);
}

int acc_verdict_init(acc_verdict *v, const acc_ruleset *rs)
{
    *v = (acc_verdict){ 0 };
    v->permits = acc_calloc(rs->n_rules + 1, sizeof *v->permits);
    v->forbids = acc_calloc(rs->n_rules + 1, sizeof *v->forbids);
    v->broken_invariants = acc_calloc(rs->n_invariants + 1, sizeof *v->broken_invariants);
    v->broken_assumptions = acc_calloc(rs->n_assumptions + 1, sizeof *v->broken_assumptions);
    if (!v->permits || !v->forbids || !v->broken_invariants || !v->broken_assumptions) {
        acc_verdict_fini(v);
        return ACC_ENOMEM;
    }
    return ACC_OK;
}

void acc_verdict_fini(acc_verdict *v)
{
    acc_free(v->permits);
    acc_free(v->forbids);
    acc_free(v->broken_invariants);
    acc_free(v->broken_assumptions);
    *v = (acc_verdict){ 0 };
}

void acc_verdict_set_counts(acc_verdict *v, size_t n_permits, size_t n_forbids,
                            size_t n_broken_invariants, size_t n_broken_assumptions)
{
    v->n_permits = n_permits;
    v->n_forbids = n_forbids;
    v->n_broken_invariants = n_broken_invariants;
    v->n_broken_assumptions = n_broken_assumptions;
    v->permitted = n_permits > 0 && n_forbids == 0;
}

void acc_eval_event(const acc_ruleset *rs, const acc_event *ev, acc_verdict *v)
{
    /* Each index is written at the end of its list, then counted only when it belongs
       there: no branch on a condition's value (the arrays have room for one more). */
    size_t n_permits = 0, n_forbids = 0, n_invariants = 0, n_assumptions = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        const acc_rule *r = &rs->rules[i];
        if (r->kind != ev->kind)
            continue;
        bool holds = !r->cond || eval(r->cond, ev);
        v->forbids[n_forbids] = i;
        v->permits[n_permits] = i;
        n_forbids += holds & r->forbid;
        n_permits += holds & !r->forbid;
    }
    for (uint32_t i = 0; i < rs->n_invariants; i++) {
        const acc_prop *p = &rs->invariants[i];
        if (p->kind != ev->kind)
            continue;
        v->broken_invariants[n_invariants] = i;
        n_invariants += !eval(p->expr, ev);
    }
    for (uint32_t i = 0; i < rs->n_assumptions; i++) {
        const acc_prop *p = &rs->assumptions[i];
        if (p->kind != ev->kind)
            continue;
        v->broken_assumptions[n_assumptions] = i;
        n_assumptions += !eval(p->expr, ev);
    }
    acc_verdict_set_counts(v, n_permits, n_forbids, n_invariants, n_assumptions);
}

bool acc_eval_permitted(const acc_ruleset *rs, const acc_event *ev)
{
    bool permit = false, forbid = false;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        const acc_rule *r = &rs->rules[i];
        if (r->kind != ev->kind)
            continue;
        bool holds = !r->cond || eval(r->cond, ev);
        forbid |= holds & r->forbid;
        permit |= holds & !r->forbid;
    }
    return permit & !forbid;
}
