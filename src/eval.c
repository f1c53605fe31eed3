/*
 * eval.c - the concrete evaluator: the meaning of a rule set on one event (accord/eval.h).
 *
 * An event is permitted when some permit rule of its kind holds and no forbid rule does;
 * invariants and assumptions are evaluated on every event of their kind. smt_encode.c
 * must give these same meanings; tests compare the two on random events.
 */
#include "ir.h"

#include "alloc.h"

int64_t acc_eval_term(const acc_term *t, const acc_event *ev)
{
    if (!t->is_field)
        return t->value;
    switch (t->field) {
    case ACC_FIELD_TIME: return ev->time;
    case ACC_FIELD_FROM: return ev->from;
    case ACC_FIELD_TO: return ev->to;
    case ACC_FIELD_TOPIC: return ev->topic;
    case ACC_FIELD_ORIGINATOR: return ev->originator;
    case ACC_FIELD_LEVEL: return ev->level;
    case ACC_FIELD_DECISION: return ev->decision;
    case ACC_FIELD_ITEM:
    case ACC_FIELD_COUNT:
        break;
    }
    return 0; /* item is opaque: the type checker keeps it out of expressions */
}

bool acc_cmp_holds(acc_cmp_op op, int64_t l, int64_t r)
{
    switch (op) {
    case ACC_CMP_EQ: return l == r;
    case ACC_CMP_NE: return l != r;
    case ACC_CMP_LT: return l < r;
    case ACC_CMP_LE: return l <= r;
    case ACC_CMP_GT: return l > r;
    case ACC_CMP_GE: return l >= r;
    }
    return false;
}

bool acc_eval_expr(const acc_ruleset *rs, const acc_expr *e, const acc_event *ev)
{
    (void)rs;
    switch (e->op) {
    case ACC_X_TRUE: return true;
    case ACC_X_FALSE: return false;
    case ACC_X_NOT: return !acc_eval_expr(rs, e->u.bin.a, ev);
    case ACC_X_AND: return acc_eval_expr(rs, e->u.bin.a, ev) && acc_eval_expr(rs, e->u.bin.b, ev);
    case ACC_X_OR: return acc_eval_expr(rs, e->u.bin.a, ev) || acc_eval_expr(rs, e->u.bin.b, ev);
    case ACC_X_IMPLIES:
        return !acc_eval_expr(rs, e->u.bin.a, ev) || acc_eval_expr(rs, e->u.bin.b, ev);
    case ACC_X_CMP:
        return acc_cmp_holds(e->u.cmp.op, acc_eval_term(&e->u.cmp.l, ev),
                             acc_eval_term(&e->u.cmp.r, ev));
    case ACC_X_IN: {
        int64_t v = acc_eval_term(&e->u.in.l, ev);
        bool found = false;
        for (uint32_t i = 0; i < e->u.in.n && !found; i++)
            found = v == acc_eval_term(&e->u.in.set[i], ev);
        return found != e->u.in.negated;
    }
    case ACC_X_FACT:
        return ev->facts ? ev->facts[e->u.fact] : false;
    }
    return false;
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

void acc_eval_event(const acc_ruleset *rs, const acc_event *ev, acc_verdict *v)
{
    v->n_permits = v->n_forbids = v->n_broken_invariants = v->n_broken_assumptions = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        const acc_rule *r = &rs->rules[i];
        if (r->kind != ev->kind || (r->cond && !acc_eval_expr(rs, r->cond, ev)))
            continue;
        if (r->forbid)
            v->forbids[v->n_forbids++] = i;
        else
            v->permits[v->n_permits++] = i;
    }
    v->permitted = v->n_permits > 0 && v->n_forbids == 0;
    for (uint32_t i = 0; i < rs->n_invariants; i++) {
        const acc_prop *p = &rs->invariants[i];
        if (p->kind == ev->kind && !acc_eval_expr(rs, p->expr, ev))
            v->broken_invariants[v->n_broken_invariants++] = i;
    }
    for (uint32_t i = 0; i < rs->n_assumptions; i++) {
        const acc_prop *p = &rs->assumptions[i];
        if (p->kind == ev->kind && !acc_eval_expr(rs, p->expr, ev))
            v->broken_assumptions[v->n_broken_assumptions++] = i;
    }
}

bool acc_eval_permitted(const acc_ruleset *rs, const acc_event *ev)
{
    bool permit = false;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        const acc_rule *r = &rs->rules[i];
        if (r->kind != ev->kind || (!r->forbid && permit))
            continue;
        if (!r->cond || acc_eval_expr(rs, r->cond, ev)) {
            if (r->forbid)
                return false;
            permit = true;
        }
    }
    return permit;
}
