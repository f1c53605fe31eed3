/*
 * json.h - a small streaming JSON writer used by every JSON and SARIF renderer (internal).
 *
 * The writer tracks nesting so that commas are placed automatically: call acc_json_key
 * before each member value inside an object. Output is UTF-8 with every control character
 * escaped; invalid UTF-8 bytes are written as U+FFFD so the output always parses.
 */
#ifndef ACCORD_JSON_H
#define ACCORD_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct acc_json {
    FILE *out;
    int depth;
    bool first[64];        /* per nesting level: no value written yet */
    bool after_key;
    int indent;            /* spaces per level; 0 writes compact JSON */
} acc_json;

void acc_json_init(acc_json *j, FILE *out, int indent);
void acc_json_object_begin(acc_json *j);
void acc_json_object_end(acc_json *j);
void acc_json_array_begin(acc_json *j);
void acc_json_array_end(acc_json *j);
void acc_json_key(acc_json *j, const char *key);
void acc_json_string(acc_json *j, const char *s);          /* NULL writes null */
void acc_json_string_n(acc_json *j, const char *s, size_t n);
void acc_json_int(acc_json *j, int64_t v);
void acc_json_bool(acc_json *j, bool v);
void acc_json_null(acc_json *j);
/* Ends the document with a newline. */
void acc_json_finish(acc_json *j);

#endif
