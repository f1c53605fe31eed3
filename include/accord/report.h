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
} acc_report_options;

/*
 * Writes one diagnostic in the text style of a good compiler:
 *   file:line:col: severity: message
 *    12 |   the source line
 *       |        ^~~~
 * (or "file: severity: message" without a location).
 */
void acc_report_diag_text(FILE *out, const acc_diag *d, bool color);

#ifdef __cplusplus
}
#endif
#endif
