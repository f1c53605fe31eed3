/*
 * analyses.c - `accord check`, `accord diff` and `accord smt`: build the rule sets named
 * on the command line, run the Z3 analyses of the library, render, and map the result to
 * the exit codes of cli.md.
 */
#include "cli.h"

#include <string.h>

/* The analysis options the command line sets. */
static acc_analysis_options analysis_options(const cli_options *opts)
{
    return (acc_analysis_options){ .timeout_ms = opts->timeout_ms };
}


/* Exit code for a failing library status: 3 for an internal or solver failure. */
static int status_exit(int status)
{
    switch (status) {
    case ACC_EINTERNAL:
    case ACC_ESOLVER:
    case ACC_EUNKNOWN:
        return EXIT_INCONCLUSIVE;
    default:
        return EXIT_UNUSABLE;
    }
}

bool cli_format_supported(const cli_options *opts, unsigned mask)
{
    if (mask & (1u << opts->format))
        return true;
    static const char *const names[] = { "text", "json", "sarif", "junit", "html" };
    fprintf(stderr, "accord: --format %s is not available for %s\n", names[opts->format],
            opts->command);
    return false;
}

int cli_cmd_check(const cli_options *opts)
{
    if (!cli_format_supported(opts, CLI_FORMATS_ANALYSIS))
        return EXIT_UNUSABLE;
    cli_diags diags = { .print = true, .color = cli_use_color(opts, stderr) };
    acc_diag_sink sink = cli_diags_sink(&diags);
    acc_ruleset *rs = NULL;
    acc_check_result *result = NULL;
    cli_output out = { 0 };
    int code = EXIT_UNUSABLE;

    int status = cli_load_ruleset(&rs, opts->args, opts->n_args, &sink);
    if (status != ACC_OK)
        goto done;
    acc_analysis_options aopt = analysis_options(opts);
    status = acc_check(&result, rs, &aopt, &sink);
    if (status != ACC_OK) {
        code = status_exit(status);
        goto done;
    }
    if (!cli_output_open(&out, opts))
        goto done;
    acc_report_options ropt = cli_report_options(opts, out.fp);
    status = cli_render_check(out.fp, result, &ropt);
    if (!cli_output_close(&out) || status != ACC_OK)
        goto done;
    code = acc_check_exit_code(result, opts->strict);
done:
    acc_check_result_free(result);
    acc_ruleset_free(rs);
    cli_diags_free(&diags);
    return code;
}

/*
 * Builds NEW for `diff OLD NEW`: a complete rule file on its own, or an amendment applied
 * to OLD (whose `to` must name OLD; the library reports it otherwise).
 */
static int load_new_ruleset(acc_ruleset **out, const char *old_path, const char *new_path,
                            const acc_diag_sink *sink)
{
    acc_file *file = NULL;
    int status = acc_file_load(&file, new_path, sink);
    if (status != ACC_OK)
        return status;
    bool amendment = acc_file_is_amendment(file);
    acc_file_free(file);
    if (!amendment)
        return cli_load_ruleset(out, &new_path, 1, sink);
    const char *paths[2] = { old_path, new_path };
    return cli_load_ruleset(out, paths, 2, sink);
}

int cli_cmd_diff(const cli_options *opts)
{
    if (!cli_format_supported(opts, CLI_FORMATS_ANALYSIS))
        return EXIT_UNUSABLE;
    if (opts->n_args != 2) {
        fprintf(stderr, "accord: diff needs two rule files, OLD and NEW (got %zu)\n"
                        "Try 'accord diff --help'.\n", opts->n_args);
        return EXIT_UNUSABLE;
    }
    cli_diags diags = { .print = true, .color = cli_use_color(opts, stderr) };
    acc_diag_sink sink = cli_diags_sink(&diags);
    acc_ruleset *old_rs = NULL, *new_rs = NULL;
    acc_diff_result *result = NULL;
    cli_output out = { 0 };
    int code = EXIT_UNUSABLE;

    /* Load both before stopping, so that every error of both files is shown. */
    int old_status = cli_load_ruleset(&old_rs, &opts->args[0], 1, &sink);
    int new_status = load_new_ruleset(&new_rs, opts->args[0], opts->args[1], &sink);
    if (old_status != ACC_OK || new_status != ACC_OK)
        goto done;
    acc_analysis_options aopt = analysis_options(opts);
    int status = acc_diff(&result, old_rs, new_rs, &aopt, &sink);
    if (status != ACC_OK) {
        code = status_exit(status);
        goto done;
    }
    if (!cli_output_open(&out, opts))
        goto done;
    acc_report_options ropt = cli_report_options(opts, out.fp);
    status = cli_render_diff(out.fp, result, &ropt);
    if (!cli_output_close(&out) || status != ACC_OK)
        goto done;
    code = acc_diff_exit_code(result, opts->strict, opts->deny_new_permits);
done:
    acc_diff_result_free(result);
    acc_ruleset_free(old_rs);
    acc_ruleset_free(new_rs);
    cli_diags_free(&diags);
    return code;
}

int cli_cmd_smt(const cli_options *opts)
{
    if (!cli_format_supported(opts, 1u << ACC_FORMAT_TEXT))
        return EXIT_UNUSABLE;
    cli_diags diags = { .print = true, .color = cli_use_color(opts, stderr) };
    acc_diag_sink sink = cli_diags_sink(&diags);
    acc_ruleset *rs = NULL;
    cli_output out = { 0 };
    int code = EXIT_UNUSABLE;

    if (cli_load_ruleset(&rs, opts->args, opts->n_args, &sink) != ACC_OK)
        goto done;
    if (!cli_output_open(&out, opts))
        goto done;
    acc_analysis_options aopt = analysis_options(opts);
    int status = acc_smt_write(out.fp, rs, &aopt);
    if (!cli_output_close(&out) || status != ACC_OK)
        goto done;
    code = EXIT_CLEAN;
done:
    acc_ruleset_free(rs);
    cli_diags_free(&diags);
    return code;
}
