/*
 * amend.h - merging a base accord and its amendments by name, before resolution (internal).
 *
 * acc_merge walks the files of a rule set in order and produces the declarations and
 * enumeration members of the amended set: a definition whose name already exists replaces
 * it in place, a new name is appended, `remove` deletes. Structural errors (duplicate
 * names, removing what is not there, removing and defining one name, an amendment to an
 * accord that is not part of the set, a member in two enumerations) go to the sink, with
 * locations in the file that contains the offending text.
 *
 * Also here: acc_names, the string-keyed hash table used for every name lookup, so that
 * large rule sets build in linear time.
 *
 * Ownership: an acc_merged borrows the files' syntax trees (the files must outlive it) and
 * owns its arrays and tables, released by acc_merge_free. acc_names borrows its keys.
 */
#ifndef ACCORD_AMEND_H
#define ACCORD_AMEND_H

#include "ast.h"
#include "diag_buffer.h"

typedef struct acc_names_slot acc_names_slot;

/* An open-addressing hash table from NUL-terminated names to uint32_t values. */
typedef struct acc_names {
    acc_names_slot *slots;
    uint32_t cap, count;
} acc_names;

/* Sets the value of `key` (inserting it). Returns ACC_OK or ACC_ENOMEM. */
int acc_names_put(acc_names *t, const char *key, uint32_t value);
/* True when `key` is present, with its value in *value. */
bool acc_names_get(const acc_names *t, const char *key, uint32_t *value);
/* Forgets every key, keeping the memory. */
void acc_names_clear(acc_names *t);
void acc_names_free(acc_names *t);

/* One declaration of the merged set and the file (source index) it comes from. */
typedef struct acc_merge_entry {
    const ast_decl *decl;
    uint32_t source;
    uint32_t removed_by;    /* 0, or 1 + the index of the file that removed it */
} acc_merge_entry;

/* The declarations of one namespace, in order, with an index by name. */
typedef struct acc_merge_list {
    acc_merge_entry *items;
    uint32_t n, cap;
    acc_names index;        /* name -> position in items (the latest entry of that name) */
} acc_merge_list;

typedef struct acc_merge_member {
    const ast_member *member;
    uint32_t source;
} acc_merge_member;

typedef struct acc_merge_members {
    acc_merge_member *items;
    uint32_t n, cap;
} acc_merge_members;

/* A member's place: enumeration (AST_ENUM_INDEX) in the top bits, position in the rest. */
#define ACC_MEMBER_SHIFT 24
#define ACC_MEMBER_MASK ((1u << ACC_MEMBER_SHIFT) - 1)

typedef struct acc_merged {
    acc_merge_list decls[AST_DECL_KINDS];
    acc_merge_members members[AST_ENUM_COUNT];
    acc_names member_index;         /* member name -> enumeration << SHIFT | position */
    unsigned errors;                /* errors found */
    acc_diag_buffer *limit;         /* set by the caller: what it admits is reported */
} acc_merged;

/*
 * Merges files[0] (the base) and files[1..n) (amendments, in order) into *m (zeroed by the
 * caller, who may set m->limit). Errors go to `sink` and are counted in m->errors; merging goes on past them to
 * report as many as possible. Returns ACC_OK or ACC_ENOMEM. Release with acc_merge_free
 * in either case.
 */
int acc_merge(acc_merged *m, acc_file *const *files, size_t n, const acc_diag_sink *sink);
void acc_merge_free(acc_merged *m);

/* "fact", "rule", "invariant", "assumption". */
const char *acc_decl_kind_name(ast_decl_kind kind);

#endif
