/*
 * lexer.c - scanning rule files into tokens (see lexer.h).
 *
 * Hand-written, one character of lookahead, in the manner of Lua's llex.c. The lexer
 * reports its errors itself and never stops: a bad character is skipped, a damaged literal
 * still yields a token, so one run reports every lexical error of a file.
 *
 * Numbers and dates share a first digit: a digit run followed by '-' and a digit is a date
 * or a date and time, and the whole run of date characters is taken at once so that
 * "2014-02-30" is reported as one invalid date rather than as three numbers.
 */
#include "lexer.h"

#include "diag.h"

#include <string.h>

#define ACC_TOK_TEXT_(name, text) text,
/* ORDER: acc_token_kind. */
static const char *const token_names[ACC_TOK_COUNT] = {
    "end of file", "identifier", "string", "number", "date", "date and time",
    ACC_PUNCTUATION(ACC_TOK_TEXT_)
    ACC_KEYWORDS(ACC_TOK_TEXT_)
};
#undef ACC_TOK_TEXT_

/* The names used in messages: spellings in quotes. ORDER: acc_token_kind. */
#define ACC_TOK_QUOTED_(name, text) "'" text "'",
static const char *const quoted_names[ACC_TOK_COUNT] = {
    "end of file", "identifier", "string", "number", "date", "date and time",
    ACC_PUNCTUATION(ACC_TOK_QUOTED_)
    ACC_KEYWORDS(ACC_TOK_QUOTED_)
};
#undef ACC_TOK_QUOTED_

const char *acc_token_kind_name(acc_token_kind kind)
{
    return (unsigned)kind < ACC_TOK_COUNT ? quoted_names[kind] : "?";
}

bool acc_token_is_keyword(acc_token_kind kind)
{
    return kind >= ACC_TOK_FIRST_KEYWORD && kind < ACC_TOK_COUNT;
}

int acc_token_field(acc_token_kind kind)
{
    switch (kind) {
    case ACC_TOK_TIME: return ACC_FIELD_TIME;
    case ACC_TOK_FROM: return ACC_FIELD_FROM;
    case ACC_TOK_TO: return ACC_FIELD_TO;
    case ACC_TOK_TOPIC: return ACC_FIELD_TOPIC;
    case ACC_TOK_ITEM: return ACC_FIELD_ITEM;
    case ACC_TOK_ORIGINATOR: return ACC_FIELD_ORIGINATOR;
    case ACC_TOK_LEVEL: return ACC_FIELD_LEVEL;
    case ACC_TOK_DECISION: return ACC_FIELD_DECISION;
    default: return -1;
    }
}

int acc_token_event_kind(acc_token_kind kind)
{
    switch (kind) {
    case ACC_TOK_REQUEST: return ACC_KIND_REQUEST;
    case ACC_TOK_APPROVAL: return ACC_KIND_APPROVAL;
    case ACC_TOK_TRANSFER: return ACC_KIND_TRANSFER;
    default: return -1;
    }
}

int acc_token_decision(acc_token_kind kind)
{
    switch (kind) {
    case ACC_TOK_GRANTED: return ACC_DECISION_GRANTED;
    case ACC_TOK_DENIED: return ACC_DECISION_DENIED;
    case ACC_TOK_REVOKED: return ACC_DECISION_REVOKED;
    default: return -1;
    }
}

void acc_lexer_init(acc_lexer *lx, const acc_source_text *src, const acc_diag_sink *sink)
{
    lx->src = src;
    lx->sink = sink;
    lx->pos = 0;
    lx->errors = 0;
    lx->limit = NULL;
}

static void lex_error(acc_lexer *lx, uint32_t start, uint32_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void lex_error(acc_lexer *lx, uint32_t start, uint32_t end, const char *fmt, ...)
{
    va_list ap;
    lx->errors++;
    va_start(ap, fmt);
    acc_diag_buffer_verror(lx->limit, lx->sink, lx->src, start, end, fmt, ap);
    va_end(ap);
}

static bool is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_char(int c)
{
    return is_letter(c) || is_digit(c) || c == '-' || c == '_';
}

/* The byte at offset i, or -1 past the end. */
static int peek_at(const acc_lexer *lx, uint32_t i)
{
    return i < lx->src->len ? (unsigned char)lx->src->text[i] : -1;
}

/*
 * The length of the well-formed UTF-8 sequence at s[0..n), n > 0, or 0 when the bytes
 * there are not one (overlong forms, surrogates and values past U+10FFFF are rejected).
 */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; cp = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; cp = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; cp = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The length of an invalid sequence at s[0..n): its first byte and the continuation
 * bytes after it (at most three), reported as one error. */
static size_t invalid_length(const unsigned char *s, size_t n)
{
    size_t len = 1;
    while (len < n && len < 4 && (s[len] & 0xC0) == 0x80)
        len++;
    return len;
}

/*
 * Checks the UTF-8 character at lx->pos (a byte >= 0x80) inside a comment or string and
 * advances past it; reports an invalid sequence (in `where`) and skips it.
 */
static void skip_utf8(acc_lexer *lx, const char *where)
{
    const unsigned char *s = (const unsigned char *)lx->src->text + lx->pos;
    size_t len = utf8_length(s, lx->src->len - lx->pos);
    if (len == 0) {
        len = invalid_length(s, lx->src->len - lx->pos);
        lex_error(lx, lx->pos, lx->pos + (uint32_t)len, "invalid UTF-8 byte 0x%02x in %s",
                  s[0], where);
    }
    lx->pos += (uint32_t)len;
}

static void skip_space_and_comments(acc_lexer *lx)
{
    for (;;) {
        int c = peek_at(lx, lx->pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '#') {
            while ((c = peek_at(lx, lx->pos)) != -1 && c != '\n') {
                if (c >= 0x80)
                    skip_utf8(lx, "comment");
                else
                    lx->pos++;
            }
        } else {
            return;
        }
    }
}

static acc_token_kind keyword_kind(const char *s, size_t len)
{
    for (int k = ACC_TOK_FIRST_KEYWORD; k < ACC_TOK_COUNT; k++) {
        const char *name = token_names[k];
        if (name[0] == s[0] && strlen(name) == len && memcmp(name, s, len) == 0)
            return (acc_token_kind)k;
    }
    return ACC_TOK_IDENT;
}

/* "...": the opening quote is at lx->pos. */
static void lex_string(acc_lexer *lx, acc_token *t)
{
    uint32_t start = lx->pos++;
    for (;;) {
        int c = peek_at(lx, lx->pos);
        if (c == -1 || c == '\n' || c == '\r') {
            lex_error(lx, start, lx->pos, "unterminated string");
            t->bad = true;
            break;
        }
        if (c == '"') {
            lx->pos++;
            break;
        }
        if (c == '\\') {
            int e = peek_at(lx, lx->pos + 1);
            if (e == '"' || e == '\\') {
                lx->pos += 2;
                continue;
            }
            if (e >= 0x20 && e < 0x7F) {
                lex_error(lx, lx->pos, lx->pos + 2,
                          "unknown escape '\\%c' in string (only \\\" and \\\\ are escapes)", e);
                lx->pos += 2;
            } else {
                lex_error(lx, lx->pos, lx->pos + 1,
                          "unknown escape in string (only \\\" and \\\\ are escapes)");
                lx->pos++;
            }
            t->bad = true;
            continue;
        }
        if (c >= 0x80) {
            skip_utf8(lx, "string");
        } else if (c < 0x20 && c != '\t') {
            lex_error(lx, lx->pos, lx->pos + 1, "control character 0x%02x in string", c);
            t->bad = true;
            lx->pos++;
        } else {
            lx->pos++;
        }
    }
    t->kind = ACC_TOK_STRING;
    t->start = start;
    t->end = lx->pos;
}

/* True when s[0..n) has the shape of the digits-and-separators pattern (D = digit). */
static bool has_shape(const char *s, size_t n, const char *pattern)
{
    if (strlen(pattern) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (pattern[i] == 'D' ? !is_digit((unsigned char)s[i]) : s[i] != pattern[i])
            return false;
    }
    return true;
}

/* A date or a date and time: the run of date characters starting at lx->pos. */
static void lex_date(acc_lexer *lx, acc_token *t)
{
    uint32_t start = lx->pos;
    int c;
    while ((c = peek_at(lx, lx->pos)) != -1 && (is_ident_char(c) || c == ':'))
        lx->pos++;
    const char *s = lx->src->text + start;
    size_t n = lx->pos - start;
    t->start = start;
    t->end = lx->pos;
    if (has_shape(s, n, "DDDD-DD-DD")) {
        t->kind = ACC_TOK_DATE;
        if (!acc_date_parse(s, n, &t->value)) {
            lex_error(lx, start, lx->pos, "invalid date '%.*s'", (int)n, s);
            t->bad = true;
        }
    } else if (has_shape(s, n, "DDDD-DD-DDTDD:DD:DDZ")) {
        t->kind = ACC_TOK_DATETIME;
        if (!acc_time_parse(s, n, &t->value)) {
            lex_error(lx, start, lx->pos, "invalid date and time '%.*s'", (int)n, s);
            t->bad = true;
        }
    } else {
        t->kind = ACC_TOK_DATE;
        lex_error(lx, start, lx->pos,
                  "malformed date '%.*s' (write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC)",
                  (int)(n > 40 ? 40 : n), s);
        t->bad = true;
    }
}

static void lex_number(acc_lexer *lx, acc_token *t)
{
    uint32_t start = lx->pos;
    while (is_digit(peek_at(lx, lx->pos)))
        lx->pos++;
    if (peek_at(lx, lx->pos) == '-' && is_digit(peek_at(lx, lx->pos + 1))) {
        lx->pos = start;
        lex_date(lx, t);
        return;
    }
    t->kind = ACC_TOK_INT;
    t->start = start;
    if (is_ident_char(peek_at(lx, lx->pos))) {
        while (is_ident_char(peek_at(lx, lx->pos)))
            lx->pos++;
        t->end = lx->pos;
        t->bad = true;
        lex_error(lx, start, lx->pos, "malformed number '%.*s'",
                  (int)(lx->pos - start > 40 ? 40 : lx->pos - start), lx->src->text + start);
        return;
    }
    t->end = lx->pos;
    int64_t v = 0;
    for (uint32_t i = start; i < lx->pos; i++) {
        v = v * 10 + (lx->src->text[i] - '0');
        if (v > ACC_LEX_INT_MAX) {
            lex_error(lx, start, lx->pos, "number '%.*s' is too large",
                      (int)(lx->pos - start > 40 ? 40 : lx->pos - start),
                      lx->src->text + start);
            t->bad = true;
            v = 0;
            break;
        }
    }
    t->value = v;
}

/* Two-character operators first, then single characters. */
static bool lex_punctuation(acc_lexer *lx, acc_token *t)
{
    int c = peek_at(lx, lx->pos), d = peek_at(lx, lx->pos + 1);
    acc_token_kind k;
    uint32_t len = 1;
    switch (c) {
    case '=': k = d == '=' ? (len = 2, ACC_TOK_EQ) : ACC_TOK_ASSIGN; break;
    case '!':
        if (d != '=')
            return false;
        k = ACC_TOK_NE;
        len = 2;
        break;
    case '<': k = d == '=' ? (len = 2, ACC_TOK_LE) : ACC_TOK_LT; break;
    case '>': k = d == '=' ? (len = 2, ACC_TOK_GE) : ACC_TOK_GT; break;
    case ',': k = ACC_TOK_COMMA; break;
    case ';': k = ACC_TOK_SEMI; break;
    case ':': k = ACC_TOK_COLON; break;
    case '{': k = ACC_TOK_LBRACE; break;
    case '}': k = ACC_TOK_RBRACE; break;
    case '(': k = ACC_TOK_LPAREN; break;
    case ')': k = ACC_TOK_RPAREN; break;
    default: return false;
    }
    t->kind = k;
    t->start = lx->pos;
    lx->pos += len;
    t->end = lx->pos;
    return true;
}

/* Reports the character at lx->pos, which starts no token, and skips it. */
static void skip_bad_character(acc_lexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->src->text + lx->pos;
    uint32_t start = lx->pos;
    if (s[0] >= 0x80) {
        size_t len = utf8_length(s, lx->src->len - lx->pos);
        if (len == 0) {
            len = invalid_length(s, lx->src->len - lx->pos);
            lex_error(lx, start, start + (uint32_t)len, "invalid UTF-8 byte 0x%02x", s[0]);
        } else {
            lex_error(lx, start, start + (uint32_t)len, "unexpected character '%.*s'", (int)len,
                      (const char *)s);
        }
        lx->pos += (uint32_t)len;
    } else if (s[0] < 0x20 || s[0] == 0x7F) {
        lex_error(lx, start, start + 1, "unexpected control character 0x%02x", s[0]);
        lx->pos++;
    } else {
        lex_error(lx, start, start + 1, "unexpected character '%c'", s[0]);
        lx->pos++;
    }
}

void acc_lexer_next(acc_lexer *lx, acc_token *out)
{
    for (;;) {
        skip_space_and_comments(lx);
        acc_token t = { .kind = ACC_TOK_EOF, .start = lx->pos, .end = lx->pos };
        int c = peek_at(lx, lx->pos);
        if (c == -1) {
            *out = t;
            return;
        }
        if (is_letter(c)) {
            uint32_t start = lx->pos;
            while (is_ident_char(peek_at(lx, lx->pos)))
                lx->pos++;
            t.end = lx->pos;
            t.kind = keyword_kind(lx->src->text + start, lx->pos - start);
            *out = t;
            return;
        }
        if (is_digit(c)) {
            lex_number(lx, &t);
            *out = t;
            return;
        }
        if (c == '"') {
            lex_string(lx, &t);
            *out = t;
            return;
        }
        if (lex_punctuation(lx, &t)) {
            *out = t;
            return;
        }
        skip_bad_character(lx);
    }
}

size_t acc_string_decode(const char *text, uint32_t start, uint32_t end, char *out)
{
    size_t n = 0;
    /* From after the opening quote to the first unescaped quote (or the end of an
     * unterminated string). */
    for (uint32_t i = start + 1; i < end && text[i] != '"'; i++) {
        if (text[i] == '\\' && i + 1 < end && (text[i + 1] == '"' || text[i + 1] == '\\'))
            i++;
        out[n++] = text[i];
    }
    out[n] = '\0';
    return n;
}
