/*
 * smt_encode.c - the SMT encoding of rule sets (smt_encode.h): the analysis space
 * (domain, views, fact variables, elementary time intervals), the lowering of comparisons
 * into domain primitives, and the Z3 encoder that the analyses query.
 *
 * The encoding of one event kind K (docs/design.md, "Analyses"):
 *   - each field of K is one variable: time an Int bounded to [ACC_TIME_MIN, ACC_TIME_MAX],
 *     parties, topics, levels and decisions constants of enumeration sorts; `item` is not
 *     encoded (no expression can read it);
 *   - each fact is a free Boolean;
 *   - permitted_K = dom_K and (or permit conditions) and not (or forbid conditions), where
 *     dom_K says every enumerated field holds a value the rule set declares;
 *   - for the invariant queries only, each rule of K also gets a literal tied to its
 *     condition by a tracked implication (assert_tracked), so that unsat cores name the
 *     rules a proof used without every other query paying for the tracking.
 * Level order is lowered to membership: `level < SECRET` is `level` in the set of
 * members ranked below SECRET in the view that wrote it.
 */
#include "smt_encode.h"

#include "alloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ORDER: smt_enum. */
static const char *const smt_enum_names[SMT_ENUM_COUNT] = { "Party", "Topic", "Level",
                                                            "Decision" };

int smt_enum_of_type(acc_type type)
{
    switch (type) {
    case ACC_TYPE_PARTY: return SMT_PARTY;
    case ACC_TYPE_TOPIC: return SMT_TOPIC;
    case ACC_TYPE_LEVEL: return SMT_LEVEL;
    case ACC_TYPE_DECISION: return SMT_DECISION;
    default: return -1;
    }
}

int smt_enum_of_field(acc_field field)
{
    return field < ACC_FIELD_COUNT ? smt_enum_of_type(acc_field_type(field)) : -1;
}

const char *smt_enum_sort_name(smt_enum e) { return smt_enum_names[e]; }

static acc_type enum_type(smt_enum e)
{
    static const acc_type types[SMT_ENUM_COUNT] = { ACC_TYPE_PARTY, ACC_TYPE_TOPIC,
                                                    ACC_TYPE_LEVEL, ACC_TYPE_DECISION };
    return types[e];
}

int smt_view_value(const smt_view *v, smt_enum e, int32_t d)
{
    int32_t r = v->from_dom[e][d];
    return r >= 0 ? r : -1 - d;
}

/* ---- structural equality ---------------------------------------------------------- */

static bool term_equal(const acc_ruleset *ra, const acc_term *a, const acc_ruleset *rb,
                       const acc_term *b)
{
    if (a->is_field != b->is_field || a->type != b->type)
        return false;
    if (a->is_field)
        return a->field == b->field;
    int e = smt_enum_of_type(a->type);
    if (e < 0 || e == SMT_DECISION)
        return a->value == b->value;
    return strcmp(acc_ruleset_member_name(ra, a->type, (size_t)a->value),
                  acc_ruleset_member_name(rb, b->type, (size_t)b->value)) == 0;
}

bool smt_expr_equal(const acc_ruleset *ra, const acc_expr *a, const acc_ruleset *rb,
                    const acc_expr *b)
{
    if (!a || !b)
        return a == b;
    if (a->op != b->op)
        return false;
    switch (a->op) {
    case ACC_X_TRUE:
    case ACC_X_FALSE:
        return true;
    case ACC_X_NOT:
        return smt_expr_equal(ra, a->u.bin.a, rb, b->u.bin.a);
    case ACC_X_AND:
    case ACC_X_OR:
    case ACC_X_IMPLIES:
        return smt_expr_equal(ra, a->u.bin.a, rb, b->u.bin.a) &&
               smt_expr_equal(ra, a->u.bin.b, rb, b->u.bin.b);
    case ACC_X_CMP:
        return a->u.cmp.op == b->u.cmp.op && term_equal(ra, &a->u.cmp.l, rb, &b->u.cmp.l) &&
               term_equal(ra, &a->u.cmp.r, rb, &b->u.cmp.r);
    case ACC_X_IN:
        if (a->u.in.negated != b->u.in.negated || a->u.in.n != b->u.in.n ||
            !term_equal(ra, &a->u.in.l, rb, &b->u.in.l))
            return false;
        for (uint32_t i = 0; i < a->u.in.n; i++)
            if (!term_equal(ra, &a->u.in.set[i], rb, &b->u.in.set[i]))
                return false;
        return true;
    case ACC_X_FACT:
        return strcmp(ra->facts[a->u.fact].name, rb->facts[b->u.fact].name) == 0;
    }
    return false;
}

bool smt_fact_equal(const acc_ruleset *ra, const acc_fact *a, const acc_ruleset *rb,
                    const acc_fact *b)
{
    if (a->on != b->on || a->latest != b->latest || a->src != b->src ||
        a->n_bindings != b->n_bindings || a->has_within != b->has_within ||
        (a->has_within && a->within != b->within) || !smt_expr_equal(ra, a->has, rb, b->has))
        return false;
    for (uint32_t i = 0; i < a->n_bindings; i++)
        if (a->bindings[i].src_field != b->bindings[i].src_field ||
            !term_equal(ra, &a->bindings[i].cur, rb, &b->bindings[i].cur))
            return false;
    return true;
}

/* ---- the space ----------------------------------------------------------------------- */

static const char *member_name(const acc_ruleset *rs, smt_enum e, uint32_t i)
{
    return acc_ruleset_member_name(rs, enum_type(e), i);
}

static uint32_t member_count(const acc_ruleset *rs, smt_enum e)
{
    return (uint32_t)acc_ruleset_member_count(rs, enum_type(e));
}

/* A domain member and its index, for lookups by name (a rule file may declare a hundred
   thousand parties: a linear search per member made building the space quadratic). */
typedef struct name_index {
    const char *name;
    uint32_t d;
} name_index;

static int cmp_name_index(const void *a, const void *b)
{
    return strcmp(((const name_index *)a)->name, ((const name_index *)b)->name);
}

/* The domain members of e sorted by name, in the space's arena; NULL when out of memory. */
static name_index *domain_sorted(smt_space *s, int e)
{
    name_index *idx = acc_arena_alloc(&s->arena, (s->n[e] + 1) * sizeof *idx);
    if (!idx)
        return NULL;
    for (uint32_t d = 0; d < s->n[e]; d++)
        idx[d] = (name_index){ s->names[e][d], d };
    if (s->n[e] > 1)
        qsort(idx, s->n[e], sizeof *idx, cmp_name_index);
    return idx;
}

/* The index in the domain of the member called name, or -1. */
static int32_t domain_find(const name_index *idx, uint32_t n, const char *name)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(idx[mid].name, name);
        if (c == 0)
            return (int32_t)idx[mid].d;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Adds view vi of rs: maps (the domain already holds every member of rs). */
static int view_map(smt_space *s, uint32_t vi, const acc_ruleset *rs, const char *tag)
{
    smt_view *v = &s->views[vi];
    v->rs = rs;
    v->tag = tag;
    for (int e = 0; e < SMT_ENUM_COUNT; e++) {
        uint32_t n = member_count(rs, (smt_enum)e);
        v->to_dom[e] = acc_arena_alloc(&s->arena, (n + 1) * sizeof(int32_t));
        v->from_dom[e] = acc_arena_alloc(&s->arena, (s->n[e] + 1) * sizeof(int32_t));
        name_index *idx = domain_sorted(s, e);
        if (!v->to_dom[e] || !v->from_dom[e] || !idx)
            return ACC_ENOMEM;
        for (uint32_t d = 0; d < s->n[e]; d++)
            v->from_dom[e][d] = -1;
        for (uint32_t i = 0; i < n; i++) {
            int32_t d = domain_find(idx, s->n[e], member_name(rs, (smt_enum)e, i));
            v->to_dom[e][i] = d;
            if (d >= 0)
                v->from_dom[e][d] = (int32_t)i;
        }
        v->complete[e] = n == s->n[e];
    }
    v->fact_var = acc_arena_alloc(&s->arena, (rs->n_facts + 1) * sizeof(uint32_t));
    return v->fact_var ? ACC_OK : ACC_ENOMEM;
}

/* Adds the members of rs not yet in the domain (the domain arrays are sized by cap). The
   members of one rule set are distinct (rule-language.md), so only those of the rule sets
   added before need a look. */
static int domain_add(smt_space *s, const acc_ruleset *rs)
{
    for (int e = 0; e < SMT_ENUM_COUNT; e++) {
        uint32_t before = s->n[e];
        name_index *idx = before ? domain_sorted(s, e) : NULL;
        if (before && !idx)
            return ACC_ENOMEM;
        for (uint32_t i = 0; i < member_count(rs, (smt_enum)e); i++) {
            const char *name = member_name(rs, (smt_enum)e, i);
            if (!before || domain_find(idx, before, name) < 0)
                s->names[e][s->n[e]++] = name;
        }
    }
    return ACC_OK;
}

static int domain_alloc(smt_space *s, const acc_ruleset *const *rss, uint32_t n)
{
    for (int e = 0; e < SMT_ENUM_COUNT; e++) {
        size_t cap = 1;
        for (uint32_t i = 0; i < n; i++)
            cap += member_count(rss[i], (smt_enum)e);
        s->names[e] = acc_arena_alloc(&s->arena, cap * sizeof(const char *));
        if (!s->names[e])
            return ACC_ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++)
        if (domain_add(s, rss[i]) != ACC_OK)
            return ACC_ENOMEM;
    return ACC_OK;
}

/* ---- elementary time intervals ------------------------------------------------------ */

typedef struct split_list {
    int64_t *v;
    uint32_t n, cap;
    bool failed;
} split_list;

static void split_add(split_list *l, int64_t t)
{
    if (t <= ACC_TIME_MIN || t > ACC_TIME_MAX || l->failed)
        return;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        int64_t *nv = acc_realloc(l->v, cap * sizeof *nv);
        if (!nv) {
            l->failed = true;
            return;
        }
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = t;
}

static acc_cmp_op flip(acc_cmp_op op)
{
    switch (op) {
    case ACC_CMP_LT: return ACC_CMP_GT;
    case ACC_CMP_LE: return ACC_CMP_GE;
    case ACC_CMP_GT: return ACC_CMP_LT;
    case ACC_CMP_GE: return ACC_CMP_LE;
    default: return op;
    }
}

/* The interval starts that make `time op c` constant on every elementary interval. */
static void split_cmp(split_list *l, acc_cmp_op op, int64_t c)
{
    switch (op) {
    case ACC_CMP_LT:
    case ACC_CMP_GE:
        split_add(l, c);
        break;
    case ACC_CMP_LE:
    case ACC_CMP_GT:
        if (c < ACC_TIME_MAX)
            split_add(l, c + 1);
        break;
    case ACC_CMP_EQ:
    case ACC_CMP_NE:
        split_add(l, c);
        if (c < ACC_TIME_MAX)
            split_add(l, c + 1);
        break;
    }
}

static void split_expr(split_list *l, const acc_expr *e)
{
    if (!e)
        return;
    switch (e->op) {
    case ACC_X_NOT:
        split_expr(l, e->u.bin.a);
        break;
    case ACC_X_AND:
    case ACC_X_OR:
    case ACC_X_IMPLIES:
        split_expr(l, e->u.bin.a);
        split_expr(l, e->u.bin.b);
        break;
    case ACC_X_CMP: {
        const acc_term *a = &e->u.cmp.l, *b = &e->u.cmp.r;
        if (a->type != ACC_TYPE_TIME || a->is_field == b->is_field)
            break;
        if (a->is_field)
            split_cmp(l, e->u.cmp.op, b->value);
        else
            split_cmp(l, flip(e->u.cmp.op), a->value);
        break;
    }
    case ACC_X_IN:
        if (e->u.in.l.type != ACC_TYPE_TIME)
            break;
        if (!e->u.in.l.is_field)
            split_cmp(l, ACC_CMP_EQ, e->u.in.l.value);
        for (uint32_t i = 0; i < e->u.in.n; i++)
            if (!e->u.in.set[i].is_field)
                split_cmp(l, ACC_CMP_EQ, e->u.in.set[i].value);
        break;
    default:
        break;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int space_splits(smt_space *s)
{
    split_list l = { 0 };
    for (uint32_t vi = 0; vi < s->n_views; vi++) {
        const acc_ruleset *rs = s->views[vi].rs;
        for (uint32_t i = 0; i < rs->n_rules; i++)
            split_expr(&l, rs->rules[i].cond);
        for (uint32_t i = 0; i < rs->n_assumptions; i++)
            split_expr(&l, rs->assumptions[i].expr);
        for (uint32_t i = 0; i < rs->n_invariants; i++)
            split_expr(&l, rs->invariants[i].expr);
    }
    if (l.failed) {
        acc_free(l.v);
        return ACC_ENOMEM;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_i64);
    uint32_t n = 0;
    for (uint32_t i = 0; i < l.n; i++)
        if (n == 0 || l.v[n - 1] != l.v[i])
            l.v[n++] = l.v[i];
    s->time_splits = acc_arena_alloc(&s->arena, (n + 1) * sizeof *s->time_splits);
    if (s->time_splits && n)
        memcpy(s->time_splits, l.v, n * sizeof *l.v);
    s->n_time_splits = n;
    acc_free(l.v);
    return s->time_splits ? ACC_OK : ACC_ENOMEM;
}

void smt_space_interval(const smt_space *s, uint32_t i, int64_t *lo, int64_t *hi)
{
    *lo = i == 0 ? ACC_TIME_MIN : s->time_splits[i - 1];
    *hi = i < s->n_time_splits ? s->time_splits[i] - 1 : ACC_TIME_MAX;
}

uint32_t smt_space_interval_of(const smt_space *s, int64_t t)
{
    uint32_t lo = 0, hi = s->n_time_splits;     /* answer in [lo, hi] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;
        if (s->time_splits[mid - 1] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* ---- space construction ------------------------------------------------------------- */

static int space_begin(smt_space *s, const acc_ruleset *const *rss, uint32_t n)
{
    memset(s, 0, sizeof *s);
    acc_arena_init(&s->arena);
    s->n_views = n;
    uint32_t facts = 1;
    for (uint32_t i = 0; i < n; i++)
        facts += rss[i]->n_facts;
    s->facts = acc_arena_alloc(&s->arena, facts * sizeof *s->facts);
    if (!s->facts)
        return ACC_ENOMEM;
    return domain_alloc(s, rss, n);
}

static uint32_t add_fact_var(smt_space *s, const char *name, acc_kind kind)
{
    s->facts[s->n_facts] = (smt_fact_var){ name, kind };
    return s->n_facts++;
}

int smt_space_init_check(smt_space *s, const acc_ruleset *rs)
{
    int st = space_begin(s, &rs, 1);
    if (st == ACC_OK)
        st = view_map(s, 0, rs, "");
    if (st != ACC_OK)
        goto done;
    for (uint32_t i = 0; i < rs->n_facts; i++)
        s->views[0].fact_var[i] = add_fact_var(s, rs->facts[i].name, rs->facts[i].on);
    st = space_splits(s);
done:
    if (st != ACC_OK)
        smt_space_fini(s);
    return st;
}

static const acc_fact *find_fact(const acc_ruleset *rs, const char *name, uint32_t *index)
{
    for (uint32_t i = 0; i < rs->n_facts; i++)
        if (strcmp(rs->facts[i].name, name) == 0) {
            *index = i;
            return &rs->facts[i];
        }
    return NULL;
}

static const char *tagged_name(smt_space *s, const char *name, const char *tag)
{
    size_t n = strlen(name) + strlen(tag) + 2;
    char *out = acc_arena_alloc(&s->arena, n);
    if (out)
        snprintf(out, n, "%s@%s", name, tag);
    return out;
}

int smt_space_init_diff(smt_space *s, const acc_ruleset *old_rs, const acc_ruleset *new_rs)
{
    const acc_ruleset *rss[2] = { old_rs, new_rs };
    int st = space_begin(s, rss, 2);
    if (st == ACC_OK)
        st = view_map(s, 0, old_rs, "old");
    if (st == ACC_OK)
        st = view_map(s, 1, new_rs, "new");
    if (st != ACC_OK)
        goto done;
    /* OLD's facts first; NEW's fact shares OLD's variable when the definitions agree. */
    for (uint32_t i = 0; i < old_rs->n_facts; i++) {
        const acc_fact *f = &old_rs->facts[i];
        uint32_t j;
        const acc_fact *g = find_fact(new_rs, f->name, &j);
        const char *name = f->name;
        if (g && !smt_fact_equal(old_rs, f, new_rs, g) && !(name = tagged_name(s, f->name, "old"))) {
            st = ACC_ENOMEM;
            goto done;
        }
        s->views[0].fact_var[i] = add_fact_var(s, name, f->on);
    }
    for (uint32_t j = 0; j < new_rs->n_facts; j++) {
        const acc_fact *g = &new_rs->facts[j];
        uint32_t i;
        const acc_fact *f = find_fact(old_rs, g->name, &i);
        if (f && smt_fact_equal(old_rs, f, new_rs, g)) {
            s->views[1].fact_var[j] = s->views[0].fact_var[i];
            continue;
        }
        const char *name = f ? tagged_name(s, g->name, "new") : g->name;
        if (!name) {
            st = ACC_ENOMEM;
            goto done;
        }
        s->views[1].fact_var[j] = add_fact_var(s, name, g->on);
    }
    st = space_splits(s);
done:
    if (st != ACC_OK)
        smt_space_fini(s);
    return st;
}

void smt_space_fini(smt_space *s)
{
    acc_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

void smt_point_event(const smt_space *s, const smt_view *v, const smt_point *p, bool *facts,
                     acc_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = p->kind;
    ev->time = p->time;
    int *slots[ACC_FIELD_COUNT] = { [ACC_FIELD_FROM] = &ev->from, [ACC_FIELD_TO] = &ev->to,
                                    [ACC_FIELD_TOPIC] = &ev->topic,
                                    [ACC_FIELD_ORIGINATOR] = &ev->originator,
                                    [ACC_FIELD_LEVEL] = &ev->level,
                                    [ACC_FIELD_DECISION] = &ev->decision };
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        int e = smt_enum_of_field((acc_field)f);
        if (e >= 0 && acc_kind_has_field(p->kind, (acc_field)f))
            *slots[f] = smt_view_value(v, (smt_enum)e, p->val[f]);
    }
    ev->item = "item-1";
    ev->item_len = 6;
    for (uint32_t i = 0; i < v->rs->n_facts; i++)
        facts[i] = p->facts[v->fact_var[i]];
    ev->facts = facts;
    (void)s;
}

/* ---- lowering of comparisons --------------------------------------------------------- */

/* The domain member of a constant term of enumeration e in view v. */
static int32_t const_dom(const smt_view *v, smt_enum e, int64_t value)
{
    return e == SMT_DECISION ? (int32_t)value : v->to_dom[e][value];
}

static smt_prim *prim_new(smt_atom *a, smt_prim_kind kind)
{
    smt_prim *p = &a->prims[a->n++];
    p->kind = kind;
    return p;
}

/* A membership primitive over `field` whose mask is all false. */
static smt_prim *prim_member(smt_atom *a, const smt_space *s, bool *masks, acc_field field)
{
    int e = smt_enum_of_field(field);
    smt_prim *p = prim_new(a, SMT_P_MEMBER);
    p->field = field;
    p->mask = masks + (size_t)(a->n - 1) * (s->n[e] + 1);
    return p;
}

static void lower_cmp(smt_atom *a, const smt_space *s, const smt_view *v, bool *masks,
                      acc_cmp_op op, const acc_term *l, const acc_term *r)
{
    if (l->is_field && r->is_field && l->field == r->field) {
        a->negated = !acc_cmp_holds(op, 0, 0);
        prim_new(a, SMT_P_TRUE);
        return;
    }
    if (!l->is_field && !r->is_field) {
        a->negated = !acc_cmp_holds(op, l->value, r->value);
        prim_new(a, SMT_P_TRUE);
        return;
    }
    if (!l->is_field) {
        const acc_term *t = l;
        l = r;
        r = t;
        op = flip(op);
    }
    int e = smt_enum_of_type(l->type);
    if (e < 0) {                      /* time op constant */
        smt_prim *p = prim_new(a, SMT_P_TIME);
        p->field = l->field;
        p->op = op;
        p->value = r->value;
        return;
    }
    if (r->is_field) {                /* two distinct enumerated fields: == or != */
        smt_prim *p = prim_new(a, SMT_P_FEQ);
        p->field = l->field;
        p->field2 = r->field;
        a->negated = op != ACC_CMP_EQ;
        return;
    }
    smt_prim *p = prim_member(a, s, masks, l->field);
    for (uint32_t d = 0; d < s->n[e]; d++)
        p->mask[d] = acc_cmp_holds(op, smt_view_value(v, (smt_enum)e, (int32_t)d), r->value);
}

static void lower_in(smt_atom *a, const smt_space *s, const smt_view *v, bool *masks,
                     const acc_expr *x)
{
    const acc_term *l = &x->u.in.l;
    int e = smt_enum_of_type(l->type);
    smt_prim *consts = NULL;          /* l field: the members listed as constants */
    a->negated = x->u.in.negated;
    for (uint32_t i = 0; i < x->u.in.n; i++) {
        const acc_term *t = &x->u.in.set[i];
        if (l->is_field && t->is_field) {
            if (t->field == l->field)
                prim_new(a, SMT_P_TRUE);
            else if (e < 0)
                prim_new(a, SMT_P_TRUE);          /* the only time field is `time` */
            else {
                smt_prim *p = prim_new(a, SMT_P_FEQ);
                p->field = l->field;
                p->field2 = t->field;
            }
        } else if (l->is_field) {
            if (e < 0) {
                smt_prim *p = prim_new(a, SMT_P_TIME);
                p->field = l->field;
                p->op = ACC_CMP_EQ;
                p->value = t->value;
            } else {
                if (!consts)
                    consts = prim_member(a, s, masks, l->field);
                consts->mask[const_dom(v, (smt_enum)e, t->value)] = true;
            }
        } else if (t->is_field) {
            if (e < 0) {
                smt_prim *p = prim_new(a, SMT_P_TIME);
                p->field = t->field;
                p->op = ACC_CMP_EQ;
                p->value = l->value;
            } else {
                smt_prim *p = prim_member(a, s, masks, t->field);
                p->mask[const_dom(v, (smt_enum)e, l->value)] = true;
            }
        } else if (t->value == l->value) {
            prim_new(a, SMT_P_TRUE);
        }
    }
}

int smt_atom_lower(smt_atom *out, const smt_space *s, const smt_view *v, const acc_expr *e)
{
    memset(out, 0, sizeof *out);
    size_t n_prims = (e->op == ACC_X_IN ? e->u.in.n : 0) + 2;
    size_t dom = 1;
    for (int k = 0; k < SMT_ENUM_COUNT; k++)
        if (s->n[k] + 1 > dom)
            dom = s->n[k] + 1;
    out->block = acc_calloc(1, n_prims * (sizeof(smt_prim) + dom * sizeof(bool)));
    if (!out->block)
        return ACC_ENOMEM;
    out->prims = out->block;
    bool *masks = (bool *)(out->prims + n_prims);
    /* masks are indexed with the stride of the field's own enumeration (<= dom) */
    if (e->op == ACC_X_CMP)
        lower_cmp(out, s, v, masks, e->u.cmp.op, &e->u.cmp.l, &e->u.cmp.r);
    else if (e->op == ACC_X_IN)
        lower_in(out, s, v, masks, e);
    return ACC_OK;
}

void smt_atom_fini(smt_atom *a)
{
    acc_free(a->block);
    memset(a, 0, sizeof *a);
}

/* ---- the Z3 encoder ------------------------------------------------------------------ */

/* The last Z3 error code seen on this thread (diagnostic aid; the encoder itself reads
 * the context's code with Z3_get_error_code right after each call). */
static _Thread_local Z3_error_code last_z3_error;

/* Z3 calls this instead of exiting: record and return, so the failing call returns. */
static void on_z3_error(Z3_context ctx, Z3_error_code code)
{
    (void)ctx;
    last_z3_error = code;
}

static void enc_fail(smt_enc *enc, int status, const char *what)
{
    if (enc->status != ACC_OK)
        return;
    enc->status = status;
    Z3_error_code code = enc->ctx ? Z3_get_error_code(enc->ctx) : Z3_OK;
    if (status == ACC_ESOLVER && code != Z3_OK)
        snprintf(enc->error, sizeof enc->error, "Z3 error in %s: %s", what,
                 Z3_get_error_msg(enc->ctx, code));
    else
        snprintf(enc->error, sizeof enc->error, "%s: %s", what, acc_status_text(status));
}

static bool z3_failed(smt_enc *enc, const char *what)
{
    if (Z3_get_error_code(enc->ctx) == Z3_OK)
        return false;
    enc_fail(enc, ACC_ESOLVER, what);
    return true;
}

size_t smt_enc_mark(const smt_enc *enc) { return enc->n_pool; }

void smt_enc_release(smt_enc *enc, size_t mark)
{
    while (enc->n_pool > mark)
        Z3_dec_ref(enc->ctx, enc->pool[--enc->n_pool]);
}

Z3_ast smt_enc_keep(smt_enc *enc, Z3_ast a)
{
    if (!a || Z3_get_error_code(enc->ctx) != Z3_OK) {
        enc_fail(enc, ACC_ESOLVER, "building a term");
        return enc->fls;
    }
    if (enc->n_pool == enc->cap_pool) {
        size_t cap = enc->cap_pool ? enc->cap_pool * 2 : 256;
        Z3_ast *np = acc_realloc(enc->pool, cap * sizeof *np);
        if (!np) {
            enc_fail(enc, ACC_ENOMEM, "building a term");
            return enc->fls;
        }
        enc->pool = np;
        enc->cap_pool = cap;
    }
    Z3_inc_ref(enc->ctx, a);
    enc->pool[enc->n_pool++] = a;
    return a;
}

Z3_ast smt_enc_oom(smt_enc *enc)
{
    enc_fail(enc, ACC_ENOMEM, "building a term");
    return enc->fls;
}

Z3_ast smt_enc_and(smt_enc *enc, unsigned n, const Z3_ast *args)
{
    if (n == 0)
        return enc->tru;
    if (n == 1)
        return args[0];
    return smt_enc_keep(enc, Z3_mk_and(enc->ctx, n, args));
}

Z3_ast smt_enc_or(smt_enc *enc, unsigned n, const Z3_ast *args)
{
    if (n == 0)
        return enc->fls;
    if (n == 1)
        return args[0];
    return smt_enc_keep(enc, Z3_mk_or(enc->ctx, n, args));
}

Z3_ast smt_enc_not(smt_enc *enc, Z3_ast a)
{
    return smt_enc_keep(enc, Z3_mk_not(enc->ctx, a));
}

Z3_ast smt_enc_and2(smt_enc *enc, Z3_ast a, Z3_ast b)
{
    Z3_ast args[2] = { a, b };
    return smt_enc_and(enc, 2, args);
}

static Z3_ast mk_const(smt_enc *enc, const char *prefix, const char *name, Z3_sort sort)
{
    size_t n = strlen(prefix) + strlen(name) + 1;
    char *buf = acc_malloc(n);
    if (!buf) {
        enc_fail(enc, ACC_ENOMEM, "declaring a constant");
        return enc->fls;
    }
    snprintf(buf, n, "%s%s", prefix, name);
    Z3_ast c = smt_enc_keep(enc, Z3_mk_const(enc->ctx, Z3_mk_string_symbol(enc->ctx, buf), sort));
    acc_free(buf);
    return c;
}

Z3_ast smt_enc_member(smt_enc *enc, acc_kind kind, acc_field field, const bool *mask)
{
    int e = smt_enum_of_field(field);
    Z3_ast var = enc->var[kind][field];
    uint32_t n = enc->space->n[e], hits = 0;
    for (uint32_t d = 0; d < n; d++)
        hits += mask[d];
    if (hits == n)
        return enc->tru;
    Z3_ast *args = acc_malloc((hits + 1) * sizeof *args);
    if (!args) {
        enc_fail(enc, ACC_ENOMEM, "building a term");
        return enc->fls;
    }
    unsigned k = 0;
    for (uint32_t d = 0; d < n; d++)
        if (mask[d])
            args[k++] = smt_enc_keep(enc, Z3_mk_eq(enc->ctx, var, enc->member[e][d]));
    Z3_ast r = smt_enc_or(enc, k, args);
    acc_free(args);
    return r;
}

static Z3_ast mk_int(smt_enc *enc, int64_t v)
{
    return smt_enc_keep(enc, Z3_mk_int64(enc->ctx, v, enc->int_sort));
}

Z3_ast smt_enc_time_range(smt_enc *enc, acc_kind kind, int64_t lo, int64_t hi)
{
    Z3_ast t = enc->var[kind][ACC_FIELD_TIME];
    if (lo == hi)
        return smt_enc_keep(enc, Z3_mk_eq(enc->ctx, t, mk_int(enc, lo)));
    Z3_ast parts[2];
    unsigned n = 0;
    if (lo > ACC_TIME_MIN)
        parts[n++] = smt_enc_keep(enc, Z3_mk_ge(enc->ctx, t, mk_int(enc, lo)));
    if (hi < ACC_TIME_MAX)
        parts[n++] = smt_enc_keep(enc, Z3_mk_le(enc->ctx, t, mk_int(enc, hi)));
    return smt_enc_and(enc, n, parts);
}

static Z3_ast time_prim(smt_enc *enc, acc_kind kind, acc_cmp_op op, int64_t value)
{
    Z3_context c = enc->ctx;
    Z3_ast t = enc->var[kind][ACC_FIELD_TIME], k = mk_int(enc, value);
    switch (op) {
    case ACC_CMP_EQ: return smt_enc_keep(enc, Z3_mk_eq(c, t, k));
    case ACC_CMP_NE: return smt_enc_not(enc, smt_enc_keep(enc, Z3_mk_eq(c, t, k)));
    case ACC_CMP_LT: return smt_enc_keep(enc, Z3_mk_lt(c, t, k));
    case ACC_CMP_LE: return smt_enc_keep(enc, Z3_mk_le(c, t, k));
    case ACC_CMP_GT: return smt_enc_keep(enc, Z3_mk_gt(c, t, k));
    case ACC_CMP_GE: return smt_enc_keep(enc, Z3_mk_ge(c, t, k));
    }
    return enc->fls;
}

static Z3_ast enc_atom(smt_enc *enc, uint32_t view, acc_kind kind, const acc_expr *e)
{
    smt_atom a;
    if (smt_atom_lower(&a, enc->space, &enc->space->views[view], e) != ACC_OK) {
        enc_fail(enc, ACC_ENOMEM, "lowering a comparison");
        return enc->fls;
    }
    Z3_ast *args = acc_malloc((a.n + 1) * sizeof *args);
    Z3_ast r = enc->fls;
    if (!args) {
        enc_fail(enc, ACC_ENOMEM, "building a term");
        goto done;
    }
    for (uint32_t i = 0; i < a.n; i++) {
        const smt_prim *p = &a.prims[i];
        switch (p->kind) {
        case SMT_P_TRUE: args[i] = enc->tru; break;
        case SMT_P_MEMBER: args[i] = smt_enc_member(enc, kind, p->field, p->mask); break;
        case SMT_P_FEQ:
            args[i] = smt_enc_keep(enc, Z3_mk_eq(enc->ctx, enc->var[kind][p->field],
                                                 enc->var[kind][p->field2]));
            break;
        case SMT_P_TIME: args[i] = time_prim(enc, kind, p->op, p->value); break;
        }
    }
    r = smt_enc_or(enc, a.n, args);
    if (a.negated)
        r = smt_enc_not(enc, r);
done:
    acc_free(args);
    smt_atom_fini(&a);
    return r;
}

static Z3_ast enc_expr(smt_enc *enc, uint32_t view, acc_kind kind, const acc_expr *e)
{
    if (!e)
        return enc->tru;
    switch (e->op) {
    case ACC_X_TRUE: return enc->tru;
    case ACC_X_FALSE: return enc->fls;
    case ACC_X_NOT: return smt_enc_not(enc, enc_expr(enc, view, kind, e->u.bin.a));
    case ACC_X_AND:
        return smt_enc_and2(enc, enc_expr(enc, view, kind, e->u.bin.a),
                            enc_expr(enc, view, kind, e->u.bin.b));
    case ACC_X_OR: {
        Z3_ast args[2] = { enc_expr(enc, view, kind, e->u.bin.a),
                           enc_expr(enc, view, kind, e->u.bin.b) };
        return smt_enc_or(enc, 2, args);
    }
    case ACC_X_IMPLIES:
        return smt_enc_keep(enc, Z3_mk_implies(enc->ctx, enc_expr(enc, view, kind, e->u.bin.a),
                                               enc_expr(enc, view, kind, e->u.bin.b)));
    case ACC_X_CMP:
    case ACC_X_IN:
        return enc_atom(enc, view, kind, e);
    case ACC_X_FACT:
        return enc->fact[enc->space->views[view].fact_var[e->u.fact]];
    }
    return enc->fls;
}

Z3_ast smt_enc_expr(smt_enc *enc, uint32_t view, acc_kind kind, const acc_expr *e)
{
    return enc_expr(enc, view, kind, e);
}

static int declare_sorts(smt_enc *enc)
{
    const smt_space *s = enc->space;
    Z3_context c = enc->ctx;
    enc->int_sort = (Z3_sort)smt_enc_keep(enc, Z3_sort_to_ast(c, Z3_mk_int_sort(c)));
    for (int e = 0; e < SMT_ENUM_COUNT; e++) {
        uint32_t n = s->n[e];
        if (n == 0) {
            enc_fail(enc, ACC_EINTERNAL, "an empty enumeration");
            return enc->status;
        }
        Z3_symbol *syms = acc_calloc(n, sizeof *syms);
        Z3_func_decl *consts = acc_calloc(n, sizeof *consts);
        Z3_func_decl *testers = acc_calloc(n, sizeof *testers);
        enc->member[e] = acc_calloc(n, sizeof(Z3_ast));
        if (!syms || !consts || !testers || !enc->member[e]) {
            enc_fail(enc, ACC_ENOMEM, "declaring enumerations");
        } else {
            char name[512];
            for (uint32_t d = 0; d < n; d++) {
                snprintf(name, sizeof name, "%s.%s", smt_enum_names[e], s->names[e][d]);
                syms[d] = Z3_mk_string_symbol(c, name);
            }
            Z3_sort sort = Z3_mk_enumeration_sort(c, Z3_mk_string_symbol(c, smt_enum_names[e]),
                                                  n, syms, consts, testers);
            if (!z3_failed(enc, "declaring enumerations")) {
                enc->sort[e] = (Z3_sort)smt_enc_keep(enc, Z3_sort_to_ast(c, sort));
                /* The constructor and tester declarations belong to the datatype: taking
                 * and dropping references to them frees them under the sort in Z3 4.8.12
                 * (a crash at the sort's release). The constants hold their declarations. */
                for (uint32_t d = 0; d < n; d++)
                    enc->member[e][d] = smt_enc_keep(enc, Z3_mk_app(c, consts[d], 0, NULL));
            }
        }
        acc_free(syms);
        acc_free(consts);
        acc_free(testers);
        if (enc->status != ACC_OK)
            return enc->status;
    }
    return ACC_OK;
}

static void declare_vars(smt_enc *enc)
{
    Z3_context c = enc->ctx;
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.", acc_kind_name((acc_kind)k));
        for (int f = 0; f < ACC_FIELD_COUNT; f++) {
            if (f == ACC_FIELD_ITEM || !acc_kind_has_field((acc_kind)k, (acc_field)f))
                continue;
            int e = smt_enum_of_field((acc_field)f);
            enc->var[k][f] = mk_const(enc, prefix, acc_field_name((acc_field)f),
                                      e < 0 ? enc->int_sort : enc->sort[e]);
        }
        Z3_ast t = enc->var[k][ACC_FIELD_TIME];
        Z3_ast bounds[2] = { smt_enc_keep(enc, Z3_mk_ge(c, t, mk_int(enc, ACC_TIME_MIN))),
                             smt_enc_keep(enc, Z3_mk_le(c, t, mk_int(enc, ACC_TIME_MAX))) };
        Z3_solver_assert(c, enc->solver, smt_enc_and(enc, 2, bounds));
        z3_failed(enc, "asserting time bounds");
    }
    for (uint32_t i = 0; i < enc->space->n_facts; i++)
        enc->fact[i] = mk_const(enc, "fact.", enc->space->facts[i].name, Z3_mk_bool_sort(c));
}

/* The disjunction of terms[i] for the rules of `kind` with forbid == `forbid`. */
static Z3_ast rules_or(smt_enc *enc, const acc_ruleset *rs, const Z3_ast *terms, acc_kind kind,
                       bool forbid, Z3_ast *args)
{
    unsigned n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        if (rs->rules[i].kind == kind && rs->rules[i].forbid == forbid)
            args[n++] = terms[i];
    return smt_enc_or(enc, n, args);
}

/* dom and (or permits) and not (or forbids), over `terms` (conditions or literals). */
static Z3_ast permitted_over(smt_enc *enc, const acc_ruleset *rs, const Z3_ast *terms,
                             acc_kind kind, Z3_ast dom, Z3_ast *args)
{
    Z3_ast parts[3] = { dom, rules_or(enc, rs, terms, kind, false, args),
                        smt_enc_not(enc, rules_or(enc, rs, terms, kind, true, args)) };
    return smt_enc_and(enc, 3, parts);
}

/* Every rule's condition and literal, and the per-kind terms of one view. */
static void define_view(smt_enc *enc, uint32_t vi)
{
    const smt_view *v = &enc->space->views[vi];
    const acc_ruleset *rs = v->rs;
    smt_view_terms *t = &enc->vt[vi];
    Z3_context c = enc->ctx;
    char prefix[32], tprefix[32];
    Z3_sort boolean = Z3_mk_bool_sort(c);
    snprintf(prefix, sizeof prefix, "rule.%s%s", v->tag, *v->tag ? "." : "");
    snprintf(tprefix, sizeof tprefix, "track.%s%s", v->tag, *v->tag ? "." : "");
    for (uint32_t i = 0; i < rs->n_rules && enc->status == ACC_OK; i++) {
        const acc_rule *r = &rs->rules[i];
        t->rule[i] = enc_expr(enc, vi, r->kind, r->cond);
        t->lit[i] = mk_const(enc, prefix, r->name, boolean);
        t->track[i] = mk_const(enc, tprefix, r->name, boolean);
    }
    uint32_t cap = rs->n_rules + rs->n_assumptions + ACC_FIELD_COUNT + 1;
    Z3_ast *args = acc_malloc(cap * sizeof *args);
    if (!args) {
        enc_fail(enc, ACC_ENOMEM, "defining a view");
        return;
    }
    for (int k = 0; k < ACC_KIND_COUNT && enc->status == ACC_OK; k++) {
        unsigned n = 0;
        for (uint32_t i = 0; i < rs->n_assumptions; i++)
            if (rs->assumptions[i].kind == (acc_kind)k)
                args[n++] = enc_expr(enc, vi, (acc_kind)k, rs->assumptions[i].expr);
        t->assume[k] = smt_enc_and(enc, n, args);
        n = 0;
        for (int f = 0; f < ACC_FIELD_COUNT; f++) {
            int e = smt_enum_of_field((acc_field)f);
            if (e < 0 || !acc_kind_has_field((acc_kind)k, (acc_field)f) || v->complete[e])
                continue;
            bool *mask = acc_calloc(enc->space->n[e] + 1, sizeof *mask);
            if (!mask) {
                enc_fail(enc, ACC_ENOMEM, "defining a view");
                break;
            }
            for (uint32_t d = 0; d < enc->space->n[e]; d++)
                mask[d] = v->from_dom[e][d] >= 0;
            args[n++] = smt_enc_member(enc, (acc_kind)k, (acc_field)f, mask);
            acc_free(mask);
        }
        t->dom[k] = smt_enc_and(enc, n, args);
        t->permit_any[k] = rules_or(enc, rs, t->rule, (acc_kind)k, false, args);
        t->forbid_any[k] = rules_or(enc, rs, t->rule, (acc_kind)k, true, args);
        t->permitted[k] = permitted_over(enc, rs, t->rule, (acc_kind)k, t->dom[k], args);
        t->permitted_lit[k] = permitted_over(enc, rs, t->lit, (acc_kind)k, t->dom[k], args);
    }
    acc_free(args);
}

/*
 * In the current scope, ties the literals of view v's rules of `kind` to their
 * conditions, each tracked by its rule's tracker: a permit literal implies its condition,
 * a forbid condition implies its literal. With permitted_lit this is exactly permitted,
 * and an unsat core names the rules a proof used.
 */
static void assert_tracked(smt_enc *enc, uint32_t vi, acc_kind kind)
{
    const acc_ruleset *rs = enc->space->views[vi].rs;
    const smt_view_terms *t = &enc->vt[vi];
    for (uint32_t i = 0; i < rs->n_rules && enc->status == ACC_OK; i++) {
        if (rs->rules[i].kind != kind)
            continue;
        Z3_ast a = rs->rules[i].forbid ? t->rule[i] : t->lit[i];
        Z3_ast b = rs->rules[i].forbid ? t->lit[i] : t->rule[i];
        Z3_ast imp = smt_enc_keep(enc, Z3_mk_implies(enc->ctx, a, b));
        if (enc->status == ACC_OK) {
            Z3_solver_assert_and_track(enc->ctx, enc->solver, imp, t->track[i]);
            z3_failed(enc, "asserting a tracked rule");
        }
    }
}

int smt_enc_init(smt_enc *enc, const smt_space *space, unsigned timeout_ms)
{
    memset(enc, 0, sizeof *enc);
    enc->space = space;
    Z3_config cfg = Z3_mk_config();
    if (!cfg) {
        enc_fail(enc, ACC_ENOMEM, "creating the Z3 configuration");
        return enc->status;
    }
    enc->ctx = Z3_mk_context_rc(cfg);
    Z3_del_config(cfg);
    if (!enc->ctx) {
        enc_fail(enc, ACC_ESOLVER, "creating the Z3 context");
        return enc->status;
    }
    Z3_set_error_handler(enc->ctx, on_z3_error);
    Z3_context c = enc->ctx;
    enc->tru = Z3_mk_true(c);
    enc->fls = Z3_mk_false(c);
    Z3_inc_ref(c, enc->tru);
    Z3_inc_ref(c, enc->fls);
    /* The simple solver starts ~15 ms sooner than the default combined one and answers
     * the same (the queries are quantifier-free and small). */
    enc->solver = Z3_mk_simple_solver(c);
    if (z3_failed(enc, "creating the solver") || !enc->solver)
        return enc->status ? enc->status : (enc->status = ACC_ESOLVER);
    Z3_solver_inc_ref(c, enc->solver);
    if (timeout_ms) {
        Z3_params p = Z3_mk_params(c);
        Z3_params_inc_ref(c, p);
        Z3_params_set_uint(c, p, Z3_mk_string_symbol(c, "timeout"), timeout_ms);
        Z3_solver_set_params(c, enc->solver, p);
        Z3_params_dec_ref(c, p);
        if (z3_failed(enc, "setting the timeout"))
            return enc->status;
    }
    uint32_t stride = 1;
    for (uint32_t v = 0; v < space->n_views; v++)
        if (space->views[v].rs->n_rules > stride)
            stride = space->views[v].rs->n_rules;
    enc->core_stride = stride;
    enc->core = acc_calloc((size_t)stride * 2, sizeof *enc->core);
    enc->fact = acc_calloc(space->n_facts + 1, sizeof *enc->fact);
    for (uint32_t v = 0; v < space->n_views; v++) {
        enc->vt[v].rule = acc_calloc(space->views[v].rs->n_rules + 1, sizeof(Z3_ast));
        enc->vt[v].track = acc_calloc(space->views[v].rs->n_rules + 1, sizeof(Z3_ast));
        enc->vt[v].lit = acc_calloc(space->views[v].rs->n_rules + 1, sizeof(Z3_ast));
        if (!enc->vt[v].rule || !enc->vt[v].track || !enc->vt[v].lit)
            enc_fail(enc, ACC_ENOMEM, "allocating the encoder");
    }
    if (!enc->core || !enc->fact)
        enc_fail(enc, ACC_ENOMEM, "allocating the encoder");
    if (enc->status != ACC_OK || declare_sorts(enc) != ACC_OK)
        return enc->status;
    declare_vars(enc);
    for (uint32_t v = 0; v < space->n_views && enc->status == ACC_OK; v++)
        define_view(enc, v);
    return enc->status;
}

void smt_enc_fini(smt_enc *enc)
{
    if (enc->ctx) {
        if (enc->solver)
            Z3_solver_dec_ref(enc->ctx, enc->solver);
        smt_enc_release(enc, 0);
        Z3_dec_ref(enc->ctx, enc->tru);
        Z3_dec_ref(enc->ctx, enc->fls);
        Z3_del_context(enc->ctx);
    }
    acc_free(enc->pool);
    for (int e = 0; e < SMT_ENUM_COUNT; e++)
        acc_free(enc->member[e]);
    acc_free(enc->fact);
    acc_free(enc->core);
    for (int v = 0; v < 2; v++) {
        acc_free(enc->vt[v].rule);
        acc_free(enc->vt[v].track);
        acc_free(enc->vt[v].lit);
    }
    memset(enc, 0, sizeof *enc);
}

/* The value of `t` in model m: its Int, or its domain member for enumerations. */
static bool model_value(smt_enc *enc, Z3_model m, Z3_ast t, int e, int64_t *out)
{
    Z3_ast v = NULL;
    if (!Z3_model_eval(enc->ctx, m, t, true, &v) || !v) {
        enc_fail(enc, ACC_ESOLVER, "reading a model");
        return false;
    }
    Z3_inc_ref(enc->ctx, v);
    bool ok = true;
    if (e < 0) {
        ok = Z3_get_numeral_int64(enc->ctx, v, out);
    } else {
        ok = false;
        for (uint32_t d = 0; d < enc->space->n[e] && !ok; d++)
            if (Z3_is_eq_ast(enc->ctx, v, enc->member[e][d])) {
                *out = d;
                ok = true;
            }
    }
    Z3_dec_ref(enc->ctx, v);
    if (!ok)
        enc_fail(enc, ACC_ESOLVER, "reading a model value");
    return ok;
}

static bool model_bool(smt_enc *enc, Z3_model m, Z3_ast t)
{
    Z3_ast v = NULL;
    if (!Z3_model_eval(enc->ctx, m, t, true, &v) || !v) {
        enc_fail(enc, ACC_ESOLVER, "reading a model");
        return false;
    }
    Z3_inc_ref(enc->ctx, v);
    bool b = Z3_get_bool_value(enc->ctx, v) == Z3_L_TRUE;
    Z3_dec_ref(enc->ctx, v);
    return b;
}

static void read_model(smt_enc *enc, acc_kind kind, smt_point *point, bool *rules_true)
{
    Z3_model m = Z3_solver_get_model(enc->ctx, enc->solver);
    if (z3_failed(enc, "getting a model") || !m)
        return;
    Z3_model_inc_ref(enc->ctx, m);
    if (point) {
        point->kind = kind;
        for (int f = 0; f < ACC_FIELD_COUNT; f++) {
            int64_t v = 0;
            point->val[f] = 0;
            if (enc->var[kind][f] && model_value(enc, m, enc->var[kind][f],
                                                 smt_enum_of_field((acc_field)f), &v)) {
                if (f == ACC_FIELD_TIME)
                    point->time = v;
                else
                    point->val[f] = (int32_t)v;
            }
        }
        for (uint32_t i = 0; i < enc->space->n_facts; i++)
            point->facts[i] = model_bool(enc, m, enc->fact[i]);
    }
    if (rules_true)
        for (uint32_t v = 0; v < enc->space->n_views; v++) {
            const acc_ruleset *rs = enc->space->views[v].rs;
            for (uint32_t i = 0; i < rs->n_rules; i++)
                rules_true[v * enc->core_stride + i] =
                    rs->rules[i].kind == kind && model_bool(enc, m, enc->vt[v].rule[i]);
        }
    Z3_model_dec_ref(enc->ctx, m);
}

static void read_core(smt_enc *enc)
{
    memset(enc->core, 0, (size_t)enc->core_stride * 2 * sizeof *enc->core);
    Z3_ast_vector core = Z3_solver_get_unsat_core(enc->ctx, enc->solver);
    if (z3_failed(enc, "getting an unsat core") || !core)
        return;
    Z3_ast_vector_inc_ref(enc->ctx, core);
    unsigned n = Z3_ast_vector_size(enc->ctx, core);
    for (unsigned k = 0; k < n; k++) {
        Z3_ast a = Z3_ast_vector_get(enc->ctx, core, k);
        for (uint32_t v = 0; v < enc->space->n_views; v++)
            for (uint32_t i = 0; i < enc->space->views[v].rs->n_rules; i++)
                if (Z3_is_eq_ast(enc->ctx, a, enc->vt[v].track[i]))
                    enc->core[v * enc->core_stride + i] = true;
    }
    Z3_ast_vector_dec_ref(enc->ctx, core);
}

int smt_enc_check(smt_enc *enc, Z3_ast query, acc_kind kind, smt_answer *answer,
                  smt_point *point, bool *rules_true)
{
    return smt_enc_check_tracked(enc, query, kind, -1, answer, point, rules_true);
}

int smt_enc_check_tracked(smt_enc *enc, Z3_ast query, acc_kind kind, int track_view,
                          smt_answer *answer, smt_point *point, bool *rules_true)
{
    *answer = SMT_UNKNOWN;
    if (enc->status != ACC_OK)
        return enc->status;
    Z3_context c = enc->ctx;
    Z3_solver_push(c, enc->solver);
    if (z3_failed(enc, "push"))
        return enc->status;
    if (track_view >= 0)
        assert_tracked(enc, (uint32_t)track_view, kind);
    Z3_solver_assert(c, enc->solver, query);
    Z3_lbool r = enc->status != ACC_OK || z3_failed(enc, "assert") ? Z3_L_UNDEF : Z3_solver_check(c, enc->solver);
    if (enc->status == ACC_OK && !z3_failed(enc, "check")) {
        if (r == Z3_L_TRUE) {
            *answer = SMT_SAT;
            read_model(enc, kind, point, rules_true);
        } else if (r == Z3_L_FALSE) {
            *answer = SMT_UNSAT;
            read_core(enc);
        } else {
            const char *why = Z3_solver_get_reason_unknown(c, enc->solver);
            snprintf(enc->reason, sizeof enc->reason, "%s", why && *why ? why : "unknown");
            z3_failed(enc, "reason unknown");
        }
    }
    Z3_solver_pop(c, enc->solver, 1);
    z3_failed(enc, "pop");
    return enc->status;
}

Z3_ast smt_enc_fix(smt_enc *enc, Z3_ast t, acc_kind kind, const int32_t *vals, const int8_t *facts)
{
    Z3_ast from[ACC_FIELD_COUNT], to[ACC_FIELD_COUNT];
    unsigned n = 0;
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        int e = smt_enum_of_field((acc_field)f);
        if (e >= 0 && enc->var[kind][f] && vals[f] >= 0) {
            from[n] = enc->var[kind][f];
            to[n++] = enc->member[e][vals[f]];
        }
    }
    uint32_t nf = enc->space->n_facts, k = 0;
    Z3_ast *ffrom = acc_malloc((nf + 1) * sizeof *ffrom), *fto = acc_malloc((nf + 1) * sizeof *fto);
    if (!ffrom || !fto) {
        acc_free(ffrom);
        acc_free(fto);
        return smt_enc_oom(enc);
    }
    for (uint32_t i = 0; i < nf; i++)
        if (facts[i] >= 0) {
            ffrom[k] = enc->fact[i];
            fto[k++] = facts[i] ? enc->tru : enc->fls;
        }
    Z3_ast r = t;
    if (n)
        r = smt_enc_keep(enc, Z3_substitute(enc->ctx, r, n, from, to));
    if (k)
        r = smt_enc_keep(enc, Z3_substitute(enc->ctx, r, k, ffrom, fto));
    acc_free(ffrom);
    acc_free(fto);
    return n || k ? smt_enc_keep(enc, Z3_simplify(enc->ctx, r)) : r;
}
