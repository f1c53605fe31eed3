/*
 * accord/audit.h - the streaming audit of XML exchange logs (exchange-log.md, cli.md).
 *
 * An audit reads one or more log files as ONE stream, in the order given: every
 * request/approval/transfer entry is checked for format (schema, unknown-value),
 * integrity (seq, id, references, hash chain) and, when well-defined, judged by the rule
 * set (forbid/permit rules, invariants, assumptions) with its facts computed exactly from
 * the entries before it. Each problem is a finding (acc_finding); findings are streamed
 * to a callback as they are found and optionally collected in the result, so that memory
 * stays constant apart from the facts index and the set of ids seen.
 *
 * Typical use (what `accord audit` does):
 *
 *     acc_audit_options opt;
 *     acc_audit_options_init(&opt);
 *     opt.rules = rs;                              (and opt.baseline = old_rs)
 *     if (acc_audit_check_paths(paths, n, &sink) != ACC_OK) exit 2
 *     acc_audit_result *res;
 *     int st = acc_audit_files(&res, &opt, paths, n, &sink);
 *     acc_audit_render(stdout, res, &report_options);
 *     exit code = acc_audit_exit_code(res, strict)
 *     acc_audit_result_free(res);
 *
 * Ownership: a result owns every string it holds (file names, ids, rule names,
 * messages) and is released with acc_audit_result_free. The acc_finding and
 * acc_verdict_change passed to a callback, and the strings in them, live only for the
 * duration of the call. The rule sets and paths given in the options must outlive the
 * call to acc_audit_run/acc_audit_files only.
 */
#ifndef ACCORD_AUDIT_H
#define ACCORD_AUDIT_H

#include "accord/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Finding codes, cli.md's table. ORDER: acc_finding_code_name(), severities. */
typedef enum acc_finding_code {
    ACC_FINDING_FORBIDDEN = 0,  /* a forbid rule matched; rule = its name */
    ACC_FINDING_NOT_PERMITTED,  /* no permit rule matched */
    ACC_FINDING_INVARIANT,      /* an invariant is false on the entry; rule = its name */
    ACC_FINDING_SCHEMA,         /* element, attribute or value not allowed by the format */
    ACC_FINDING_UNKNOWN_VALUE,  /* a party, topic or level the rules do not declare */
    ACC_FINDING_DUPLICATE_ID,   /* an id already seen in the stream */
    ACC_FINDING_SEQ_GAP,        /* seq is not the previous seq + 1 */
    ACC_FINDING_DANGLING_REF,   /* request/approval names no earlier entry of that kind */
    ACC_FINDING_CHAIN_BREAK,    /* digest differs from the recomputed one, or is missing */
    ACC_FINDING_ASSUMPTION,     /* an `assume` of the rules is false (warning); rule = name */
    ACC_FINDING_MALFORMED,      /* the XML is broken or truncated: the audit stops */
    ACC_FINDING_COUNT
} acc_finding_code;

/* "forbidden", "not-permitted", ... as in cli.md. */
const char *acc_finding_code_name(acc_finding_code code);
/* The code named `name`, or -1. */
int acc_finding_code_from_name(const char *name);
/* ACC_SEV_WARNING for `assumption`, ACC_SEV_ERROR for every other code. */
acc_severity acc_finding_code_severity(acc_finding_code code);

/*
 * One finding. `line`/`column` (1-based, column in bytes) locate the start of the
 * entry's start tag (its '<'), or of the problem itself for a finding without an entry
 * (the root's start tag, the malformed spot); both are 0 for a finding with no location
 * at all (a --chain-head mismatch on a stream without entries). `has_entry` is false
 * for a finding that belongs to no entry: then seq is 0, id NULL and kind -1.
 */
typedef struct acc_finding {
    acc_finding_code code;
    acc_severity severity;
    const char *file;          /* the file as given by the caller */
    size_t file_index;         /* index of that file in the audited list */
    unsigned line, column;
    bool has_entry;
    int64_t seq;               /* the entry's seq; 0 when absent or not a valid seq */
    const char *id;            /* the entry's id as written; NULL when absent */
    int kind;                  /* acc_kind of the entry, or -1 */
    const char *rule;          /* rule/invariant/assumption name, or NULL */
    const char *message;       /* one line, plain words: what is wrong and why */
} acc_finding;

/*
 * An entry whose verdict differs between the baseline rule set (old) and the audited
 * one (new). An entry that is not well-defined under a rule set (a value it does not
 * declare) counts as denied there; entries well-defined under neither are not compared.
 */
typedef struct acc_verdict_change {
    const char *file;
    size_t file_index;
    unsigned line, column;
    int64_t seq;               /* 0 when absent or invalid */
    const char *id;            /* NULL when absent */
    acc_kind kind;
    bool old_permitted, new_permitted;
} acc_verdict_change;

typedef void (*acc_finding_fn)(void *payload, const acc_finding *finding);
typedef void (*acc_verdict_change_fn)(void *payload, const acc_verdict_change *change);
/* Called after each chunk read: bytes read so far and the total size of all files. */
typedef void (*acc_progress_fn)(void *payload, uint64_t done, uint64_t total);

typedef struct acc_audit_options {
    const acc_ruleset *rules;       /* required: the rule set the logs are judged by */
    const acc_ruleset *baseline;    /* optional: OLD rule set for verdict changes */
    const char *chain_head;         /* optional: expected last digest (64 lowercase hex) */
    uint64_t max_findings;          /* 0: no limit; else stop reporting and collecting
                                       after this many (they are still counted) */
    bool collect;                   /* keep findings and verdict changes in the result */
    acc_finding_fn on_finding;      /* optional: each reported finding, as found */
    void *finding_payload;
    acc_verdict_change_fn on_change;/* optional: each verdict change, as found */
    void *change_payload;
    acc_progress_fn on_progress;    /* optional */
    void *progress_payload;
    size_t chunk_size;              /* bytes per read; 0 for the default (1 MiB). On
                                       two threads up to three chunks are read ahead */
    unsigned threads;               /* 1: all on the caller's thread; 2 (or more): parse
                                       on a second thread while the caller's reads ahead
                                       and judges; 0 (default): 2 when the machine has
                                       more than one processor. The result is the same. */
} acc_audit_options;

/* Sets every option to its default (no rules: the caller must set `rules`). */
void acc_audit_options_init(acc_audit_options *opt);

/* True when `hex` is a valid --chain-head value: exactly 64 lowercase hex digits. */
bool acc_audit_chain_head_valid(const char *hex);

/*
 * Checks that every path names a readable regular file, before anything is audited.
 * Each problem is reported to `sink` (no location, the path as file). Returns ACC_OK,
 * or ACC_EIO when any path is missing, unreadable or not a regular file.
 */
int acc_audit_check_paths(const char *const *paths, size_t n, const acc_diag_sink *sink);

/* One input of an audit: a file, or a buffer in memory (tests, fuzzing, pipes). */
typedef struct acc_audit_source {
    const char *name;          /* shown in findings; the path to read when data is NULL */
    const char *data;          /* NULL: read the file `name` */
    size_t len;
} acc_audit_source;

/* Per input: how many entries (request/approval/transfer elements) were read. */
typedef struct acc_audit_file {
    const char *file;
    uint64_t entries;
    bool complete;             /* false when the audit stopped in or before this file */
} acc_audit_file;

/* Findings per rule (forbidden, invariant, assumption codes only). */
typedef struct acc_audit_rule_count {
    acc_finding_code code;
    const char *rule;
    uint64_t count;
} acc_audit_rule_count;

typedef enum acc_chain_status {
    ACC_CHAIN_ABSENT = 0,      /* no entry carries a digest */
    ACC_CHAIN_VERIFIED,        /* digests in use and no chain-break */
    ACC_CHAIN_BROKEN           /* at least one chain-break */
} acc_chain_status;

/*
 * The outcome of an audit. Counters count every finding, including those beyond
 * max_findings; `findings`/`changes` hold the collected ones (opt.collect), in the
 * order found.
 */
typedef struct acc_audit_result {
    const char *rules;              /* the audited rule set's name */
    const char *baseline;           /* the baseline's name, or NULL */
    acc_audit_file *files;  size_t n_files;
    uint64_t entries;               /* entries read, all files */
    uint64_t judged;                /* well-defined entries, given a verdict */
    uint64_t permitted;             /* judged entries that the rules permit */
    uint64_t n_findings_total;      /* every finding, reported or not */
    uint64_t by_severity[3];        /* indexed by acc_severity */
    uint64_t by_code[ACC_FINDING_COUNT];
    acc_audit_rule_count *by_rule;  size_t n_by_rule;  /* in rule set order; count > 0 */
    acc_finding *findings;          size_t n_findings; /* collected */
    bool findings_truncated;        /* max_findings was reached */
    acc_verdict_change *changes;    size_t n_changes;  /* collected */
    uint64_t n_changes_total;
    bool has_period;                /* some entry had a valid time */
    int64_t period_min, period_max; /* smallest and largest entry time */
    acc_chain_status chain;
    bool chain_head_checked;        /* --chain-head given and the audit was complete */
    bool chain_head_matched;
    char last_digest[65];           /* last entry's digest (recorded, or recomputed where
                                       it has none); "" when there is no entry, or when no
                                       entry has a digest and no chain_head was given */
    bool stopped;                   /* malformed XML or an unusable root: exit 2 */
    bool malformed;                 /* stopped because of malformed XML */
} acc_audit_result;

/*
 * Audits the sources as one stream. Findings go to opt->on_finding as they are found
 * and, with opt->collect, into the result. Returns ACC_OK with *out set, also when the
 * audit stopped on malformed XML or a bad root (then (*out)->stopped is true);
 * ACC_EUSAGE (reported to sink) when opt->rules is NULL or opt->chain_head is not valid;
 * ACC_EIO (reported to sink) when a file cannot be read (checked for every file before
 * the first is audited); ACC_ENOMEM. On error *out is NULL.
 */
int acc_audit_run(acc_audit_result **out, const acc_audit_options *opt,
                  const acc_audit_source *sources, size_t n, const acc_diag_sink *sink);

/* acc_audit_run on the files at `paths`. */
int acc_audit_files(acc_audit_result **out, const acc_audit_options *opt,
                    const char *const *paths, size_t n, const acc_diag_sink *sink);

void acc_audit_result_free(acc_audit_result *result);

/*
 * The exit code cli.md assigns to an audit: 2 when it stopped (malformed XML, bad root),
 * 1 when a finding of severity error exists, a verdict changed, or (strict) a warning
 * exists, else 0.
 */
int acc_audit_exit_code(const acc_audit_result *result, bool strict);

/*
 * Renders a result in opt->format: ACC_FORMAT_JSON (cli.md's `audit` object) or
 * ACC_FORMAT_TEXT (summary first: entries, period, findings by code and by rule, chain
 * status; then one line per collected finding and verdict change). Returns ACC_OK, or
 * ACC_EUSAGE for another format (nothing written).
 */
int acc_audit_render(FILE *out, const acc_audit_result *result,
                     const acc_report_options *opt);

/*
 * One finding as a text line, for streaming output:
 *   file:line:col: error: [code] message (seq N, id X, rule R)
 */
void acc_audit_render_finding_text(FILE *out, const acc_finding *finding, bool color);

#ifdef __cplusplus
}
#endif
#endif
