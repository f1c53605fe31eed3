/*
 * diag.h - building diagnostics for the sink (internal).
 *
 * Stages report problems with a source and a byte span; these helpers compute line and
 * column, find the source line for the caret, format the message and call the sink.
 */
#ifndef ACCORD_DIAG_H
#define ACCORD_DIAG_H

#include "ir.h"

#include <stdarg.h>

/*
 * Reports a diagnostic at bytes [start, end) of `src` (src may be NULL for a diagnostic
 * without location; `path` is then used as the file). printf-style message.
 */
void acc_diag_report(const acc_diag_sink *sink, acc_severity sev, const acc_source_text *src,
                     uint32_t start, uint32_t end, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A diagnostic with no location about file `path` (may be NULL). */
void acc_diag_report_file(const acc_diag_sink *sink, acc_severity sev, const char *path,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* As acc_diag_report with a va_list. */
void acc_diag_vreport(const acc_diag_sink *sink, acc_severity sev, const acc_source_text *src,
                      uint32_t start, uint32_t end, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

#endif
