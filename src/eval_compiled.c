/*
 * eval_compiled.c - a rule set's conditions precompiled for the evaluator (eval_compiled.h).
 *
 * A condition is a tree of nodes stored in preorder in one array, each node followed by
 * its operands and knowing its own size, so that a node's operands are walked with no
 * pointers: an and/or node (several operands, no nots above it: they were pushed down
 * to the leaves, flipping and/or), or a leaf: a comparison, an `in`, a fact or a
 * constant, each with the negations that reached it folded in. Every leaf gives the
 * value acc_eval_expr gives to the expression it was compiled from, negated or not.
 */
#include "eval_compiled.h"

#include "alloc.h"
#include "grow.h"

#include <string.h>

/* What a term reads. */
typedef enum operand_kind { OPERAND_CONST, OPERAND_TIME, OPERAND_INT } operand_kind;

typedef struct operand {
    operand_kind kind;
    size_t off;                /* OPERAND_INT: where the int field is in acc_event */
    int64_t value;             /* OPERAND_CONST */
} operand;

typedef enum node_op {
    NODE_AND, NODE_OR,         /* the operands follow the node */
    NODE_CONST,                /* holds = !neg */
    NODE_CMP,                  /* l ? r, holding for the outcomes set in `outcomes` */
    NODE_IN_MASK,              /* l in a set of constants from 0 to 63 (`mask`) */
    NODE_IN_LIST,              /* l in set[first .. first + n) of the program */
    NODE_FACT                  /* facts[fact] */
} node_op;

typedef struct node {
    node_op op;
    bool neg;                  /* leaves: the value is negated */
    unsigned char outcomes;    /* NODE_CMP: bit 2 when l < r holds, 1 when l == r, 0 when > */
    uint32_t size;             /* nodes of this subtree, itself included */
    uint32_t fact, first, n;
    operand l, r;
    uint64_t mask;
} node;

/* A rule, invariant or assumption of one kind, and its condition. */
typedef struct check {
    uint32_t index;            /* in the rule set's rules, invariants or assumptions */
    bool forbid;               /* rules */
    uint32_t root;             /* the condition's first node; NO_CONDITION for none */
} check;

#define NO_CONDITION UINT32_MAX

/* The checks of one kind of event, in the rule set's order. */
typedef struct check_list {
    check *at;
    size_t n, cap;
} check_list;

enum { LIST_RULES, LIST_INVARIANTS, LIST_ASSUMPTIONS, N_LISTS };

struct acc_eval_program {
    node *nodes;
    size_t n_nodes, nodes_cap;
    operand *set;              /* the members of NODE_IN_LIST sets */
    size_t n_set, set_cap;
    check_list lists[ACC_KIND_COUNT][N_LISTS];
};

void acc_eval_program_free(acc_eval_program *p)
{
    if (!p)
        return;
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        for (int l = 0; l < N_LISTS; l++)
            acc_free(p->lists[k][l].at);
    acc_free(p->nodes);
    acc_free(p->set);
    acc_free(p);
}

/* ---- Compiling ------------------------------------------------------------------ */

static operand compile_term(const acc_term *t)
{
    if (!t->is_field)
        return (operand){ .kind = OPERAND_CONST, .value = t->value };
    if (t->field == ACC_FIELD_TIME)
        return (operand){ .kind = OPERAND_TIME };
    if ((unsigned)t->field >= ACC_FIELD_COUNT || t->field == ACC_FIELD_ITEM)
        return (operand){ .kind = OPERAND_CONST, .value = 0 };  /* as acc_eval_term */
    return (operand){ .kind = OPERAND_INT, .off = acc_event_int_field_at[t->field] };
}

/* Appends a node; returns its index, or NO_CONDITION when out of memory. */
static uint32_t add_node(acc_eval_program *p, node n)
{
    void *a = p->nodes;
    bool ok = p->n_nodes < NO_CONDITION &&
              acc_grow(&a, &p->nodes_cap, p->n_nodes + 1, sizeof *p->nodes, 64);
    p->nodes = a;
    if (!ok)
        return NO_CONDITION;
    n.size = 1;
    p->nodes[p->n_nodes] = n;
    return (uint32_t)p->n_nodes++;
}

/* The leaf for `e in {...}` (negated when neg), as a 64-bit set when it can be. */
static int compile_in(acc_eval_program *p, const acc_expr *e, bool neg)
{
    node n = { .op = NODE_IN_MASK, .neg = neg != e->u.in.negated, .l = compile_term(&e->u.in.l) };
    for (uint32_t i = 0; i < e->u.in.n && n.op == NODE_IN_MASK; i++) {
        const acc_term *t = &e->u.in.set[i];
        if (t->is_field || t->value < 0 || t->value > 63)
            n.op = NODE_IN_LIST;
        else
            n.mask |= (uint64_t)1 << t->value;
    }
    if (n.op == NODE_IN_LIST) {
        void *a = p->set;
        bool ok = acc_grow(&a, &p->set_cap, p->n_set + e->u.in.n, sizeof *p->set, 16);
        p->set = a;
        if (!ok || p->n_set > UINT32_MAX)
            return ACC_ENOMEM;
        n.first = (uint32_t)p->n_set;
        n.n = e->u.in.n;
        for (uint32_t i = 0; i < e->u.in.n; i++)
            p->set[p->n_set++] = compile_term(&e->u.in.set[i]);
    }
    return add_node(p, n) == NO_CONDITION ? ACC_ENOMEM : ACC_OK;
}

/*
 * Appends the nodes of e, negated when neg, as operands of an and/or node of operator
 * `parent` (an and below an and, or an or below an or, adds its operands to the parent
 * rather than a node of its own). Returns ACC_OK or ACC_ENOMEM.
 */
static int compile_expr(acc_eval_program *p, const acc_expr *e, bool neg, node_op parent)
{
    const acc_expr *a = e->u.bin.a, *b = e->u.bin.b;
    node_op op;
    bool neg_a = neg;
    switch (e->op) {
    case ACC_X_NOT:
        return compile_expr(p, a, !neg, parent);
    case ACC_X_AND:
        op = neg ? NODE_OR : NODE_AND;
        break;
    case ACC_X_OR:
        op = neg ? NODE_AND : NODE_OR;
        break;
    case ACC_X_IMPLIES:            /* not a or b */
        op = neg ? NODE_AND : NODE_OR;
        neg_a = !neg;
        break;
    case ACC_X_CMP: {
        acc_cmp_op c = e->u.cmp.op;
        unsigned char holds = (unsigned char)(acc_cmp_holds(c, 0, 1) << 2 |
                                              acc_cmp_holds(c, 0, 0) << 1 |
                                              acc_cmp_holds(c, 1, 0));
        node n = { .op = NODE_CMP, .outcomes = neg ? holds ^ 7 : holds,
                   .l = compile_term(&e->u.cmp.l), .r = compile_term(&e->u.cmp.r) };
        return add_node(p, n) == NO_CONDITION ? ACC_ENOMEM : ACC_OK;
    }
    case ACC_X_IN:
        return compile_in(p, e, neg);
    case ACC_X_FACT:
        return add_node(p, (node){ .op = NODE_FACT, .neg = neg, .fact = e->u.fact }) ==
               NO_CONDITION ? ACC_ENOMEM : ACC_OK;
    case ACC_X_TRUE:
    case ACC_X_FALSE:
    default:                       /* acc_eval_expr: false */
        return add_node(p, (node){ .op = NODE_CONST, .neg = (e->op == ACC_X_TRUE) == neg }) ==
               NO_CONDITION ? ACC_ENOMEM : ACC_OK;
    }
    if (op == parent)
        return compile_expr(p, a, neg_a, op) == ACC_OK ? compile_expr(p, b, neg, op)
                                                       : ACC_ENOMEM;
    uint32_t at = add_node(p, (node){ .op = op });
    if (at == NO_CONDITION || compile_expr(p, a, neg_a, op) != ACC_OK ||
        compile_expr(p, b, neg, op) != ACC_OK)
        return ACC_ENOMEM;
    p->nodes[at].size = (uint32_t)(p->n_nodes - at);
    return ACC_OK;
}

static int add_check(acc_eval_program *p, acc_kind kind, int list, uint32_t index,
                     bool forbid, const acc_expr *cond)
{
    check c = { .index = index, .forbid = forbid, .root = NO_CONDITION };
    if (cond) {
        c.root = (uint32_t)p->n_nodes;
        /* a condition's root is a node of its own: NODE_CONST is no and/or operator */
        if (compile_expr(p, cond, false, NODE_CONST) != ACC_OK)
            return ACC_ENOMEM;
    }
    check_list *l = &p->lists[kind][list];
    void *a = l->at;
    bool ok = acc_grow(&a, &l->cap, l->n + 1, sizeof *l->at, 8);
    l->at = a;
    if (!ok)
        return ACC_ENOMEM;
    l->at[l->n++] = c;
    return ACC_OK;
}

int acc_eval_program_new(acc_eval_program **out, const acc_ruleset *rs)
{
    *out = NULL;
    acc_eval_program *p = acc_calloc(1, sizeof *p);
    if (!p)
        return ACC_ENOMEM;
    int rc = ACC_OK;
    for (uint32_t i = 0; i < rs->n_rules && rc == ACC_OK; i++) {
        const acc_rule *r = &rs->rules[i];
        rc = add_check(p, r->kind, LIST_RULES, i, r->forbid, r->cond);
    }
    for (uint32_t i = 0; i < rs->n_invariants && rc == ACC_OK; i++)
        rc = add_check(p, rs->invariants[i].kind, LIST_INVARIANTS, i, false,
                       rs->invariants[i].expr);
    for (uint32_t i = 0; i < rs->n_assumptions && rc == ACC_OK; i++)
        rc = add_check(p, rs->assumptions[i].kind, LIST_ASSUMPTIONS, i, false,
                       rs->assumptions[i].expr);
    if (rc != ACC_OK) {
        acc_eval_program_free(p);
        return rc;
    }
    *out = p;
    return ACC_OK;
}

/* ---- Evaluating ----------------------------------------------------------------- */

static inline int64_t operand_value(const operand *o, const acc_event *ev)
{
    if (o->kind == OPERAND_INT) {
        int v;
        memcpy(&v, (const char *)ev + o->off, sizeof v);
        return v;
    }
    return o->kind == OPERAND_TIME ? ev->time : o->value;
}

static bool holds(const acc_eval_program *p, const node *n, const acc_event *ev);

/* The value of a leaf, or of an and/or node through holds(). */
static inline bool node_value(const acc_eval_program *p, const node *n, const acc_event *ev)
{
    if (n->op == NODE_CMP) {
        int64_t l = operand_value(&n->l, ev), r = operand_value(&n->r, ev);
        unsigned shift = (unsigned)(l < r) * 2 + (unsigned)(l == r);
        return (n->outcomes >> shift) & 1;
    }
    if (n->op == NODE_IN_MASK) {
        int64_t v = operand_value(&n->l, ev);
        bool in = v >= 0 && v <= 63 && ((n->mask >> v) & 1);
        return in != n->neg;
    }
    if (n->op == NODE_FACT)
        return (ev->facts ? ev->facts[n->fact] : false) != n->neg;
    if (n->op == NODE_CONST)
        return !n->neg;
    if (n->op == NODE_IN_LIST) {
        int64_t v = operand_value(&n->l, ev);
        bool in = false;
        for (uint32_t i = 0; i < n->n && !in; i++)
            in = v == operand_value(&p->set[n->first + i], ev);
        return in != n->neg;
    }
    return holds(p, n, ev);
}

/* The value of an and/or node: its operands in order, up to the first that decides. */
static bool holds(const acc_eval_program *p, const node *n, const acc_event *ev)
{
    bool and = n->op == NODE_AND;
    const node *end = n + n->size;
    for (const node *o = n + 1; o < end; o += o->size)
        if (node_value(p, o, ev) != and)
            return !and;
    return and;
}

static bool check_holds(const acc_eval_program *p, const check *c, const acc_event *ev)
{
    return c->root == NO_CONDITION || node_value(p, &p->nodes[c->root], ev);
}

/* The checks of ev's kind (none for a kind out of range, as in acc_eval_event). */
static const check_list *lists_of(const acc_eval_program *p, const acc_event *ev)
{
    static const check_list none[N_LISTS];
    return (unsigned)ev->kind < ACC_KIND_COUNT ? p->lists[ev->kind] : none;
}

void acc_eval_program_event(const acc_eval_program *p, const acc_event *ev, acc_verdict *v)
{
    const check_list *lists = lists_of(p, ev);
    size_t n_permits = 0, n_forbids = 0, n_invariants = 0, n_assumptions = 0;
    const check_list *rules = &lists[LIST_RULES];
    for (size_t i = 0; i < rules->n; i++) {
        const check *c = &rules->at[i];
        bool h = check_holds(p, c, ev);
        v->forbids[n_forbids] = c->index;
        v->permits[n_permits] = c->index;
        n_forbids += h & c->forbid;
        n_permits += h & !c->forbid;
    }
    const check_list *inv = &lists[LIST_INVARIANTS];
    for (size_t i = 0; i < inv->n; i++) {
        v->broken_invariants[n_invariants] = inv->at[i].index;
        n_invariants += !check_holds(p, &inv->at[i], ev);
    }
    const check_list *as = &lists[LIST_ASSUMPTIONS];
    for (size_t i = 0; i < as->n; i++) {
        v->broken_assumptions[n_assumptions] = as->at[i].index;
        n_assumptions += !check_holds(p, &as->at[i], ev);
    }
    acc_verdict_set_counts(v, n_permits, n_forbids, n_invariants, n_assumptions);
}

bool acc_eval_program_permitted(const acc_eval_program *p, const acc_event *ev)
{
    const check_list *rules = &lists_of(p, ev)[LIST_RULES];
    bool permit = false;
    for (size_t i = 0; i < rules->n; i++) {
        const check *c = &rules->at[i];
        if (!c->forbid && permit)
            continue;
        if (check_holds(p, c, ev)) {
            if (c->forbid)
                return false;
            permit = true;
        }
    }
    return permit;
}
