/*
 * diag_buffer.h - holding diagnostics back to deliver them in source order (internal).
 *
 * The front end finds problems in an order that suits its passes (the lexer runs one token
 * ahead of the parser; amendments are merged before expressions are checked), but a
 * reader wants them file by file, top to bottom. A buffer is a sink that keeps copies of
 * the diagnostics it receives; acc_diag_buffer_flush sorts them by file (in the order the
 * files were registered), line and column, keeping the arrival order of ties, and
 * forwards them to the real sink.
 *
 * Ownership: the buffer owns its copies; acc_diag_buffer_flush delivers and releases them
 * (call it on every path). The registered paths are borrowed.
 */
#ifndef ACCORD_DIAG_BUFFER_H
#define ACCORD_DIAG_BUFFER_H

#include "ir.h"

#include <stdarg.h>

typedef struct acc_held_diag acc_held_diag;

/*
 * The most diagnostics one parse or one build shows. Past it, errors are only counted and
 * flushing ends with one "N more errors not shown": a pathological input (a megabyte of
 * stray bytes) must not produce a megabyte of messages, nor take quadratic time to locate
 * them.
 */
#define ACC_MAX_SHOWN_DIAGS 100

typedef struct acc_diag_buffer {
    acc_held_diag *items;
    size_t n, cap;
    unsigned budget;            /* diagnostics that may still be shown */
    unsigned hidden;            /* diagnostics refused by acc_diag_buffer_admit */
    const char *const *paths;   /* file order: diagnostics about paths[i] sort as i */
    size_t n_paths;
    unsigned errors;            /* error diagnostics received */
    bool oom;                   /* a copy failed: the buffer reports ACC_ENOMEM */
} acc_diag_buffer;

/* Starts an empty buffer; `paths` (may be NULL) gives the order of files. */
void acc_diag_buffer_init(acc_diag_buffer *b, const char *const *paths, size_t n_paths);

/*
 * Whether the next diagnostic may be reported: true while fewer than ACC_MAX_SHOWN_DIAGS
 * have been admitted, then false (counting it as hidden). A NULL buffer admits everything.
 * Reporters call it before formatting a diagnostic.
 */
bool acc_diag_buffer_admit(acc_diag_buffer *b);

/*
 * Reports an error at bytes [start, end) of `src` to `sink` when `limit` admits it (see
 * acc_diag_buffer_admit; NULL admits everything). The reporters of every front-end stage
 * go through here.
 */
void acc_diag_buffer_verror(acc_diag_buffer *limit, const acc_diag_sink *sink,
                            const acc_source_text *src, uint32_t start, uint32_t end,
                            const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/* A sink that appends to `b`. */
acc_diag_sink acc_diag_buffer_sink(acc_diag_buffer *b);

/*
 * Delivers every held diagnostic to `sink` in source order, then (when some were hidden)
 * "N more errors not shown" about the first registered path, and empties the buffer.
 * Returns ACC_ENOMEM when a diagnostic could not be held (those are lost), else ACC_OK.
 */
int acc_diag_buffer_flush(acc_diag_buffer *b, const acc_diag_sink *sink);

#endif
