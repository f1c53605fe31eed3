/*
 * analysis_box.c - boxes that over-approximate rule conditions (analysis_internal.h), so
 * that a query about one rule leaves out the rules that cannot hold together with it.
 *
 * The box of an expression is, per enumerated field, a set of domain members, and for
 * time an interval, such that every event on which the expression holds lies in it. It is
 * computed bottom-up on the lowered comparisons of smt_atom_lower (the primitives the
 * encoder itself builds): `and` meets, `or` joins, `not` is pushed down to the atoms
 * (where a member set is complemented and a time comparison flipped), facts and
 * field-to-field equalities constrain nothing. Two rules whose boxes do not meet can never
 * hold on the same event: dropping one from a query that requires the other changes no
 * answer.
 */
#include "analysis_internal.h"

#include "alloc.h"

#include <string.h>

struct acc_box_set {
    uint32_t words;            /* 64-bit words per member set */
    uint32_t n_boxes;
    uint64_t *bits;            /* [box][field][word] */
    bool *any;                 /* [box][field]: the field is unconstrained */
    int64_t *lo, *hi;          /* [box]: time interval */
    bool *empty;               /* [box]: holds on no event */
};

/* A box being computed (scratch, same layout as one box of a set). */
typedef struct box {
    uint64_t *bits;
    bool any[ACC_FIELD_COUNT];
    int64_t lo, hi;
    bool empty;
} box;

typedef struct box_ctx {
    const smt_space *s;
    const smt_view *v;
    uint32_t words;
    bool failed;
} box_ctx;

static uint64_t *field_bits(const box_ctx *c, const box *b, int f)
{
    return b->bits + (size_t)f * c->words;
}

static bool box_new(box_ctx *c, box *b)
{
    b->bits = acc_calloc((size_t)ACC_FIELD_COUNT * c->words + 1, sizeof *b->bits);
    if (!b->bits) {
        c->failed = true;
        return false;
    }
    for (int f = 0; f < ACC_FIELD_COUNT; f++)
        b->any[f] = true;
    b->lo = ACC_TIME_MIN;
    b->hi = ACC_TIME_MAX;
    b->empty = false;
    return true;
}

static void box_free(box *b)
{
    acc_free(b->bits);
    b->bits = NULL;
}

/* a = a meet b */
static void box_meet(const box_ctx *c, box *a, const box *b)
{
    if (b->empty || a->empty) {
        a->empty = true;
        return;
    }
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        if (b->any[f])
            continue;
        uint64_t *x = field_bits(c, a, f);
        const uint64_t *y = field_bits(c, b, f);
        bool some = false;
        for (uint32_t w = 0; w < c->words; w++) {
            x[w] = a->any[f] ? y[w] : x[w] & y[w];
            some = some || x[w];
        }
        a->any[f] = false;
        if (!some)
            a->empty = true;
    }
    if (b->lo > a->lo)
        a->lo = b->lo;
    if (b->hi < a->hi)
        a->hi = b->hi;
    if (a->lo > a->hi)
        a->empty = true;
}

/* a = a join b */
static void box_join(const box_ctx *c, box *a, const box *b)
{
    if (b->empty)
        return;
    if (a->empty) {
        memcpy(a->bits, b->bits, (size_t)ACC_FIELD_COUNT * c->words * sizeof *a->bits);
        memcpy(a->any, b->any, sizeof a->any);
        a->lo = b->lo;
        a->hi = b->hi;
        a->empty = false;
        return;
    }
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        if (a->any[f])
            continue;
        if (b->any[f]) {
            a->any[f] = true;
            continue;
        }
        uint64_t *x = field_bits(c, a, f);
        const uint64_t *y = field_bits(c, b, f);
        for (uint32_t w = 0; w < c->words; w++)
            x[w] |= y[w];
    }
    if (b->lo < a->lo)
        a->lo = b->lo;
    if (b->hi > a->hi)
        a->hi = b->hi;
}

/* The box of one primitive (or of its negation when !pos), met into b. */
static void prim_box(box_ctx *c, box *b, const smt_prim *p, bool pos)
{
    switch (p->kind) {
    case SMT_P_TRUE:
        if (!pos)
            b->empty = true;
        return;
    case SMT_P_FEQ:
        return;
    case SMT_P_MEMBER: {
        int e = smt_enum_of_field(p->field);
        uint64_t *x = field_bits(c, b, p->field);
        bool some = false;
        for (uint32_t d = 0; d < c->s->n[e]; d++) {
            bool in = p->mask[d] == pos && (b->any[p->field] || (x[d / 64] >> (d % 64) & 1));
            x[d / 64] = in ? x[d / 64] | (1ULL << (d % 64)) : x[d / 64] & ~(1ULL << (d % 64));
            some = some || in;
        }
        b->any[p->field] = false;
        if (!some)
            b->empty = true;
        return;
    }
    case SMT_P_TIME: {
        acc_cmp_op op = p->op;
        if (!pos) {
            static const acc_cmp_op neg[] = { [ACC_CMP_EQ] = ACC_CMP_NE, [ACC_CMP_NE] = ACC_CMP_EQ,
                                              [ACC_CMP_LT] = ACC_CMP_GE, [ACC_CMP_LE] = ACC_CMP_GT,
                                              [ACC_CMP_GT] = ACC_CMP_LE, [ACC_CMP_GE] = ACC_CMP_LT };
            op = neg[op];
        }
        int64_t lo = ACC_TIME_MIN, hi = ACC_TIME_MAX, v = p->value;
        switch (op) {
        case ACC_CMP_EQ: lo = hi = v; break;
        case ACC_CMP_NE: break;
        case ACC_CMP_LT: hi = v - 1; break;
        case ACC_CMP_LE: hi = v; break;
        case ACC_CMP_GT: lo = v + 1; break;
        case ACC_CMP_GE: lo = v; break;
        }
        if (lo > b->lo)
            b->lo = lo;
        if (hi < b->hi)
            b->hi = hi;
        if (b->lo > b->hi)
            b->empty = true;
        return;
    }
    }
}

/* out = the box of e (pos) or of not e (!pos). */
static void expr_box(box_ctx *c, const acc_expr *e, bool pos, box *out)
{
    if (c->failed || !box_new(c, out))
        return;
    if (!e) {                      /* no `when`: always */
        out->empty = !pos;
        return;
    }
    box x = { 0 }, y = { 0 };
    switch (e->op) {
    case ACC_X_TRUE:
    case ACC_X_FALSE:
        out->empty = (e->op == ACC_X_TRUE) != pos;
        return;
    case ACC_X_FACT:
        return;
    case ACC_X_NOT:
        box_free(out);
        expr_box(c, e->u.bin.a, !pos, out);
        return;
    case ACC_X_AND:
    case ACC_X_OR:
    case ACC_X_IMPLIES: {
        /* and: meet when pos, join of the negations when not; or: the dual;
           a implies b: (not a) or b. */
        bool a_pos = e->op == ACC_X_IMPLIES ? !pos : pos;
        bool meet = (e->op == ACC_X_AND) == pos;
        expr_box(c, e->u.bin.a, a_pos, &x);
        expr_box(c, e->u.bin.b, pos, &y);
        if (!c->failed) {
            if (meet) {
                box_meet(c, out, &x);
                box_meet(c, out, &y);
            } else {
                out->empty = true;
                box_join(c, out, &x);
                box_join(c, out, &y);
            }
        }
        box_free(&x);
        box_free(&y);
        return;
    }
    case ACC_X_CMP:
    case ACC_X_IN: {
        smt_atom a;
        if (smt_atom_lower(&a, c->s, c->v, e) != ACC_OK) {
            c->failed = true;
            return;
        }
        /* the atom is (negated xor !pos) applied to the disjunction of its primitives */
        bool disj = a.negated != pos;
        if (disj) {
            out->empty = true;             /* the join of nothing: false */
            for (uint32_t i = 0; i < a.n && !c->failed; i++) {
                if (!box_new(c, &x))
                    break;
                prim_box(c, &x, &a.prims[i], true);
                box_join(c, out, &x);
                box_free(&x);
            }
        } else {
            for (uint32_t i = 0; i < a.n && !out->empty; i++)
                prim_box(c, out, &a.prims[i], false);
        }
        smt_atom_fini(&a);
        return;
    }
    }
}

int acc_box_set_rules(acc_box_set **out, const smt_space *s, uint32_t view)
{
    *out = NULL;
    const smt_view *v = &s->views[view];
    const acc_ruleset *rs = v->rs;
    uint32_t dom = 1;
    for (int e = 0; e < SMT_ENUM_COUNT; e++)
        if (s->n[e] > dom)
            dom = s->n[e];
    box_ctx c = { s, v, (dom + 63) / 64, false };
    acc_box_set *set = acc_calloc(1, sizeof *set);
    if (!set)
        return ACC_ENOMEM;
    size_t n = rs->n_rules + 1;
    set->words = c.words;
    set->n_boxes = rs->n_rules;
    set->bits = acc_calloc(n * ACC_FIELD_COUNT * c.words, sizeof *set->bits);
    set->any = acc_calloc(n * ACC_FIELD_COUNT, sizeof *set->any);
    set->lo = acc_calloc(n, sizeof *set->lo);
    set->hi = acc_calloc(n, sizeof *set->hi);
    set->empty = acc_calloc(n, sizeof *set->empty);
    if (!set->bits || !set->any || !set->lo || !set->hi || !set->empty)
        c.failed = true;
    for (uint32_t i = 0; i < rs->n_rules && !c.failed; i++) {
        box b = { 0 };
        expr_box(&c, rs->rules[i].cond, true, &b);
        if (c.failed) {
            box_free(&b);
            break;
        }
        memcpy(set->bits + (size_t)i * ACC_FIELD_COUNT * c.words, b.bits,
               (size_t)ACC_FIELD_COUNT * c.words * sizeof *b.bits);
        memcpy(set->any + (size_t)i * ACC_FIELD_COUNT, b.any, sizeof b.any);
        set->lo[i] = b.lo;
        set->hi[i] = b.hi;
        set->empty[i] = b.empty;
        box_free(&b);
    }
    if (c.failed) {
        acc_box_set_free(set);
        return ACC_ENOMEM;
    }
    *out = set;
    return ACC_OK;
}

bool acc_box_set_meet(const acc_box_set *set, uint32_t i, uint32_t j)
{
    if (set->empty[i] || set->empty[j])
        return false;
    if ((set->lo[i] > set->lo[j] ? set->lo[i] : set->lo[j]) >
        (set->hi[i] < set->hi[j] ? set->hi[i] : set->hi[j]))
        return false;
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        if (set->any[(size_t)i * ACC_FIELD_COUNT + f] || set->any[(size_t)j * ACC_FIELD_COUNT + f])
            continue;
        const uint64_t *x = set->bits + ((size_t)i * ACC_FIELD_COUNT + f) * set->words;
        const uint64_t *y = set->bits + ((size_t)j * ACC_FIELD_COUNT + f) * set->words;
        bool some = false;
        for (uint32_t w = 0; w < set->words && !some; w++)
            some = (x[w] & y[w]) != 0;
        if (!some)
            return false;
    }
    return true;
}

void acc_box_set_free(acc_box_set *set)
{
    if (!set)
        return;
    acc_free(set->bits);
    acc_free(set->any);
    acc_free(set->lo);
    acc_free(set->hi);
    acc_free(set->empty);
    acc_free(set);
}
