/*
 * accord/report.h - output formats shared by every command's renderer.
 *
 * Each command's results are rendered by functions declared beside them (analysis.h for
 * check/diff/lint, audit.h for audit); they all take these options and write to a FILE
 * owned by the caller.
 */
#ifndef ACCORD_REPORT_H
#define ACCORD_REPORT_H

#include "accord/eval.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ORDER: acc_format_from_name(). */
typedef enum acc_format {
    ACC_FORMAT_TEXT = 0,
    ACC_FORMAT_JSON,
    ACC_FORMAT_SARIF,
    ACC_FORMAT_JUNIT,
    ACC_FORMAT_HTML
} acc_format;

/* The format named `name` ("text", "json", "sarif", "junit", "html"), or -1. */
int acc_format_from_name(const char *name);

typedef struct acc_report_options {
    acc_format format;
    bool color;        /* ANSI colour in text output */
    bool quiet;        /* text: only the summary and errors */
    bool strict;       /* warnings count as failures (affects only wording of verdicts) */
    bool deny_new_permits; /* diff: a newly permitted event fails the run (SARIF level
                              "error" instead of "warning", a JUnit failure) */
} acc_report_options;

/*
 * Writes one diagnostic in the text style of a good compiler:
 *   file:line:col: severity: message
 *    12 |   the source line
 *       |        ^~~~
 * (or "file: severity: message" without a location).
 */
void acc_report_diag_text(FILE *out, const acc_diag *d, bool color);

/* The results the SARIF and JUnit renderers take (defined in analysis.h and audit.h). */
typedef struct acc_check_result acc_check_result;
typedef struct acc_diff_result acc_diff_result;
typedef struct acc_lint_result acc_lint_result;
typedef struct acc_audit_result acc_audit_result;

/*
 * SARIF 2.1.0 (format_sarif.c), for code-scanning annotations: one run whose tool.driver
 * lists a reporting descriptor per finding code, rule and invariant, and one result per
 * finding, located at the rule-file line (the invariant's or rule's declaration, a
 * diagnostic's position) or the log line (audit), with a fingerprint that does not depend
 * on line numbers. File paths become URIs relative to "%SRCROOT%" (as given, without a
 * leading "./"); absolute paths become file:// URIs. docs/ci.md describes the mapping.
 * `opts` may be NULL (defaults); only strict and deny_new_permits are read. Returns ACC_OK,
 * ACC_ENOMEM, or ACC_EIO when writing to `out` failed.
 */
int acc_sarif_write_check(FILE *out, const acc_check_result *r, const acc_report_options *opts);
int acc_sarif_write_diff(FILE *out, const acc_diff_result *r, const acc_report_options *opts);
int acc_sarif_write_lint(FILE *out, const acc_lint_result *r, const acc_report_options *opts);
int acc_sarif_write_audit(FILE *out, const acc_audit_result *r, const acc_report_options *opts);

/*
 * JUnit XML (format_junit.c), the Ant schema CI servers read: a <testsuites> document of
 * <testsuite>s whose test cases have names stable across runs. check: a case per
 * invariant and per rule; diff: a case per invariant plus "newly permitted" and "newly
 * forbidden"; lint: a suite per rule set as check, plus a suite with a case per file for
 * its diagnostics; audit: per log file, a failing case per finding code with findings in
 * that file (listing them), or one passing case when the file is clean. A case fails
 * exactly when its part makes the exit code non-zero (warnings with opts->strict). The
 * suite's timestamp is the current UTC time, or SOURCE_DATE_EPOCH when that is set.
 * Returns ACC_OK, ACC_ENOMEM, or ACC_EIO when writing to `out` failed.
 */
int acc_junit_write_check(FILE *out, const acc_check_result *r, const acc_report_options *opts);
int acc_junit_write_diff(FILE *out, const acc_diff_result *r, const acc_report_options *opts);
int acc_junit_write_lint(FILE *out, const acc_lint_result *r, const acc_report_options *opts);
int acc_junit_write_audit(FILE *out, const acc_audit_result *r, const acc_report_options *opts);

/*
 * ---- The HTML audit report ----
 *
 * `accord audit --format html` writes one self-contained page (inline CSS, JS and SVG;
 * nothing fetched): the summary, the exchange flow between parties as a diagram, a
 * timeline of findings and a filterable table of every collected finding.
 *
 * The audit result says nothing about clean entries, so the flow (transfers per pair of
 * parties) comes from a second, lightweight pass over the same logs: acc_flow_collect
 * reads only each entry's kind, from, to and time, and links every collected finding of
 * the result to its entry by (file, line, column), which locate an entry's start tag
 * uniquely. Memory: O(parties^2) for the flow plus one small record per collected
 * finding, whatever the length of the logs.
 *
 * Ownership: an acc_flow owns everything it holds and is released with acc_flow_free.
 */
struct acc_audit_result;
struct acc_audit_source;

/* A party of the flow: every member the rules declare, in declaration order, then one
 * party for values they do not declare, present only when some entry used one. */
typedef struct acc_flow_party {
    const char *name;          /* as declared, e.g. "KR"; "(undeclared)" for the last node */
    const char *description;   /* e.g. "Republic of Korea"; NULL when there is none */
    bool declared;
} acc_flow_party;

/* Transfers from one party to another (from == to is possible in a hostile log). */
typedef struct acc_flow_edge {
    uint32_t from, to;         /* indexes into acc_flow.parties */
    uint64_t transfers;        /* transfer entries from -> to */
    uint64_t violations;       /* of those, entries with a collected forbidden,
                                  not-permitted or invariant finding */
    uint64_t other_errors;     /* entries with collected error findings of other codes
                                  only (integrity, format) */
} acc_flow_edge;

/* What the flow pass saw of the entry of one collected finding. */
typedef struct acc_flow_finding {
    bool linked;               /* the finding's entry was found (else the rest is unset) */
    bool has_time;             /* the entry's time is valid */
    int64_t time;
    int32_t from, to;          /* party indexes; -1 when the entry lacks the field */
} acc_flow_finding;

typedef struct acc_flow {
    acc_flow_party *parties;      size_t n_parties;
    acc_flow_edge *edges;         size_t n_edges;     /* transfers > 0; by from, then to */
    acc_flow_finding *findings;   size_t n_findings;  /* parallel to result->findings */
    uint64_t entries;             /* entries read (equal to the audit's when the files
                                     did not change in between) */
    uint64_t transfers;           /* transfer entries read */
    uint64_t unattributed;        /* transfers without a from or a to: in no edge */
} acc_flow;

/*
 * Reads the logs at `paths` (the same list, in the same order, as the audit that made
 * `result`) and builds their exchange flow under the party names of `rules`. The pass
 * stops where the audit stopped: at malformed XML, or at a root that is not an exchange
 * log of an accord `rules` accepts. Returns ACC_OK with *out set, ACC_EIO when a file
 * cannot be read (nothing is reported: the audit has already checked the paths),
 * ACC_ENOMEM. On error *out is NULL.
 */
int acc_flow_collect(acc_flow **out, const acc_ruleset *rules,
                     const struct acc_audit_result *result, const char *const *paths,
                     size_t n);

/* acc_flow_collect on audit sources (files or buffers in memory), as acc_audit_run. */
int acc_flow_collect_sources(acc_flow **out, const acc_ruleset *rules,
                             const struct acc_audit_result *result,
                             const struct acc_audit_source *sources, size_t n);

void acc_flow_free(acc_flow *flow);

/*
 * Writes the HTML report of an audit: one UTF-8 page that needs no network. `flow` may
 * be NULL (then the page has no diagram, no timeline and no party filter). Every string
 * from the logs or the command line is escaped; the findings are embedded as JSON in a
 * <script type="application/json"> block with every '<' written as \u003c. `opt` may be
 * NULL; opt->strict decides whether warnings fail the audit in the verdict banner.
 * Returns ACC_OK, ACC_ENOMEM, or ACC_EIO when writing to `out` failed.
 */
int acc_html_write_audit(FILE *out, const struct acc_audit_result *result,
                         const acc_flow *flow, const acc_report_options *opt);

#ifdef __cplusplus
}
#endif
#endif
