/*
 * parser.h - the recursive-descent parser of rule files (internal).
 *
 * acc_parse reads file->src and fills the rest of *file: header, enumerations,
 * declarations and removals, all allocated in file->arena. Syntax errors (and the
 * lexer's) go to the sink; the parser resynchronises at the next ';' or '}' so that one
 * run reports every error of the file.
 *
 * Ownership: the tree belongs to the file (released with its arena).
 */
#ifndef ACCORD_PARSER_H
#define ACCORD_PARSER_H

#include "ast.h"
#include "diag_buffer.h"

/* The deepest nesting of parentheses, `not` and `implies` an expression may have. */
#define ACC_PARSE_MAX_DEPTH 256

/*
 * Parses file->src into *file (whose arena and src are set, everything else zero).
 * Diagnostics go to `sink`, as many as `limit` admits (NULL: all). Sets *errors to the number of errors reported. Returns ACC_OK (check *errors) or
 * ACC_ENOMEM.
 */
int acc_parse(acc_file *file, const acc_diag_sink *sink, acc_diag_buffer *limit,
              unsigned *errors);

/* Writes "path:line:col" of byte `offset` of `src` into buf (always NUL-terminated). */
void acc_format_location(char *buf, size_t size, const acc_source_text *src, uint32_t offset);

#endif
