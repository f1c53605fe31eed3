/*
 * report_text.c - text rendering shared by every command: format names and compiler-style
 * diagnostics with the source line and a caret under the span.
 */
#include "accord/report.h"

#include <string.h>

int acc_format_from_name(const char *name)
{
    /* ORDER: acc_format. */
    static const char *const names[] = { "text", "json", "sarif", "junit", "html" };
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

static const char *severity_color(acc_severity sev)
{
    switch (sev) {
    case ACC_SEV_ERROR: return "\033[1;31m";
    case ACC_SEV_WARNING: return "\033[1;35m";
    case ACC_SEV_NOTE: return "\033[1;36m";
    }
    return "";
}

void acc_report_diag_text(FILE *out, const acc_diag *d, bool color)
{
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    const char *sev_color = color ? severity_color(d->severity) : "";
    const char *file = d->file ? d->file : "accord";
    if (d->line)
        fprintf(out, "%s%s:%u:%u:%s ", bold, file, d->line, d->column, reset);
    else
        fprintf(out, "%s%s:%s ", bold, file, reset);
    fprintf(out, "%s%s:%s %s%s%s\n", sev_color, acc_severity_name(d->severity), reset, bold,
            d->message, reset);
    if (!d->line || !d->source_line)
        return;
    /* The source line, tabs kept so that the caret line below stays aligned. */
    fprintf(out, "%5u | %.*s\n", d->line, (int)d->source_line_len, d->source_line);
    fputs("      | ", out);
    for (unsigned i = 1; i < d->column && i <= d->source_line_len; i++)
        fputc(d->source_line[i - 1] == '\t' ? '\t' : ' ', out);
    fputs(color ? "\033[1;32m" : "", out);
    fputc('^', out);
    for (unsigned i = 1; i < d->span_len; i++)
        fputc('~', out);
    fprintf(out, "%s\n", reset);
}
