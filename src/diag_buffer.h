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

#include "accord/core.h"

typedef struct acc_held_diag acc_held_diag;

typedef struct acc_diag_buffer {
    acc_held_diag *items;
    size_t n, cap;
    const char *const *paths;   /* file order: diagnostics about paths[i] sort as i */
    size_t n_paths;
    unsigned errors;            /* error diagnostics received */
    bool oom;                   /* a copy failed: the buffer reports ACC_ENOMEM */
} acc_diag_buffer;

/* Starts an empty buffer; `paths` (may be NULL) gives the order of files. */
void acc_diag_buffer_init(acc_diag_buffer *b, const char *const *paths, size_t n_paths);

/* A sink that appends to `b`. */
acc_diag_sink acc_diag_buffer_sink(acc_diag_buffer *b);

/*
 * Delivers every held diagnostic to `sink` in source order and empties the buffer.
 * Returns ACC_ENOMEM when a diagnostic could not be held (those are lost), else ACC_OK.
 */
int acc_diag_buffer_flush(acc_diag_buffer *b, const acc_diag_sink *sink);

#endif
