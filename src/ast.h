/*
 * ast.h - the syntax tree of one rule file (internal).
 *
 * The parser builds it; amend.c merges the trees of a base and its amendments by name;
 * resolve.c turns the merged declarations into the IR of ir.h. Every node carries the
 * byte span [start, end) of its text in the file's source (acc_file.src); the file's
 * position in a rule set gives the source index when the IR is built.
 *
 * Ownership: every node, name and string of a file lives in that file's arena and is
 * released by acc_file_free. Names are NUL-terminated copies.
 */
#ifndef ACCORD_AST_H
#define ACCORD_AST_H

#include "ir.h"

/* A term: a field, a decision constant, a name (member), a date or a date and time. */
typedef enum ast_term_kind {
    AST_TERM_FIELD,
    AST_TERM_DECISION,
    AST_TERM_NAME,
    AST_TERM_TIME
} ast_term_kind;

typedef struct ast_term {
    ast_term_kind kind;
    uint32_t start, end;
    acc_field field;        /* AST_TERM_FIELD */
    int64_t value;          /* AST_TERM_DECISION: acc_decision; AST_TERM_TIME: seconds */
    const char *name;       /* AST_TERM_NAME */
} ast_term;

typedef enum ast_expr_kind {
    AST_TRUE, AST_FALSE,
    AST_NOT,                /* a */
    AST_AND, AST_OR, AST_IMPLIES,   /* a, b */
    AST_CMP,                /* l cmp r */
    AST_IN,                 /* l [not] in { set } */
    AST_FACT                /* a bare name: a fact */
} ast_expr_kind;

typedef struct ast_expr {
    ast_expr_kind kind;
    uint32_t start, end;
    struct ast_expr *a, *b;
    acc_cmp_op cmp;
    ast_term l, r;          /* AST_CMP: both; AST_IN: l */
    ast_term *set;          /* AST_IN */
    uint32_t n_set;
    bool negated;           /* AST_IN: `not in` */
    const char *name;       /* AST_FACT */
} ast_expr;

/* `field = term` in a fact: field of the earlier entry, term of the current event. */
typedef struct ast_binding {
    ast_term field;         /* always AST_TERM_FIELD */
    ast_term value;
} ast_binding;

/* The declarations that amendments edit by name. ORDER: namespaces in amend.c. */
typedef enum ast_decl_kind {
    AST_DECL_FACT,
    AST_DECL_RULE,
    AST_DECL_INVARIANT,
    AST_DECL_ASSUME,
    AST_DECL_KINDS
} ast_decl_kind;

typedef struct ast_decl {
    ast_decl_kind kind;
    const char *name;
    uint32_t start, end;            /* the whole declaration */
    uint32_t name_start, name_end;
    const char *citation;           /* NULL when absent */
    acc_kind on;                    /* rule: its kind; invariant/assume/fact: `on KIND` */
    uint32_t on_start, on_end;
    bool forbid;                    /* rule */
    ast_expr *expr;                 /* rule: `when` (NULL: always); prop: body; fact: `has` */
    bool latest;                    /* fact: latest (else once) */
    acc_kind src;                   /* fact: the earlier entry's kind */
    uint32_t src_start, src_end;
    ast_binding *bindings;
    uint32_t n_bindings;
    bool has_within;
    int64_t within;                 /* seconds */
} ast_decl;

/* `remove rule|invariant|assume|fact NAME;` */
typedef struct ast_remove {
    ast_decl_kind kind;
    const char *name;
    uint32_t start, end;
    uint32_t name_start, name_end;
} ast_remove;

typedef struct ast_member {
    const char *name;
    uint32_t start, end;
    const char *description;        /* NULL when absent */
} ast_member;

/* parties, topics or levels as written in one file. */
typedef struct ast_enum {
    bool present;
    uint32_t start, end;            /* the keyword */
    ast_member *members;
    uint32_t n;
} ast_enum;

/* Index of an enumeration in acc_file.enums: ACC_TYPE_PARTY, _TOPIC, _LEVEL in order. */
#define AST_ENUM_INDEX(type) ((unsigned)(type) - (unsigned)ACC_TYPE_PARTY)
#define AST_ENUM_COUNT 3

struct acc_file {
    acc_arena arena;
    acc_source_text src;            /* copies of path and text, in the arena */
    bool is_amendment;
    const char *name;               /* accord or amendment name */
    uint32_t name_start, name_end;
    const char *base_name;          /* amendment: `to NAME` */
    uint32_t base_start, base_end;
    const char *title;
    int64_t effective;
    ast_enum enums[AST_ENUM_COUNT];
    ast_decl *decls;                /* in file order */
    uint32_t n_decls;
    ast_remove *removes;
    uint32_t n_removes;
};

#endif
