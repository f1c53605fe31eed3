/*
 * accord/analysis.h - static analyses of rule sets with Z3: `check` (invariants, dead and
 * redundant rules), `diff` (change impact between two rule sets), the SMT-LIB2 export
 * (`smt`), and the results `lint` prints, with their text and JSON renderers.
 *
 * Meaning (rule-language.md): an event of kind K is permitted when some permit-K rule's
 * condition holds and no forbid-K rule's does; the analyses range over the events that
 * satisfy K's assumptions. Facts are unconstrained Booleans of the event (history is not
 * modelled), so an analysis may report a witness whose fact values no log could produce;
 * it never misses one. docs/design.md ("Analyses") explains the encoding.
 *
 * Trust: every witness in a result has been re-evaluated with acc_eval_event (permitted or
 * not as claimed, the invariant broken as claimed) before the function returns; a
 * mismatch makes the function fail with ACC_EINTERNAL and no result.
 *
 * Errors: the functions return ACC_OK, ACC_ENOMEM, ACC_ESOLVER (Z3 reported an error),
 * ACC_EINTERNAL (a witness failed its re-check) or ACC_EUSAGE (bad arguments). For
 * ACC_ESOLVER and ACC_EINTERNAL a diagnostic without location explaining the error goes
 * to `sink` (which may be NULL). A query that returns unknown or times out is NOT an
 * error: it gives the status ACC_INV_UNKNOWN / ACC_RULE_UNKNOWN with Z3's reason, and the
 * exit-code helpers map it to 3.
 *
 * Ownership: a result owns every string and array reachable from it (names are copies,
 * not pointers into the rule set), so the rule sets may be freed before the result. Free
 * a result with its *_free function (NULL is accepted).
 */
#ifndef ACCORD_ANALYSIS_H
#define ACCORD_ANALYSIS_H

#include "accord/eval.h"
#include "accord/report.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Options of every analysis. A NULL options pointer means all defaults (zeroes). */
typedef struct acc_analysis_options {
    unsigned timeout_ms;     /* per solver query (Z3 param "timeout"); 0: no limit */
    bool skip_rules_report;  /* check: only the invariants, no dead/redundant queries */
} acc_analysis_options;

/* A place in a rule file: file as given when the file was loaded, 1-based line/column. */
typedef struct acc_location {
    const char *file;
    unsigned line, column;
} acc_location;

/* A rule named in a result, with where it is declared. */
typedef struct acc_rule_ref {
    const char *name;
    const char *citation;    /* NULL when the rule has none */
    bool forbid;
    acc_location loc;        /* the rule's name in its declaration */
} acc_rule_ref;

/* The value of one fact in a witness. */
typedef struct acc_witness_fact {
    const char *name;        /* see docs/design.md for the names diff gives facts */
    bool value;
} acc_witness_fact;

/*
 * A concrete event: a value for every field of its kind, facts included. Enumerated
 * values are member names; fields the kind lacks are NULL. `item` is a placeholder
 * ("item-1"): no expression can observe an item, only fact bindings can.
 */
typedef struct acc_witness {
    acc_kind kind;
    int64_t time;
    const char *from, *to, *topic, *item, *originator, *level, *decision;
    acc_witness_fact *facts;   size_t n_facts;    /* every fact of the kind, in order */
    /* The permit rules whose condition holds on the event, in the rule set that
     * permits it (check: the rule set; diff: NEW for newly permitted, OLD for newly
     * forbidden). */
    acc_rule_ref *permitted_by; size_t n_permitted_by;
    /* diff only: the forbid rules of the other rule set that hold on the event (the
     * reason it is not permitted there; empty when no permit rule of that set held or
     * a value of the event is not declared there). */
    acc_rule_ref *forbidden_by; size_t n_forbidden_by;
} acc_witness;

/* ORDER: acc_invariant_status_name(). */
typedef enum acc_invariant_status {
    ACC_INV_PROVEN = 0,      /* every permitted event of its kind satisfies it */
    ACC_INV_VIOLATED,        /* `witness` is a permitted event that breaks it */
    ACC_INV_UNKNOWN          /* the solver gave up: `reason` says why */
} acc_invariant_status;

/* "proven", "violated", "unknown". */
const char *acc_invariant_status_name(acc_invariant_status s);

typedef struct acc_invariant_result {
    const char *name;
    const char *citation;        /* NULL when none */
    acc_kind kind;
    acc_location loc;
    acc_invariant_status status;
    bool from_old;               /* diff: an invariant of OLD that NEW removed/replaced */
    acc_witness *witness;        /* ACC_INV_VIOLATED only, else NULL */
    const char *reason;          /* ACC_INV_UNKNOWN only (Z3's reason, e.g. "timeout") */
    /* ACC_INV_PROVEN: rules whose conditions the proof used (an unsat core of the
     * tracked rule literals; not necessarily minimal). */
    acc_rule_ref *relies_on;     size_t n_relies_on;
} acc_invariant_result;

/* ORDER: acc_rule_status_name(). */
typedef enum acc_rule_status {
    ACC_RULE_OK = 0,
    ACC_RULE_DEAD,               /* can never apply (see rule-language.md) */
    ACC_RULE_REDUNDANT,          /* removing it alone changes no decision */
    ACC_RULE_UNKNOWN             /* the solver gave up: `reason` says why */
} acc_rule_status;

/* "ok", "dead", "redundant", "unknown". */
const char *acc_rule_status_name(acc_rule_status s);

typedef struct acc_rule_result {
    acc_rule_ref rule;
    acc_kind kind;
    acc_rule_status status;
    const char *reason;          /* ACC_RULE_UNKNOWN only */
} acc_rule_result;

typedef struct acc_result_mem acc_result_mem;   /* private: the memory of a result */

/* The result of `check` on one rule set. */
typedef struct acc_check_result {
    acc_result_mem *mem;
    const char *rules;                   /* the rule set's name */
    const char **files; size_t n_files;  /* the files it was built from, in order */
    acc_invariant_result *invariants;  size_t n_invariants;   /* declaration order */
    acc_rule_result *rules_report;     size_t n_rules_report; /* declaration order; empty
                                                                  with skip_rules_report */
    size_t n_proven, n_violated, n_unknown;        /* invariants */
    size_t n_dead, n_redundant, n_rules_unknown;   /* rules */
} acc_check_result;

/*
 * Proves or refutes every invariant of `rs` and classifies every rule (unless
 * opts->skip_rules_report). One Z3 context and solver serve every query.
 */
int acc_check(acc_check_result **out, const acc_ruleset *rs, const acc_analysis_options *opts,
              const acc_diag_sink *sink);
void acc_check_result_free(acc_check_result *r);

/*
 * The exit code of `check` for this result (cli.md): 1 when an invariant is violated or
 * (with `strict`) a rule is dead or redundant; else 3 when anything is unknown; else 0.
 * A definite finding outranks an inconclusive query (the same order for diff and lint).
 */
int acc_check_exit_code(const acc_check_result *r, bool strict);

/* An inclusive interval of times; a missing bound is unbounded on that side. */
typedef struct acc_time_interval {
    bool has_min, has_max;
    int64_t min, max;
} acc_time_interval;

/* One constrained field of a class (a box). Fields a class omits are unconstrained. */
typedef struct acc_class_field {
    acc_field field;             /* ACC_FIELD_COUNT when this is a fact */
    const char *fact;            /* the fact's name (as in witnesses) when a fact */
    bool fact_value;             /* a fact: the one value it takes in the class */
    const char **values;         size_t n_values;    /* parties, topics, levels, decisions */
    acc_time_interval *intervals; size_t n_intervals; /* time, ascending, disjoint */
} acc_class_field;

/*
 * A class of events: every event of `kind` whose fields lie in the box (and which
 * satisfies the assumptions of both rule sets) belongs to the region the class list
 * describes, and the classes of a list together cover that region exactly.
 */
typedef struct acc_diff_class {
    acc_kind kind;
    acc_class_field *fields;     size_t n_fields;   /* field order, then facts */
    acc_witness witness;                            /* one event of the class */
    /* every rule that permits some event of the class (NEW's rules for newly permitted,
     * OLD's for newly forbidden) */
    acc_rule_ref *rules;         size_t n_rules;
} acc_diff_class;

/* The result of `diff OLD NEW`. */
typedef struct acc_diff_result {
    acc_result_mem *mem;
    const char *old_name, *new_name;
    bool equivalent;             /* both lists empty */
    acc_diff_class *newly_permitted; size_t n_newly_permitted;   /* by kind, then found */
    acc_diff_class *newly_forbidden; size_t n_newly_forbidden;
    /* NEW's invariants under NEW (from_old false), then OLD's invariants that NEW removed
     * or replaced, under NEW's rules (from_old true). */
    acc_invariant_result *invariants; size_t n_invariants;
    size_t n_unknown;            /* queries that returned unknown (any part of the diff) */
    const char *unknown_reason;  /* the first such reason, or NULL */
} acc_diff_result;

/*
 * Compares `old_rs` and `new_rs` (NEW may be OLD with amendments applied): per kind, the
 * events newly permitted and newly forbidden as exact classes, and the invariants above.
 * Enumerations are unified by member name; a fact of both sets with a structurally equal
 * definition is one variable, otherwise each set's fact is its own variable.
 */
int acc_diff(acc_diff_result **out, const acc_ruleset *old_rs, const acc_ruleset *new_rs,
             const acc_analysis_options *opts, const acc_diag_sink *sink);
void acc_diff_result_free(acc_diff_result *r);

/*
 * The exit code of `diff` (cli.md): 1 when an invariant of NEW is violated, or (strict)
 * one of OLD is, or (deny_new_permits) anything is newly permitted; else 3 when anything
 * is unknown; else 0.
 */
int acc_diff_exit_code(const acc_diff_result *r, bool strict, bool deny_new_permits);

/*
 * `lint`: the diagnostics of every file given plus the check result of each rule set
 * that compiled. Build one with acc_lint_new, feed diagnostics through the sink from
 * acc_lint_diag_sink (it copies each diagnostic), add check results, render, free.
 */
typedef struct acc_lint_result {
    acc_result_mem *mem;
    acc_diag *diags;               size_t n_diags;      /* owned copies, in arrival order */
    acc_check_result **rule_sets;  size_t n_rule_sets;  /* owned */
    size_t n_errors, n_warnings;                        /* among diags */
    bool failed_alloc;             /* a diagnostic could not be copied (out of memory) */
} acc_lint_result;

int acc_lint_new(acc_lint_result **out);
/* A sink that appends a copy of every diagnostic to `r`. */
acc_diag_sink acc_lint_diag_sink(acc_lint_result *r);
/* Appends a copy of one diagnostic. ACC_OK or ACC_ENOMEM. */
int acc_lint_add_diag(acc_lint_result *r, const acc_diag *d);
/* Appends a rule set's check result; `r` takes ownership of `check` (even on failure). */
int acc_lint_add_rule_set(acc_lint_result *r, acc_check_result *check);
void acc_lint_result_free(acc_lint_result *r);

/*
 * The exit code of `lint`: 2 when a diagnostic is an error; else 1 when a rule set has a
 * violated invariant or (strict) a warning (a dead or redundant rule, a warning
 * diagnostic); else 3 when anything is unknown; else 0.
 */
int acc_lint_exit_code(const acc_lint_result *r, bool strict);

/*
 * Renderers. opts->format must be ACC_FORMAT_TEXT or ACC_FORMAT_JSON (else ACC_EUSAGE);
 * JSON follows cli.md exactly (extra fields are documented in docs/design.md). Returns
 * ACC_OK, or ACC_EIO when writing to `out` failed. NULL opts means text without colour.
 */
int acc_check_write(FILE *out, const acc_check_result *r, const acc_report_options *opts);
int acc_diff_write(FILE *out, const acc_diff_result *r, const acc_report_options *opts);
int acc_lint_write(FILE *out, const acc_lint_result *r, const acc_report_options *opts);

/* One witness on one line ("transfer time=... from=KR ... approved=true"), no newline. */
void acc_witness_write_text(FILE *out, const acc_witness *w);

/*
 * `accord smt`: writes the SMT-LIB2 encoding of every query `check` makes on `rs`
 * (declarations, assumptions, each rule as a named definition, then each query as
 * push / named assert / check-sat / pop, with a comment naming it) in a form that both
 * `z3 -smt2` and `cvc5 --lang smt2` accept. Query order: each invariant in declaration
 * order (unsat = proven), then for each rule "dead" (unsat = dead) and "redundant"
 * (unsat = redundant, when not dead). Returns ACC_OK, ACC_ENOMEM or ACC_EIO.
 */
int acc_smt_write(FILE *out, const acc_ruleset *rs, const acc_analysis_options *opts);

/*
 * Writes the SMT-LIB2 queries of `diff OLD NEW`: per kind, "newly permitted" and "newly
 * forbidden" region queries (sat = non-empty), then the invariant queries of the diff in
 * the order of acc_diff_result.invariants (unsat = proven).
 */
int acc_smt_write_diff(FILE *out, const acc_ruleset *old_rs, const acc_ruleset *new_rs,
                       const acc_analysis_options *opts);

#ifdef __cplusplus
}
#endif
#endif
