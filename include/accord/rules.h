/*
 * accord/rules.h - rule files and compiled rule sets.
 *
 * A rule file (acc_file) is one parsed .accord text: a base accord or an amendment. A rule
 * set (acc_ruleset) is a base file with zero or more amendments applied in order, resolved
 * and type-checked into the intermediate representation that both the evaluator and the
 * SMT encoder read.
 *
 * Ownership: an acc_file owns a copy of its path and text and its syntax tree. An
 * acc_ruleset owns everything it needs (names, expressions, copies of every source it
 * was built from, for diagnostics), so the files may be freed once it is built.
 */
#ifndef ACCORD_RULES_H
#define ACCORD_RULES_H

#include "accord/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_file acc_file;
typedef struct acc_ruleset acc_ruleset;

/*
 * Parses `len` bytes of `text` (need not be NUL-terminated) read from `path` (used in
 * diagnostics). Every syntax error of the file goes to `sink`. Returns ACC_OK with *out
 * set, ACC_EINPUT when the file has errors (*out is NULL), ACC_ENOMEM.
 */
int acc_file_parse(acc_file **out, const char *path, const char *text, size_t len,
                   const acc_diag_sink *sink);

/*
 * Reads and parses the file at `path`. A missing, unreadable or non-regular file is
 * reported to `sink` (no location) and returns ACC_EIO.
 */
int acc_file_load(acc_file **out, const char *path, const acc_diag_sink *sink);

/* Parses the built-in default rule set (rules/tisa-2014.accord compiled in). */
int acc_file_default(acc_file **out, const acc_diag_sink *sink);

void acc_file_free(acc_file *file);

const char *acc_file_path(const acc_file *file);
/* The accord or amendment name declared by the file's header. */
const char *acc_file_name(const acc_file *file);
bool acc_file_is_amendment(const acc_file *file);
/* For an amendment, the NAME in `amendment X to NAME`; NULL for a base file. */
const char *acc_file_base_name(const acc_file *file);

/*
 * Builds a rule set from files[0] (a base accord) and files[1..n-1] (amendments, applied
 * in order; each one's `to` must name the base or an amendment applied before it).
 * Resolution and type errors of every file go to `sink` with their locations. Returns
 * ACC_OK, ACC_EINPUT (errors reported) or ACC_ENOMEM. The files are not retained.
 */
int acc_ruleset_build(acc_ruleset **out, acc_file *const *files, size_t n,
                      const acc_diag_sink *sink);

void acc_ruleset_free(acc_ruleset *rs);

/* The rule set's name: the base accord's, or the last applied amendment's. */
const char *acc_ruleset_name(const acc_ruleset *rs);
/* The base accord's name (the first file). */
const char *acc_ruleset_base_name(const acc_ruleset *rs);
/* True when `name` is the base accord or one of the amendments applied to build rs. */
bool acc_ruleset_accepts_accord(const acc_ruleset *rs, const char *name);

/* Counts and names, for tools that enumerate a rule set. Indexes are 0-based. */
size_t acc_ruleset_rule_count(const acc_ruleset *rs);
const char *acc_ruleset_rule_name(const acc_ruleset *rs, size_t i);
size_t acc_ruleset_invariant_count(const acc_ruleset *rs);
const char *acc_ruleset_invariant_name(const acc_ruleset *rs, size_t i);
size_t acc_ruleset_assumption_count(const acc_ruleset *rs);
const char *acc_ruleset_assumption_name(const acc_ruleset *rs, size_t i);
size_t acc_ruleset_fact_count(const acc_ruleset *rs);
const char *acc_ruleset_fact_name(const acc_ruleset *rs, size_t i);
/* Members of parties (ACC_TYPE_PARTY), topics, levels (lowest first), decisions. */
size_t acc_ruleset_member_count(const acc_ruleset *rs, acc_type type);
const char *acc_ruleset_member_name(const acc_ruleset *rs, acc_type type, size_t i);
/* Index of the member called name[0..len) of `type`, or -1. */
int acc_ruleset_member_find(const acc_ruleset *rs, acc_type type, const char *name,
                            size_t len);

#ifdef __cplusplus
}
#endif
#endif
