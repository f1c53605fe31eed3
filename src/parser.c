/*
 * parser.c - recursive descent from tokens to the syntax tree of one rule file (parser.h).
 *
 * One function per grammar rule, with the rule in a comment above it. A function that
 * meets a syntax error reports it and returns false (or NULL); the declaration loop then
 * skips past the ';' or '}' that ends the broken declaration, to the keyword that starts
 * the next one, and carries on, so a file with three mistakes gets three messages.
 *
 * `and` and `or` chains are built as balanced trees (both are associative), so a long
 * chain does not make a deep tree; nesting through parentheses, `not` and `implies` is
 * capped at ACC_PARSE_MAX_DEPTH so that no input can exhaust the stack.
 */
#include "parser.h"

#include "diag.h"
#include "lexer.h"

#include <stdio.h>
#include <string.h>

typedef struct parser {
    acc_lexer lx;
    acc_token tok;              /* the current token */
    acc_token prev;             /* the last consumed token */
    acc_file *file;
    const acc_diag_sink *sink;
    unsigned errors;
    unsigned depth;             /* current expression nesting */
    bool oom;
    bool has_header;
    uint32_t header_start, header_end;  /* the first header's keyword */
    uint32_t decl_cap, remove_cap;
} parser;

void acc_format_location(char *buf, size_t size, const acc_source_text *src, uint32_t offset)
{
    unsigned line, column;
    acc_source_locate(src, offset, &line, &column);
    snprintf(buf, size, "%s:%u:%u", src->path ? src->path : "?", line, column);
}

static void error_at(parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void error_at(parser *p, uint32_t start, uint32_t end, const char *fmt, ...)
{
    va_list ap;
    p->errors++;
    va_start(ap, fmt);
    acc_diag_buffer_verror(p->lx.limit, p->sink, &p->file->src, start, end, fmt, ap);
    va_end(ap);
}

static void advance(parser *p)
{
    p->prev = p->tok;
    acc_lexer_next(&p->lx, &p->tok);
}

static bool check(const parser *p, acc_token_kind kind)
{
    return p->tok.kind == kind;
}

static bool accept(parser *p, acc_token_kind kind)
{
    if (!check(p, kind))
        return false;
    advance(p);
    return true;
}

/* The current token as a message names it: "identifier 'KR'", "'rule'", "end of file". */
static void describe_token(const parser *p, char *buf, size_t size)
{
    const acc_token *t = &p->tok;
    int n = (int)(t->end - t->start > 40 ? 40 : t->end - t->start);
    const char *text = p->file->src.text + t->start;
    switch (t->kind) {
    case ACC_TOK_IDENT: snprintf(buf, size, "identifier '%.*s'", n, text); break;
    case ACC_TOK_INT: snprintf(buf, size, "number %.*s", n, text); break;
    case ACC_TOK_DATE: snprintf(buf, size, "date %.*s", n, text); break;
    case ACC_TOK_DATETIME: snprintf(buf, size, "date and time %.*s", n, text); break;
    default: snprintf(buf, size, "%s", acc_token_kind_name(t->kind)); break;
    }
}

/*
 * Reports "expected WHAT, found TOKEN" at the current token, unless the lexer has already
 * reported that token as malformed (one problem, one message). Returns false.
 */
static bool expected(parser *p, const char *what)
{
    /* A malformed token just before (an unterminated string ate the rest of its line)
     * usually explains the surprise: one problem, one message. */
    if (p->tok.bad || p->prev.bad)
        return false;
    char found[96];
    describe_token(p, found, sizeof found);
    /* A missing ';' is noticed at the next token, often on a later line: point just after
     * what it should follow, as a reader would look for it. */
    uint32_t start = p->tok.start, end = p->tok.end;
    if (strncmp(what, "';'", 3) == 0 && p->prev.end > 0)
        start = end = p->prev.end;
    error_at(p, start, end, "expected %s, found %s", what, found);
    return false;
}

static bool expect(parser *p, acc_token_kind kind, const char *what)
{
    if (accept(p, kind))
        return true;
    return expected(p, what);
}

static void *palloc(parser *p, size_t n)
{
    void *mem = acc_arena_alloc(&p->file->arena, n);
    if (!mem)
        p->oom = true;
    return mem;
}

static const char *copy_text(parser *p, uint32_t start, uint32_t end)
{
    char *s = acc_arena_strndup(&p->file->arena, p->file->src.text + start, end - start);
    if (!s)
        p->oom = true;
    return s;
}

/* The decoded text of the string token just consumed. */
static const char *copy_string(parser *p)
{
    char *s = palloc(p, p->prev.end - p->prev.start + 1);
    if (s)
        acc_string_decode(p->file->src.text, p->prev.start, p->prev.end, s);
    return s;
}

/*
 * Makes room for one more element of `size` bytes in the arena array *items (n used, *cap
 * allocated) and returns the new slot, or NULL when out of memory. Growth doubles, so the
 * copies left behind in the arena cost at most as much as the final array.
 */
static void *grow(parser *p, void *items_ptr, uint32_t n, uint32_t *cap, size_t size)
{
    void **items = items_ptr;
    if (n == *cap) {
        uint32_t new_cap = *cap ? *cap * 2 : 8;
        unsigned char *bigger = palloc(p, (size_t)new_cap * size);
        if (!bigger)
            return NULL;
        if (n)
            memcpy(bigger, *items, (size_t)n * size);
        *items = bigger;
        *cap = new_cap;
    }
    return (unsigned char *)*items + (size_t)n * size;
}

/* NAME := IDENT (a keyword is reported as reserved). `what` says what it names. */
static bool parse_name(parser *p, const char *what, const char **name, uint32_t *start,
                       uint32_t *end)
{
    if (acc_token_is_keyword(p->tok.kind)) {
        error_at(p, p->tok.start, p->tok.end, "%s is a reserved word and cannot name %s",
                 acc_token_kind_name(p->tok.kind), what);
        return false;
    }
    if (!check(p, ACC_TOK_IDENT)) {
        char want[80];
        snprintf(want, sizeof want, "the name of %s", what);
        return expected(p, want);
    }
    advance(p);
    *start = p->prev.start;
    *end = p->prev.end;
    *name = copy_text(p, *start, *end);
    return *name != NULL;
}

/* KIND := "request" | "approval" | "transfer" */
static bool parse_kind(parser *p, acc_kind *kind, uint32_t *start, uint32_t *end)
{
    int k = acc_token_event_kind(p->tok.kind);
    if (k < 0) {
        if (check(p, ACC_TOK_IDENT)) {
            error_at(p, p->tok.start, p->tok.end,
                     "unknown event kind '%.*s' (the kinds are request, approval and transfer)",
                     (int)(p->tok.end - p->tok.start), p->file->src.text + p->tok.start);
            return false;
        }
        return expected(p, "an event kind (request, approval or transfer)");
    }
    *kind = (acc_kind)k;
    *start = p->tok.start;
    *end = p->tok.end;
    advance(p);
    return true;
}

/* term := FIELD | DECISION | IDENT | DATE | DATETIME */
static bool parse_term(parser *p, ast_term *t)
{
    int field = acc_token_field(p->tok.kind);
    int decision = acc_token_decision(p->tok.kind);
    *t = (ast_term){ .start = p->tok.start, .end = p->tok.end };
    if (field >= 0) {
        t->kind = AST_TERM_FIELD;
        t->field = (acc_field)field;
    } else if (decision >= 0) {
        t->kind = AST_TERM_DECISION;
        t->value = decision;
    } else if (check(p, ACC_TOK_IDENT)) {
        t->kind = AST_TERM_NAME;
        if (!(t->name = copy_text(p, t->start, t->end)))
            return false;
    } else if (check(p, ACC_TOK_DATE) || check(p, ACC_TOK_DATETIME)) {
        t->kind = AST_TERM_TIME;
        t->value = p->tok.value;
    } else {
        return expected(p, "a field, a name, a date or a time");
    }
    advance(p);
    return true;
}

static ast_expr *new_expr(parser *p, ast_expr_kind kind, uint32_t start, uint32_t end)
{
    ast_expr *e = palloc(p, sizeof *e);
    if (e) {
        e->kind = kind;
        e->start = start;
        e->end = end;
    }
    return e;
}

static ast_expr *parse_expr(parser *p);

/* set := "{" term { "," term } "}" */
static bool parse_set(parser *p, ast_expr *e)
{
    uint32_t cap = 0;
    if (!expect(p, ACC_TOK_LBRACE, "'{' after 'in'"))
        return false;
    do {
        ast_term *slot = grow(p, &e->set, e->n_set, &cap, sizeof *slot);
        if (!slot || !parse_term(p, slot))
            return false;
        e->n_set++;
    } while (accept(p, ACC_TOK_COMMA));
    return expect(p, ACC_TOK_RBRACE, "',' or '}' in the set");
}

static bool comparison_op(acc_token_kind kind, acc_cmp_op *op)
{
    switch (kind) {
    case ACC_TOK_EQ: *op = ACC_CMP_EQ; return true;
    case ACC_TOK_NE: *op = ACC_CMP_NE; return true;
    case ACC_TOK_LT: *op = ACC_CMP_LT; return true;
    case ACC_TOK_LE: *op = ACC_CMP_LE; return true;
    case ACC_TOK_GT: *op = ACC_CMP_GT; return true;
    case ACC_TOK_GE: *op = ACC_CMP_GE; return true;
    default: return false;
    }
}

/*
 * comparison := term ("==" | "!=" | "<" | "<=" | ">" | ">=") term
 *             | term ["not"] "in" set
 */
static ast_expr *parse_comparison(parser *p, const ast_term *first)
{
    ast_term l;
    acc_cmp_op op;
    if (first)
        l = *first;
    else if (!parse_term(p, &l))
        return NULL;
    ast_expr *e = new_expr(p, AST_CMP, l.start, l.end);
    if (!e)
        return NULL;
    e->l = l;
    if (comparison_op(p->tok.kind, &op)) {
        advance(p);
        e->cmp = op;
        if (!parse_term(p, &e->r))
            return NULL;
        e->end = e->r.end;
        return e;
    }
    e->kind = AST_IN;
    if (accept(p, ACC_TOK_NOT)) {
        e->negated = true;
        if (!expect(p, ACC_TOK_IN, "'in' after 'not'"))
            return NULL;
    } else if (!accept(p, ACC_TOK_IN)) {
        char what[96];
        snprintf(what, sizeof what, "a comparison or 'in' after '%.*s'",
                 (int)(l.end - l.start > 40 ? 40 : l.end - l.start),
                 p->file->src.text + l.start);
        expected(p, what);
        return NULL;
    }
    if (!parse_set(p, e))
        return NULL;
    e->end = p->prev.end;
    return e;
}

/*
 * primary := "(" expr ")" | "true" | "false" | FACT | comparison
 * A name followed by a comparison operator, `in` or `not` starts a comparison; a name on
 * its own is a fact.
 */
static ast_expr *parse_primary(parser *p)
{
    uint32_t start = p->tok.start;
    if (accept(p, ACC_TOK_LPAREN)) {
        ast_expr *inner = parse_expr(p);
        if (!inner || !expect(p, ACC_TOK_RPAREN, "')'"))
            return NULL;
        /* The parenthesised span covers the parentheses, for diagnostics. */
        inner->start = start;
        inner->end = p->prev.end;
        return inner;
    }
    if (accept(p, ACC_TOK_TRUE))
        return new_expr(p, AST_TRUE, start, p->prev.end);
    if (accept(p, ACC_TOK_FALSE))
        return new_expr(p, AST_FALSE, start, p->prev.end);
    if (check(p, ACC_TOK_IDENT)) {
        acc_cmp_op op;
        ast_term name;
        if (!parse_term(p, &name))
            return NULL;
        if (comparison_op(p->tok.kind, &op) || check(p, ACC_TOK_IN) || check(p, ACC_TOK_NOT))
            return parse_comparison(p, &name);
        ast_expr *e = new_expr(p, AST_FACT, name.start, name.end);
        if (e)
            e->name = name.name;
        return e;
    }
    if (acc_token_field(p->tok.kind) < 0 && acc_token_decision(p->tok.kind) < 0 &&
        !check(p, ACC_TOK_DATE) && !check(p, ACC_TOK_DATETIME)) {
        expected(p, "a condition");
        return NULL;
    }
    return parse_comparison(p, NULL);
}

static bool enter(parser *p)
{
    if (++p->depth > ACC_PARSE_MAX_DEPTH) {
        error_at(p, p->tok.start, p->tok.end, "expression nested too deeply (the limit is %d levels)",
                 ACC_PARSE_MAX_DEPTH);
        return false;
    }
    return true;
}

/* unary := "not" unary | primary */
static ast_expr *parse_unary(parser *p)
{
    uint32_t start = p->tok.start;
    if (!accept(p, ACC_TOK_NOT))
        return parse_primary(p);
    ast_expr *e = NULL, *a = NULL;
    if (enter(p) && (a = parse_unary(p)) != NULL &&
        (e = new_expr(p, AST_NOT, start, a->end)) != NULL)
        e->a = a;
    p->depth--;
    return e;
}

/* A balanced tree of `kind` over items[lo, hi), hi > lo. */
static ast_expr *balance(parser *p, ast_expr_kind kind, ast_expr **items, uint32_t lo,
                         uint32_t hi)
{
    if (hi - lo == 1)
        return items[lo];
    uint32_t mid = lo + (hi - lo) / 2;
    ast_expr *a = balance(p, kind, items, lo, mid);
    ast_expr *b = a ? balance(p, kind, items, mid, hi) : NULL;
    ast_expr *e = b ? new_expr(p, kind, a->start, b->end) : NULL;
    if (e) {
        e->a = a;
        e->b = b;
    }
    return e;
}

/*
 * and_expr := unary { "and" unary }      (op_kind AST_AND, operands parse_unary)
 * or_expr  := and_expr { "or" and_expr } (op_kind AST_OR, operands parse_and)
 */
static ast_expr *parse_chain(parser *p, acc_token_kind op, ast_expr_kind op_kind,
                             ast_expr *(*operand)(parser *))
{
    ast_expr *first = operand(p);
    if (!first || !check(p, op))
        return first;
    ast_expr **items = NULL;
    uint32_t n = 0, cap = 0;
    ast_expr **slot = grow(p, &items, n, &cap, sizeof *items);
    if (!slot)
        return NULL;
    *slot = first;
    n++;
    while (accept(p, op)) {
        ast_expr *next = operand(p);
        if (!next || !(slot = grow(p, &items, n, &cap, sizeof *items)))
            return NULL;
        *slot = next;
        n++;
    }
    return balance(p, op_kind, items, 0, n);
}

static ast_expr *parse_and(parser *p)
{
    return parse_chain(p, ACC_TOK_AND, AST_AND, parse_unary);
}

static ast_expr *parse_or(parser *p)
{
    return parse_chain(p, ACC_TOK_OR, AST_OR, parse_and);
}

/* expr := or_expr [ "implies" expr ]     (right-associative, lowest precedence) */
static ast_expr *parse_expr(parser *p)
{
    ast_expr *e = NULL;
    if (enter(p)) {
        ast_expr *a = parse_or(p);
        if (a && accept(p, ACC_TOK_IMPLIES)) {
            ast_expr *b = parse_expr(p);
            if (b && (e = new_expr(p, AST_IMPLIES, a->start, b->end)) != NULL) {
                e->a = a;
                e->b = b;
            }
        } else {
            e = a;
        }
    }
    p->depth--;
    return e;
}

/* Adds a declaration slot to the file, or NULL when out of memory. */
static ast_decl *new_decl(parser *p, ast_decl_kind kind, uint32_t start)
{
    ast_decl *d = grow(p, &p->file->decls, p->file->n_decls, &p->decl_cap, sizeof *d);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->start = start;
    return d;
}

/* The decl just filled in is kept only when it parsed completely. */
static bool finish_decl(parser *p, bool ok)
{
    if (ok) {
        p->file->decls[p->file->n_decls].end = p->prev.end;
        p->file->n_decls++;
    }
    return ok;
}

/* header_items := { "title" STRING | "effective" DATE } "}" */
static bool parse_header_items(parser *p, const char *what, uint32_t start, uint32_t end)
{
    acc_file *f = p->file;
    bool has_title = false, has_effective = false;
    while (!accept(p, ACC_TOK_RBRACE)) {
        uint32_t kw_start = p->tok.start, kw_end = p->tok.end;
        if (accept(p, ACC_TOK_TITLE)) {
            if (!expect(p, ACC_TOK_STRING, "a string after 'title'"))
                return false;
            if (has_title) {
                error_at(p, kw_start, kw_end, "duplicate 'title' in the %s header", what);
                continue;
            }
            has_title = true;
            if (!(f->title = copy_string(p)))
                return false;
        } else if (accept(p, ACC_TOK_EFFECTIVE)) {
            if (check(p, ACC_TOK_DATETIME) && !p->tok.bad) {
                error_at(p, p->tok.start, p->tok.end,
                         "'effective' takes a date (YYYY-MM-DD), not a date and time");
                return false;
            }
            if (!expect(p, ACC_TOK_DATE, "a date (YYYY-MM-DD) after 'effective'"))
                return false;
            if (has_effective) {
                error_at(p, kw_start, kw_end, "duplicate 'effective' in the %s header", what);
                continue;
            }
            has_effective = true;
            f->effective = p->prev.value;
        } else {
            return expected(p, "'title', 'effective' or '}'");
        }
    }
    if (!has_title)
        error_at(p, start, end, "the %s header has no 'title'", what);
    if (!has_effective)
        error_at(p, start, end, "the %s header has no 'effective' date", what);
    return true;
}

/*
 * header := "accord" NAME "{" header_items
 *         | "amendment" NAME "to" NAME "{" header_items
 */
static bool parse_header(parser *p)
{
    acc_file *f = p->file;
    bool amendment = check(p, ACC_TOK_AMENDMENT);
    const char *what = amendment ? "amendment" : "accord";
    uint32_t start = p->tok.start, end = p->tok.end;
    advance(p);
    if (p->has_header) {
        char first[512];
        acc_format_location(first, sizeof first, &f->src, p->header_start);
        error_at(p, start, end, "a rule file has one header; the first is at %s", first);
        return false;
    }
    p->has_header = true;
    p->header_start = start;
    p->header_end = end;
    f->is_amendment = amendment;
    if (!parse_name(p, amendment ? "an amendment" : "an accord", &f->name, &f->name_start,
                    &f->name_end))
        return false;
    if (amendment) {
        if (!expect(p, ACC_TOK_TO, "'to' and the name of the amended accord") ||
            !parse_name(p, "an accord", &f->base_name, &f->base_start, &f->base_end))
            return false;
    }
    if (!expect(p, ACC_TOK_LBRACE, "'{'"))
        return false;
    return parse_header_items(p, what, start, end);
}

/* member := NAME [STRING] */
static bool parse_member(parser *p, ast_enum *en, uint32_t *cap, const char *what)
{
    ast_member *m = grow(p, &en->members, en->n, cap, sizeof *m);
    if (!m || !parse_name(p, what, &m->name, &m->start, &m->end))
        return false;
    m->description = NULL;
    if (accept(p, ACC_TOK_STRING) && !(m->description = copy_string(p)))
        return false;
    en->n++;
    return true;
}

/*
 * enumeration := ("parties" | "topics") "{" { member } "}"
 *              | "levels" "{" [ member { "<" member } ] "}"
 */
static bool parse_enumeration(parser *p)
{
    acc_token kw = p->tok;
    acc_type type = kw.kind == ACC_TOK_PARTIES ? ACC_TYPE_PARTY
                  : kw.kind == ACC_TOK_TOPICS ? ACC_TYPE_TOPIC : ACC_TYPE_LEVEL;
    const char *what = type == ACC_TYPE_PARTY ? "a party" : type == ACC_TYPE_TOPIC ? "a topic"
                                                                                  : "a level";
    ast_enum *en = &p->file->enums[AST_ENUM_INDEX(type)];
    advance(p);
    if (en->present) {
        char first[512];
        acc_format_location(first, sizeof first, &p->file->src, en->start);
        error_at(p, kw.start, kw.end, "%s is declared twice; the first is at %s",
                 acc_token_kind_name(kw.kind), first);
        return false;
    }
    *en = (ast_enum){ .present = true, .start = kw.start, .end = kw.end };
    uint32_t cap = 0;
    if (!expect(p, ACC_TOK_LBRACE, "'{'"))
        return false;
    if (type == ACC_TYPE_LEVEL) {
        if (!check(p, ACC_TOK_RBRACE)) {
            do {
                if (!parse_member(p, en, &cap, what))
                    return false;
            } while (accept(p, ACC_TOK_LT));
        }
        if (!expect(p, ACC_TOK_RBRACE, "'<' or '}' (levels are listed lowest first, joined by '<')"))
            return false;
    } else {
        while (!accept(p, ACC_TOK_RBRACE)) {
            if (check(p, ACC_TOK_IDENT) || acc_token_is_keyword(p->tok.kind)) {
                if (!parse_member(p, en, &cap, what))
                    return false;
            } else {
                return expected(p, type == ACC_TYPE_PARTY ? "a party name or '}'"
                                                          : "a topic name or '}'");
            }
        }
    }
    if (en->n == 0)
        error_at(p, kw.start, kw.end, "%s lists no members", acc_token_kind_name(kw.kind));
    return true;
}

/* duration := INT ("days" | "day" | "hours" | "hour" | "minutes" | "minute") */
static bool parse_duration(parser *p, int64_t *seconds)
{
    if (!expect(p, ACC_TOK_INT, "a duration such as '180 days' after 'within'"))
        return false;
    acc_token n = p->prev;
    int64_t unit;
    switch (p->tok.kind) {
    case ACC_TOK_DAYS: case ACC_TOK_DAY: unit = 86400; break;
    case ACC_TOK_HOURS: case ACC_TOK_HOUR: unit = 3600; break;
    case ACC_TOK_MINUTES: case ACC_TOK_MINUTE: unit = 60; break;
    default: return expected(p, "a unit (days, hours or minutes)");
    }
    advance(p);
    if (n.value > (ACC_TIME_MAX - ACC_TIME_MIN) / unit) {
        error_at(p, n.start, p->prev.end, "duration '%.*s' is too long",
                 (int)(p->prev.end - n.start), p->file->src.text + n.start);
        return false;
    }
    *seconds = n.value * unit;
    return true;
}

/* binding := FIELD "=" term */
static bool parse_binding(parser *p, ast_binding *b)
{
    if (acc_token_field(p->tok.kind) < 0) {
        if (check(p, ACC_TOK_IDENT)) {
            error_at(p, p->tok.start, p->tok.end,
                     "'%.*s' is not a field (the fields are time, from, to, topic, item, "
                     "originator, level and decision)",
                     (int)(p->tok.end - p->tok.start), p->file->src.text + p->tok.start);
            return false;
        }
        return expected(p, "a field of the earlier entry");
    }
    if (!parse_term(p, &b->field))
        return false;
    return expect(p, ACC_TOK_ASSIGN, "'=' after the field") && parse_term(p, &b->value);
}

/*
 * fact := "fact" NAME "on" KIND "=" ("once" | "latest") KIND
 *         "(" [ binding { "," binding } ] ")" [ "has" expr ] [ "within" duration ] ";"
 * (`has` is required after `latest` and not allowed after `once`)
 */
static bool parse_fact(parser *p)
{
    ast_decl *d = new_decl(p, AST_DECL_FACT, p->tok.start);
    if (!d)
        return false;
    advance(p);
    if (!parse_name(p, "a fact", &d->name, &d->name_start, &d->name_end) ||
        !expect(p, ACC_TOK_ON, "'on' and the kind of event the fact is about") ||
        !parse_kind(p, &d->on, &d->on_start, &d->on_end) ||
        !expect(p, ACC_TOK_ASSIGN, "'='"))
        return false;
    if (accept(p, ACC_TOK_LATEST))
        d->latest = true;
    else if (!expect(p, ACC_TOK_ONCE, "'once' or 'latest'"))
        return false;
    if (!parse_kind(p, &d->src, &d->src_start, &d->src_end) ||
        !expect(p, ACC_TOK_LPAREN, "'(' and the bindings"))
        return false;
    uint32_t cap = 0;
    if (!check(p, ACC_TOK_RPAREN)) {
        do {
            ast_binding *b = grow(p, &d->bindings, d->n_bindings, &cap, sizeof *b);
            if (!b || !parse_binding(p, b))
                return false;
            d->n_bindings++;
        } while (accept(p, ACC_TOK_COMMA));
    }
    if (!expect(p, ACC_TOK_RPAREN, "',' or ')'"))
        return false;
    if (check(p, ACC_TOK_HAS) && !d->latest) {
        error_at(p, p->tok.start, p->tok.end,
                 "'has' needs 'latest' (a 'once' fact only asks whether a match exists)");
        return false;
    }
    if (d->latest) {
        if (!expect(p, ACC_TOK_HAS, "'has' and a condition on the latest entry") ||
            !(d->expr = parse_expr(p)))
            return false;
    }
    if (accept(p, ACC_TOK_WITHIN)) {
        d->has_within = true;
        if (!parse_duration(p, &d->within))
            return false;
    }
    return finish_decl(p, expect(p, ACC_TOK_SEMI, "';' at the end of the fact"));
}

/* rule := "rule" NAME [STRING] ("permit" | "forbid") KIND [ "when" expr ] ";" */
static bool parse_rule(parser *p)
{
    ast_decl *d = new_decl(p, AST_DECL_RULE, p->tok.start);
    if (!d)
        return false;
    advance(p);
    if (!parse_name(p, "a rule", &d->name, &d->name_start, &d->name_end))
        return false;
    if (accept(p, ACC_TOK_STRING) && !(d->citation = copy_string(p)))
        return false;
    if (accept(p, ACC_TOK_FORBID))
        d->forbid = true;
    else if (!expect(p, ACC_TOK_PERMIT, "'permit' or 'forbid'"))
        return false;
    if (!parse_kind(p, &d->on, &d->on_start, &d->on_end))
        return false;
    if (accept(p, ACC_TOK_WHEN) && !(d->expr = parse_expr(p)))
        return false;
    return finish_decl(p, expect(p, ACC_TOK_SEMI, d->expr ? "';' at the end of the rule"
                                                         : "'when' or ';'"));
}

/* property := ("invariant" | "assume") NAME [STRING] "on" KIND ":" expr ";" */
static bool parse_property(parser *p)
{
    bool invariant = check(p, ACC_TOK_INVARIANT);
    ast_decl *d = new_decl(p, invariant ? AST_DECL_INVARIANT : AST_DECL_ASSUME, p->tok.start);
    if (!d)
        return false;
    advance(p);
    if (!parse_name(p, invariant ? "an invariant" : "an assumption", &d->name, &d->name_start,
                    &d->name_end))
        return false;
    if (accept(p, ACC_TOK_STRING) && !(d->citation = copy_string(p)))
        return false;
    if (!expect(p, ACC_TOK_ON, "'on' and an event kind") ||
        !parse_kind(p, &d->on, &d->on_start, &d->on_end) ||
        !expect(p, ACC_TOK_COLON, "':' before the condition") || !(d->expr = parse_expr(p)))
        return false;
    return finish_decl(p, expect(p, ACC_TOK_SEMI, invariant ? "';' at the end of the invariant"
                                                           : "';' at the end of the assumption"));
}

/* removal := "remove" ("rule" | "invariant" | "assume" | "fact") NAME ";" */
static bool parse_removal(parser *p)
{
    uint32_t start = p->tok.start;
    advance(p);
    ast_decl_kind kind;
    const char *what;
    switch (p->tok.kind) {
    case ACC_TOK_RULE: kind = AST_DECL_RULE; what = "a rule"; break;
    case ACC_TOK_INVARIANT: kind = AST_DECL_INVARIANT; what = "an invariant"; break;
    case ACC_TOK_ASSUME: kind = AST_DECL_ASSUME; what = "an assumption"; break;
    case ACC_TOK_FACT: kind = AST_DECL_FACT; what = "a fact"; break;
    default: return expected(p, "'rule', 'invariant', 'assume' or 'fact' after 'remove'");
    }
    advance(p);
    ast_remove r = { .kind = kind, .start = start };
    if (!parse_name(p, what, &r.name, &r.name_start, &r.name_end) ||
        !expect(p, ACC_TOK_SEMI, "';' after the removed name"))
        return false;
    r.end = p->prev.end;
    ast_remove *slot = grow(p, &p->file->removes, p->file->n_removes, &p->remove_cap,
                            sizeof *slot);
    if (!slot)
        return false;
    *slot = r;
    p->file->n_removes++;
    return true;
}

static bool starts_declaration(acc_token_kind kind)
{
    switch (kind) {
    case ACC_TOK_ACCORD: case ACC_TOK_AMENDMENT: case ACC_TOK_PARTIES: case ACC_TOK_TOPICS:
    case ACC_TOK_LEVELS: case ACC_TOK_FACT: case ACC_TOK_RULE: case ACC_TOK_INVARIANT:
    case ACC_TOK_ASSUME: case ACC_TOK_REMOVE:
        return true;
    default:
        return false;
    }
}

/*
 * After an error: skip to the keyword that starts the next declaration. Every declaration
 * starts with one and no keyword that starts one can appear inside another (after
 * `remove` it is consumed with it), so this passes the ';' or '}' that ends the broken
 * declaration, whatever braces or stray tokens it still contains, and no more.
 */
static void synchronise(parser *p)
{
    p->depth = 0;
    while (!check(p, ACC_TOK_EOF) && !starts_declaration(p->tok.kind))
        advance(p);
}

/* declaration := header | enumeration | fact | rule | property | removal */
static bool parse_declaration(parser *p)
{
    switch (p->tok.kind) {
    case ACC_TOK_ACCORD: case ACC_TOK_AMENDMENT: return parse_header(p);
    case ACC_TOK_PARTIES: case ACC_TOK_TOPICS: case ACC_TOK_LEVELS: return parse_enumeration(p);
    case ACC_TOK_FACT: return parse_fact(p);
    case ACC_TOK_RULE: return parse_rule(p);
    case ACC_TOK_INVARIANT: case ACC_TOK_ASSUME: return parse_property(p);
    case ACC_TOK_REMOVE: return parse_removal(p);
    default:
        expected(p, "a declaration (accord, amendment, parties, topics, levels, fact, rule, "
                    "invariant, assume or remove)");
        advance(p);
        return false;
    }
}

/* The rules about a whole file: one header; a base declares its enumerations, an
 * amendment leaves levels alone and only an amendment removes. */
static void check_file(parser *p)
{
    acc_file *f = p->file;
    static const char *const enum_names[AST_ENUM_COUNT] = { "parties", "topics", "levels" };
    /* What a file lacks is judged only when it parsed cleanly: a declaration skipped after
       a syntax error would otherwise be reported missing as well, ahead of the error that
       caused it (diagnostics come in the order of their locations). */
    bool judge_missing = p->errors + p->lx.errors == 0;
    if (!p->has_header) {
        if (judge_missing)
            error_at(p, 0, 0, "missing 'accord' header (a rule file declares "
                              "'accord NAME { title \"...\" effective YYYY-MM-DD }')");
        return;
    }
    if (f->is_amendment) {
        const ast_enum *levels = &f->enums[AST_ENUM_INDEX(ACC_TYPE_LEVEL)];
        if (levels->present)
            error_at(p, levels->start, levels->end, "an amendment cannot change 'levels'");
        return;
    }
    for (unsigned i = 0; i < AST_ENUM_COUNT && judge_missing; i++)
        if (!f->enums[i].present)
            error_at(p, p->header_start, p->header_end, "accord '%s' declares no '%s'",
                     f->name ? f->name : "?", enum_names[i]);
    for (uint32_t i = 0; i < f->n_removes; i++)
        error_at(p, f->removes[i].start, f->removes[i].start + 6,
                 "'remove' is only allowed in an amendment");
}

int acc_parse(acc_file *file, const acc_diag_sink *sink, acc_diag_buffer *limit,
              unsigned *errors)
{
    parser p = { .file = file, .sink = sink };
    acc_lexer_init(&p.lx, &file->src, sink);
    p.lx.limit = limit;
    advance(&p);
    while (!check(&p, ACC_TOK_EOF) && !p.oom) {
        if (!parse_declaration(&p) && !p.oom)
            synchronise(&p);
    }
    if (!p.oom)
        check_file(&p);
    *errors = p.errors + p.lx.errors;
    return p.oom ? ACC_ENOMEM : ACC_OK;
}
