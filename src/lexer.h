/*
 * lexer.h - the tokens of the rule language and the lexer that produces them (internal).
 *
 * The lexer turns one source text into tokens with byte spans, one at a time. It reports
 * its own errors (bad characters, unterminated strings, malformed or impossible dates) to
 * the sink and keeps going: a bad character is skipped, a damaged literal still becomes a
 * token (flagged `bad`) so that the parser does not report the same problem again.
 *
 * Ownership: a lexer borrows its source text and sink; tokens point into the text by
 * offset only. Nothing is allocated.
 */
#ifndef ACCORD_LEXER_H
#define ACCORD_LEXER_H

#include "diag_buffer.h"
#include "ir.h"

/*
 * Every keyword with its spelling. Field names and decisions are keywords too, so they
 * cannot name anything. ORDER: acc_token_kind (keywords follow ACC_TOK_FIRST_KEYWORD).
 */
#define ACC_KEYWORDS(X) \
    X(ACCORD, "accord") X(AMENDMENT, "amendment") X(TO, "to") X(TITLE, "title") \
    X(EFFECTIVE, "effective") X(PARTIES, "parties") X(TOPICS, "topics") \
    X(LEVELS, "levels") X(FACT, "fact") X(ON, "on") X(ONCE, "once") X(LATEST, "latest") \
    X(HAS, "has") X(WITHIN, "within") X(RULE, "rule") X(PERMIT, "permit") \
    X(FORBID, "forbid") X(WHEN, "when") X(INVARIANT, "invariant") X(ASSUME, "assume") \
    X(REMOVE, "remove") X(AND, "and") X(OR, "or") X(NOT, "not") X(IMPLIES, "implies") \
    X(IN, "in") X(TRUE, "true") X(FALSE, "false") X(REQUEST, "request") \
    X(APPROVAL, "approval") X(TRANSFER, "transfer") X(DAYS, "days") X(DAY, "day") \
    X(HOURS, "hours") X(HOUR, "hour") X(MINUTES, "minutes") X(MINUTE, "minute") \
    X(TIME, "time") X(FROM, "from") X(TOPIC, "topic") X(ITEM, "item") \
    X(ORIGINATOR, "originator") X(LEVEL, "level") X(DECISION, "decision") \
    X(GRANTED, "granted") X(DENIED, "denied") X(REVOKED, "revoked")

/* Punctuation and operators with their spellings. */
#define ACC_PUNCTUATION(X) \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") \
    X(ASSIGN, "=") X(COMMA, ",") X(SEMI, ";") X(COLON, ":") X(LBRACE, "{") \
    X(RBRACE, "}") X(LPAREN, "(") X(RPAREN, ")")

#define ACC_TOK_ENUM_(name, text) ACC_TOK_##name,
typedef enum acc_token_kind {
    ACC_TOK_EOF = 0,
    ACC_TOK_IDENT,      /* nk-missile, TOP-SECRET */
    ACC_TOK_STRING,     /* "..." (span includes the quotes; decode with acc_string_decode) */
    ACC_TOK_INT,        /* 180 (value) */
    ACC_TOK_DATE,       /* 2014-12-29 (value: seconds at midnight UTC) */
    ACC_TOK_DATETIME,   /* 2015-01-05T09:12:00Z (value: seconds) */
    ACC_PUNCTUATION(ACC_TOK_ENUM_)
    ACC_KEYWORDS(ACC_TOK_ENUM_)
    ACC_TOK_COUNT
} acc_token_kind;
#undef ACC_TOK_ENUM_

#define ACC_TOK_FIRST_KEYWORD ACC_TOK_ACCORD

typedef struct acc_token {
    acc_token_kind kind;
    uint32_t start, end;    /* byte span in the source */
    int64_t value;          /* ACC_TOK_INT, ACC_TOK_DATE, ACC_TOK_DATETIME */
    bool bad;               /* the lexer already reported an error about this token */
} acc_token;

typedef struct acc_lexer {
    const acc_source_text *src;
    const acc_diag_sink *sink;
    uint32_t pos;
    unsigned errors;        /* errors found so far (reported or not) */
    acc_diag_buffer *limit; /* when set, reports only what it admits (NULL: all) */
} acc_lexer;

/* The largest integer literal accepted (larger ones are reported as too large). */
#define ACC_LEX_INT_MAX 1000000000000000LL

/* Starts lexing `src` (its len must fit in uint32_t) at offset 0; errors go to `sink`. */
void acc_lexer_init(acc_lexer *lx, const acc_source_text *src, const acc_diag_sink *sink);

/* Scans the next token into *out; at the end of the text, ACC_TOK_EOF forever. */
void acc_lexer_next(acc_lexer *lx, acc_token *out);

/*
 * How a token kind is named in messages: "identifier", "string", "number", "date",
 * "date and time", "end of file", or the quoted spelling ("';'", "'rule'").
 */
const char *acc_token_kind_name(acc_token_kind kind);

/* True for keyword tokens (reserved words). */
bool acc_token_is_keyword(acc_token_kind kind);

/* The field a keyword token names (ACC_TOK_TO is the field `to`), or -1. */
int acc_token_field(acc_token_kind kind);

/* The event kind a keyword token names, or -1. */
int acc_token_event_kind(acc_token_kind kind);

/* The decision a keyword token names, or -1. */
int acc_token_decision(acc_token_kind kind);

/*
 * Decodes the string token text[start, end) (quotes included; the closing quote may be
 * missing for an unterminated string) into out, which needs end - start bytes; writes a
 * NUL and returns the decoded length. Only \" and \\ are escapes.
 */
size_t acc_string_decode(const char *text, uint32_t start, uint32_t end, char *out);

#endif
