/*
 * audit.c - `accord audit [-r RULES]... [--baseline OLD]... LOG...`: check that every log
 * is a readable file, build the rule sets, stream the logs through the library's audit,
 * render the report, and map the result to cli.md's exit codes. On a terminal a progress
 * line on stderr tracks long logs.
 */
#include "cli.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct progress {
    bool enabled;
    time_t started, last;
    bool shown;
} progress;

static void progress_update(void *payload, uint64_t done, uint64_t total)
{
    progress *p = payload;
    time_t now = time(NULL);
    /* Only logs that take more than a second get a progress line, once a second. */
    if (!p->enabled || now - p->started < 1 || now == p->last)
        return;
    p->last = now;
    p->shown = true;
    fprintf(stderr, "\raccord: audited %.1f of %.1f MB (%d%%)", done / 1e6, total / 1e6,
            total ? (int)(done * 100 / total) : 100);
    fflush(stderr);
}

static void progress_clear(progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
}

int cli_cmd_audit(const cli_options *opts)
{
    if (!cli_format_supported(opts, CLI_FORMATS_AUDIT))
        return EXIT_UNUSABLE;
    if (opts->n_args == 0) {
        fputs("accord: audit needs at least one log file\nTry 'accord audit --help'.\n", stderr);
        return EXIT_UNUSABLE;
    }
    if (opts->chain_head && !acc_audit_chain_head_valid(opts->chain_head)) {
        fprintf(stderr, "accord: --chain-head needs 64 lowercase hex digits (a SHA-256 digest), "
                        "not '%s'\n", opts->chain_head);
        return EXIT_UNUSABLE;
    }
    cli_diags diags = { .print = true, .color = cli_use_color(opts, stderr) };
    acc_diag_sink sink = cli_diags_sink(&diags);
    acc_ruleset *rs = NULL, *baseline = NULL;
    acc_audit_result *result = NULL;
    acc_flow *flow = NULL;
    cli_output out = { 0 };
    int code = EXIT_UNUSABLE;

    /* Every log must be a readable regular file before any is audited. */
    if (acc_audit_check_paths(opts->args, opts->n_args, &sink) != ACC_OK)
        goto done;
    if (cli_load_ruleset(&rs, opts->rules, opts->n_rules, &sink) != ACC_OK)
        goto done;
    if (opts->n_baseline &&
        cli_load_ruleset(&baseline, opts->baseline, opts->n_baseline, &sink) != ACC_OK)
        goto done;

    progress prog = { .enabled = !opts->quiet && isatty(STDERR_FILENO) == 1,
                      .started = time(NULL) };
    acc_audit_options aopt;
    acc_audit_options_init(&aopt);
    aopt.rules = rs;
    aopt.baseline = baseline;
    aopt.chain_head = opts->chain_head;
    aopt.max_findings = opts->max_findings > 0 ? (uint64_t)opts->max_findings : 0;
    aopt.threads = opts->threads;
    aopt.collect = true;
    aopt.on_progress = progress_update;
    aopt.progress_payload = &prog;
    int status = acc_audit_files(&result, &aopt, opts->args, opts->n_args, &sink);
    progress_clear(&prog);
    if (status != ACC_OK)
        goto done;
    /* The HTML report draws every transfer: a second, light pass over the same logs. */
    if (opts->format == ACC_FORMAT_HTML &&
        (status = acc_flow_collect(&flow, rs, result, opts->args, opts->n_args)) != ACC_OK) {
        fprintf(stderr, "accord: cannot read the logs again for the exchange flow: %s\n",
                acc_status_text(status));
        goto done;
    }
    if (!cli_output_open(&out, opts))
        goto done;
    acc_report_options ropt = cli_report_options(opts, out.fp);
    status = cli_render_audit(out.fp, result, flow, &ropt);
    if (!cli_output_close(&out) || status != ACC_OK)
        goto done;
    code = acc_audit_exit_code(result, opts->strict);
done:
    acc_flow_free(flow);
    acc_audit_result_free(result);
    acc_ruleset_free(rs);
    acc_ruleset_free(baseline);
    cli_diags_free(&diags);
    return code;
}
