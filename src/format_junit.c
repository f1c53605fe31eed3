/*
 * format_junit.c - JUnit XML reports of lint, check, diff and audit results (report.h),
 * valid against the Ant JUnit schema that CI servers read (tests/schemas/junit.xsd).
 *
 * The document is a <testsuites> of <testsuite>s. A suite is emitted twice over the same
 * code: a counting pass gives the tests/failures/errors/skipped attributes its start tag
 * needs, the writing pass the test cases themselves. Test-case names never depend on
 * what was found (an invariant's or rule's name, a file, a finding code), so a dashboard
 * can follow a case from run to run. A case fails exactly when its part of the result
 * makes the exit code non-zero: warnings (dead or redundant rules, a replaced invariant of
 * OLD, assumption findings) pass unless opts->strict, and are then listed in the suite's
 * <system-out>; a query that returned unknown is an <error>.
 */
#include "accord/report.h"

#include "accord/analysis.h"
#include "accord/audit.h"
#include "alloc.h"
#include "format_common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef enum outcome { PASS, FAIL, ERROR, SKIP } outcome;

typedef struct junit {
    FILE *out;
    bool writing;              /* false: the counting pass */
    unsigned tests, failures, errors, skipped;
    const char *classname;     /* of the suite being written */
    int suite_id;
    char timestamp[32];
    char hostname[256];
    acc_strbuf msg, body, sysout;
    bool strict, deny_new_permits;
} junit;

/* ---- XML ------------------------------------------------------------------------------- */

/* The code point of the valid UTF-8 sequence at s (max n bytes) and its length in *len;
 * -1 when the bytes are not valid UTF-8. */
static long utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t need;
    long cp, min;
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) { need = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 4; cp = c & 0x07; min = 0x10000; }
    else return -1;
    if (n < need)
        return -1;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = need;
    return cp;
}

/*
 * Writes `s` escaped for XML 1.0 text or (attr) an attribute value. Characters XML 1.0
 * cannot carry (most controls, U+FFFE, U+FFFF) and invalid UTF-8 become U+FFFD, so the
 * document always parses.
 */
static void xml_escaped(FILE *out, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        long cp = utf8_decode(p + i, n - i, &len);
        if (cp == '&') fputs("&amp;", out);
        else if (cp == '<') fputs("&lt;", out);
        else if (cp == '>') fputs("&gt;", out);
        else if (cp == '"' && attr) fputs("&quot;", out);
        else if ((cp == '\n' || cp == '\t' || cp == '\r') && attr) fprintf(out, "&#%ld;", cp);
        else if (cp == '\r') fputs("&#13;", out);
        else if (cp < 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0xFFFE ||
                 cp == 0xFFFF) fputs("\xEF\xBF\xBD", out);
        else fwrite(p + i, 1, len, out);
        i += cp < 0 ? 1 : len;
    }
}

static void attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    xml_escaped(out, value, true);
    fputc('"', out);
}

static void attr_uint(FILE *out, const char *name, unsigned long long value)
{
    fprintf(out, " %s=\"%llu\"", name, value);
}

/* ---- suites and cases ------------------------------------------------------------------ */

static void test_case(junit *x, const char *name, outcome o, const char *type,
                      const char *message, const char *body)
{
    x->tests++;
    x->failures += o == FAIL;
    x->errors += o == ERROR;
    x->skipped += o == SKIP;
    if (!x->writing)
        return;
    FILE *out = x->out;
    fputs("    <testcase", out);
    attr(out, "name", name);
    attr(out, "classname", x->classname);
    attr(out, "time", "0");
    if (o == PASS) {
        fputs("/>\n", out);
        return;
    }
    static const char *const tags[] = { "", "failure", "error", "skipped" };
    fprintf(out, ">\n      <%s", tags[o]);
    if (message)
        attr(out, "message", message);
    if (o != SKIP)
        attr(out, "type", type);
    if (body && *body) {
        fputc('>', out);
        xml_escaped(out, body, false);
        fprintf(out, "</%s>\n", tags[o]);
    } else {
        fputs("/>\n", out);
    }
    fputs("    </testcase>\n", out);
}

typedef void (*cases_fn)(junit *x, const void *arg);

typedef struct property {
    const char *name, *value;
} property;

/*
 * One <testsuite>: counts the cases, writes the start tag and properties, writes the
 * cases, then <system-out> with what the cases noted there.
 */
static void suite(junit *x, const char *package, const char *name, const property *props,
                  size_t n_props, cases_fn cases, const void *arg)
{
    acc_strbuf classname;
    acc_strbuf_init(&classname);
    acc_strbuf_addf(&classname, "%s.%s", package, name);
    x->classname = acc_strbuf_str(&classname);

    x->writing = false;
    x->tests = x->failures = x->errors = x->skipped = 0;
    cases(x, arg);
    acc_strbuf_clear(&x->sysout);

    FILE *out = x->out;
    fputs("  <testsuite", out);
    attr(out, "name", x->classname);
    attr(out, "package", package);
    attr_uint(out, "id", (unsigned long long)x->suite_id++);
    attr(out, "timestamp", x->timestamp);
    attr(out, "hostname", x->hostname);
    attr_uint(out, "tests", x->tests);
    attr_uint(out, "failures", x->failures);
    attr_uint(out, "errors", x->errors);
    attr_uint(out, "skipped", x->skipped);
    attr(out, "time", "0");
    fputs(">\n    <properties>\n", out);
    fputs("      <property", out);
    attr(out, "name", "accord.version");
    attr(out, "value", acc_version());
    fputs("/>\n", out);
    for (size_t i = 0; i < n_props; i++) {
        fputs("      <property", out);
        attr(out, "name", props[i].name);
        attr(out, "value", props[i].value);
        fputs("/>\n", out);
    }
    fputs("    </properties>\n", out);
    x->writing = true;
    cases(x, arg);
    fputs("    <system-out>", out);
    xml_escaped(out, acc_strbuf_str(&x->sysout), false);
    fputs("</system-out>\n    <system-err></system-err>\n  </testsuite>\n", out);
    if (classname.failed)
        x->msg.failed = true;
    acc_strbuf_fini(&classname);
    x->classname = NULL;
}

static void location_line(acc_strbuf *b, const acc_location *l)
{
    if (l->file && l->line)
        acc_strbuf_addf(b, "%s:%u:%u: ", l->file, l->line, l->column);
    else if (l->file)
        acc_strbuf_addf(b, "%s: ", l->file);
}

static void rule_refs(acc_strbuf *b, const char *label, const acc_rule_ref *r, size_t n)
{
    if (!n)
        return;
    acc_strbuf_addf(b, "\n%s:", label);
    for (size_t i = 0; i < n; i++) {
        acc_strbuf_addf(b, "\n  %s", r[i].name);
        if (r[i].loc.file && r[i].loc.line)
            acc_strbuf_addf(b, " (%s:%u:%u)", r[i].loc.file, r[i].loc.line, r[i].loc.column);
    }
}

/* ---- check, diff, lint ----------------------------------------------------------------- */

/* An invariant case; `old` marks diff's invariants of OLD (warnings unless strict). */
static void invariant_case(junit *x, const acc_invariant_result *ir, bool old)
{
    acc_strbuf_clear(&x->msg);
    acc_strbuf_clear(&x->body);
    acc_strbuf_addf(&x->msg, "invariant %s%s", ir->name, old ? " (old)" : "");
    char name[512];
    snprintf(name, sizeof name, "%s", acc_strbuf_str(&x->msg));
    acc_strbuf_clear(&x->msg);
    acc_msg_invariant(&x->msg, ir);
    location_line(&x->body, &ir->loc);
    acc_strbuf_add(&x->body, acc_strbuf_str(&x->msg));
    if (ir->citation)
        acc_strbuf_addf(&x->body, "\ncitation: %s", ir->citation);
    if (ir->witness) {
        acc_strbuf_add(&x->body, "\nwitness: ");
        acc_msg_witness(&x->body, ir->witness);
        rule_refs(&x->body, "permitted by", ir->witness->permitted_by,
                  ir->witness->n_permitted_by);
    }
    outcome o = PASS;
    if (ir->status == ACC_INV_UNKNOWN)
        o = ERROR;
    else if (ir->status == ACC_INV_VIOLATED && (!old || x->strict))
        o = FAIL;
    else if (ir->status == ACC_INV_VIOLATED && x->writing)
        acc_strbuf_addf(&x->sysout, "warning: %s\n", acc_strbuf_str(&x->body));
    test_case(x, name, o, acc_invariant_status_name(ir->status), acc_strbuf_str(&x->msg),
              acc_strbuf_str(&x->body));
}

static void rule_case(junit *x, const acc_rule_result *rr)
{
    char name[512];
    snprintf(name, sizeof name, "rule %s", rr->rule.name);
    acc_strbuf_clear(&x->msg);
    acc_strbuf_clear(&x->body);
    acc_msg_rule(&x->msg, rr);
    location_line(&x->body, &rr->rule.loc);
    acc_strbuf_add(&x->body, acc_strbuf_str(&x->msg));
    outcome o = PASS;
    if (rr->status == ACC_RULE_UNKNOWN)
        o = ERROR;
    else if (rr->status != ACC_RULE_OK && x->strict)
        o = FAIL;
    else if (rr->status != ACC_RULE_OK && x->writing)
        acc_strbuf_addf(&x->sysout, "warning: %s\n", acc_strbuf_str(&x->body));
    test_case(x, name, o, acc_rule_status_name(rr->status), acc_strbuf_str(&x->msg),
              acc_strbuf_str(&x->body));
}

static void check_cases(junit *x, const void *arg)
{
    const acc_check_result *r = arg;
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_case(x, &r->invariants[i], false);
    for (size_t i = 0; i < r->n_rules_report; i++)
        rule_case(x, &r->rules_report[i]);
    if (x->writing)
        acc_strbuf_addf(&x->sysout, "%s: %zu invariants proven, %zu violated, %zu unknown; "
                                    "%zu dead rules, %zu redundant\n", r->rules, r->n_proven,
                        r->n_violated, r->n_unknown, r->n_dead, r->n_redundant);
}

/* "a, b, c" of the files of a rule set, into b. */
static void files_list(acc_strbuf *b, const acc_check_result *r)
{
    for (size_t i = 0; i < r->n_files; i++)
        acc_strbuf_addf(b, "%s%s", i ? " " : "", r->files[i]);
}

static void check_suite(junit *x, const char *package, const acc_check_result *r)
{
    acc_strbuf files;
    acc_strbuf_init(&files);
    files_list(&files, r);
    property props[] = { { "rules", r->rules }, { "files", acc_strbuf_str(&files) } };
    suite(x, package, r->rules, props, 2, check_cases, r);
    if (files.failed)
        x->msg.failed = true;
    acc_strbuf_fini(&files);
}

/* One case for a list of classes of a diff. */
static void classes_case(junit *x, const acc_diff_result *r, bool permitted)
{
    const acc_diff_class *cs = permitted ? r->newly_permitted : r->newly_forbidden;
    size_t n = permitted ? r->n_newly_permitted : r->n_newly_forbidden;
    acc_strbuf_clear(&x->msg);
    acc_strbuf_clear(&x->body);
    acc_strbuf_addf(&x->msg, "%zu class%s of events newly %s by %s", n, n == 1 ? "" : "es",
                    permitted ? "permitted" : "forbidden", r->new_name);
    for (size_t i = 0; i < n; i++) {
        acc_strbuf_add(&x->body, i ? "\n" : "");
        acc_msg_class(&x->body, &cs[i], permitted);
    }
    /* Unknown answers of the region queries (not of an invariant) are this case's error. */
    size_t inv_unknown = 0;
    for (size_t i = 0; i < r->n_invariants; i++)
        inv_unknown += r->invariants[i].status == ACC_INV_UNKNOWN;
    outcome o = PASS;
    const char *type = "classes";
    if (r->n_unknown > inv_unknown) {
        o = ERROR;
        type = "unknown";
        acc_strbuf_addf(&x->msg, "; %zu queries returned unknown (%s)", r->n_unknown - inv_unknown,
                        r->unknown_reason ? r->unknown_reason : "unknown");
    } else if (permitted && n && x->deny_new_permits) {
        o = FAIL;
        type = "newly-permitted";
    } else if (n && x->writing) {
        acc_strbuf_addf(&x->sysout, "%s:\n%s\n", acc_strbuf_str(&x->msg),
                        acc_strbuf_str(&x->body));
    }
    test_case(x, permitted ? "newly permitted" : "newly forbidden", o, type,
              acc_strbuf_str(&x->msg), acc_strbuf_str(&x->body));
}

static void diff_cases(junit *x, const void *arg)
{
    const acc_diff_result *r = arg;
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_case(x, &r->invariants[i], r->invariants[i].from_old);
    classes_case(x, r, true);
    classes_case(x, r, false);
    if (x->writing && r->equivalent)
        acc_strbuf_addf(&x->sysout, "%s and %s are equivalent: no event is newly permitted "
                                    "or newly forbidden\n", r->old_name, r->new_name);
}

/* The files of a lint run in order of first mention: diagnostics, then rule sets. */
typedef struct lint_files {
    const char **names;
    size_t n;
} lint_files;

static bool lint_files_add(lint_files *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->names[i], name) == 0)
            return true;
    const char **bigger = acc_realloc(f->names, (f->n + 1) * sizeof *bigger);
    if (!bigger)
        return false;
    bigger[f->n++] = name;
    f->names = bigger;
    return true;
}

typedef struct lint_arg {
    const acc_lint_result *r;
    lint_files files;
} lint_arg;

static void lint_file_cases(junit *x, const void *arg)
{
    const lint_arg *la = arg;
    const acc_lint_result *r = la->r;
    for (size_t f = 0; f < la->files.n; f++) {
        const char *file = la->files.names[f];
        size_t errors = 0, warnings = 0;
        acc_strbuf_clear(&x->body);
        for (size_t i = 0; i < r->n_diags; i++) {
            const acc_diag *d = &r->diags[i];
            if (strcmp(d->file ? d->file : "(no file)", file) != 0)
                continue;
            errors += d->severity == ACC_SEV_ERROR;
            warnings += d->severity == ACC_SEV_WARNING;
            acc_strbuf_add(&x->body, x->body.len ? "\n" : "");
            acc_location l = { file, d->line, d->column };
            location_line(&x->body, &l);
            acc_strbuf_addf(&x->body, "%s: %s", acc_severity_name(d->severity), d->message);
        }
        acc_strbuf_clear(&x->msg);
        acc_strbuf_addf(&x->msg, "%zu error%s, %zu warning%s", errors, errors == 1 ? "" : "s",
                        warnings, warnings == 1 ? "" : "s");
        outcome o = errors || (warnings && x->strict) ? FAIL : PASS;
        if (o == PASS && x->body.len && x->writing)
            acc_strbuf_addf(&x->sysout, "%s\n", acc_strbuf_str(&x->body));
        test_case(x, file, o, errors ? "error" : "warning", acc_strbuf_str(&x->msg),
                  acc_strbuf_str(&x->body));
    }
}

/* ---- audit ----------------------------------------------------------------------------- */

typedef struct audit_arg {
    const acc_audit_result *r;
    size_t file;               /* index of the suite's file */
} audit_arg;

static void finding_line(acc_strbuf *b, const acc_finding *f)
{
    acc_location l = { f->file, f->line, f->column };
    location_line(b, &l);
    acc_strbuf_addf(b, "%s: ", acc_severity_name(f->severity));
    acc_msg_finding(b, f);
}

static void audit_file_cases(junit *x, const void *arg)
{
    const audit_arg *aa = arg;
    const acc_audit_result *r = aa->r;
    size_t counts[ACC_FINDING_COUNT] = { 0 }, errors[ACC_FINDING_COUNT] = { 0 };
    size_t total = 0, changes = 0;
    for (size_t i = 0; i < r->n_findings; i++) {
        const acc_finding *f = &r->findings[i];
        if (f->file_index != aa->file)
            continue;
        counts[f->code]++;
        errors[f->code] += f->severity == ACC_SEV_ERROR;
        total++;
    }
    for (int c = 0; c < ACC_FINDING_COUNT; c++) {
        if (!counts[c])
            continue;
        acc_strbuf_clear(&x->body);
        for (size_t i = 0; i < r->n_findings; i++) {
            const acc_finding *f = &r->findings[i];
            if (f->file_index != aa->file || (int)f->code != c)
                continue;
            acc_strbuf_add(&x->body, x->body.len ? "\n" : "");
            finding_line(&x->body, f);
        }
        acc_strbuf_clear(&x->msg);
        acc_strbuf_addf(&x->msg, "%zu finding%s", counts[c], counts[c] == 1 ? "" : "s");
        outcome o = errors[c] || x->strict ? FAIL : PASS;
        if (o == PASS && x->writing)
            acc_strbuf_addf(&x->sysout, "%s\n", acc_strbuf_str(&x->body));
        test_case(x, acc_finding_code_name((acc_finding_code)c), o,
                  acc_finding_code_name((acc_finding_code)c), acc_strbuf_str(&x->msg),
                  acc_strbuf_str(&x->body));
    }
    acc_strbuf_clear(&x->body);
    for (size_t i = 0; i < r->n_changes; i++) {
        if (r->changes[i].file_index != aa->file)
            continue;
        changes++;
        acc_strbuf_add(&x->body, x->body.len ? "\n" : "");
        acc_location l = { r->changes[i].file, r->changes[i].line, r->changes[i].column };
        location_line(&x->body, &l);
        acc_msg_verdict_change(&x->body, &r->changes[i]);
    }
    if (changes) {
        acc_strbuf_clear(&x->msg);
        acc_strbuf_addf(&x->msg, "%zu verdict%s changed from %s to %s", changes,
                        changes == 1 ? "" : "s", r->baseline ? r->baseline : "the baseline",
                        r->rules);
        test_case(x, "verdict-changes", FAIL, "verdict-changed", acc_strbuf_str(&x->msg),
                  acc_strbuf_str(&x->body));
    }
    const acc_audit_file *af = &r->files[aa->file];
    if (!total && !changes) {
        acc_strbuf_clear(&x->msg);
        if (af->complete) {
            acc_strbuf_addf(&x->msg, "%llu entries, no finding",
                            (unsigned long long)af->entries);
            test_case(x, "clean", PASS, NULL, NULL, NULL);
        } else {
            acc_strbuf_add(&x->msg, "not audited: the audit stopped before this file");
            test_case(x, "clean", SKIP, NULL, acc_strbuf_str(&x->msg), NULL);
        }
    }
    if (x->writing) {
        acc_strbuf_addf(&x->sysout, "%s: %llu entries%s\n", af->file,
                        (unsigned long long)af->entries, af->complete ? "" : " (incomplete)");
        if (r->findings_truncated)
            acc_strbuf_addf(&x->sysout, "only the first %zu of %llu findings of the stream "
                                        "are listed (--max-findings)\n", r->n_findings,
                            (unsigned long long)r->n_findings_total);
    }
}

/* ---- the document ---------------------------------------------------------------------- */

static void junit_init(junit *x, FILE *out, const acc_report_options *opts)
{
    memset(x, 0, sizeof *x);
    x->out = out;
    x->strict = opts && opts->strict;
    x->deny_new_permits = opts && opts->deny_new_permits;
    acc_strbuf_init(&x->msg);
    acc_strbuf_init(&x->body);
    acc_strbuf_init(&x->sysout);
    /* Reproducible reports: SOURCE_DATE_EPOCH, when set, is the time of the run. */
    time_t now = time(NULL);
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        long long v = strtoll(epoch, &end, 10);
        if (!*end && v >= 0)
            now = (time_t)v;
    }
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(x->timestamp, sizeof x->timestamp, "%Y-%m-%dT%H:%M:%S", &tm);
    else
        strcpy(x->timestamp, "1970-01-01T00:00:00");
    if (gethostname(x->hostname, sizeof x->hostname) != 0 || !x->hostname[0])
        strcpy(x->hostname, "localhost");
    x->hostname[sizeof x->hostname - 1] = '\0';
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", out);
}

static int junit_finish(junit *x)
{
    fputs("</testsuites>\n", x->out);
    int status = ACC_OK;
    if (x->msg.failed || x->body.failed || x->sysout.failed)
        status = ACC_ENOMEM;
    else if (fflush(x->out) != 0 || ferror(x->out))
        status = ACC_EIO;
    acc_strbuf_fini(&x->msg);
    acc_strbuf_fini(&x->body);
    acc_strbuf_fini(&x->sysout);
    return status;
}

int acc_junit_write_check(FILE *out, const acc_check_result *r, const acc_report_options *opts)
{
    if (!out || !r)
        return ACC_EUSAGE;
    junit x;
    junit_init(&x, out, opts);
    check_suite(&x, "accord.check", r);
    return junit_finish(&x);
}

int acc_junit_write_diff(FILE *out, const acc_diff_result *r, const acc_report_options *opts)
{
    if (!out || !r)
        return ACC_EUSAGE;
    junit x;
    junit_init(&x, out, opts);
    acc_strbuf name;
    acc_strbuf_init(&name);
    acc_strbuf_addf(&name, "%s_to_%s", r->old_name, r->new_name);
    property props[] = { { "old", r->old_name }, { "new", r->new_name } };
    suite(&x, "accord.diff", acc_strbuf_str(&name), props, 2, diff_cases, r);
    if (name.failed)
        x.msg.failed = true;
    acc_strbuf_fini(&name);
    return junit_finish(&x);
}

int acc_junit_write_lint(FILE *out, const acc_lint_result *r, const acc_report_options *opts)
{
    if (!out || !r)
        return ACC_EUSAGE;
    junit x;
    junit_init(&x, out, opts);
    lint_arg la = { r, { NULL, 0 } };
    bool ok = true;
    for (size_t i = 0; i < r->n_diags; i++)
        ok = ok && lint_files_add(&la.files, r->diags[i].file ? r->diags[i].file : "(no file)");
    for (size_t s = 0; s < r->n_rule_sets; s++)
        for (size_t i = 0; i < r->rule_sets[s]->n_files; i++)
            ok = ok && lint_files_add(&la.files, r->rule_sets[s]->files[i]);
    if (!ok)
        x.msg.failed = true;
    suite(&x, "accord.lint", "files", NULL, 0, lint_file_cases, &la);
    for (size_t s = 0; s < r->n_rule_sets; s++)
        check_suite(&x, "accord.lint", r->rule_sets[s]);
    acc_free(la.files.names);
    return junit_finish(&x);
}

int acc_junit_write_audit(FILE *out, const acc_audit_result *r, const acc_report_options *opts)
{
    if (!out || !r)
        return ACC_EUSAGE;
    junit x;
    junit_init(&x, out, opts);
    property props[] = { { "rules", r->rules }, { "baseline", r->baseline } };
    for (size_t i = 0; i < r->n_files; i++) {
        audit_arg aa = { r, i };
        suite(&x, "accord.audit", r->files[i].file, props, r->baseline ? 2 : 1,
              audit_file_cases, &aa);
    }
    return junit_finish(&x);
}
