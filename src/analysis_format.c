/*
 * analysis_format.c - rendering check, diff and lint results (accord/analysis.h) as text
 * for a person (a lawyer reading a plan, a CI log) and as the JSON of cli.md, plus the
 * lint result's collection of diagnostics.
 *
 * Text: one line per invariant with its status; a violation shows its witness event on
 * one line and the permit rules that let it through with file:line:col; dead and
 * redundant rules are warnings located at the rule, in compiler style. JSON: exactly the
 * fields of cli.md, plus extra fields documented in docs/design.md.
 */
#include "analysis_internal.h"

#include "alloc.h"
#include "json.h"

#include <inttypes.h>
#include <string.h>

/* ---- text ------------------------------------------------------------------------------ */

typedef struct style {
    const char *bold, *red, *green, *yellow, *magenta, *reset;
} style;

static style make_style(const acc_report_options *o)
{
    if (o && o->color)
        return (style){ "\033[1m", "\033[1;31m", "\033[1;32m", "\033[1;33m", "\033[1;35m",
                        "\033[0m" };
    return (style){ "", "", "", "", "", "" };
}

static void time_text(FILE *out, int64_t t)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(t, buf);
    fputs(buf, out);
}

void acc_witness_write_text(FILE *out, const acc_witness *w)
{
    fputs(acc_kind_name(w->kind), out);
    fputs(" time=", out);
    time_text(out, w->time);
    const char *values[ACC_FIELD_COUNT] = { NULL, w->from, w->to, w->topic, w->item,
                                            w->originator, w->level, w->decision };
    for (int f = ACC_FIELD_FROM; f < ACC_FIELD_COUNT; f++)
        if (values[f])
            fprintf(out, " %s=%s", acc_field_name((acc_field)f), values[f]);
    for (size_t i = 0; i < w->n_facts; i++)
        fprintf(out, " %s=%s", w->facts[i].name, w->facts[i].value ? "true" : "false");
}

static void location_text(FILE *out, const acc_location *l)
{
    if (l->file && l->line)
        fprintf(out, "%s:%u:%u", l->file, l->line, l->column);
    else
        fputs(l->file && *l->file ? l->file : "<rules>", out);
}

static void rule_refs_text(FILE *out, const char *label, const acc_rule_ref *r, size_t n)
{
    if (!n)
        return;
    fprintf(out, "    %s ", label);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s%s (", i ? ", " : "", r[i].name);
        location_text(out, &r[i].loc);
        fputc(')', out);
    }
    fputc('\n', out);
}

static const char *status_color(const style *s, acc_invariant_status st)
{
    return st == ACC_INV_PROVEN ? s->green : st == ACC_INV_VIOLATED ? s->red : s->yellow;
}

static void invariant_text(FILE *out, const acc_invariant_result *ir, const style *s,
                           bool quiet, const char *suffix)
{
    if (quiet && ir->status == ACC_INV_PROVEN)
        return;
    fprintf(out, "  invariant %s%s%s%s on %s: %s%s%s", s->bold, ir->name, s->reset, suffix,
            acc_kind_name(ir->kind), status_color(s, ir->status),
            acc_invariant_status_name(ir->status), s->reset);
    if (ir->status == ACC_INV_UNKNOWN)
        fprintf(out, " (%s)", ir->reason ? ir->reason : "unknown");
    fputc('\n', out);
    if (ir->status == ACC_INV_PROVEN && !quiet)
        rule_refs_text(out, "relies on", ir->relies_on, ir->n_relies_on);
    if (ir->status == ACC_INV_VIOLATED && ir->witness) {
        fputs("    at ", out);
        location_text(out, &ir->loc);
        fputs("\n    witness: ", out);
        acc_witness_write_text(out, ir->witness);
        fputc('\n', out);
        rule_refs_text(out, "permitted by", ir->witness->permitted_by,
                       ir->witness->n_permitted_by);
    }
}

static void rule_text(FILE *out, const acc_rule_result *rr, const style *s)
{
    if (rr->status == ACC_RULE_OK)
        return;
    location_text(out, &rr->rule.loc);
    switch (rr->status) {
    case ACC_RULE_DEAD:
        fprintf(out, ": %swarning:%s rule '%s' is dead: %s\n", s->magenta, s->reset,
                rr->rule.name,
                rr->rule.forbid ? "its condition never holds on an event of its kind"
                                : "it never permits an event (its condition never holds "
                                  "where no forbid rule matches)");
        break;
    case ACC_RULE_REDUNDANT:
        fprintf(out, ": %swarning:%s rule '%s' is redundant: removing it changes no "
                     "decision\n", s->magenta, s->reset, rr->rule.name);
        break;
    default:
        fprintf(out, ": %snote:%s rule '%s' could not be classified (%s)\n", s->yellow,
                s->reset, rr->rule.name, rr->reason ? rr->reason : "unknown");
        break;
    }
}

static void check_text(FILE *out, const void *result, const acc_report_options *o)
{
    const acc_check_result *r = result;
    style s = make_style(o);
    bool quiet = o && o->quiet;
    fprintf(out, "%scheck %s%s", s.bold, r->rules, s.reset);
    for (size_t i = 0; i < r->n_files; i++)
        fprintf(out, "%s%s", i ? ", " : " (", r->files[i]);
    fputs(r->n_files ? ")\n" : "\n", out);
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_text(out, &r->invariants[i], &s, quiet, "");
    for (size_t i = 0; i < r->n_rules_report; i++)
        rule_text(out, &r->rules_report[i], &s);
    fprintf(out, "  summary: %zu invariant%s: %zu proven, %zu violated, %zu unknown",
            r->n_invariants, r->n_invariants == 1 ? "" : "s", r->n_proven, r->n_violated,
            r->n_unknown);
    if (r->n_rules_report)
        fprintf(out, "; %zu rule%s: %zu ok, %zu dead, %zu redundant%s", r->n_rules_report,
                r->n_rules_report == 1 ? "" : "s",
                r->n_rules_report - r->n_dead - r->n_redundant - r->n_rules_unknown, r->n_dead,
                r->n_redundant, r->n_rules_unknown ? ", some unknown" : "");
    fputc('\n', out);
}

static void intervals_text(FILE *out, const acc_time_interval *iv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? " or " : "", out);
        if (iv[i].has_min && iv[i].has_max && iv[i].min == iv[i].max) {
            fputs("time=", out);
            time_text(out, iv[i].min);
        } else if (iv[i].has_min && iv[i].has_max) {
            fputs("time in [", out);
            time_text(out, iv[i].min);
            fputs(", ", out);
            time_text(out, iv[i].max);
            fputc(']', out);
        } else if (iv[i].has_min) {
            fputs("time>=", out);
            time_text(out, iv[i].min);
        } else if (iv[i].has_max) {
            fputs("time<=", out);
            time_text(out, iv[i].max);
        } else {
            fputs("any time", out);
        }
    }
}

static void class_text(FILE *out, const acc_diff_class *c, const char *sign, const char *by,
                       const style *s)
{
    fprintf(out, "    %s ", sign);
    if (!c->n_fields)
        fprintf(out, "every %s", acc_kind_name(c->kind));
    for (size_t i = 0; i < c->n_fields; i++) {
        const acc_class_field *f = &c->fields[i];
        fputs(i ? " " : "", out);
        if (f->fact) {
            fprintf(out, "%s=%s", f->fact, f->fact_value ? "true" : "false");
        } else if (f->field == ACC_FIELD_TIME) {
            intervals_text(out, f->intervals, f->n_intervals);
        } else {
            fprintf(out, "%s=", acc_field_name(f->field));
            if (f->n_values != 1)
                fputc('{', out);
            for (size_t k = 0; k < f->n_values; k++)
                fprintf(out, "%s%s", k ? "," : "", f->values[k]);
            if (f->n_values != 1)
                fputc('}', out);
        }
    }
    fputc('\n', out);
    rule_refs_text(out, by, c->rules, c->n_rules);
    rule_refs_text(out, "blocked by", c->witness.forbidden_by, c->witness.n_forbidden_by);
    fputs("    e.g. ", out);
    acc_witness_write_text(out, &c->witness);
    fputc('\n', out);
    (void)s;
}

static void diff_list_text(FILE *out, const acc_diff_class *cs, size_t n, acc_kind kind,
                           const char *title, const char *sign, const char *by, const style *s)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += cs[i].kind == kind;
    if (!count)
        return;
    fprintf(out, "  %s%s %s%s (%zu class%s):\n", s->bold, acc_kind_name(kind), title, s->reset,
            count, count == 1 ? "" : "es");
    for (size_t i = 0; i < n; i++)
        if (cs[i].kind == kind)
            class_text(out, &cs[i], sign, by, s);
}

static void diff_text(FILE *out, const void *result, const acc_report_options *o)
{
    const acc_diff_result *r = result;
    style s = make_style(o);
    bool quiet = o && o->quiet;
    fprintf(out, "%sdiff %s -> %s%s\n", s.bold, r->old_name, r->new_name, s.reset);
    if (r->equivalent)
        fputs("  equivalent: no event is newly permitted or newly forbidden\n", out);
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        diff_list_text(out, r->newly_permitted, r->n_newly_permitted, (acc_kind)k,
                       "newly permitted", "+", "permitted by", &s);
        diff_list_text(out, r->newly_forbidden, r->n_newly_forbidden, (acc_kind)k,
                       "newly forbidden", "-", "was permitted by", &s);
    }
    if (r->n_invariants)
        fprintf(out, "  invariants under %s:\n", r->new_name);
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_text(out, &r->invariants[i], &s, quiet,
                       r->invariants[i].from_old ? " (of the old rules, removed or replaced)"
                                                 : "");
    fprintf(out, "  summary: %zu newly permitted class%s, %zu newly forbidden class%s",
            r->n_newly_permitted, r->n_newly_permitted == 1 ? "" : "es", r->n_newly_forbidden,
            r->n_newly_forbidden == 1 ? "" : "es");
    size_t violated = 0;
    for (size_t i = 0; i < r->n_invariants; i++)
        violated += r->invariants[i].status == ACC_INV_VIOLATED && !r->invariants[i].from_old;
    fprintf(out, "; %zu invariant%s of %s violated", violated, violated == 1 ? "" : "s",
            r->new_name);
    if (r->n_unknown)
        fprintf(out, "; %zu quer%s unknown (%s)", r->n_unknown, r->n_unknown == 1 ? "y" : "ies",
                r->unknown_reason ? r->unknown_reason : "unknown");
    fputc('\n', out);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void json_time(acc_json *j, int64_t t)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(t, buf);
    acc_json_string(j, buf);
}

static void json_witness(acc_json *j, const acc_witness *w)
{
    if (!w) {
        acc_json_null(j);
        return;
    }
    acc_json_object_begin(j);
    acc_json_key(j, "kind");
    acc_json_string(j, acc_kind_name(w->kind));
    acc_json_key(j, "time");
    json_time(j, w->time);
    const char *values[ACC_FIELD_COUNT] = { NULL, w->from, w->to, w->topic, w->item,
                                            w->originator, w->level, w->decision };
    for (int f = ACC_FIELD_FROM; f < ACC_FIELD_COUNT; f++)
        if (values[f]) {
            acc_json_key(j, acc_field_name((acc_field)f));
            acc_json_string(j, values[f]);
        }
    for (size_t i = 0; i < w->n_facts; i++) {
        acc_json_key(j, w->facts[i].name);
        acc_json_bool(j, w->facts[i].value);
    }
    acc_json_object_end(j);
}

static void json_location(acc_json *j, const acc_location *l)
{
    acc_json_key(j, "file");
    acc_json_string(j, l->file);
    acc_json_key(j, "line");
    acc_json_int(j, l->line);
    acc_json_key(j, "column");
    acc_json_int(j, l->column);
}

static void json_rule_refs(acc_json *j, const char *key, const acc_rule_ref *r, size_t n)
{
    acc_json_key(j, key);
    acc_json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        acc_json_object_begin(j);
        acc_json_key(j, "name");
        acc_json_string(j, r[i].name);
        json_location(j, &r[i].loc);
        acc_json_object_end(j);
    }
    acc_json_array_end(j);
}

static void json_rule_names(acc_json *j, const char *key, const acc_rule_ref *r, size_t n)
{
    acc_json_key(j, key);
    acc_json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        acc_json_string(j, r[i].name);
    acc_json_array_end(j);
}

static void json_invariant(acc_json *j, const acc_invariant_result *ir, bool with_source)
{
    acc_json_object_begin(j);
    acc_json_key(j, "name");
    acc_json_string(j, ir->name);
    if (with_source) {
        acc_json_key(j, "source");
        acc_json_string(j, ir->from_old ? "old" : "new");
    }
    acc_json_key(j, "kind");
    acc_json_string(j, acc_kind_name(ir->kind));
    acc_json_key(j, "status");
    acc_json_string(j, acc_invariant_status_name(ir->status));
    acc_json_key(j, "witness");
    json_witness(j, ir->witness);
    json_rule_refs(j, "permitted_by", ir->witness ? ir->witness->permitted_by : NULL,
                   ir->witness ? ir->witness->n_permitted_by : 0);
    json_rule_names(j, "relies_on", ir->relies_on, ir->n_relies_on);
    acc_json_key(j, "reason");
    acc_json_string(j, ir->reason);
    acc_json_key(j, "citation");
    acc_json_string(j, ir->citation);
    json_location(j, &ir->loc);
    acc_json_object_end(j);
}

static void json_check_body(acc_json *j, const acc_check_result *r)
{
    acc_json_key(j, "invariants");
    acc_json_array_begin(j);
    for (size_t i = 0; i < r->n_invariants; i++)
        json_invariant(j, &r->invariants[i], false);
    acc_json_array_end(j);
    acc_json_key(j, "rules_report");
    acc_json_array_begin(j);
    for (size_t i = 0; i < r->n_rules_report; i++) {
        const acc_rule_result *rr = &r->rules_report[i];
        acc_json_object_begin(j);
        acc_json_key(j, "name");
        acc_json_string(j, rr->rule.name);
        acc_json_key(j, "status");
        acc_json_string(j, acc_rule_status_name(rr->status));
        acc_json_key(j, "kind");
        acc_json_string(j, acc_kind_name(rr->kind));
        acc_json_key(j, "effect");
        acc_json_string(j, rr->rule.forbid ? "forbid" : "permit");
        acc_json_key(j, "reason");
        acc_json_string(j, rr->reason);
        json_location(j, &rr->rule.loc);
        acc_json_object_end(j);
    }
    acc_json_array_end(j);
}

static void json_files(acc_json *j, const acc_check_result *r)
{
    acc_json_key(j, "files");
    acc_json_array_begin(j);
    for (size_t i = 0; i < r->n_files; i++)
        acc_json_string(j, r->files[i]);
    acc_json_array_end(j);
}

static void check_json(FILE *out, const void *result)
{
    const acc_check_result *r = result;
    acc_json j;
    acc_json_init(&j, out, 2);
    acc_json_object_begin(&j);
    acc_json_key(&j, "command");
    acc_json_string(&j, "check");
    acc_json_key(&j, "rules");
    acc_json_string(&j, r->rules);
    json_files(&j, r);
    json_check_body(&j, r);
    acc_json_key(&j, "summary");
    acc_json_object_begin(&j);
    acc_json_key(&j, "proven");
    acc_json_int(&j, (int64_t)r->n_proven);
    acc_json_key(&j, "violated");
    acc_json_int(&j, (int64_t)r->n_violated);
    acc_json_key(&j, "unknown");
    acc_json_int(&j, (int64_t)(r->n_unknown + r->n_rules_unknown));
    acc_json_key(&j, "dead");
    acc_json_int(&j, (int64_t)r->n_dead);
    acc_json_key(&j, "redundant");
    acc_json_int(&j, (int64_t)r->n_redundant);
    acc_json_object_end(&j);
    acc_json_object_end(&j);
    acc_json_finish(&j);
}

static void json_class(acc_json *j, const acc_diff_class *c, const char *rules_key)
{
    acc_json_object_begin(j);
    acc_json_key(j, "kind");
    acc_json_string(j, acc_kind_name(c->kind));
    acc_json_key(j, "class");
    acc_json_object_begin(j);
    for (size_t i = 0; i < c->n_fields; i++) {
        const acc_class_field *f = &c->fields[i];
        acc_json_key(j, f->fact ? f->fact : acc_field_name(f->field));
        acc_json_array_begin(j);
        if (f->fact) {
            acc_json_bool(j, f->fact_value);
        } else if (f->field == ACC_FIELD_TIME) {
            for (size_t k = 0; k < f->n_intervals; k++) {
                acc_json_object_begin(j);
                acc_json_key(j, "min");
                if (f->intervals[k].has_min)
                    json_time(j, f->intervals[k].min);
                else
                    acc_json_null(j);
                acc_json_key(j, "max");
                if (f->intervals[k].has_max)
                    json_time(j, f->intervals[k].max);
                else
                    acc_json_null(j);
                acc_json_object_end(j);
            }
        } else {
            for (size_t k = 0; k < f->n_values; k++)
                acc_json_string(j, f->values[k]);
        }
        acc_json_array_end(j);
    }
    acc_json_object_end(j);
    acc_json_key(j, "witness");
    json_witness(j, &c->witness);
    json_rule_names(j, "rules", c->rules, c->n_rules);
    json_rule_refs(j, rules_key, c->rules, c->n_rules);
    json_rule_refs(j, "blocked_by", c->witness.forbidden_by, c->witness.n_forbidden_by);
    acc_json_object_end(j);
}

static void diff_json(FILE *out, const void *result)
{
    const acc_diff_result *r = result;
    acc_json j;
    acc_json_init(&j, out, 2);
    acc_json_object_begin(&j);
    acc_json_key(&j, "command");
    acc_json_string(&j, "diff");
    acc_json_key(&j, "old");
    acc_json_string(&j, r->old_name);
    acc_json_key(&j, "new");
    acc_json_string(&j, r->new_name);
    acc_json_key(&j, "equivalent");
    acc_json_bool(&j, r->equivalent);
    acc_json_key(&j, "newly_permitted");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_newly_permitted; i++)
        json_class(&j, &r->newly_permitted[i], "rule_locations");
    acc_json_array_end(&j);
    acc_json_key(&j, "newly_forbidden");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_newly_forbidden; i++)
        json_class(&j, &r->newly_forbidden[i], "rule_locations");
    acc_json_array_end(&j);
    acc_json_key(&j, "invariants");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_invariants; i++)
        json_invariant(&j, &r->invariants[i], true);
    acc_json_array_end(&j);
    acc_json_key(&j, "unknown");
    acc_json_int(&j, (int64_t)r->n_unknown);
    acc_json_key(&j, "unknown_reason");
    acc_json_string(&j, r->unknown_reason);
    acc_json_object_end(&j);
    acc_json_finish(&j);
}

static void lint_json(FILE *out, const acc_lint_result *r)
{
    acc_json j;
    acc_json_init(&j, out, 2);
    acc_json_object_begin(&j);
    acc_json_key(&j, "command");
    acc_json_string(&j, "lint");
    acc_json_key(&j, "diagnostics");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_diags; i++) {
        const acc_diag *d = &r->diags[i];
        acc_json_object_begin(&j);
        acc_json_key(&j, "severity");
        acc_json_string(&j, acc_severity_name(d->severity));
        acc_json_key(&j, "file");
        acc_json_string(&j, d->file);
        acc_json_key(&j, "line");
        if (d->line)
            acc_json_int(&j, d->line);
        else
            acc_json_null(&j);
        acc_json_key(&j, "column");
        if (d->line)
            acc_json_int(&j, d->column);
        else
            acc_json_null(&j);
        acc_json_key(&j, "message");
        acc_json_string(&j, d->message);
        acc_json_object_end(&j);
    }
    acc_json_array_end(&j);
    acc_json_key(&j, "rule_sets");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_rule_sets; i++) {
        const acc_check_result *c = r->rule_sets[i];
        acc_json_object_begin(&j);
        acc_json_key(&j, "name");
        acc_json_string(&j, c->rules);
        json_files(&j, c);
        json_check_body(&j, c);
        acc_json_object_end(&j);
    }
    acc_json_array_end(&j);
    acc_json_object_end(&j);
    acc_json_finish(&j);
}

/* ---- entry points ---------------------------------------------------------------------- */

static int finish(FILE *out)
{
    return ferror(out) ? ACC_EIO : ACC_OK;
}

static bool format_ok(const acc_report_options *o)
{
    return !o || o->format == ACC_FORMAT_TEXT || o->format == ACC_FORMAT_JSON;
}

/* Renders r with the JSON or the text renderer that opts asks for. */
static int render(FILE *out, const void *r, const acc_report_options *opts,
                  void (*json)(FILE *, const void *),
                  void (*text)(FILE *, const void *, const acc_report_options *))
{
    if (!format_ok(opts) || !r)
        return ACC_EUSAGE;
    if (opts && opts->format == ACC_FORMAT_JSON)
        json(out, r);
    else
        text(out, r, opts);
    return finish(out);
}

int acc_check_write(FILE *out, const acc_check_result *r, const acc_report_options *opts)
{
    return render(out, r, opts, check_json, check_text);
}

int acc_diff_write(FILE *out, const acc_diff_result *r, const acc_report_options *opts)
{
    return render(out, r, opts, diff_json, diff_text);
}

int acc_lint_write(FILE *out, const acc_lint_result *r, const acc_report_options *opts)
{
    if (!format_ok(opts) || !r)
        return ACC_EUSAGE;
    if (opts && opts->format == ACC_FORMAT_JSON) {
        lint_json(out, r);
        return finish(out);
    }
    for (size_t i = 0; i < r->n_diags; i++)
        acc_report_diag_text(out, &r->diags[i], opts && opts->color);
    for (size_t i = 0; i < r->n_rule_sets; i++)
        check_text(out, r->rule_sets[i], opts);
    size_t warnings = r->n_warnings;        /* diagnostics, then dead and redundant rules */
    for (size_t i = 0; i < r->n_rule_sets; i++)
        warnings += r->rule_sets[i]->n_dead + r->rule_sets[i]->n_redundant;
    fprintf(out, "lint: %zu error%s, %zu warning%s, %zu rule set%s analysed\n", r->n_errors,
            r->n_errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", r->n_rule_sets,
            r->n_rule_sets == 1 ? "" : "s");
    return finish(out);
}

/* ---- lint results ---------------------------------------------------------------------- */

int acc_lint_new(acc_lint_result **out)
{
    *out = acc_calloc(1, sizeof **out);
    if (!*out)
        return ACC_ENOMEM;
    if (!((*out)->mem = acc_result_mem_new())) {
        acc_free(*out);
        *out = NULL;
        return ACC_ENOMEM;
    }
    return ACC_OK;
}

static void lint_receive(void *payload, const acc_diag *d)
{
    acc_lint_result *r = payload;
    if (acc_lint_add_diag(r, d) != ACC_OK)
        r->failed_alloc = true;
}

acc_diag_sink acc_lint_diag_sink(acc_lint_result *r)
{
    return (acc_diag_sink){ lint_receive, r };
}

static void *grow(void *p, size_t n, size_t elem)
{
    /* arrays grow in powers of two: n is the count before the append */
    if (n & (n - 1) && n >= 8)
        return p;
    return acc_realloc(p, (n < 8 ? 8 : n * 2) * elem);
}

int acc_lint_add_diag(acc_lint_result *r, const acc_diag *d)
{
    acc_diag *nd = grow(r->diags, r->n_diags, sizeof *nd);
    if (!nd)
        return ACC_ENOMEM;
    r->diags = nd;
    acc_diag c = *d;
    c.file = d->file ? acc_result_strdup(r->mem, d->file) : NULL;
    c.message = acc_result_strdup(r->mem, d->message ? d->message : "");
    char *line = d->source_line ? acc_result_alloc(r->mem, d->source_line_len + 1) : NULL;
    if ((d->file && !c.file) || !c.message || (d->source_line && !line))
        return ACC_ENOMEM;
    if (line)
        memcpy(line, d->source_line, d->source_line_len);
    c.source_line = line;
    r->diags[r->n_diags++] = c;
    r->n_errors += d->severity == ACC_SEV_ERROR;
    r->n_warnings += d->severity == ACC_SEV_WARNING;
    return ACC_OK;
}

int acc_lint_add_rule_set(acc_lint_result *r, acc_check_result *check)
{
    acc_check_result **nr = grow(r->rule_sets, r->n_rule_sets, sizeof *nr);
    if (!nr) {
        acc_check_result_free(check);
        return ACC_ENOMEM;
    }
    r->rule_sets = nr;
    r->rule_sets[r->n_rule_sets++] = check;
    return ACC_OK;
}

void acc_lint_result_free(acc_lint_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rule_sets; i++)
        acc_check_result_free(r->rule_sets[i]);
    acc_free(r->rule_sets);
    acc_free(r->diags);
    acc_result_mem_free(r->mem);
    acc_free(r);
}

int acc_lint_exit_code(const acc_lint_result *r, bool strict)
{
    if (r->n_errors || r->failed_alloc)
        return 2;
    bool failed = strict && r->n_warnings, unknown = false;
    for (size_t i = 0; i < r->n_rule_sets; i++) {
        int code = acc_check_exit_code(r->rule_sets[i], strict);
        unknown |= code == 3;
        const acc_check_result *c = r->rule_sets[i];
        failed |= c->n_violated > 0 || (strict && (c->n_dead || c->n_redundant));
    }
    return failed ? 1 : unknown ? 3 : 0;
}
