/*
 * smt_export.c - `accord smt`: the analyses as an SMT-LIB2 benchmark that `z3 -smt2` and
 * `cvc5 --lang smt2` both read (accord/analysis.h).
 *
 * Printed from the IR through the same space and lowering as the Z3 encoder
 * (smt_encode.h), so the text states exactly what accord asks Z3:
 *   (set-logic ALL), one declare-datatypes for the enumerations, an Int and its bounds per
 *   event time, a Bool per fact, a define-fun per rule (its condition), per kind the
 *   assumptions, the declared-values constraint and `permitted`; then every query as
 *   push / assert (named) / check-sat / pop, each after a comment naming it.
 * Symbols are quoted (|Party.KR|, |rule.art3-relay|) so rule-language names never clash
 * with SMT-LIB keywords.
 */
#include "analysis_internal.h"

#include "alloc.h"

#include <inttypes.h>
#include <string.h>

typedef struct printer {
    FILE *out;
    const smt_space *s;
    int status;
    unsigned query;
} printer;

static void print_int(printer *p, int64_t v)
{
    if (v < 0)
        fprintf(p->out, "(- %" PRId64 ")", v == INT64_MIN ? INT64_MAX : -v);
    else
        fprintf(p->out, "%" PRId64, v);
}

/* |view-prefix kind.field|: the variable of a field of a kind. */
static void print_var(printer *p, acc_kind kind, acc_field field)
{
    fprintf(p->out, "|%s.%s|", acc_kind_name(kind), acc_field_name(field));
}

static void print_member(printer *p, smt_enum e, uint32_t d)
{
    fprintf(p->out, "|%s.%s|", smt_enum_sort_name(e), p->s->names[e][d]);
}

static const char *tag_dot(const smt_view *v) { return *v->tag ? "." : ""; }

static void print_rule(printer *p, const smt_view *v, uint32_t i)
{
    fprintf(p->out, "|rule.%s%s%s|", v->tag, tag_dot(v), v->rs->rules[i].name);
}

/* |NAME.view.kind| for the per-kind definitions. */
static void print_def(printer *p, const char *name, const smt_view *v, acc_kind k)
{
    fprintf(p->out, "|%s.%s%s%s|", name, v->tag, tag_dot(v), acc_kind_name(k));
}

static void print_mask(printer *p, acc_kind kind, acc_field field, const bool *mask)
{
    smt_enum e = (smt_enum)smt_enum_of_field(field);
    uint32_t n = p->s->n[e], hits = 0;
    for (uint32_t d = 0; d < n; d++)
        hits += mask[d];
    if (hits == n || hits == 0) {
        fputs(hits ? "true" : "false", p->out);
        return;
    }
    fputs(hits > 1 ? "(or" : "", p->out);
    for (uint32_t d = 0; d < n; d++)
        if (mask[d]) {
            fputs(hits > 1 ? " (= " : "(= ", p->out);
            print_var(p, kind, field);
            fputc(' ', p->out);
            print_member(p, e, d);
            fputc(')', p->out);
        }
    fputs(hits > 1 ? ")" : "", p->out);
}

static void print_prim(printer *p, acc_kind kind, const smt_prim *x)
{
    static const char *const ops[] = { "=", "distinct", "<", "<=", ">", ">=" };
    switch (x->kind) {
    case SMT_P_TRUE:
        fputs("true", p->out);
        break;
    case SMT_P_MEMBER:
        print_mask(p, kind, x->field, x->mask);
        break;
    case SMT_P_FEQ:
        fputs("(= ", p->out);
        print_var(p, kind, x->field);
        fputc(' ', p->out);
        print_var(p, kind, x->field2);
        fputc(')', p->out);
        break;
    case SMT_P_TIME:
        fprintf(p->out, "(%s ", ops[x->op]);
        print_var(p, kind, ACC_FIELD_TIME);
        fputc(' ', p->out);
        print_int(p, x->value);
        fputc(')', p->out);
        break;
    }
}

static void print_expr(printer *p, const smt_view *v, acc_kind kind, const acc_expr *e)
{
    if (!e) {
        fputs("true", p->out);
        return;
    }
    switch (e->op) {
    case ACC_X_TRUE: fputs("true", p->out); return;
    case ACC_X_FALSE: fputs("false", p->out); return;
    case ACC_X_NOT:
        fputs("(not ", p->out);
        print_expr(p, v, kind, e->u.bin.a);
        fputc(')', p->out);
        return;
    case ACC_X_AND:
    case ACC_X_OR:
    case ACC_X_IMPLIES:
        fprintf(p->out, "(%s ", e->op == ACC_X_AND ? "and" : e->op == ACC_X_OR ? "or" : "=>");
        print_expr(p, v, kind, e->u.bin.a);
        fputc(' ', p->out);
        print_expr(p, v, kind, e->u.bin.b);
        fputc(')', p->out);
        return;
    case ACC_X_CMP:
    case ACC_X_IN: {
        smt_atom a;
        if (smt_atom_lower(&a, p->s, v, e) != ACC_OK) {
            p->status = ACC_ENOMEM;
            fputs("false", p->out);
            return;
        }
        fputs(a.negated ? "(not " : "", p->out);
        if (a.n == 0)
            fputs("false", p->out);
        fputs(a.n > 1 ? "(or" : "", p->out);
        for (uint32_t i = 0; i < a.n; i++) {
            fputs(a.n > 1 ? " " : "", p->out);
            print_prim(p, kind, &a.prims[i]);
        }
        fputs(a.n > 1 ? ")" : "", p->out);
        fputs(a.negated ? ")" : "", p->out);
        smt_atom_fini(&a);
        return;
    }
    case ACC_X_FACT:
        fprintf(p->out, "|fact.%s|", p->s->facts[v->fact_var[e->u.fact]].name);
        return;
    }
}

static void print_header(printer *p, const char *what)
{
    fprintf(p->out, "; accord %s: SMT-LIB2 encoding of the analyses (accord smt)\n", what);
    fputs("; Every query below is (push 1) (assert (! Q :named qN)) (check-sat) (pop 1);\n"
          "; the comment above each one names it and says how its answer reads.\n"
          "; Re-check with: z3 -smt2 FILE   or   cvc5 --lang smt2 --incremental FILE\n"
          "; (cvc5 1.0 accepts push/pop and several check-sat only in incremental mode).\n"
          "; Facts are free Booleans: the analyses do not model the log's history.\n"
          "(set-logic ALL)\n", p->out);
    const smt_space *s = p->s;
    fputs("(declare-datatypes (", p->out);
    for (int e = 0; e < SMT_ENUM_COUNT; e++)
        fprintf(p->out, "%s(%s 0)", e ? " " : "", smt_enum_sort_name((smt_enum)e));
    fputs(")\n  (", p->out);
    for (int e = 0; e < SMT_ENUM_COUNT; e++) {
        fputs(e ? "\n   (" : "(", p->out);
        for (uint32_t d = 0; d < s->n[e]; d++) {
            fputs(d ? " (" : "(", p->out);
            print_member(p, (smt_enum)e, d);
            fputc(')', p->out);
        }
        fputc(')', p->out);
    }
    fputs("))\n", p->out);
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        fprintf(p->out, "; %s events\n", acc_kind_name((acc_kind)k));
        for (int f = 0; f < ACC_FIELD_COUNT; f++) {
            if (f == ACC_FIELD_ITEM || !acc_kind_has_field((acc_kind)k, (acc_field)f))
                continue;
            int e = smt_enum_of_field((acc_field)f);
            fputs("(declare-const ", p->out);
            print_var(p, (acc_kind)k, (acc_field)f);
            fprintf(p->out, " %s)\n", e < 0 ? "Int" : smt_enum_sort_name((smt_enum)e));
        }
        fputs("(assert (and (<= ", p->out);
        print_int(p, ACC_TIME_MIN);
        fputc(' ', p->out);
        print_var(p, (acc_kind)k, ACC_FIELD_TIME);
        fputs(") (<= ", p->out);
        print_var(p, (acc_kind)k, ACC_FIELD_TIME);
        fputc(' ', p->out);
        print_int(p, ACC_TIME_MAX);
        fputs(")))\n", p->out);
    }
    for (uint32_t i = 0; i < s->n_facts; i++)
        fprintf(p->out, "(declare-const |fact.%s| Bool) ; on %s\n", s->facts[i].name,
                acc_kind_name(s->facts[i].kind));
}

static void print_rules_or(printer *p, const smt_view *v, acc_kind k, bool forbid, uint32_t skip)
{
    const acc_ruleset *rs = v->rs;
    unsigned n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        n += i != skip && rs->rules[i].kind == k && rs->rules[i].forbid == forbid;
    if (n == 0) {
        fputs("false", p->out);
        return;
    }
    fputs(n > 1 ? "(or" : "", p->out);
    for (uint32_t i = 0; i < rs->n_rules; i++)
        if (i != skip && rs->rules[i].kind == k && rs->rules[i].forbid == forbid) {
            fputs(n > 1 ? " " : "", p->out);
            print_rule(p, v, i);
        }
    fputs(n > 1 ? ")" : "", p->out);
}

static void print_view(printer *p, const smt_view *v)
{
    const acc_ruleset *rs = v->rs;
    fprintf(p->out, "; rule set %s%s%s%s\n", rs->name, *v->tag ? " (" : "", v->tag,
            *v->tag ? ")" : "");
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        fprintf(p->out, "; %s %s %s\n(define-fun ", rs->rules[i].name,
                rs->rules[i].forbid ? "forbid" : "permit", acc_kind_name(rs->rules[i].kind));
        print_rule(p, v, i);
        fputs(" () Bool ", p->out);
        print_expr(p, v, rs->rules[i].kind, rs->rules[i].cond);
        fputs(")\n", p->out);
    }
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        fputs("(define-fun ", p->out);
        print_def(p, "assume", v, (acc_kind)k);
        fputs(" () Bool (and true", p->out);
        for (uint32_t i = 0; i < rs->n_assumptions; i++)
            if (rs->assumptions[i].kind == (acc_kind)k) {
                fputc(' ', p->out);
                print_expr(p, v, (acc_kind)k, rs->assumptions[i].expr);
            }
        fputs("))\n(define-fun ", p->out);
        print_def(p, "dom", v, (acc_kind)k);
        fputs(" () Bool (and true", p->out);
        for (int f = 0; f < ACC_FIELD_COUNT; f++) {
            int e = smt_enum_of_field((acc_field)f);
            if (e < 0 || !acc_kind_has_field((acc_kind)k, (acc_field)f) || v->complete[e])
                continue;
            bool mask[1024] = { false };
            for (uint32_t d = 0; d < p->s->n[e] && d < 1024; d++)
                mask[d] = v->from_dom[e][d] >= 0;
            fputc(' ', p->out);
            print_mask(p, (acc_kind)k, (acc_field)f, mask);
        }
        fputs("))\n(define-fun ", p->out);
        print_def(p, "permitted", v, (acc_kind)k);
        fputs(" () Bool (and ", p->out);
        print_def(p, "dom", v, (acc_kind)k);
        fputc(' ', p->out);
        print_rules_or(p, v, (acc_kind)k, false, UINT32_MAX);
        fputs(" (not ", p->out);
        print_rules_or(p, v, (acc_kind)k, true, UINT32_MAX);
        fputs(")))\n", p->out);
    }
}

/* "; query: WHAT A B (READING)" and the opening of the named assertion. */
static void query_begin(printer *p, const char *what, const char *a, const char *b,
                        const char *reading)
{
    fprintf(p->out, "; query: %s %s%s (%s)\n(push 1)\n(assert (! (and ", what, a, b, reading);
}

static void query_end(printer *p)
{
    fprintf(p->out, ") :named q%u))\n(check-sat)\n(pop 1)\n", ++p->query);
}

static void print_invariant_query(printer *p, const smt_view *iv, const smt_view *pv,
                                  const acc_prop *inv, const char *origin)
{
    query_begin(p, "invariant", inv->name, origin, "unsat = proven, sat = violated");
    print_def(p, "assume", pv, inv->kind);
    fputc(' ', p->out);
    print_def(p, "permitted", pv, inv->kind);
    fputs(" (not ", p->out);
    print_expr(p, iv, inv->kind, inv->expr);
    fputc(')', p->out);
    query_end(p);
}

static void print_rule_queries(printer *p, const smt_view *v, uint32_t i)
{
    const acc_rule *r = &v->rs->rules[i];
    for (int redundant = 0; redundant < 2; redundant++) {
        query_begin(p, "rule", r->name, redundant ? " redundant" : " dead",
                    redundant ? "unsat = redundant, when not dead" : "unsat = dead");
        print_def(p, "assume", v, r->kind);
        fputc(' ', p->out);
        print_def(p, "dom", v, r->kind);
        fputc(' ', p->out);
        print_rule(p, v, i);
        if (!r->forbid || redundant) {
            fputs(r->forbid ? " " : " (not ", p->out);
            print_rules_or(p, v, r->kind, !r->forbid, UINT32_MAX);
            fputs(r->forbid ? "" : ")", p->out);
        }
        if (redundant) {
            fputs(" (not ", p->out);
            print_rules_or(p, v, r->kind, r->forbid, i);
            fputc(')', p->out);
        }
        query_end(p);
    }
}

static int printer_finish(printer *p)
{
    if (p->status == ACC_OK && ferror(p->out))
        p->status = ACC_EIO;
    return p->status;
}

int acc_smt_write(FILE *out, const acc_ruleset *rs, const acc_analysis_options *opts)
{
    smt_space s;
    int st = smt_space_init_check(&s, rs);
    if (st != ACC_OK)
        return st;
    printer p = { out, &s, ACC_OK, 0 };
    print_header(&p, rs->name);
    const smt_view *v = &s.views[0];
    print_view(&p, v);
    for (uint32_t i = 0; i < rs->n_invariants; i++)
        print_invariant_query(&p, v, v, &rs->invariants[i], "");
    if (!opts || !opts->skip_rules_report)
        for (uint32_t i = 0; i < rs->n_rules; i++)
            print_rule_queries(&p, v, i);
    smt_space_fini(&s);
    return printer_finish(&p);
}

int acc_smt_write_diff(FILE *out, const acc_ruleset *old_rs, const acc_ruleset *new_rs,
                       const acc_analysis_options *opts)
{
    (void)opts;
    smt_space s;
    int st = smt_space_init_diff(&s, old_rs, new_rs);
    if (st != ACC_OK)
        return st;
    printer p = { out, &s, ACC_OK, 0 };
    print_header(&p, "diff");
    const smt_view *ov = &s.views[0], *nv = &s.views[1];
    print_view(&p, ov);
    print_view(&p, nv);
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        for (int np = 1; np >= 0; np--) {
            const smt_view *pv = np ? nv : ov, *xv = np ? ov : nv;
            query_begin(&p, np ? "newly permitted" : "newly forbidden",
                        acc_kind_name((acc_kind)k), " events", "sat = some");
            print_def(&p, "assume", ov, (acc_kind)k);
            fputc(' ', out);
            print_def(&p, "assume", nv, (acc_kind)k);
            fputc(' ', out);
            print_def(&p, "permitted", pv, (acc_kind)k);
            fputs(" (not ", out);
            print_def(&p, "permitted", xv, (acc_kind)k);
            fputc(')', out);
            query_end(&p);
        }
    for (uint32_t i = 0; i < new_rs->n_invariants; i++)
        print_invariant_query(&p, nv, nv, &new_rs->invariants[i], "");
    for (uint32_t i = 0; i < old_rs->n_invariants; i++)
        if (acc_invariant_replaced(old_rs, i, new_rs))
            print_invariant_query(&p, ov, nv, &old_rs->invariants[i], " (of the old rules)");
    smt_space_fini(&s);
    return printer_finish(&p);
}
