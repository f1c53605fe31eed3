/*
 * json.c - the streaming JSON writer (json.h).
 */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void acc_json_init(acc_json *j, FILE *out, int indent)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->indent = indent;
    j->first[0] = true;
}

static void newline(acc_json *j)
{
    if (!j->indent)
        return;
    fputc('\n', j->out);
    for (int i = 0; i < j->depth * j->indent; i++)
        fputc(' ', j->out);
}

/* Separator and indentation before a value (or a key). */
static void write_string(acc_json *j, const char *s, size_t n);

static void before_value(acc_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (!j->first[j->depth])
        fputc(',', j->out);
    j->first[j->depth] = false;
    if (j->depth > 0)
        newline(j);
}

static void open(acc_json *j, char c)
{
    before_value(j);
    fputc(c, j->out);
    if (j->depth < 63)
        j->depth++;
    j->first[j->depth] = true;
}

static void close_(acc_json *j, char c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (!empty)
        newline(j);
    fputc(c, j->out);
}

void acc_json_object_begin(acc_json *j) { open(j, '{'); }
void acc_json_object_end(acc_json *j) { close_(j, '}'); }
void acc_json_array_begin(acc_json *j) { open(j, '['); }
void acc_json_array_end(acc_json *j) { close_(j, ']'); }

void acc_json_key(acc_json *j, const char *key)
{
    before_value(j);
    write_string(j, key, strlen(key));
    fputs(j->indent ? ": " : ":", j->out);
    j->after_key = true;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

static void write_string(acc_json *j, const char *s, size_t n)
{
    fputc('"', j->out);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            fputc('\\', j->out);
            fputc(c, j->out);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
            case '\n': fputs("\\n", j->out); break;
            case '\t': fputs("\\t", j->out); break;
            case '\r': fputs("\\r", j->out); break;
            default: fprintf(j->out, "\\u%04x", c); break;
            }
            i++;
        } else {
            size_t len = utf8_len(p + i, n - i);
            if (len == 0) {
                fputs("\\ufffd", j->out);
                i++;
            } else {
                fwrite(p + i, 1, len, j->out);
                i += len;
            }
        }
    }
    fputc('"', j->out);
}

void acc_json_string(acc_json *j, const char *s)
{
    if (!s) {
        acc_json_null(j);
        return;
    }
    acc_json_string_n(j, s, strlen(s));
}

void acc_json_string_n(acc_json *j, const char *s, size_t n)
{
    before_value(j);
    write_string(j, s, n);
}

void acc_json_int(acc_json *j, int64_t v)
{
    before_value(j);
    fprintf(j->out, "%" PRId64, v);
}

void acc_json_bool(acc_json *j, bool v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->out);
}

void acc_json_null(acc_json *j)
{
    before_value(j);
    fputs("null", j->out);
}

void acc_json_finish(acc_json *j)
{
    fputc('\n', j->out);
}
