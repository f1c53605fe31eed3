/*
 * render.c - picks the library renderer for each command and output format. Text and
 * JSON renderers sit beside each command's results (analysis.h, audit.h); SARIF, JUnit
 * and HTML are renderers of their own (report.h).
 */
#include "cli.h"

int cli_render_check(FILE *out, const acc_check_result *r, const acc_report_options *o)
{
    switch (o->format) {
    case ACC_FORMAT_TEXT:
    case ACC_FORMAT_JSON:
        return acc_check_write(out, r, o);
    case ACC_FORMAT_SARIF:
        return acc_sarif_write_check(out, r, o);
    case ACC_FORMAT_JUNIT:
        return acc_junit_write_check(out, r, o);
    default:
        return ACC_EUSAGE;
    }
}

int cli_render_diff(FILE *out, const acc_diff_result *r, const acc_report_options *o)
{
    switch (o->format) {
    case ACC_FORMAT_TEXT:
    case ACC_FORMAT_JSON:
        return acc_diff_write(out, r, o);
    case ACC_FORMAT_SARIF:
        return acc_sarif_write_diff(out, r, o);
    case ACC_FORMAT_JUNIT:
        return acc_junit_write_diff(out, r, o);
    default:
        return ACC_EUSAGE;
    }
}

int cli_render_lint(FILE *out, const acc_lint_result *r, const acc_report_options *o)
{
    switch (o->format) {
    case ACC_FORMAT_TEXT:
    case ACC_FORMAT_JSON:
        return acc_lint_write(out, r, o);
    case ACC_FORMAT_SARIF:
        return acc_sarif_write_lint(out, r, o);
    case ACC_FORMAT_JUNIT:
        return acc_junit_write_lint(out, r, o);
    default:
        return ACC_EUSAGE;
    }
}

int cli_render_audit(FILE *out, const acc_audit_result *r, const acc_flow *flow,
                     const acc_report_options *o)
{
    switch (o->format) {
    case ACC_FORMAT_TEXT:
    case ACC_FORMAT_JSON:
        return acc_audit_render(out, r, o);
    case ACC_FORMAT_SARIF:
        return acc_sarif_write_audit(out, r, o);
    case ACC_FORMAT_JUNIT:
        return acc_junit_write_audit(out, r, o);
    case ACC_FORMAT_HTML:
        return acc_html_write_audit(out, r, flow, o);
    default:
        return ACC_EUSAGE;
    }
}
