/*
 * analysis_diff.c - `accord diff OLD NEW` (accord/analysis.h): per kind, the events newly
 * permitted and newly forbidden, as exact classes (boxes) with a witness each, and the
 * invariants of NEW (and OLD's removed or replaced ones) under NEW's rules.
 *
 * The region of kind K (U = the assumptions of both rule sets):
 *   newly permitted  R = U and permitted_NEW and not permitted_OLD
 *   newly forbidden  R = U and permitted_OLD and not permitted_NEW
 * Every field of K ranges over a finite set: enumeration members, the elementary time
 * intervals cut by the time constants of both rule sets (every comparison is constant on
 * each), and true/false for facts. So R is a finite union of cells, and boxes cover it:
 *   1. find a point p in R outside every box so far (unsat: the boxes cover R; done);
 *   2. grow the box from p's cell one dimension at a time, first to the whole dimension,
 *      else value by value, keeping each step only when (box and U and not R) is unsat;
 *   3. record it, with p as its witness, and repeat.
 * Each box lies in R (step 2) and the loop ends only when R has no point outside the
 * boxes (step 1): the union is exactly R (relative to U). Boxes may overlap.
 */
#include "analysis_internal.h"

#include "alloc.h"

#include <string.h>

/* Facts of one kind that a box can constrain (a rule set with more is refused). */
#define MAX_FACT_DIMS 256
#define MAX_DIMS (ACC_FIELD_COUNT + MAX_FACT_DIMS)

/* A dimension of the boxes of one kind: an enumerated field, time, or a fact variable. */
typedef struct dim {
    acc_field field;       /* ACC_FIELD_COUNT for a fact */
    uint32_t fact;         /* the space's fact variable */
    uint32_t n;            /* number of values */
} dim;

typedef struct region {
    smt_enc *enc;
    acc_kind kind;
    uint32_t permit_view, other_view;
    Z3_ast inside, outside;   /* R, and U and not R */
    dim dims[MAX_DIMS];
    uint32_t n_dims;
    bool *masks;              /* the current box: n_dims rows of max_values flags */
    uint32_t stride;
    acc_vec boxes;            /* bool rows of finished boxes, n_dims * stride each */
} region;

static bool *row(region *g, bool *masks, uint32_t d) { return masks + (size_t)d * g->stride; }

/* Dimensions in growing order: facts, time, then fields from decision back to from, so
 * that parties (what a reader looks at first) are widened last and stay precise. */
static int region_dims(region *g)
{
    const smt_space *s = g->enc->space;
    static const acc_field order[] = { ACC_FIELD_TIME, ACC_FIELD_DECISION, ACC_FIELD_LEVEL,
                                       ACC_FIELD_TOPIC, ACC_FIELD_ORIGINATOR, ACC_FIELD_TO,
                                       ACC_FIELD_FROM };
    uint32_t max = 2;
    g->n_dims = 0;
    for (uint32_t i = 0; i < s->n_facts; i++)
        if (s->facts[i].kind == g->kind) {
            if (g->n_dims == MAX_FACT_DIMS)
                return ACC_EUSAGE;   /* reported by acc_diff */
            g->dims[g->n_dims++] = (dim){ ACC_FIELD_COUNT, i, 2 };
        }
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        acc_field f = order[k];
        if (!acc_kind_has_field(g->kind, f))
            continue;
        int e = smt_enum_of_field(f);
        uint32_t n = e < 0 ? s->n_time_splits + 1 : s->n[e];
        g->dims[g->n_dims++] = (dim){ f, 0, n };
        if (n > max)
            max = n;
    }
    g->stride = max;
    return ACC_OK;
}

/* The value index of point p in dimension d. */
static uint32_t point_value(const region *g, const dim *d, const smt_point *p)
{
    if (d->field == ACC_FIELD_COUNT)
        return p->facts[d->fact];
    if (d->field == ACC_FIELD_TIME)
        return smt_space_interval_of(g->enc->space, p->time);
    return (uint32_t)p->val[d->field];
}

/* The formula of a box (rows of flags). */
static Z3_ast box_formula(region *g, bool *masks)
{
    smt_enc *enc = g->enc;
    const smt_space *s = enc->space;
    Z3_ast parts[MAX_DIMS];
    unsigned n = 0;
    for (uint32_t di = 0; di < g->n_dims; di++) {
        const dim *d = &g->dims[di];
        bool *m = row(g, masks, di);
        uint32_t hits = 0;
        for (uint32_t v = 0; v < d->n; v++)
            hits += m[v];
        if (hits == d->n)
            continue;
        if (d->field == ACC_FIELD_COUNT) {
            Z3_ast f = enc->fact[d->fact];
            parts[n++] = hits == 0 ? enc->fls : m[1] ? f : smt_enc_not(enc, f);
        } else if (d->field == ACC_FIELD_TIME) {
            Z3_ast *ranges = acc_malloc((d->n + 1) * sizeof *ranges);
            if (!ranges) {
                parts[n++] = smt_enc_oom(enc);
                continue;
            }
            unsigned k = 0;
            for (uint32_t v = 0; v < d->n; v++) {
                if (!m[v] || (v > 0 && m[v - 1]))
                    continue;
                uint32_t end = v;
                while (end + 1 < d->n && m[end + 1])
                    end++;
                int64_t lo, hi, unused;
                smt_space_interval(s, v, &lo, &unused);
                smt_space_interval(s, end, &unused, &hi);
                ranges[k++] = smt_enc_time_range(enc, g->kind, lo, hi);
            }
            parts[n++] = smt_enc_or(enc, k, ranges);
            acc_free(ranges);
        } else {
            parts[n++] = smt_enc_member(enc, g->kind, d->field, m);
        }
    }
    return smt_enc_and(enc, n, parts);
}

/* True when the box lies in R (box and U and not R is unsat); *answer says what the
 * solver said. */
/* The fields and facts that box `masks` pins to one value (-1 elsewhere); facts must hold
 * space->n_facts slots. Time is never pinned (its values are intervals). */
static void box_pins(region *g, bool *masks, int32_t vals[ACC_FIELD_COUNT], int8_t *facts)
{
    memset(facts, -1, g->enc->space->n_facts + 1);
    for (int f = 0; f < ACC_FIELD_COUNT; f++)
        vals[f] = -1;
    for (uint32_t di = 0; di < g->n_dims; di++) {
        const dim *d = &g->dims[di];
        bool *m = row(g, masks, di);
        uint32_t hits = 0, last = 0;
        for (uint32_t v = 0; v < d->n; v++)
            if (m[v]) {
                hits++;
                last = v;
            }
        if (hits != 1 || d->field == ACC_FIELD_TIME)
            continue;
        if (d->field == ACC_FIELD_COUNT)
            facts[d->fact] = (int8_t)last;
        else
            vals[d->field] = (int32_t)last;
    }
}

/* `t` specialised to the box: the fields and facts it pins are substituted, so that most
 * rule conditions fold to constants before the solver sees them. */
static Z3_ast fix_to_box(region *g, bool *masks, Z3_ast t)
{
    int32_t vals[ACC_FIELD_COUNT];
    int8_t *facts = acc_malloc(g->enc->space->n_facts + 1);
    if (!facts)
        return smt_enc_oom(g->enc);
    box_pins(g, masks, vals, facts);
    Z3_ast r = smt_enc_fix(g->enc, t, g->kind, vals, facts);
    acc_free(facts);
    return r;
}

static int box_inside(region *g, bool *masks, Z3_ast outside, smt_answer *answer)
{
    smt_enc *enc = g->enc;
    size_t mark = smt_enc_mark(enc);
    int st = smt_enc_check(enc, smt_enc_and2(enc, box_formula(g, masks),
                                             fix_to_box(g, masks, outside)),
                           g->kind, answer, NULL, NULL);
    smt_enc_release(enc, mark);
    return st;
}

/*
 * Grows the current box (the cell of a point) as far as it stays in R. For each
 * dimension, `outside` is first specialised to the other dimensions' pinned values
 * (once), then the whole dimension is tried, else each value alone: the box with the
 * dimension at keep + {v} lies in R iff the box with it at {v} does, since the box with
 * keep already does, and testing {v} alone lets the substitution fold the dimension too.
 */
static int grow_box(region *g, size_t *unknown)
{
    for (uint32_t di = 0; di < g->n_dims; di++) {
        const dim *d = &g->dims[di];
        bool *m = row(g, g->masks, di), saved[256], *keep = saved;
        if (d->n > 256 && !(keep = acc_malloc(d->n * sizeof *keep)))
            return ACC_ENOMEM;
        memcpy(keep, m, d->n * sizeof *m);
        for (uint32_t v = 0; v < d->n; v++)
            m[v] = true;
        size_t mark = smt_enc_mark(g->enc);
        Z3_ast outside = fix_to_box(g, g->masks, g->outside);
        smt_answer ans;
        int st = box_inside(g, g->masks, outside, &ans);
        *unknown += st == ACC_OK && ans == SMT_UNKNOWN;
        if (st == ACC_OK && ans != SMT_UNSAT) {
            bool grown[256], *good = grown;
            if (d->n > 256 && !(good = acc_calloc(d->n, sizeof *good)))
                st = ACC_ENOMEM;
            for (uint32_t v = 0; v < d->n && st == ACC_OK; v++) {
                good[v] = keep[v];
                if (keep[v])
                    continue;
                memset(m, 0, d->n * sizeof *m);
                m[v] = true;
                st = box_inside(g, g->masks, outside, &ans);
                *unknown += st == ACC_OK && ans == SMT_UNKNOWN;
                good[v] = st == ACC_OK && ans == SMT_UNSAT;
            }
            if (st == ACC_OK)
                memcpy(m, good, d->n * sizeof *m);
            if (good != grown)
                acc_free(good);
        }
        smt_enc_release(g->enc, mark);
        if (keep != saved)
            acc_free(keep);
        if (st != ACC_OK)
            return st;
    }
    return ACC_OK;
}

/* R and outside every box so far. */
static Z3_ast seed_query(region *g)
{
    smt_enc *enc = g->enc;
    Z3_ast *parts = acc_malloc((g->boxes.n + 2) * sizeof *parts);
    if (!parts)
        return smt_enc_oom(enc);
    unsigned n = 0;
    parts[n++] = g->inside;
    for (size_t b = 0; b < g->boxes.n; b++)
        parts[n++] = smt_enc_not(enc, box_formula(g, (bool *)g->boxes.data + b * g->n_dims *
                                                                         (size_t)g->stride));
    Z3_ast q = smt_enc_and(enc, n, parts);
    acc_free(parts);
    return q;
}

static int class_fields(acc_diff_class *c, acc_result_mem *m, region *g)
{
    const smt_space *s = g->enc->space;
    acc_class_field fields[MAX_DIMS];
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)           /* fields in field order, then facts */
        for (int f = 0; f <= ACC_FIELD_COUNT; f++)
            for (uint32_t di = 0; di < g->n_dims; di++) {
                const dim *d = &g->dims[di];
                if (d->field != (acc_field)f || (pass == 0) == (d->field == ACC_FIELD_COUNT))
                    continue;
                bool *mk = row(g, g->masks, di);
                uint32_t hits = 0;
                for (uint32_t v = 0; v < d->n; v++)
                    hits += mk[v];
                if (hits == d->n)
                    continue;
                acc_class_field *cf = &fields[n++];
                memset(cf, 0, sizeof *cf);
                cf->field = d->field;
                if (d->field == ACC_FIELD_COUNT) {
                    cf->fact = acc_result_strdup(m, s->facts[d->fact].name);
                    cf->fact_value = mk[1];
                    if (!cf->fact)
                        return ACC_ENOMEM;
                    continue;
                }
                if (d->field == ACC_FIELD_TIME) {
                    cf->intervals = acc_result_alloc(m, hits * sizeof *cf->intervals);
                    if (!cf->intervals)
                        return ACC_ENOMEM;
                    for (uint32_t v = 0; v < d->n; v++) {
                        if (!mk[v] || (v > 0 && mk[v - 1]))
                            continue;
                        uint32_t end = v;
                        while (end + 1 < d->n && mk[end + 1])
                            end++;
                        acc_time_interval *iv = &cf->intervals[cf->n_intervals++];
                        int64_t unused;
                        smt_space_interval(s, v, &iv->min, &unused);
                        smt_space_interval(s, end, &unused, &iv->max);
                        iv->has_min = iv->min > ACC_TIME_MIN;
                        iv->has_max = iv->max < ACC_TIME_MAX;
                    }
                    continue;
                }
                int e = smt_enum_of_field(d->field);
                cf->values = acc_result_alloc(m, hits * sizeof *cf->values);
                if (!cf->values)
                    return ACC_ENOMEM;
                for (uint32_t v = 0; v < d->n; v++)
                    if (mk[v] && !(cf->values[cf->n_values++] =
                                       acc_result_strdup(m, s->names[e][v])))
                        return ACC_ENOMEM;
            }
    c->fields = n ? acc_result_alloc(m, n * sizeof *c->fields) : NULL;
    if (n && !c->fields)
        return ACC_ENOMEM;
    if (n)
        memcpy(c->fields, fields, n * sizeof *fields);
    c->n_fields = n;
    return ACC_OK;
}

/*
 * Every permit rule of permit_view that permits some event of the class. Rather than one
 * query per rule, ask for an event of the class on which some rule not yet found holds,
 * and take every rule that holds on it; each answer finds at least one rule.
 */
static int class_rules(acc_diff_class *c, acc_result_mem *m, region *g, const bool *rules_true,
                       size_t *unknown)
{
    smt_enc *enc = g->enc;
    const acc_ruleset *rs = enc->space->views[g->permit_view].rs;
    size_t base = (size_t)g->permit_view * enc->core_stride;
    bool *found = acc_calloc(rs->n_rules + 1, sizeof *found);
    bool *seen = acc_calloc((size_t)enc->core_stride * 2, sizeof *seen);
    bool *skip = acc_calloc(rs->n_rules + 1, sizeof *skip);
    Z3_ast *rest = acc_malloc((rs->n_rules + 1) * sizeof *rest);
    int st = found && seen && skip && rest ? ACC_OK : ACC_ENOMEM;
    size_t mark = smt_enc_mark(enc);
    /* a rule whose condition the box folds to false permits nothing of it; one that
     * folds to true permits all of it (the class is not empty: it holds its witness) */
    for (uint32_t i = 0; st == ACC_OK && i < rs->n_rules; i++) {
        if (rs->rules[i].kind != g->kind || rs->rules[i].forbid || (found[i] = rules_true[base + i]))
            continue;
        Z3_lbool v = Z3_get_bool_value(enc->ctx, fix_to_box(g, g->masks,
                                                            enc->vt[g->permit_view].rule[i]));
        found[i] = v == Z3_L_TRUE;
        skip[i] = v == Z3_L_FALSE;
    }
    Z3_ast in_class = st == ACC_OK ? smt_enc_and2(enc, box_formula(g, g->masks),
                                                  fix_to_box(g, g->masks, g->inside))
                                   : NULL;
    while (st == ACC_OK) {
        unsigned n = 0;
        for (uint32_t i = 0; i < rs->n_rules; i++)
            if (rs->rules[i].kind == g->kind && !rs->rules[i].forbid && !found[i] && !skip[i])
                rest[n++] = enc->vt[g->permit_view].rule[i];
        if (n == 0)
            break;
        size_t inner = smt_enc_mark(enc);
        smt_answer ans;
        st = smt_enc_check(enc, smt_enc_and2(enc, in_class, smt_enc_or(enc, n, rest)), g->kind,
                           &ans, NULL, seen);
        smt_enc_release(enc, inner);
        *unknown += st == ACC_OK && ans == SMT_UNKNOWN;
        if (st != ACC_OK || ans != SMT_SAT)
            break;
        for (uint32_t i = 0; i < rs->n_rules; i++)
            found[i] |= rs->rules[i].kind == g->kind && !rs->rules[i].forbid && seen[base + i];
    }
    smt_enc_release(enc, mark);
    acc_vec refs;
    acc_vec_init(&refs, sizeof(acc_rule_ref));
    for (uint32_t i = 0; st == ACC_OK && i < rs->n_rules; i++) {
        acc_rule_ref ref;
        if (found[i] && rs->rules[i].kind == g->kind && !rs->rules[i].forbid &&
            (st = acc_rule_ref_make(&ref, m, rs, i)) == ACC_OK)
            st = acc_vec_push(&refs, &ref);
    }
    bool ok = true;
    c->n_rules = refs.n;
    c->rules = acc_vec_adopt(&refs, m, &ok);
    acc_free(found);
    acc_free(seen);
    acc_free(skip);
    acc_free(rest);
    return st != ACC_OK ? st : ok ? ACC_OK : ACC_ENOMEM;
}

/* The evaluator must agree: permitted in permit_view (with the model's rules), not
 * permitted in the other view unless a value is undeclared there, no assumption broken. */
static int recheck_class_witness(region *g, const smt_point *p, const bool *rules_true,
                                 acc_recheck *in, acc_recheck *out, const acc_diag_sink *sink)
{
    const smt_space *s = g->enc->space;
    const smt_view *pv = &s->views[g->permit_view], *ov = &s->views[g->other_view];
    acc_recheck_eval(in, s, pv, p);
    acc_recheck_eval(out, s, ov, p);
    bool ok = in->verdict.permitted && in->verdict.n_broken_assumptions == 0 &&
              out->verdict.n_broken_assumptions == 0 &&
              acc_recheck_rules_agree(in, pv->rs, g->kind,
                                      rules_true + (size_t)g->permit_view * g->enc->core_stride) &&
              (!out->verdict.permitted || !acc_point_declared(s, ov, p));
    if (ok)
        return ACC_OK;
    acc_analysis_error(sink, "internal error: a witness of the newly %s %s events does not "
                       "re-evaluate as claimed", g->permit_view == 1 ? "permitted" : "forbidden",
                       acc_kind_name(g->kind));
    return ACC_EINTERNAL;
}

/* Covers region g with classes appended to `classes`. */
static int cover_region(region *g, acc_vec *classes, acc_result_mem *m, acc_diff_result *r,
                        const acc_diag_sink *sink)
{
    smt_enc *enc = g->enc;
    const smt_space *s = enc->space;
    smt_point p;
    acc_recheck in, out;
    int st = region_dims(g);
    bool *rules_true = acc_calloc((size_t)enc->core_stride * 2, sizeof *rules_true);
    int st_p = acc_point_init(&p, s);
    int st_in = acc_recheck_init(&in, s->views[g->permit_view].rs);
    int st_out = acc_recheck_init(&out, s->views[g->other_view].rs);
    acc_vec_init(&g->boxes, 1);
    g->masks = NULL;
    if (st == ACC_OK && (!rules_true || st_p != ACC_OK || st_in != ACC_OK || st_out != ACC_OK))
        st = ACC_ENOMEM;
    if (st == ACC_OK) {
        g->boxes.elem = (size_t)g->n_dims * g->stride;
        g->masks = acc_calloc(g->boxes.elem + 1, sizeof *g->masks);
        if (!g->masks)
            st = ACC_ENOMEM;
    }
    while (st == ACC_OK) {
        size_t mark = smt_enc_mark(enc);
        smt_answer ans;
        st = smt_enc_check(enc, seed_query(g), g->kind, &ans, &p, rules_true);
        smt_enc_release(enc, mark);
        if (st != ACC_OK || ans == SMT_UNSAT)
            break;
        if (ans == SMT_UNKNOWN) {
            r->n_unknown++;
            if (!r->unknown_reason && !(r->unknown_reason = acc_result_strdup(m, enc->reason)))
                st = ACC_ENOMEM;
            break;
        }
        if ((st = recheck_class_witness(g, &p, rules_true, &in, &out, sink)) != ACC_OK)
            break;
        memset(g->masks, 0, g->boxes.elem * sizeof *g->masks);
        for (uint32_t di = 0; di < g->n_dims; di++)
            row(g, g->masks, di)[point_value(g, &g->dims[di], &p)] = true;
        size_t unknown = 0;
        acc_diff_class c;
        memset(&c, 0, sizeof c);
        c.kind = g->kind;
        if ((st = grow_box(g, &unknown)) == ACC_OK && (st = class_fields(&c, m, g)) == ACC_OK &&
            (st = class_rules(&c, m, g, rules_true, &unknown)) == ACC_OK &&
            (st = acc_witness_build(&c.witness, m, s, &p, g->permit_view, &in.verdict,
                                    g->other_view, acc_point_declared(s, &s->views[g->other_view], &p)
                                                       ? &out.verdict : NULL)) == ACC_OK &&
            (st = acc_vec_push(classes, &c)) == ACC_OK)
            st = acc_vec_push(&g->boxes, g->masks);
        if (unknown) {
            r->n_unknown += unknown;
            if (!r->unknown_reason && !(r->unknown_reason = acc_result_strdup(m, enc->reason)))
                st = ACC_ENOMEM;
        }
    }
    acc_vec_fini(&g->boxes);
    acc_free(g->masks);
    g->masks = NULL;
    acc_free(rules_true);
    if (st_p == ACC_OK)
        acc_point_fini(&p);
    if (st_in == ACC_OK)
        acc_recheck_fini(&in);
    if (st_out == ACC_OK)
        acc_recheck_fini(&out);
    return st;
}

Z3_ast acc_diff_region(smt_enc *enc, acc_kind kind, bool newly_permitted, Z3_ast *outside)
{
    uint32_t pv = newly_permitted ? 1 : 0, ov = 1 - pv;
    Z3_ast u = smt_enc_and2(enc, enc->vt[0].assume[kind], enc->vt[1].assume[kind]);
    Z3_ast x = smt_enc_and2(enc, enc->vt[pv].permitted[kind],
                            smt_enc_not(enc, enc->vt[ov].permitted[kind]));
    if (outside)
        *outside = smt_enc_and2(enc, u, smt_enc_not(enc, x));
    return smt_enc_and2(enc, u, x);
}

static int diff_invariants(acc_diff_result *r, smt_enc *enc, const acc_diag_sink *sink)
{
    const acc_ruleset *old_rs = enc->space->views[0].rs, *new_rs = enc->space->views[1].rs;
    bool *replaced = acc_calloc(old_rs->n_invariants + 1, sizeof *replaced);
    if (!replaced)
        return ACC_ENOMEM;
    size_t n = new_rs->n_invariants;
    for (uint32_t i = 0; i < old_rs->n_invariants; i++) {
        replaced[i] = acc_invariant_replaced(old_rs, i, new_rs);
        n += replaced[i];
    }
    int st = ACC_OK;
    r->invariants = acc_result_alloc(r->mem, (n + 1) * sizeof *r->invariants);
    if (!r->invariants)
        st = ACC_ENOMEM;
    for (uint32_t i = 0; i < new_rs->n_invariants && st == ACC_OK; i++)
        st = acc_check_invariant(&r->invariants[r->n_invariants++], r->mem, enc, 1, 1,
                                 &new_rs->invariants[i], i, sink);
    for (uint32_t i = 0; i < old_rs->n_invariants && st == ACC_OK; i++) {
        if (!replaced[i])
            continue;
        acc_invariant_result *ir = &r->invariants[r->n_invariants++];
        st = acc_check_invariant(ir, r->mem, enc, 0, 1, &old_rs->invariants[i], i, sink);
        ir->from_old = true;
    }
    for (size_t i = 0; i < r->n_invariants; i++)
        if (r->invariants[i].status == ACC_INV_UNKNOWN) {
            r->n_unknown++;
            if (!r->unknown_reason)
                r->unknown_reason = r->invariants[i].reason;
        }
    acc_free(replaced);
    return st;
}

int acc_diff(acc_diff_result **out, const acc_ruleset *old_rs, const acc_ruleset *new_rs,
             const acc_analysis_options *opts, const acc_diag_sink *sink)
{
    static const acc_analysis_options defaults = { 0 };
    if (!opts)
        opts = &defaults;
    *out = NULL;
    if (!old_rs || !new_rs)
        return ACC_EUSAGE;
    smt_space space;
    smt_enc enc;
    bool have_space = false;
    memset(&enc, 0, sizeof enc);
    acc_vec lists[2];
    acc_vec_init(&lists[0], sizeof(acc_diff_class));
    acc_vec_init(&lists[1], sizeof(acc_diff_class));
    acc_diff_result *r = acc_calloc(1, sizeof *r);
    int st = r && (r->mem = acc_result_mem_new()) ? ACC_OK : ACC_ENOMEM;
    if (st == ACC_OK) {
        r->old_name = acc_result_strdup(r->mem, old_rs->name);
        r->new_name = acc_result_strdup(r->mem, new_rs->name);
        if (!r->old_name || !r->new_name)
            st = ACC_ENOMEM;
    }
    if (st == ACC_OK && (st = smt_space_init_diff(&space, old_rs, new_rs)) == ACC_OK)
        have_space = true;
    if (st == ACC_OK)
        st = smt_enc_init(&enc, &space, opts->timeout_ms);
    for (int k = 0; k < ACC_KIND_COUNT && st == ACC_OK; k++)
        for (int np = 1; np >= 0 && st == ACC_OK; np--) {
            region g;
            memset(&g, 0, sizeof g);
            g.enc = &enc;
            g.kind = (acc_kind)k;
            g.permit_view = np ? 1 : 0;
            g.other_view = np ? 0 : 1;
            size_t mark = smt_enc_mark(&enc);
            g.inside = acc_diff_region(&enc, g.kind, np, &g.outside);
            st = cover_region(&g, &lists[np ? 0 : 1], r->mem, r, sink);
            smt_enc_release(&enc, mark);
        }
    if (st == ACC_OK)
        st = diff_invariants(r, &enc, sink);
    if (st == ACC_OK) {
        bool ok = true;
        r->n_newly_permitted = lists[0].n;
        r->newly_permitted = acc_vec_adopt(&lists[0], r->mem, &ok);
        r->n_newly_forbidden = lists[1].n;
        r->newly_forbidden = acc_vec_adopt(&lists[1], r->mem, &ok);
        r->equivalent = !r->n_newly_permitted && !r->n_newly_forbidden && !r->n_unknown;
        if (!ok)
            st = ACC_ENOMEM;
    }
    if (st == ACC_EUSAGE)
        acc_analysis_error(sink, "diff: more than %d facts on one kind of event", MAX_FACT_DIMS);
    acc_vec_fini(&lists[0]);
    acc_vec_fini(&lists[1]);
    if (acc_analysis_finish(st, &enc, &space, have_space, sink) != ACC_OK) {
        acc_diff_result_free(r);
        return st;
    }
    *out = r;
    return ACC_OK;
}

void acc_diff_result_free(acc_diff_result *r)
{
    if (!r)
        return;
    acc_result_mem_free(r->mem);
    acc_free(r);
}

int acc_diff_exit_code(const acc_diff_result *r, bool strict, bool deny_new_permits)
{
    for (size_t i = 0; i < r->n_invariants; i++)
        if (r->invariants[i].status == ACC_INV_VIOLATED && (!r->invariants[i].from_old || strict))
            return 1;
    if (deny_new_permits && r->n_newly_permitted)
        return 1;
    return r->n_unknown ? 3 : 0;
}

Z3_ast acc_diff_class_formula(smt_enc *enc, const acc_diff_class *c)
{
    const smt_space *s = enc->space;
    Z3_ast parts[MAX_DIMS];
    unsigned n = 0;
    for (size_t i = 0; i < c->n_fields && n < MAX_DIMS; i++) {
        const acc_class_field *f = &c->fields[i];
        if (f->fact) {
            Z3_ast v = enc->fls;
            for (uint32_t k = 0; k < s->n_facts; k++)
                if (s->facts[k].kind == c->kind && strcmp(s->facts[k].name, f->fact) == 0)
                    v = f->fact_value ? enc->fact[k] : smt_enc_not(enc, enc->fact[k]);
            parts[n++] = v;
        } else if (f->field == ACC_FIELD_TIME) {
            Z3_ast ranges[64];
            unsigned k = 0;
            for (size_t j = 0; j < f->n_intervals && k < 64; j++)
                ranges[k++] = smt_enc_time_range(
                    enc, c->kind, f->intervals[j].has_min ? f->intervals[j].min : ACC_TIME_MIN,
                    f->intervals[j].has_max ? f->intervals[j].max : ACC_TIME_MAX);
            parts[n++] = smt_enc_or(enc, k, ranges);
        } else {
            int e = smt_enum_of_field(f->field);
            bool mask[1024] = { false };
            for (size_t j = 0; j < f->n_values; j++)
                for (uint32_t d = 0; d < s->n[e] && d < 1024; d++)
                    if (strcmp(s->names[e][d], f->values[j]) == 0)
                        mask[d] = true;
            parts[n++] = smt_enc_member(enc, c->kind, f->field, mask);
        }
    }
    return smt_enc_and(enc, n, parts);
}
