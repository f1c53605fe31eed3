/*
 * audit_format.c - rendering an audit result as text or JSON (accord/audit.h).
 *
 * JSON is cli.md's `audit` object: its fields are a contract (more may be added, none
 * renamed). Text is for an auditor reading top-down: what was audited and the summary
 * first (entries, period, findings by code and by rule, chain), then one line per
 * finding in the style of a compiler, then the verdict changes of a baseline run.
 */
#include "accord/audit.h"

#include "json.h"

#include <inttypes.h>

#define RED "\033[1;31m"
#define YELLOW "\033[1;33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static const char *chain_name(acc_chain_status s)
{
    switch (s) {
    case ACC_CHAIN_VERIFIED: return "verified";
    case ACC_CHAIN_BROKEN: return "broken";
    case ACC_CHAIN_ABSENT: break;
    }
    return "absent";
}

static const char *verdict_name(bool permitted)
{
    return permitted ? "permitted" : "denied";
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_uint_or_null(acc_json *j, const char *key, uint64_t v)
{
    acc_json_key(j, key);
    if (v)
        acc_json_int(j, (int64_t)v);
    else
        acc_json_null(j);
}

static void json_time(acc_json *j, const char *key, bool has, int64_t t)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_json_key(j, key);
    if (!has) {
        acc_json_null(j);
        return;
    }
    acc_time_format(t, buf);
    acc_json_string(j, buf);
}

static void json_finding(acc_json *j, const acc_finding *f)
{
    acc_json_object_begin(j);
    acc_json_key(j, "code");
    acc_json_string(j, acc_finding_code_name(f->code));
    acc_json_key(j, "severity");
    acc_json_string(j, acc_severity_name(f->severity));
    acc_json_key(j, "file");
    acc_json_string(j, f->file);
    json_uint_or_null(j, "line", f->line);
    json_uint_or_null(j, "column", f->column);
    json_uint_or_null(j, "seq", f->has_entry ? (uint64_t)f->seq : 0);
    acc_json_key(j, "id");
    acc_json_string(j, f->has_entry ? f->id : NULL);
    acc_json_key(j, "kind");
    acc_json_string(j, f->has_entry && f->kind >= 0 ? acc_kind_name((acc_kind)f->kind) : NULL);
    acc_json_key(j, "rule");
    acc_json_string(j, f->rule);
    acc_json_key(j, "message");
    acc_json_string(j, f->message);
    acc_json_object_end(j);
}

static void json_change(acc_json *j, const acc_verdict_change *c)
{
    acc_json_object_begin(j);
    acc_json_key(j, "file");
    acc_json_string(j, c->file);
    json_uint_or_null(j, "line", c->line);
    json_uint_or_null(j, "seq", (uint64_t)c->seq);
    acc_json_key(j, "id");
    acc_json_string(j, c->id);
    acc_json_key(j, "kind");
    acc_json_string(j, acc_kind_name(c->kind));
    acc_json_key(j, "old");
    acc_json_string(j, verdict_name(c->old_permitted));
    acc_json_key(j, "new");
    acc_json_string(j, verdict_name(c->new_permitted));
    acc_json_object_end(j);
}

static void json_summary(acc_json *j, const acc_audit_result *r)
{
    acc_json_key(j, "summary");
    acc_json_object_begin(j);
    acc_json_key(j, "entries");
    acc_json_int(j, (int64_t)r->entries);
    acc_json_key(j, "findings");
    acc_json_int(j, (int64_t)r->n_findings_total);
    acc_json_key(j, "errors");
    acc_json_int(j, (int64_t)r->by_severity[ACC_SEV_ERROR]);
    acc_json_key(j, "warnings");
    acc_json_int(j, (int64_t)r->by_severity[ACC_SEV_WARNING]);
    acc_json_key(j, "judged");
    acc_json_int(j, (int64_t)r->judged);
    acc_json_key(j, "permitted");
    acc_json_int(j, (int64_t)r->permitted);
    acc_json_key(j, "findings_listed");
    acc_json_int(j, (int64_t)r->n_findings);
    acc_json_key(j, "complete");
    acc_json_bool(j, !r->stopped);
    acc_json_key(j, "period");
    acc_json_object_begin(j);
    json_time(j, "min", r->has_period, r->period_min);
    json_time(j, "max", r->has_period, r->period_max);
    acc_json_object_end(j);
    acc_json_key(j, "by_code");
    acc_json_object_begin(j);
    for (int c = 0; c < ACC_FINDING_COUNT; c++)
        if (r->by_code[c]) {
            acc_json_key(j, acc_finding_code_name((acc_finding_code)c));
            acc_json_int(j, (int64_t)r->by_code[c]);
        }
    acc_json_object_end(j);
    acc_json_key(j, "by_rule");
    acc_json_array_begin(j);
    for (size_t i = 0; i < r->n_by_rule; i++) {
        acc_json_object_begin(j);
        acc_json_key(j, "rule");
        acc_json_string(j, r->by_rule[i].rule);
        acc_json_key(j, "code");
        acc_json_string(j, acc_finding_code_name(r->by_rule[i].code));
        acc_json_key(j, "findings");
        acc_json_int(j, (int64_t)r->by_rule[i].count);
        acc_json_object_end(j);
    }
    acc_json_array_end(j);
    acc_json_key(j, "chain");
    acc_json_object_begin(j);
    acc_json_key(j, "status");
    acc_json_string(j, chain_name(r->chain));
    acc_json_key(j, "last_digest");
    acc_json_string(j, r->last_digest[0] ? r->last_digest : NULL);
    acc_json_key(j, "head_checked");
    acc_json_bool(j, r->chain_head_checked);
    acc_json_key(j, "head_matched");
    if (r->chain_head_checked)
        acc_json_bool(j, r->chain_head_matched);
    else
        acc_json_null(j);
    acc_json_object_end(j);
    acc_json_object_end(j);
}

static void render_json(FILE *out, const acc_audit_result *r)
{
    acc_json j;
    acc_json_init(&j, out, 2);
    acc_json_object_begin(&j);
    acc_json_key(&j, "command");
    acc_json_string(&j, "audit");
    acc_json_key(&j, "rules");
    acc_json_string(&j, r->rules);
    if (r->baseline) {
        acc_json_key(&j, "baseline");
        acc_json_string(&j, r->baseline);
    }
    acc_json_key(&j, "files");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_files; i++) {
        acc_json_object_begin(&j);
        acc_json_key(&j, "file");
        acc_json_string(&j, r->files[i].file);
        acc_json_key(&j, "entries");
        acc_json_int(&j, (int64_t)r->files[i].entries);
        acc_json_key(&j, "complete");
        acc_json_bool(&j, r->files[i].complete);
        acc_json_object_end(&j);
    }
    acc_json_array_end(&j);
    acc_json_key(&j, "findings");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_findings; i++)
        json_finding(&j, &r->findings[i]);
    acc_json_array_end(&j);
    if (r->baseline) {
        acc_json_key(&j, "verdict_changes");
        acc_json_array_begin(&j);
        for (size_t i = 0; i < r->n_changes; i++)
            json_change(&j, &r->changes[i]);
        acc_json_array_end(&j);
    }
    json_summary(&j, r);
    acc_json_object_end(&j);
    acc_json_finish(&j);
}

/* ---- Text ------------------------------------------------------------------------- */

static void location(FILE *out, const char *file, unsigned line, unsigned column, bool color)
{
    fprintf(out, "%s%s", color ? BOLD : "", file ? file : "?");
    if (line)
        fprintf(out, ":%u:%u", line, column);
    fprintf(out, ":%s ", color ? RESET : "");
}

void acc_audit_render_finding_text(FILE *out, const acc_finding *f, bool color)
{
    location(out, f->file, f->line, f->column, color);
    bool warn = f->severity == ACC_SEV_WARNING;
    fprintf(out, "%s%s:%s [%s] %s", color ? (warn ? YELLOW : RED) : "",
            acc_severity_name(f->severity), color ? RESET : "", acc_finding_code_name(f->code),
            f->message);
    if (f->has_entry || f->rule) {
        const char *sep = " (";
        if (f->has_entry && f->seq) {
            fprintf(out, "%sseq %" PRId64, sep, f->seq);
            sep = ", ";
        }
        if (f->has_entry && f->id) {
            fprintf(out, "%sid %s", sep, f->id);
            sep = ", ";
        }
        if (f->rule) {
            fprintf(out, "%srule %s", sep, f->rule);
            sep = ", ";
        }
        if (sep[0] == ',')
            fputc(')', out);
    }
    fputc('\n', out);
}

static void text_summary(FILE *out, const acc_audit_result *r)
{
    fprintf(out, "audit of %zu log file%s under %s", r->n_files, r->n_files == 1 ? "" : "s",
            r->rules);
    if (r->baseline)
        fprintf(out, " (baseline %s)", r->baseline);
    fputc('\n', out);
    for (size_t i = 0; i < r->n_files; i++)
        fprintf(out, "  %s: %" PRIu64 " entr%s%s\n", r->files[i].file, r->files[i].entries,
                r->files[i].entries == 1 ? "y" : "ies",
                r->files[i].complete ? "" : " (incomplete: not read to the end)");
    fprintf(out, "entries:  %" PRIu64 " (%" PRIu64 " judged: %" PRIu64 " permitted, %" PRIu64
                 " denied)\n", r->entries, r->judged, r->permitted, r->judged - r->permitted);
    if (r->has_period) {
        char a[ACC_TIME_TEXT_LEN + 1], b[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(r->period_min, a);
        acc_time_format(r->period_max, b);
        fprintf(out, "period:   %s .. %s\n", a, b);
    } else {
        fprintf(out, "period:   none (no entry with a valid time)\n");
    }
    fprintf(out, "chain:    %s", chain_name(r->chain));
    if (r->chain != ACC_CHAIN_ABSENT && r->last_digest[0])
        fprintf(out, ", last digest %s", r->last_digest);
    if (r->chain_head_checked)
        fprintf(out, "; --chain-head %s", r->chain_head_matched ? "matches" : "does NOT match");
    else if (r->stopped)
        fprintf(out, "; audit stopped early, chain head not checked");
    fputc('\n', out);
    fprintf(out, "findings: %" PRIu64 " (%" PRIu64 " error%s, %" PRIu64 " warning%s)\n",
            r->n_findings_total, r->by_severity[ACC_SEV_ERROR],
            r->by_severity[ACC_SEV_ERROR] == 1 ? "" : "s", r->by_severity[ACC_SEV_WARNING],
            r->by_severity[ACC_SEV_WARNING] == 1 ? "" : "s");
    for (int c = 0; c < ACC_FINDING_COUNT; c++)
        if (r->by_code[c])
            fprintf(out, "  %-14s %" PRIu64 "\n", acc_finding_code_name((acc_finding_code)c),
                    r->by_code[c]);
    if (r->n_by_rule) {
        fprintf(out, "by rule:\n");
        for (size_t i = 0; i < r->n_by_rule; i++)
            fprintf(out, "  %-24s %-10s %" PRIu64 "\n", r->by_rule[i].rule,
                    acc_finding_code_name(r->by_rule[i].code), r->by_rule[i].count);
    }
    if (r->baseline)
        fprintf(out, "verdict changes: %" PRIu64 "\n", r->n_changes_total);
    if (r->stopped)
        fprintf(out, "the audit stopped early: %s\n",
                r->malformed ? "malformed XML" : "the log's root cannot be audited");
}

static void render_text(FILE *out, const acc_audit_result *r, const acc_report_options *o)
{
    text_summary(out, r);
    if (r->n_findings)
        fputc('\n', out);
    for (size_t i = 0; i < r->n_findings; i++) {
        const acc_finding *f = &r->findings[i];
        if (o->quiet && f->severity != ACC_SEV_ERROR)
            continue;
        acc_audit_render_finding_text(out, f, o->color);
    }
    if (r->findings_truncated)
        fprintf(out, "(%zu of %" PRIu64 " findings listed)\n", r->n_findings,
                r->n_findings_total);
    if (r->baseline && r->n_changes) {
        fprintf(out, "\nverdict changes (%s -> %s):\n", r->baseline, r->rules);
        for (size_t i = 0; i < r->n_changes; i++) {
            const acc_verdict_change *c = &r->changes[i];
            location(out, c->file, c->line, c->column, o->color);
            fprintf(out, "%s", acc_kind_name(c->kind));
            if (c->seq)
                fprintf(out, " seq %" PRId64, c->seq);
            if (c->id)
                fprintf(out, " id %s", c->id);
            fprintf(out, ": %s -> %s\n", verdict_name(c->old_permitted),
                    verdict_name(c->new_permitted));
        }
    }
}

int acc_audit_render(FILE *out, const acc_audit_result *r, const acc_report_options *opt)
{
    switch (opt->format) {
    case ACC_FORMAT_JSON:
        render_json(out, r);
        return ACC_OK;
    case ACC_FORMAT_TEXT:
        render_text(out, r, opt);
        return ACC_OK;
    default:
        return ACC_EUSAGE;
    }
}
