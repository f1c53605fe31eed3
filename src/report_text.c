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
    /* The source line, tabs kept so that the caret line below stays aligned. A long line
       (a generated or hostile file) is shown as a window around the caret. */
    enum { WINDOW = 160, BEFORE = 60 };
    size_t len = d->source_line_len, caret = d->column - 1, from = 0;
    if (caret > len)
        caret = len;
    if (len > WINDOW && caret > BEFORE)
        from = caret - BEFORE;
    size_t to = len - from > WINDOW ? from + WINDOW : len;
    const char *lead = from ? "..." : "", *tail = to < len ? "..." : "";
    fprintf(out, "%5u | %s%.*s%s\n", d->line, lead, (int)(to - from), d->source_line + from,
            tail);
    fputs("      | ", out);
    if (from)
        fputs("   ", out);
    for (size_t i = from; i < caret; i++)
        fputc(d->source_line[i] == '\t' ? '\t' : ' ', out);
    fputs(color ? "\033[1;32m" : "", out);
    fputc('^', out);
    unsigned span = d->span_len;
    if (caret + span > to + 1)
        span = (unsigned)(to + 1 - caret);
    for (unsigned i = 1; i < span; i++)
        fputc('~', out);
    fprintf(out, "%s\n", reset);
}
