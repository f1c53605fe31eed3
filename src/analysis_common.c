/*
 * analysis_common.c - the parts of check and diff that are the same (analysis_internal.h):
 * result memory, growable arrays, rule references, witnesses, the evaluator re-check of
 * every witness (the trust rule of cli.md), and the invariant query itself.
 */
#include "analysis_internal.h"

#include "alloc.h"
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

acc_result_mem *acc_result_mem_new(void)
{
    acc_result_mem *m = acc_calloc(1, sizeof *m);
    if (m)
        acc_arena_init(&m->arena);
    return m;
}

void acc_result_mem_free(acc_result_mem *m)
{
    if (!m)
        return;
    acc_arena_free(&m->arena);
    acc_free(m);
}

void *acc_result_alloc(acc_result_mem *m, size_t n)
{
    return acc_arena_alloc(&m->arena, n ? n : 1);
}

const char *acc_result_strdup(acc_result_mem *m, const char *s)
{
    return acc_arena_strdup(&m->arena, s);
}

void acc_vec_init(acc_vec *v, size_t elem)
{
    memset(v, 0, sizeof *v);
    v->elem = elem;
}

int acc_vec_push(acc_vec *v, const void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void *nd = acc_realloc(v->data, cap * v->elem);
        if (!nd)
            return ACC_ENOMEM;
        v->data = nd;
        v->cap = cap;
    }
    memcpy((char *)v->data + v->n * v->elem, item, v->elem);
    v->n++;
    return ACC_OK;
}

void *acc_vec_adopt(acc_vec *v, acc_result_mem *m, bool *ok)
{
    void *out = NULL;
    if (v->n) {
        out = acc_result_alloc(m, v->n * v->elem);
        if (out)
            memcpy(out, v->data, v->n * v->elem);
        else
            *ok = false;
    }
    size_t elem = v->elem;
    acc_vec_fini(v);
    v->elem = elem;
    return out;
}

void acc_vec_fini(acc_vec *v)
{
    acc_free(v->data);
    memset(v, 0, sizeof *v);
}

/*
 * acc_source_locate, continuing from the place located last when `offset` lies at or
 * after it in the same source (check and diff locate rules mostly in file order).
 */
static void locate(acc_result_mem *m, const acc_source_text *src, uint32_t offset,
                   unsigned *line, unsigned *column)
{
    if (offset > src->len)
        offset = (uint32_t)src->len;
    if (m->loc_src != src || offset < m->loc_offset) {
        m->loc_src = src;
        m->loc_offset = m->loc_line_start = 0;
        m->loc_line = 1;
    }
    for (uint32_t i = m->loc_offset; i < offset; i++)
        if (src->text[i] == '\n') {
            m->loc_line++;
            m->loc_line_start = i + 1;
        }
    m->loc_offset = offset;
    *line = m->loc_line;
    *column = (unsigned)(offset - m->loc_line_start) + 1;
}

int acc_location_make(acc_location *out, acc_result_mem *m, const acc_ruleset *rs,
                      acc_span span)
{
    memset(out, 0, sizeof *out);
    if (span.source >= rs->n_sources)
        return ACC_OK;
    const acc_source_text *src = &rs->sources[span.source];
    locate(m, src, span.start, &out->line, &out->column);
    out->file = acc_result_strdup(m, src->path ? src->path : "");
    return out->file ? ACC_OK : ACC_ENOMEM;
}

int acc_rule_ref_make(acc_rule_ref *out, acc_result_mem *m, const acc_ruleset *rs, uint32_t i)
{
    const acc_rule *r = &rs->rules[i];
    memset(out, 0, sizeof *out);
    out->name = acc_result_strdup(m, r->name);
    out->citation = r->citation ? acc_result_strdup(m, r->citation) : NULL;
    out->forbid = r->forbid;
    if (!out->name || (r->citation && !out->citation))
        return ACC_ENOMEM;
    return acc_location_make(&out->loc, m, rs, r->name_span);
}

int acc_invariant_result_init(acc_invariant_result *out, acc_result_mem *m,
                              const acc_ruleset *rs, const acc_prop *p)
{
    memset(out, 0, sizeof *out);
    out->name = acc_result_strdup(m, p->name);
    out->citation = p->citation ? acc_result_strdup(m, p->citation) : NULL;
    out->kind = p->kind;
    if (!out->name || (p->citation && !out->citation))
        return ACC_ENOMEM;
    return acc_location_make(&out->loc, m, rs, p->name_span);
}

static int rule_refs(acc_rule_ref **out, size_t *n, acc_result_mem *m, const acc_ruleset *rs,
                     const uint32_t *rules, size_t count)
{
    *n = 0;
    *out = count ? acc_result_alloc(m, count * sizeof **out) : NULL;
    if (count && !*out)
        return ACC_ENOMEM;
    for (size_t i = 0; i < count; i++)
        if (acc_rule_ref_make(&(*out)[i], m, rs, rules[i]) != ACC_OK)
            return ACC_ENOMEM;
    *n = count;
    return ACC_OK;
}

int acc_witness_build(acc_witness *w, acc_result_mem *m, const smt_space *s,
                      const smt_point *p, uint32_t permit_view, const acc_verdict *verdict,
                      uint32_t other_view, const acc_verdict *other)
{
    memset(w, 0, sizeof *w);
    w->kind = p->kind;
    w->time = p->time;
    const char **slots[ACC_FIELD_COUNT] = { [ACC_FIELD_FROM] = &w->from, [ACC_FIELD_TO] = &w->to,
                                            [ACC_FIELD_TOPIC] = &w->topic,
                                            [ACC_FIELD_ITEM] = &w->item,
                                            [ACC_FIELD_ORIGINATOR] = &w->originator,
                                            [ACC_FIELD_LEVEL] = &w->level,
                                            [ACC_FIELD_DECISION] = &w->decision };
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        if (f == ACC_FIELD_TIME || !acc_kind_has_field(p->kind, (acc_field)f))
            continue;
        int e = smt_enum_of_field((acc_field)f);
        *slots[f] = e < 0 ? "item-1" : s->names[e][p->val[f]];
    }
    size_t n = 0;
    for (uint32_t i = 0; i < s->n_facts; i++)
        n += s->facts[i].kind == p->kind;
    w->facts = n ? acc_result_alloc(m, n * sizeof *w->facts) : NULL;
    if (n && !w->facts)
        return ACC_ENOMEM;
    for (uint32_t i = 0; i < s->n_facts; i++) {
        if (s->facts[i].kind != p->kind)
            continue;
        acc_witness_fact *f = &w->facts[w->n_facts++];
        f->name = acc_result_strdup(m, s->facts[i].name);
        f->value = p->facts[i];
        if (!f->name)
            return ACC_ENOMEM;
    }
    /* member names point into the rule sets' arenas: copy them into the result */
    for (int f = 0; f < ACC_FIELD_COUNT; f++)
        if (slots[f] && *slots[f] && !(*slots[f] = acc_result_strdup(m, *slots[f])))
            return ACC_ENOMEM;
    if (verdict && rule_refs(&w->permitted_by, &w->n_permitted_by, m,
                             s->views[permit_view].rs, verdict->permits,
                             verdict->n_permits) != ACC_OK)
        return ACC_ENOMEM;
    if (other && rule_refs(&w->forbidden_by, &w->n_forbidden_by, m, s->views[other_view].rs,
                           other->forbids, other->n_forbids) != ACC_OK)
        return ACC_ENOMEM;
    return ACC_OK;
}

int acc_recheck_init(acc_recheck *r, const acc_ruleset *rs)
{
    memset(r, 0, sizeof *r);
    r->facts = acc_calloc(rs->n_facts + 1, sizeof *r->facts);
    if (!r->facts)
        return ACC_ENOMEM;
    if (acc_verdict_init(&r->verdict, rs) != ACC_OK) {
        acc_free(r->facts);
        r->facts = NULL;
        return ACC_ENOMEM;
    }
    return ACC_OK;
}

void acc_recheck_fini(acc_recheck *r)
{
    acc_verdict_fini(&r->verdict);
    acc_free(r->facts);
    memset(r, 0, sizeof *r);
}

void acc_recheck_eval(acc_recheck *r, const smt_space *s, const smt_view *v, const smt_point *p)
{
    smt_point_event(s, v, p, r->facts, &r->event);
    acc_eval_event(v->rs, &r->event, &r->verdict);
}

bool acc_point_declared(const smt_space *s, const smt_view *v, const smt_point *p)
{
    (void)s;
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        int e = smt_enum_of_field((acc_field)f);
        if (e >= 0 && acc_kind_has_field(p->kind, (acc_field)f) && v->from_dom[e][p->val[f]] < 0)
            return false;
    }
    return true;
}

bool acc_recheck_rules_agree(const acc_recheck *r, const acc_ruleset *rs, acc_kind kind,
                             const bool *rules_true)
{
    size_t permits = 0, forbids = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        if (rs->rules[i].kind != kind)
            continue;
        bool in_eval = false;
        if (rs->rules[i].forbid) {
            in_eval = forbids < r->verdict.n_forbids && r->verdict.forbids[forbids] == i;
            forbids += in_eval;
        } else {
            in_eval = permits < r->verdict.n_permits && r->verdict.permits[permits] == i;
            permits += in_eval;
        }
        if (in_eval != rules_true[i])
            return false;
    }
    return permits == r->verdict.n_permits && forbids == r->verdict.n_forbids;
}

void acc_analysis_error(const acc_diag_sink *sink, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acc_diag_vreport(sink, ACC_SEV_ERROR, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

int acc_analysis_finish(int st, smt_enc *enc, smt_space *space, bool have_space,
                        const acc_diag_sink *sink)
{
    if (st == ACC_ESOLVER)
        acc_analysis_error(sink, "%s", enc->error);
    smt_enc_fini(enc);
    if (have_space)
        smt_space_fini(space);
    return st;
}

int acc_point_init(smt_point *p, const smt_space *s)
{
    memset(p, 0, sizeof *p);
    p->facts = acc_calloc(s->n_facts + 1, sizeof *p->facts);
    return p->facts ? ACC_OK : ACC_ENOMEM;
}

void acc_point_fini(smt_point *p)
{
    acc_free(p->facts);
    memset(p, 0, sizeof *p);
}

static int core_refs(acc_invariant_result *out, acc_result_mem *m, const smt_enc *enc,
                     uint32_t view)
{
    const acc_ruleset *rs = enc->space->views[view].rs;
    const bool *core = enc->core + (size_t)view * enc->core_stride;
    size_t n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        n += core[i] && rs->rules[i].kind == out->kind;
    out->relies_on = n ? acc_result_alloc(m, n * sizeof *out->relies_on) : NULL;
    if (n && !out->relies_on)
        return ACC_ENOMEM;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        if (core[i] && rs->rules[i].kind == out->kind &&
            acc_rule_ref_make(&out->relies_on[out->n_relies_on++], m, rs, i) != ACC_OK)
            return ACC_ENOMEM;
    return ACC_OK;
}

/* The evaluator must agree with the model: permitted by permit_view's rules (the same
 * rules holding as in the model), no assumption broken, and the invariant false. */
static int recheck_violation(const smt_enc *enc, uint32_t view, uint32_t permit_view,
                             const acc_prop *p, uint32_t index, const smt_point *pt,
                             const bool *rules_true, acc_recheck *rc,
                             const acc_diag_sink *sink)
{
    const smt_space *s = enc->space;
    const smt_view *pv = &s->views[permit_view];
    acc_recheck_eval(rc, s, pv, pt);
    bool ok = rc->verdict.permitted && rc->verdict.n_broken_assumptions == 0 &&
              acc_recheck_rules_agree(rc, pv->rs, p->kind,
                                      rules_true + (size_t)permit_view * enc->core_stride);
    if (ok) {
        bool facts[64], *fv = facts;
        const smt_view *iv = &s->views[view];
        if (iv->rs->n_facts > 64 && !(fv = acc_calloc(iv->rs->n_facts, sizeof *fv)))
            return ACC_ENOMEM;
        acc_event ev;
        smt_point_event(s, iv, pt, fv, &ev);
        ok = !acc_eval_expr(iv->rs, p->expr, &ev);
        if (fv != facts)
            acc_free(fv);
    }
    (void)index;
    if (ok)
        return ACC_OK;
    acc_analysis_error(sink, "internal error: the witness of invariant '%s' does not "
                       "re-evaluate as a permitted event that breaks it", p->name);
    return ACC_EINTERNAL;
}

int acc_check_invariant(acc_invariant_result *out, acc_result_mem *m, smt_enc *enc,
                        uint32_t view, uint32_t permit_view, const acc_prop *p, uint32_t index,
                        const acc_diag_sink *sink)
{
    const smt_space *s = enc->space;
    int st = acc_invariant_result_init(out, m, s->views[view].rs, p);
    if (st != ACC_OK)
        return st;
    smt_point pt;
    acc_recheck rc;
    bool *rules_true = acc_calloc((size_t)enc->core_stride * 2, sizeof *rules_true);
    int st_pt = acc_point_init(&pt, s);
    int st_rc = acc_recheck_init(&rc, s->views[permit_view].rs);
    size_t mark = smt_enc_mark(enc);
    if (!rules_true || st_pt != ACC_OK || st_rc != ACC_OK) {
        st = ACC_ENOMEM;
        goto done;
    }
    const smt_view_terms *t = &enc->vt[permit_view];
    Z3_ast parts[3] = { t->assume[p->kind], t->permitted_lit[p->kind],
                        smt_enc_not(enc, smt_enc_expr(enc, view, p->kind, p->expr)) };
    smt_answer ans;
    st = smt_enc_check_tracked(enc, smt_enc_and(enc, 3, parts), p->kind, (int)permit_view,
                               &ans, &pt, rules_true);
    if (st != ACC_OK)
        goto done;
    if (ans == SMT_UNSAT) {
        out->status = ACC_INV_PROVEN;
        st = core_refs(out, m, enc, permit_view);
    } else if (ans == SMT_UNKNOWN) {
        out->status = ACC_INV_UNKNOWN;
        out->reason = acc_result_strdup(m, enc->reason);
        st = out->reason ? ACC_OK : ACC_ENOMEM;
    } else {
        out->status = ACC_INV_VIOLATED;
        st = recheck_violation(enc, view, permit_view, p, index, &pt, rules_true, &rc, sink);
        out->witness = st == ACC_OK ? acc_result_alloc(m, sizeof *out->witness) : NULL;
        if (st == ACC_OK && !out->witness)
            st = ACC_ENOMEM;
        if (st == ACC_OK)
            st = acc_witness_build(out->witness, m, s, &pt, permit_view, &rc.verdict, 0, NULL);
    }
done:
    smt_enc_release(enc, mark);
    acc_free(rules_true);
    if (st_pt == ACC_OK)
        acc_point_fini(&pt);
    if (st_rc == ACC_OK)
        acc_recheck_fini(&rc);
    return st;
}

bool acc_invariant_replaced(const acc_ruleset *old_rs, uint32_t i, const acc_ruleset *new_rs)
{
    const acc_prop *a = &old_rs->invariants[i];
    for (uint32_t k = 0; k < new_rs->n_invariants; k++) {
        const acc_prop *b = &new_rs->invariants[k];
        if (strcmp(b->name, a->name) == 0)
            return b->kind != a->kind || !smt_expr_equal(old_rs, a->expr, new_rs, b->expr);
    }
    return true;
}
