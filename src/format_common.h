/*
 * format_common.h - what the SARIF and JUnit renderers share (internal): a growable string
 * buffer, and the one-line messages that both formats give for each kind of result
 * (an invariant, a rule, a class of a diff, an audit finding, a verdict change), so that
 * every machine format carries the same words for the same finding.
 *
 * Ownership: an acc_strbuf owns its bytes (acc_malloc'd) until acc_strbuf_fini. Running
 * out of memory is sticky: the buffer keeps what it had, `failed` becomes true, and the
 * renderer reports ACC_ENOMEM at its end.
 */
#ifndef ACCORD_FORMAT_COMMON_H
#define ACCORD_FORMAT_COMMON_H

#include "accord/analysis.h"
#include "accord/audit.h"

typedef struct acc_strbuf {
    char *data;          /* NUL-terminated when non-NULL */
    size_t len, cap;
    bool failed;         /* an append ran out of memory */
} acc_strbuf;

void acc_strbuf_init(acc_strbuf *b);
void acc_strbuf_fini(acc_strbuf *b);
/* Empties the buffer, keeping its memory. */
void acc_strbuf_clear(acc_strbuf *b);
void acc_strbuf_add(acc_strbuf *b, const char *s);
void acc_strbuf_addn(acc_strbuf *b, const char *s, size_t n);
void acc_strbuf_addf(acc_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty); valid until the next change. */
const char *acc_strbuf_str(const acc_strbuf *b);

/* The messages. Each appends one line (no newline) to b. */

/* "invariant 'no-direct' does not hold: the rules permit transfer time=... (permitted by
 * art3-relay)", "... could not be decided (timeout)" or "invariant 'x' holds". */
void acc_msg_invariant(acc_strbuf *b, const acc_invariant_result *ir);
/* "rule 'x' is dead: ...", "rule 'x' is redundant: ...", "rule 'x' could not be
 * classified (reason)" or "rule 'x' is live and needed". */
void acc_msg_rule(acc_strbuf *b, const acc_rule_result *rr);
/* The box of a class: "transfer with from=KR to=JP topic={nk-nuclear,nk-missile}
 * time>=2016-11-23T00:00:00Z" ("every transfer" when unconstrained). */
void acc_msg_class_box(acc_strbuf *b, const acc_diff_class *c);
/* "newly permitted: <box>; e.g. <witness>; permitted by r1, r2" (or newly forbidden,
 * with "was permitted by" and "now blocked by"). */
void acc_msg_class(acc_strbuf *b, const acc_diff_class *c, bool newly_permitted);
/* The witness in acc_witness_write_text's words. */
void acc_msg_witness(acc_strbuf *b, const acc_witness *w);
/* "[code] message (seq N, id X, rule R)". */
void acc_msg_finding(acc_strbuf *b, const acc_finding *f);
/* "verdict changed: transfer seq 5 id T-1 was permitted, now denied". */
void acc_msg_verdict_change(acc_strbuf *b, const acc_verdict_change *c);

#endif
