/*
 * diag.c - diagnostics: locating a byte offset as line and column, and delivering a
 * formatted message with its source line to the caller's sink.
 */
#include "diag.h"

#include <stdio.h>

void acc_source_locate(const acc_source_text *src, uint32_t offset, unsigned *line,
                       unsigned *column)
{
    unsigned l = 1;
    size_t line_start = 0;
    if (offset > src->len)
        offset = (uint32_t)src->len;
    for (size_t i = 0; i < offset; i++) {
        if (src->text[i] == '\n') {
            l++;
            line_start = i + 1;
        }
    }
    *line = l;
    *column = (unsigned)(offset - line_start) + 1;
}

void acc_diag_vreport(const acc_diag_sink *sink, acc_severity sev, const acc_source_text *src,
                      uint32_t start, uint32_t end, const char *fmt, va_list ap)
{
    if (!sink || !sink->fn)
        return;
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    acc_diag d = { .severity = sev, .message = message };
    if (src) {
        d.file = src->path;
        if (start > src->len)
            start = (uint32_t)src->len;
        if (end < start)
            end = start;
        acc_source_locate(src, start, &d.line, &d.column);
        size_t ls = start - (d.column - 1), le = ls;
        while (le < src->len && src->text[le] != '\n' && src->text[le] != '\r')
            le++;
        d.source_line = src->text + ls;
        d.source_line_len = le - ls;
        /* Underline to the end of the span or of the line, whichever comes first. */
        size_t stop = end < le ? end : le;
        d.span_len = stop > start ? (unsigned)(stop - start) : 1;
    }
    sink->fn(sink->payload, &d);
}

void acc_diag_report(const acc_diag_sink *sink, acc_severity sev, const acc_source_text *src,
                     uint32_t start, uint32_t end, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acc_diag_vreport(sink, sev, src, start, end, fmt, ap);
    va_end(ap);
}

void acc_diag_report_file(const acc_diag_sink *sink, acc_severity sev, const char *path,
                          const char *fmt, ...)
{
    if (!sink || !sink->fn)
        return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    acc_diag d = { .severity = sev, .file = path, .message = message };
    sink->fn(sink->payload, &d);
}
