/*
 * cli.h - shared pieces of the accord command line: parsed options, loading rule sets
 * from the command line's files, diagnostics printing, atomic output files.
 *
 * The CLI uses only the public header (accord.h); everything it needs from the library
 * goes through that API.
 */
#ifndef ACCORD_CLI_H
#define ACCORD_CLI_H

#include "accord.h"

#include <stdio.h>

/* Exit codes (cli.md). */
enum {
    EXIT_CLEAN = 0,
    EXIT_FINDINGS = 1,
    EXIT_UNUSABLE = 2,
    EXIT_INCONCLUSIVE = 3
};

typedef struct cli_options {
    const char *command;
    acc_format format;
    const char *output;          /* -o FILE, or NULL for stdout */
    int color;                   /* -1 auto, 0 never, 1 always */
    unsigned timeout_ms;         /* --timeout, per solver query; 0 = the default */
    bool quiet, strict, deny_new_permits;
    const char **rules;    size_t n_rules;      /* -r (audit) */
    const char **baseline; size_t n_baseline;   /* --baseline (audit) */
    const char *chain_head;
    long max_findings;           /* --max-findings, -1 unlimited */
    unsigned threads;            /* --threads, 0: automatic */
    const char **args;     size_t n_args;       /* positional arguments */
} cli_options;

/* An output stream: stdout, or a temporary file renamed over -o FILE on success. */
typedef struct cli_output {
    FILE *fp;
    char *final_path;
    char *temp_path;
} cli_output;

/* Opens the output for `opts`; prints the error and returns false on failure. */
bool cli_output_open(cli_output *out, const cli_options *opts);
/* Flushes and closes; with -o, renames the temporary file into place. */
bool cli_output_close(cli_output *out);

/* True when text written to `fp` should be coloured, given --color and NO_COLOR. */
bool cli_use_color(const cli_options *opts, FILE *fp);

/* The renderer options the command line sets (format, colour for `fp`, -q, --strict,
 * --deny-new-permits). */
acc_report_options cli_report_options(const cli_options *opts, FILE *fp);

/*
 * A diagnostic sink that prints to stderr in compiler style and counts errors; lint's
 * machine formats collect the diagnostics instead (copies owned by the collector).
 */
typedef struct cli_diags {
    bool print;                  /* print to stderr as they arrive */
    bool color;
    int errors, warnings;
    acc_diag *items;             /* collected copies (strings malloc'd) */
    size_t n, cap;
} cli_diags;

acc_diag_sink cli_diags_sink(cli_diags *d);
void cli_diags_free(cli_diags *d);

/*
 * Builds the rule set named by `paths` (a base file then amendments; the built-in
 * default when n == 0). Returns ACC_OK or the failing status (diagnostics reported).
 */
int cli_load_ruleset(acc_ruleset **out, const char *const *paths, size_t n,
                     const acc_diag_sink *sink);

/* The formats each command renders (bit i set: acc_format i is available). */
#define CLI_FORMATS_ANALYSIS ((1u << ACC_FORMAT_TEXT) | (1u << ACC_FORMAT_JSON) | \
                              (1u << ACC_FORMAT_SARIF) | (1u << ACC_FORMAT_JUNIT))
#define CLI_FORMATS_AUDIT ((1u << ACC_FORMAT_TEXT) | (1u << ACC_FORMAT_JSON) | \
                           (1u << ACC_FORMAT_SARIF) | (1u << ACC_FORMAT_JUNIT) | \
                           (1u << ACC_FORMAT_HTML))

/* True when opts->format is in `mask`; otherwise prints why not and returns false. */
bool cli_format_supported(const cli_options *opts, unsigned mask);

/* The commands; each returns the process exit code. */
int cli_cmd_lint(const cli_options *opts);
int cli_cmd_check(const cli_options *opts);
int cli_cmd_diff(const cli_options *opts);
int cli_cmd_smt(const cli_options *opts);
int cli_cmd_audit(const cli_options *opts);

/* Render a result in o->format; ACC_EUSAGE for a format the command lacks (render.c). */
int cli_render_check(FILE *out, const acc_check_result *r, const acc_report_options *o);
int cli_render_diff(FILE *out, const acc_diff_result *r, const acc_report_options *o);
int cli_render_lint(FILE *out, const acc_lint_result *r, const acc_report_options *o);
/* `flow` is used by the HTML report only (NULL for the other formats). */
int cli_render_audit(FILE *out, const acc_audit_result *r, const acc_flow *flow,
                     const acc_report_options *o);

/* Prints `accord COMMAND --help` (or the general help for NULL) to `fp`; false if unknown. */
bool cli_print_help(FILE *fp, const char *command);

#endif
