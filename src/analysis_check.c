/*
 * analysis_check.c - `accord check` (accord/analysis.h): every invariant proven or refuted
 * with a re-checked witness, every rule classified as ok, dead or redundant.
 *
 * The queries, for rule r of kind K under K's assumptions A (each in a push/pop scope;
 * a rule's redundancy query comes first, see classify_rule):
 *   invariant I:        A and permitted_K and not I           unsat: proven
 *   forbid r dead:      A and r                               unsat: dead
 *   permit r dead:      A and r and not forbid_any            unsat: dead
 *   permit r redundant: A and r and not forbid_any and not (other permits)   unsat
 *   forbid r redundant: A and r and permit_any and not (other forbids)       unsat
 * A redundant permit never decides an event alone; a redundant forbid never blocks an
 * event that the other forbids let through. Both are exact (docs/design.md). The
 * disjunctions of each rule's queries leave out the rules whose boxes do not meet its
 * own (analysis_box.c): they are false whenever it holds.
 */
#include "analysis_internal.h"

#include "alloc.h"

#include <string.h>

/* ORDER: acc_invariant_status. */
const char *acc_invariant_status_name(acc_invariant_status s)
{
    static const char *const names[] = { "proven", "violated", "unknown" };
    return (unsigned)s < 3 ? names[s] : "?";
}

/* ORDER: acc_rule_status. */
const char *acc_rule_status_name(acc_rule_status s)
{
    static const char *const names[] = { "ok", "dead", "redundant", "unknown" };
    return (unsigned)s < 4 ? names[s] : "?";
}

/*
 * The disjunction of the conditions of the rules of `kind` with forbid == `forbid`, except
 * rule `skip`, leaving out the rules that can never hold together with rule `skip` (their
 * boxes do not meet). Every query below requires rule `skip`'s condition, under which
 * those rules are false: the answer and every model stay the same, and at 1,000 rules a
 * query holds a few dozen conditions instead of hundreds.
 */
static Z3_ast rules_or(smt_enc *enc, const acc_box_set *boxes, acc_kind kind, bool forbid,
                       uint32_t skip)
{
    const acc_ruleset *rs = enc->space->views[0].rs;
    Z3_ast *args = acc_malloc((rs->n_rules + 1) * sizeof *args);
    if (!args)
        return smt_enc_oom(enc);
    unsigned n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        if (i != skip && rs->rules[i].kind == kind && rs->rules[i].forbid == forbid &&
            acc_box_set_meet(boxes, i, skip))
            args[n++] = enc->vt[0].rule[i];
    Z3_ast r = smt_enc_or(enc, n, args);
    acc_free(args);
    return r;
}

/*
 * Marks the rules that fire on the model's event: every forbid whose condition holds, and
 * every permit whose condition holds when no forbid's does. The event's rules are found
 * by the concrete evaluator (the meaning the encoding must agree with) rather than by
 * asking the model for each rule's value: with hundreds of rules of one kind, those model
 * evaluations cost more than the queries themselves.
 */
static void mark_alive(const smt_enc *enc, const smt_point *pt, acc_recheck *rc, bool *alive)
{
    acc_recheck_eval(rc, enc->space, &enc->space->views[0], pt);
    for (size_t i = 0; i < rc->verdict.n_forbids; i++)
        alive[rc->verdict.forbids[i]] = true;
    for (size_t i = 0; rc->verdict.n_forbids == 0 && i < rc->verdict.n_permits; i++)
        alive[rc->verdict.permits[i]] = true;
}

/*
 * Status of rule i (see the file comment). The redundancy query comes first: sat means
 * ok in one query (a dead rule cannot decide anything). Only when it is unsat does the
 * dead query tell dead from redundant, and not even then when a model of an earlier
 * query showed the rule firing (alive[i]).
 */
static int classify_rule(acc_rule_result *out, acc_result_mem *m, smt_enc *enc,
                         const acc_box_set *boxes, uint32_t i, bool *alive, smt_point *pt,
                         acc_recheck *rc)
{
    const acc_ruleset *rs = enc->space->views[0].rs;
    const acc_rule *r = &rs->rules[i];
    const smt_view_terms *t = &enc->vt[0];
    acc_kind k = r->kind;
    int st = acc_rule_ref_make(&out->rule, m, rs, i);
    out->kind = k;
    if (st != ACC_OK)
        return st;
    size_t mark = smt_enc_mark(enc);
    Z3_ast lit = t->rule[i];
    Z3_ast no_forbid = smt_enc_not(enc, rules_or(enc, boxes, k, true, i));
    Z3_ast red[5] = { t->assume[k], t->dom[k], lit,
                      r->forbid ? rules_or(enc, boxes, k, false, i) : no_forbid,
                      smt_enc_not(enc, rules_or(enc, boxes, k, r->forbid, i)) };
    smt_answer ans;
    st = smt_enc_check(enc, smt_enc_and(enc, 5, red), k, &ans, pt, NULL);
    if (st == ACC_OK && ans == SMT_SAT) {
        out->status = ACC_RULE_OK;
        mark_alive(enc, pt, rc, alive);
    } else if (st == ACC_OK && ans == SMT_UNSAT && alive[i]) {
        out->status = ACC_RULE_REDUNDANT;
    } else if (st == ACC_OK && ans == SMT_UNSAT) {
        Z3_ast dead[4] = { t->assume[k], t->dom[k], lit, no_forbid };
        st = smt_enc_check(enc, smt_enc_and(enc, r->forbid ? 3 : 4, dead), k, &ans, pt, NULL);
        if (st == ACC_OK && ans != SMT_UNKNOWN)
            out->status = ans == SMT_UNSAT ? ACC_RULE_DEAD : ACC_RULE_REDUNDANT;
        if (st == ACC_OK && ans == SMT_SAT)
            mark_alive(enc, pt, rc, alive);
    }
    if (st == ACC_OK && ans == SMT_UNKNOWN) {
        out->status = ACC_RULE_UNKNOWN;
        out->reason = acc_result_strdup(m, enc->reason);
        st = out->reason ? ACC_OK : ACC_ENOMEM;
    }
    smt_enc_release(enc, mark);
    return st;
}

static int fill_header(acc_check_result *r, const acc_ruleset *rs)
{
    r->rules = acc_result_strdup(r->mem, rs->name);
    r->n_files = rs->n_sources;
    r->files = acc_result_alloc(r->mem, (rs->n_sources + 1) * sizeof *r->files);
    if (!r->rules || !r->files)
        return ACC_ENOMEM;
    for (uint32_t i = 0; i < rs->n_sources; i++)
        if (!(r->files[i] = acc_result_strdup(r->mem, rs->sources[i].path ? rs->sources[i].path
                                                                         : "")))
            return ACC_ENOMEM;
    return ACC_OK;
}

int acc_check(acc_check_result **out, const acc_ruleset *rs, const acc_analysis_options *opts,
              const acc_diag_sink *sink)
{
    static const acc_analysis_options defaults = { 0 };
    if (!opts)
        opts = &defaults;
    *out = NULL;
    if (!rs)
        return ACC_EUSAGE;
    smt_space space;
    smt_enc enc;
    bool have_space = false, *alive = NULL, have_pt = false, have_rc = false;
    smt_point pt;
    acc_recheck rc;
    acc_box_set *boxes = NULL;
    memset(&enc, 0, sizeof enc);
    acc_check_result *r = acc_calloc(1, sizeof *r);
    int st = r && (r->mem = acc_result_mem_new()) ? ACC_OK : ACC_ENOMEM;
    if (st == ACC_OK)
        st = fill_header(r, rs);
    if (st == ACC_OK && (st = smt_space_init_check(&space, rs)) == ACC_OK)
        have_space = true;
    if (st == ACC_OK)
        st = smt_enc_init(&enc, &space, opts->timeout_ms);
    if (st != ACC_OK)
        goto done;
    r->n_invariants = rs->n_invariants;
    r->invariants = acc_result_alloc(r->mem, (rs->n_invariants + 1) * sizeof *r->invariants);
    if (!r->invariants) {
        st = ACC_ENOMEM;
        goto done;
    }
    for (uint32_t i = 0; i < rs->n_invariants && st == ACC_OK; i++) {
        acc_invariant_result *ir = &r->invariants[i];
        st = acc_check_invariant(ir, r->mem, &enc, 0, 0, &rs->invariants[i], i, sink);
        r->n_proven += ir->status == ACC_INV_PROVEN;
        r->n_violated += ir->status == ACC_INV_VIOLATED;
        r->n_unknown += ir->status == ACC_INV_UNKNOWN;
    }
    if (st != ACC_OK || opts->skip_rules_report)
        goto done;
    r->n_rules_report = rs->n_rules;
    r->rules_report = acc_result_alloc(r->mem, (rs->n_rules + 1) * sizeof *r->rules_report);
    if (!r->rules_report) {
        st = ACC_ENOMEM;
        goto done;
    }
    if ((st = acc_box_set_rules(&boxes, &space, 0)) != ACC_OK)
        goto done;
    alive = acc_calloc(rs->n_rules + 1, sizeof *alive);
    have_pt = acc_point_init(&pt, &space) == ACC_OK;
    have_rc = acc_recheck_init(&rc, rs) == ACC_OK;
    if (!alive || !have_pt || !have_rc)
        st = ACC_ENOMEM;
    for (uint32_t i = 0; i < rs->n_rules && st == ACC_OK; i++) {
        acc_rule_result *rr = &r->rules_report[i];
        st = classify_rule(rr, r->mem, &enc, boxes, i, alive, &pt, &rc);
        r->n_dead += rr->status == ACC_RULE_DEAD;
        r->n_redundant += rr->status == ACC_RULE_REDUNDANT;
        r->n_rules_unknown += rr->status == ACC_RULE_UNKNOWN;
    }
done:
    acc_box_set_free(boxes);
    acc_free(alive);
    if (have_pt)
        acc_point_fini(&pt);
    if (have_rc)
        acc_recheck_fini(&rc);
    if (acc_analysis_finish(st, &enc, &space, have_space, sink) != ACC_OK) {
        acc_check_result_free(r);
        return st;
    }
    *out = r;
    return ACC_OK;
}

void acc_check_result_free(acc_check_result *r)
{
    if (!r)
        return;
    acc_result_mem_free(r->mem);
    acc_free(r);
}

int acc_check_exit_code(const acc_check_result *r, bool strict)
{
    if (r->n_violated || (strict && (r->n_dead || r->n_redundant)))
        return 1;
    return r->n_unknown || r->n_rules_unknown ? 3 : 0;
}
