/*
 * loggen.h - a seeded generator of exchange logs (exchange-log.md) under the shipped rules
 * (rules/tisa-2014.accord), with injected problems and the ground truth of what it injected.
 *
 * The log is a stream of realistic request -> provide -> approve -> relay flows: a
 * recipient (KR or JP) asks the US for a topic, the other one (the originator) provides an
 * item to the US, approves its release to the recipient, and the US relays it. Several
 * flows are open at once and their entries interleave; some approvals are denied or later
 * revoked (then there is no relay). Every such entry is clean: permitted, in scope, with
 * consecutive seq, unique ids and (optionally) a valid SHA-256 hash chain.
 *
 * With probability `rate` per step a problem of one of the enabled finding codes is
 * injected, either as an extra entry (a transfer on an out-of-scope topic, a direct
 * KR->JP transfer, an unknown party, ...) or as an edit of the next flow entry (an extra
 * attribute, a reference to no earlier entry, an entry edited after its digest was
 * computed, a seq that skips one). Each injection is chosen so that it produces exactly
 * the findings the truth file lists and does not disturb the flows around it.
 *
 * Ground truth: one line per expected finding, "SEQ CODE RULE" (RULE "-" when the finding
 * names none, SEQ "-" for a finding without entry), after '#' comment lines. Codes are
 * cli.md's names. The generator never uses libaccord: the truth is independent of the
 * code it checks.
 *
 * Ownership: the caller owns the FILE streams; nothing is retained after the call.
 */
#ifndef ACCORD_BENCH_LOGGEN_H
#define ACCORD_BENCH_LOGGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The finding codes the generator can inject, cli.md's order. ORDER: loggen_code_names. */
typedef enum loggen_code {
    LOGGEN_FORBIDDEN = 0, LOGGEN_NOT_PERMITTED, LOGGEN_INVARIANT, LOGGEN_SCHEMA,
    LOGGEN_UNKNOWN_VALUE, LOGGEN_DUPLICATE_ID, LOGGEN_SEQ_GAP, LOGGEN_DANGLING_REF,
    LOGGEN_CHAIN_BREAK, LOGGEN_ASSUMPTION, LOGGEN_MALFORMED, LOGGEN_CODE_COUNT
} loggen_code;

/* "forbidden", "not-permitted", ... (cli.md), or NULL out of range. */
const char *loggen_code_name(loggen_code code);
/* The code named `name`, or -1. */
int loggen_code_from_name(const char *name);

typedef struct loggen_options {
    uint64_t seed;          /* same seed, same options: same bytes */
    uint64_t entries;       /* entries to write (at least this many, at most a few more) */
    double rate;            /* probability of an injection per step, 0 for a clean log */
    uint32_t codes;         /* bit (1 << loggen_code) per code to inject; 0: every code
                               that applies (chain-break needs `chain`, assumption
                               `assume`, malformed `truncate`) */
    bool chain;             /* write a digest on every entry (and a chain-seed) */
    bool assume;            /* the log is audited with logs/findings-assume.accord too */
    bool truncate;          /* cut the log inside its last start tag: one `malformed` */
    bool wrap;              /* wrap start tags over several lines as recorders do */
    unsigned notes;         /* one entry in `notes` carries a <note> (0: none) */
    unsigned open_flows;    /* flows in progress at once (0: 64) */
    uint64_t first_seq;     /* seq of the first entry (0: 1) */
    uint32_t items;         /* 0: every flow has an item of its own; else items are reused
                               ("I-" flow number mod `items`) and every approval is a grant,
                               so that the facts index stays small (memory benchmarks) */
} loggen_options;

/* Defaults: seed 1, 1000 entries, rate 0, every applicable code, wrapped tags, a note on
   one entry in 16, 64 open flows, first seq 1. */
void loggen_options_init(loggen_options *opt);

typedef struct loggen_stats {
    uint64_t entries;       /* entries written (a truncated last tag not counted) */
    uint64_t bytes;         /* bytes of log written */
    uint64_t flows;         /* flows started */
    uint64_t injected;      /* problems injected */
    uint64_t findings;      /* lines of ground truth */
    uint64_t by_code[LOGGEN_CODE_COUNT];   /* injections per code */
    uint64_t ids;           /* distinct non-empty ids */
    uint64_t fact_keys;     /* distinct keys the TISA facts index holds at the end */
} loggen_stats;

/*
 * Writes a log to `log` and, when `truth` is non-NULL, its ground truth. Returns 0, or -1
 * when writing failed or libcrypto could not hash (errno may say why). `stats` may be NULL.
 */
int loggen_write(const loggen_options *opt, FILE *log, FILE *truth, loggen_stats *stats);

#endif
