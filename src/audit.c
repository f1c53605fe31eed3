/*
 * audit.c - the streaming audit of exchange logs (accord/audit.h).
 *
 * The pipeline per entry, in the order its findings come out:
 *   start tag (xml_reader) -> prepare_start: attributes by interned name, values
 *   parsed, members looked up, ids hashed (on the reader's thread when the audit uses
 *   two, xml_pipe.h; it reads only the tag and tables fixed before the parse) ->
 *   format checks (schema,
 *   unknown-value) -> integrity (seq-gap, duplicate-id, dangling-ref, chain-break) ->
 *   when well-defined: facts (facts_index, computed before the entry is inserted) ->
 *   evaluator, its conditions compiled (eval_compiled.c; forbidden, not-permitted,
 *   invariant, assumption) -> facts insertion ->
 *   the baseline rule set, with its own facts, for verdict changes.
 * Several files are one stream: seq, ids, facts and the chain carry over.
 *
 * Nothing is allocated per entry: attribute names are compared by pointer (interned in
 * the parser's dictionary), member names through a small hash table per type, and
 * every scratch buffer is reused. Findings are streamed to the caller's callback and,
 * when asked, copied into the result.
 */
#include "accord/audit.h"

#include "alloc.h"
#include "arena.h"
#include "bytes.h"
#include "diag.h"
#include "eval_compiled.h"
#include "facts_index.h"
#include "grow.h"
#include "hash.h"
#include "integrity.h"
#include "ir.h"
#include "xml_pipe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define LOG_NS "urn:accord:exchange-log:1"
#define ROOT_NAME "exchange-log"
#define DEFAULT_CHUNK ((size_t)1 << 20)
#define MSG_CAP 1024
#define VALUE_SHOWN 80              /* bytes of a value quoted in a message */
#define PENDING_CAP 1024            /* digest-less entries remembered (see chain_entry) */

/* ---- Finding codes ------------------------------------------------------------- */

/* ORDER: acc_finding_code. */
static const char *const code_names[ACC_FINDING_COUNT] = {
    "forbidden", "not-permitted", "invariant", "schema", "unknown-value", "duplicate-id",
    "seq-gap", "dangling-ref", "chain-break", "assumption", "malformed",
};

const char *acc_finding_code_name(acc_finding_code code)
{
    return (unsigned)code < ACC_FINDING_COUNT ? code_names[code] : "unknown";
}

int acc_finding_code_from_name(const char *name)
{
    for (int i = 0; i < ACC_FINDING_COUNT; i++)
        if (name && strcmp(code_names[i], name) == 0)
            return i;
    return -1;
}

acc_severity acc_finding_code_severity(acc_finding_code code)
{
    return code == ACC_FINDING_ASSUMPTION ? ACC_SEV_WARNING : ACC_SEV_ERROR;
}

/* ---- Attribute names ------------------------------------------------------------ */

/* The attributes an entry may carry. ORDER: the first ACC_FIELD_COUNT are acc_field. */
enum {
    A_SEQ = ACC_FIELD_COUNT, A_ID, A_REQUEST, A_APPROVAL, A_DIGEST, A_COUNT
};
/* Names compared by pointer, interned in each file's dictionary: the attributes, the
   entry elements (ORDER: acc_kind), <note> and the log's namespace. */
enum { I_KIND = A_COUNT, I_NOTE = I_KIND + ACC_KIND_COUNT, I_NS, I_COUNT };
static const char *const intern_list[I_COUNT] = {
    "time", "from", "to", "topic", "item", "originator", "level", "decision",
    "seq", "id", "request", "approval", "digest",
    "request", "approval", "transfer", "note", LOG_NS,
};

/* Member lookup for one enumerated type of one rule set: open addressing on names
   (a linear scan by length for the few members most enumerations have). */
#define MEMBER_SCAN 8

typedef struct member_table {
    const acc_enum *e;
    uint32_t *lens;            /* length of each member name */
    int32_t *slots;            /* member index + 1, 0 empty */
    uint32_t cap;
} member_table;

/* One rule set's view of the stream: its member tables, facts and scratch verdicts. */
typedef struct judge {
    const acc_ruleset *rs;
    member_table members[3];   /* party, topic, level */
    acc_eval_program *program; /* the rule set's conditions, compiled */
    acc_facts *facts;
    bool *fact_values;
    bool *all_true;            /* every fact true: "would a rule permit but for facts" */
    bool *fact_seen;           /* scratch for messages */
    acc_verdict verdict;
} judge;

/* The entry being read (kept after it ends: the last entry of --chain-head). */
typedef struct entry_ctx {
    bool active;               /* inside an entry element */
    bool exists;               /* at least one entry was read */
    size_t file_index;
    unsigned line, column;
    acc_kind kind;
    int64_t seq;
    char *id;                  /* NUL-terminated copy, or NULL when absent */
    size_t id_cap;
    bool id_present;
    int notes;                 /* <note> children seen */
    bool text_reported;        /* text outside <note> already reported */
} entry_ctx;

/* An entry without digest seen before the first digest (chain_entry). */
typedef struct pending_entry {
    size_t file_index;
    unsigned line, column;
    acc_kind kind;
    int64_t seq;
    uint32_t id_off;           /* into pending_ids; UINT32_MAX when no id */
} pending_entry;

/* A result and the arena that owns its strings (the result is the first member). */
typedef struct result_box {
    acc_audit_result r;
    acc_arena arena;
} result_box;

typedef struct audit {
    const acc_audit_options *opt;
    const acc_audit_source *sources;
    size_t n_sources;
    acc_audit_result *res;
    acc_arena *arena;          /* the result's strings */
    size_t findings_cap, changes_cap;
    uint64_t reported;         /* findings passed on (<= max_findings) */
    int status;                /* first internal error (ACC_ENOMEM) */

    judge main, base;
    bool has_base;
    uint64_t *forbid_counts, *inv_counts, *asm_counts;

    /* Per file. */
    size_t file_index;
    const char *file;          /* result-owned copy of the name */
    const char *interned[I_COUNT];  /* intern_list in this file's dictionary */
    bool two_threads;          /* parse on a second thread (xml_pipe.h) */
    uint64_t progress_base;    /* bytes of the files before this one */
    uint64_t progress_total;
    unsigned skip_depth;       /* ignore everything deeper than this (0: nothing) */
    bool root_text_reported;
    bool stop;                 /* bad root: the audit ends with this file */

    entry_ctx entry;
    acc_canon_attr *canon;
    size_t canon_cap;
    bool allowed[ACC_KIND_COUNT][A_COUNT];
    /* Per first byte of a name, the attribute slots whose name begins with it, then -1. */
    int8_t slots_by_initial[256][A_COUNT + 1];
    int8_t slots_by_name[A_COUNT];  /* the slots in the bytewise order of their names */
    int8_t field_table[ACC_FIELD_COUNT];   /* index into judge.members, -1: not a member */
    /* Per kind, the fields it carries that name a member (resolve_members), in order. */
    int8_t member_fields[ACC_KIND_COUNT][ACC_FIELD_COUNT];
    uint8_t n_member_fields[ACC_KIND_COUNT];
    uint8_t slot_name_len[A_COUNT];

    /* Integrity across the stream. */
    acc_id_set ids;
    bool has_seq_ref;
    int64_t seq_ref;
    acc_chain chain;
    bool chain_ready;
    bool chain_computing;      /* digests are being computed (see chain_entry) */
    bool chain_in_use;         /* some entry carried a digest */
    char *seed;                /* digest(0): chain-seed as written, or 64 zeros */
    size_t seed_len;
    char prev[ACC_DIGEST_HEX_LEN + 1];
    bool prev_is_seed;
    bool last_digest_valid;    /* the last entry's digest is well-formed */
    pending_entry *pending;
    size_t n_pending;
    uint64_t pending_dropped;
    char *pending_ids;
    size_t pending_ids_len, pending_ids_cap;

    char msg[MSG_CAP];
    size_t msg_len;
} audit;

/* ---- Messages ------------------------------------------------------------------- */

static void msg_reset(audit *a)
{
    a->msg_len = 0;
    a->msg[0] = '\0';
}

static void msg_add(audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg_add(audit *a, const char *fmt, ...)
{
    if (a->msg_len >= MSG_CAP - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(a->msg + a->msg_len, MSG_CAP - a->msg_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        a->msg_len += (size_t)n < MSG_CAP - a->msg_len ? (size_t)n : MSG_CAP - 1 - a->msg_len;
}

/* Appends a value as written, shortened and with control characters shown as '?'. */
static void msg_value(audit *a, const char *v, size_t n)
{
    size_t shown = n > VALUE_SHOWN ? VALUE_SHOWN : n;
    for (size_t i = 0; i < shown && a->msg_len < MSG_CAP - 1; i++) {
        unsigned char c = (unsigned char)v[i];
        a->msg[a->msg_len++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    a->msg[a->msg_len] = '\0';
    if (shown < n)
        msg_add(a, "...");
}

/* ---- Findings ------------------------------------------------------------------- */

static char *result_strndup(audit *a, const char *s, size_t n)
{
    char *c = acc_arena_strndup(a->arena, s, n);
    if (!c)
        a->status = ACC_ENOMEM;
    return c;
}

static void collect(audit *a, const acc_finding *f)
{
    acc_audit_result *r = a->res;
    void *p = r->findings;
    bool ok = acc_grow(&p, &a->findings_cap, r->n_findings + 1, sizeof *r->findings, 64);
    r->findings = p;
    if (!ok) {
        a->status = ACC_ENOMEM;
        return;
    }
    acc_finding c = *f;
    c.id = f->id ? result_strndup(a, f->id, strlen(f->id)) : NULL;
    c.message = result_strndup(a, f->message, strlen(f->message));
    if (a->status == ACC_OK)
        r->findings[r->n_findings++] = c;
}

/* Counts a finding and passes it on (callback, collection) within max_findings. */
static void report(audit *a, const acc_finding *f)
{
    acc_audit_result *r = a->res;
    r->n_findings_total++;
    r->by_code[f->code]++;
    r->by_severity[f->severity]++;
    if (f->code == ACC_FINDING_CHAIN_BREAK)
        r->chain = ACC_CHAIN_BROKEN;
    if (a->opt->max_findings && a->reported >= a->opt->max_findings) {
        r->findings_truncated = true;
        return;
    }
    a->reported++;
    if (a->opt->on_finding)
        a->opt->on_finding(a->opt->finding_payload, f);
    if (a->opt->collect)
        collect(a, f);
}

/* A finding of the current entry with the message in a->msg. */
static void entry_finding(audit *a, acc_finding_code code, const char *rule)
{
    const entry_ctx *e = &a->entry;
    acc_finding f = {
        .code = code, .severity = acc_finding_code_severity(code), .file = a->file,
        .file_index = a->file_index, .line = e->line, .column = e->column,
        .has_entry = true, .seq = e->seq, .id = e->id_present ? e->id : NULL,
        .kind = (int)e->kind, .rule = rule, .message = a->msg,
    };
    report(a, &f);
}

/* A finding without entry at line:column of the current file. */
static void plain_finding(audit *a, acc_finding_code code, unsigned line, unsigned column)
{
    acc_finding f = {
        .code = code, .severity = acc_finding_code_severity(code), .file = a->file,
        .file_index = a->file_index, .line = line, .column = column, .has_entry = false,
        .kind = -1, .message = a->msg,
    };
    report(a, &f);
}

/* ---- Member tables -------------------------------------------------------------- */

static int member_table_build(member_table *t, const acc_enum *e)
{
    t->e = e;
    t->cap = 16;
    while (t->cap < 2 * e->n + 2)
        t->cap *= 2;
    t->slots = acc_calloc(t->cap, sizeof *t->slots);
    t->lens = acc_calloc(e->n + 1, sizeof *t->lens);
    if (!t->slots || !t->lens)
        return ACC_ENOMEM;
    for (uint32_t i = 0; i < e->n; i++) {
        size_t len = strlen(e->names[i]);
        t->lens[i] = (uint32_t)len;
        uint32_t j = (uint32_t)acc_hash_bytes(e->names[i], len, 0) & (t->cap - 1);
        while (t->slots[j])
            j = (j + 1) & (t->cap - 1);
        t->slots[j] = (int32_t)i + 1;
    }
    return ACC_OK;
}

static int member_find(const member_table *t, const char *s, size_t n)
{
    if (t->e->n <= MEMBER_SCAN) {
        for (uint32_t i = 0; i < t->e->n; i++)
            if (t->lens[i] == n && acc_equal_short(t->e->names[i], s, n))
                return (int)i;
        return -1;
    }
    uint32_t j = (uint32_t)acc_hash_bytes(s, n, 0) & (t->cap - 1);
    while (t->slots[j]) {
        const char *name = t->e->names[t->slots[j] - 1];
        if (strncmp(name, s, n) == 0 && name[n] == '\0')
            return t->slots[j] - 1;
        j = (j + 1) & (t->cap - 1);
    }
    return -1;
}

static void judge_fini(judge *j)
{
    for (int i = 0; i < 3; i++) {
        acc_free(j->members[i].slots);
        acc_free(j->members[i].lens);
    }
    acc_eval_program_free(j->program);
    acc_facts_free(j->facts);
    acc_free(j->fact_values);
    acc_free(j->all_true);
    acc_free(j->fact_seen);
    acc_verdict_fini(&j->verdict);
    memset(j, 0, sizeof *j);
}

static int judge_init(judge *j, const acc_ruleset *rs)
{
    memset(j, 0, sizeof *j);
    j->rs = rs;
    static const acc_type types[3] = { ACC_TYPE_PARTY, ACC_TYPE_TOPIC, ACC_TYPE_LEVEL };
    for (int i = 0; i < 3; i++)
        if (member_table_build(&j->members[i], acc_ruleset_enum(rs, types[i])) != ACC_OK)
            goto fail;
    if (acc_facts_new(&j->facts, rs) != ACC_OK ||
        acc_eval_program_new(&j->program, rs) != ACC_OK)
        goto fail;
    j->fact_values = acc_calloc(rs->n_facts + 1, sizeof *j->fact_values);
    j->all_true = acc_calloc(rs->n_facts + 1, sizeof *j->all_true);
    j->fact_seen = acc_calloc(rs->n_facts + 1, sizeof *j->fact_seen);
    if (!j->fact_values || !j->all_true || !j->fact_seen)
        goto fail;
    for (uint32_t i = 0; i < rs->n_facts; i++)
        j->all_true[i] = true;
    if (acc_verdict_init(&j->verdict, rs) != ACC_OK)
        goto fail;
    return ACC_OK;
fail:
    judge_fini(j);
    return ACC_ENOMEM;
}

/* ---- Entries: fields ------------------------------------------------------------ */

typedef struct attr_value {
    const char *s;
    size_t n;
} attr_value;

/* Whether a tag's namespace is the log's: libxml2 hands over namespace names from the
   document's dictionary, where LOG_NS was interned, so the pointers usually tell. */
static bool in_log_ns(const audit *a, const char *uri)
{
    return uri && (uri == a->interned[I_NS] || strcmp(uri, LOG_NS) == 0);
}

/* The member table of a field type (party, topic, level), or NULL. */
static const member_table *table_of(const judge *j, acc_type type)
{
    switch (type) {
    case ACC_TYPE_PARTY: return &j->members[0];
    case ACC_TYPE_TOPIC: return &j->members[1];
    case ACC_TYPE_LEVEL: return &j->members[2];
    default: return NULL;
    }
}

/*
 * What an entry's start tag says, worked out from the tag alone (no state of the
 * stream), so that it can be done on the reader's thread (xml_pipe.h): which attribute
 * fills each slot, the parsed seq, time and decision, each field's member in each rule
 * set, and the hashes of the ids.
 */
typedef struct entry_prep {
    int kind;                           /* acc_kind; -1: the tag is not an entry */
    uint16_t attr[A_COUNT];             /* 1 + index of the attribute in the slot; 0: none */
    uint32_t n_unexpected;              /* attributes this kind may not carry */
    bool seq_ok, time_ok;
    int64_t seq, time;
    int decision;                       /* acc_decision; -1 when absent or invalid */
    int32_t member[2][ACC_FIELD_COUNT]; /* per rule set (main, baseline); -1: undeclared */
    uint64_t id_hash;                   /* acc_id_hash of the id; 0 when absent */
    uint64_t ref_hash[2];               /* of request= and approval= (transfers) */
} entry_prep;

/* The slot of an attribute (A_COUNT: not an entry attribute): its interned name is
   compared with the few slot names that begin with its first byte. */
static int attr_slot(const audit *a, const acc_xml_attr *at)
{
    if (at->prefix)
        return A_COUNT;
    const int8_t *k = a->slots_by_initial[(unsigned char)at->name[0]];
    for (; *k >= 0; k++)
        if (at->name == a->interned[*k])
            return *k;
    return A_COUNT;
}

static attr_value slot_value(const acc_xml_start *el, const entry_prep *p, int k)
{
    if (!p->attr[k])
        return (attr_value){ NULL, 0 };
    acc_xml_attr at = acc_xml_start_attr(el, p->attr[k] - 1u);
    return (attr_value){ at.value, at.value_len };
}

/* The acc_xml_prepare_fn of the audit: fills the entry_prep of a start tag. */
static void prepare_start(const void *ctx, const acc_xml_start *el, void *out)
{
    const audit *a = ctx;
    entry_prep *p = out;
    p->kind = -1;
    if (el->depth != 2 || !in_log_ns(a, el->uri))
        return;
    int kind = -1;
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        if (el->name == a->interned[I_KIND + k])
            kind = k;
    if (kind < 0)
        return;
    /* Only what the loop below fills in part is cleared: a memset of the whole (on
       this path for every entry) was a tenth of this function's time. */
    memset(p->attr, 0, sizeof p->attr);
    p->n_unexpected = 0;
    p->seq = p->time = 0;
    p->kind = kind;
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr at = acc_xml_start_attr(el, i);
        int k = attr_slot(a, &at);
        if (k < A_COUNT && a->allowed[kind][k])
            p->attr[k] = (uint16_t)(i + 1);
        else
            p->n_unexpected++;
    }
    attr_value v = slot_value(el, p, A_SEQ);
    p->seq_ok = v.s && acc_seq_parse(v.s, v.n, &p->seq);
    v = slot_value(el, p, ACC_FIELD_TIME);
    p->time_ok = v.s && acc_time_parse(v.s, v.n, &p->time);
    v = slot_value(el, p, ACC_FIELD_DECISION);
    p->decision = v.s ? acc_decision_from_name(v.s, v.n) : -1;
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        int t = a->field_table[f];
        v = slot_value(el, p, f);
        p->member[0][f] = t >= 0 && v.s ? member_find(&a->main.members[t], v.s, v.n) : -1;
        p->member[1][f] = t >= 0 && v.s && a->has_base
                              ? member_find(&a->base.members[t], v.s, v.n) : -1;
    }
    v = slot_value(el, p, A_ID);
    p->id_hash = v.s ? acc_id_hash(v.s, v.n) : 0;
    for (int k = A_REQUEST; k <= A_APPROVAL; k++) {
        v = slot_value(el, p, k);
        p->ref_hash[k - A_REQUEST] = v.s ? acc_id_hash(v.s, v.n) : 0;
    }
}

/*
 * Fills ev from the prepared members of rule set j: false when a value is not declared
 * there (fields are known present and well-typed). With `report_unknown`, each
 * undeclared value is an unknown-value finding.
 */
static bool resolve_members(audit *a, const judge *j, const int32_t *member,
                            const attr_value *v, acc_event *ev, bool report_unknown)
{
    bool ok = true;
    for (unsigned i = 0; i < a->n_member_fields[ev->kind]; i++) {
        int f = a->member_fields[ev->kind][i];
        if (!v[f].s)
            continue;
        int m = member[f];
        memcpy((char *)ev + acc_event_int_field_at[f], &m, sizeof m);
        if (m >= 0)
            continue;
        ok = false;
        if (report_unknown) {
            msg_reset(a);
            msg_add(a, "%s '", acc_type_name(acc_field_type((acc_field)f)));
            msg_value(a, v[f].s, v[f].n);
            msg_add(a, "' (attribute %s) is not declared by the rules of %s",
                    acc_field_name((acc_field)f), j->rs->name);
            entry_finding(a, ACC_FINDING_UNKNOWN_VALUE, NULL);
        }
    }
    return ok;
}

/* ---- Entries: messages about verdicts ------------------------------------------- */

static const char *member_name(const judge *j, acc_type type, int64_t v)
{
    const char *n = acc_ruleset_member_name(j->rs, type, (size_t)v);
    return n ? n : "?";
}

/* The value of a term on ev, as text, appended to the message. */
static void msg_term(audit *a, const judge *j, const acc_term *t, const acc_event *ev)
{
    if (t->type == ACC_TYPE_ITEM) {
        msg_value(a, ev->item, ev->item_len);
        return;
    }
    int64_t v = acc_eval_term(t, ev);
    if (t->type == ACC_TYPE_TIME) {
        char buf[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(v, buf);
        msg_add(a, "%s", buf);
    } else {
        msg_add(a, "%s", member_name(j, t->type, v));
    }
}

/* "request from JP to US on nk-missile" and the like. */
static void msg_event(audit *a, const judge *j, const acc_event *ev)
{
    switch (ev->kind) {
    case ACC_KIND_REQUEST:
        msg_add(a, "request from %s to %s on %s", member_name(j, ACC_TYPE_PARTY, ev->from),
                member_name(j, ACC_TYPE_PARTY, ev->to), member_name(j, ACC_TYPE_TOPIC, ev->topic));
        break;
    case ACC_KIND_APPROVAL:
        msg_add(a, "approval from %s to %s of item '", member_name(j, ACC_TYPE_PARTY, ev->from),
                member_name(j, ACC_TYPE_PARTY, ev->to));
        msg_value(a, ev->item, ev->item_len);
        msg_add(a, "' (%s)", acc_decision_name((acc_decision)ev->decision));
        break;
    default:
        msg_add(a, "transfer of %s item '", member_name(j, ACC_TYPE_PARTY, ev->originator));
        msg_value(a, ev->item, ev->item_len);
        msg_add(a, "' (%s, %s) from %s to %s", member_name(j, ACC_TYPE_TOPIC, ev->topic),
                member_name(j, ACC_TYPE_LEVEL, ev->level),
                member_name(j, ACC_TYPE_PARTY, ev->from), member_name(j, ACC_TYPE_PARTY, ev->to));
        break;
    }
}

static void msg_duration(audit *a, int64_t s)
{
    if (s % 86400 == 0)
        msg_add(a, "%lld day%s", (long long)(s / 86400), s == 86400 ? "" : "s");
    else if (s % 3600 == 0)
        msg_add(a, "%lld hour%s", (long long)(s / 3600), s == 3600 ? "" : "s");
    else if (s % 60 == 0)
        msg_add(a, "%lld minute%s", (long long)(s / 60), s == 60 ? "" : "s");
    else
        msg_add(a, "%lld seconds", (long long)s);
}

/* Source text of a span of the rule set (e.g. a `has` expression). */
static void msg_span(audit *a, const acc_ruleset *rs, acc_span sp)
{
    if (sp.source < rs->n_sources && sp.end <= rs->sources[sp.source].len && sp.start < sp.end)
        msg_add(a, "%.*s", (int)(sp.end - sp.start), rs->sources[sp.source].text + sp.start);
    else
        msg_add(a, "its condition");
}

/* Why fact i is false for ev: "approved: no earlier approval with from=KR, ...". */
static void msg_fact_reason(audit *a, judge *j, uint32_t i, const acc_event *ev)
{
    const acc_fact *fa = &j->rs->facts[i];
    acc_fact_match m;
    acc_facts_lookup(j->facts, i, ev, &m);
    msg_add(a, "%s is false: ", fa->name);
    if (!m.found)
        msg_add(a, "no earlier %s with ", acc_kind_name(fa->src));
    else if (fa->latest)
        msg_add(a, "the last %s with ", acc_kind_name(fa->src));
    else
        msg_add(a, "the newest %s with ", acc_kind_name(fa->src));
    for (uint32_t b = 0; b < fa->n_bindings; b++) {
        msg_add(a, "%s%s=", b ? ", " : "", acc_field_name(fa->bindings[b].src_field));
        msg_term(a, j, &fa->bindings[b].cur, ev);
    }
    bool too_old = m.found && fa->has_within && ev->time - m.time > fa->within;
    if (m.found && too_old) {
        char buf[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(m.time, buf);
        msg_add(a, " is at %s, more than ", buf);
        msg_duration(a, fa->within);
        msg_add(a, " before");
    } else if (m.found && fa->latest) {
        msg_add(a, " fails ");
        msg_span(a, j->rs, fa->has ? fa->has->span : fa->span);
    } else if (fa->has_within) {
        msg_add(a, " within ");
        msg_duration(a, fa->within);
    }
}

/* Reasons for the false facts that expression e reads (each fact once). */
static void msg_false_facts(audit *a, judge *j, const acc_expr *e, const acc_event *ev,
                            bool *first)
{
    if (!e)
        return;
    switch (e->op) {
    case ACC_X_FACT:
        if (!ev->facts[e->u.fact] && !j->fact_seen[e->u.fact]) {
            j->fact_seen[e->u.fact] = true;
            msg_add(a, "%s", *first ? "" : "; ");
            *first = false;
            msg_fact_reason(a, j, e->u.fact, ev);
        }
        break;
    case ACC_X_NOT:
        msg_false_facts(a, j, e->u.bin.a, ev, first);
        break;
    case ACC_X_AND: case ACC_X_OR: case ACC_X_IMPLIES:
        msg_false_facts(a, j, e->u.bin.a, ev, first);
        msg_false_facts(a, j, e->u.bin.b, ev, first);
        break;
    default:
        break;
    }
}

static void clear_seen(judge *j)
{
    memset(j->fact_seen, 0, j->rs->n_facts * sizeof *j->fact_seen);
}

static void msg_citation(audit *a, const char *citation)
{
    if (citation)
        msg_add(a, ": %s", citation);
}

/* " (fact is false: why; ...)" for the false facts that e reads, if any. */
static void msg_fact_reasons(audit *a, judge *j, const acc_expr *e, const acc_event *ev)
{
    bool first = true;
    clear_seen(j);
    size_t before = a->msg_len;
    msg_add(a, " (");
    size_t mark = a->msg_len;
    msg_false_facts(a, j, e, ev, &first);
    if (a->msg_len == mark) {
        a->msg_len = before;
        a->msg[before] = '\0';
    } else {
        msg_add(a, ")");
    }
}

/* " (permit rules for a transfer: r1, r2)": where a permit could have come from. */
static void msg_permit_rules(audit *a, const acc_ruleset *rs, acc_kind kind)
{
    int n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++) {
        if (rs->rules[i].forbid || rs->rules[i].kind != kind)
            continue;
        if (n++ == 0)
            msg_add(a, " (permit rules for a %s: %s", acc_kind_name(kind), rs->rules[i].name);
        else
            msg_add(a, ", %s", rs->rules[i].name);
    }
    msg_add(a, n ? ")" : " (the rules permit no %s at all)", acc_kind_name(kind));
}

/* The findings of a judged entry under the main rule set. */
static void verdict_findings(audit *a, acc_event *ev)
{
    judge *j = &a->main;
    const acc_ruleset *rs = j->rs;
    const acc_verdict *v = &j->verdict;
    for (size_t i = 0; i < v->n_forbids; i++) {
        const acc_rule *r = &rs->rules[v->forbids[i]];
        a->forbid_counts[v->forbids[i]]++;
        msg_reset(a);
        msg_event(a, j, ev);
        msg_add(a, " is forbidden by rule %s", r->name);
        msg_citation(a, r->citation);
        entry_finding(a, ACC_FINDING_FORBIDDEN, r->name);
    }
    if (v->n_permits == 0) {
        msg_reset(a);
        msg_event(a, j, ev);
        msg_add(a, " is permitted by no rule");
        /* Rules that would permit it if its facts held: say which facts did not. */
        const bool *real = ev->facts;
        bool any = false;
        for (uint32_t i = 0; i < rs->n_rules; i++) {
            const acc_rule *r = &rs->rules[i];
            if (r->forbid || r->kind != ev->kind || !r->cond)
                continue;
            ev->facts = j->all_true;
            bool would = acc_eval_expr(rs, r->cond, ev);
            ev->facts = real;
            if (!would)
                continue;
            msg_add(a, "%s rule %s needs its facts: ", any ? ";" : ":", r->name);
            any = true;
            bool first = true;
            clear_seen(j);
            msg_false_facts(a, j, r->cond, ev, &first);
        }
        if (!any)
            msg_permit_rules(a, rs, ev->kind);
        entry_finding(a, ACC_FINDING_NOT_PERMITTED, NULL);
    }
    for (size_t i = 0; i < v->n_broken_invariants; i++) {
        const acc_prop *p = &rs->invariants[v->broken_invariants[i]];
        a->inv_counts[v->broken_invariants[i]]++;
        msg_reset(a);
        msg_event(a, j, ev);
        msg_add(a, " violates invariant %s", p->name);
        msg_citation(a, p->citation);
        msg_fact_reasons(a, j, p->expr, ev);
        entry_finding(a, ACC_FINDING_INVARIANT, p->name);
    }
    for (size_t i = 0; i < v->n_broken_assumptions; i++) {
        const acc_prop *p = &rs->assumptions[v->broken_assumptions[i]];
        a->asm_counts[v->broken_assumptions[i]]++;
        msg_reset(a);
        msg_event(a, j, ev);
        msg_add(a, " contradicts assumption %s", p->name);
        msg_citation(a, p->citation);
        msg_fact_reasons(a, j, p->expr, ev);
        entry_finding(a, ACC_FINDING_ASSUMPTION, p->name);
    }
}

/* ---- Entries: integrity ---------------------------------------------------------- */

static void check_seq(audit *a, bool seq_ok)
{
    if (!seq_ok) {
        /* A missing or invalid seq takes the expected place: no gap for its successor. */
        if (a->has_seq_ref)
            a->seq_ref++;
        return;
    }
    int64_t seq = a->entry.seq;
    if (a->has_seq_ref && (a->seq_ref == INT64_MAX || seq != a->seq_ref + 1)) {
        msg_reset(a);
        msg_add(a, "seq %lld does not follow seq %lld (expected %lld)", (long long)seq,
                (long long)a->seq_ref, (long long)a->seq_ref + 1);
        entry_finding(a, ACC_FINDING_SEQ_GAP, NULL);
    }
    a->has_seq_ref = true;
    a->seq_ref = seq;
}

static void check_ref(audit *a, const attr_value *v, uint64_t hash, int attr, acc_kind want)
{
    if (!v->s)
        return;
    int kind = acc_id_set_find_hash(&a->ids, hash);
    if (kind == (int)want)
        return;
    msg_reset(a);
    msg_add(a, "%s=\"", intern_list[attr]);
    msg_value(a, v->s, v->n);
    if (kind < 0)
        msg_add(a, "\" names no earlier %s in the stream", acc_kind_name(want));
    else
        msg_add(a, "\" names an earlier %s, not a %s", acc_kind_name((acc_kind)kind),
                acc_kind_name(want));
    entry_finding(a, ACC_FINDING_DANGLING_REF, NULL);
}

static void check_id(audit *a, uint64_t id_hash)
{
    entry_ctx *e = &a->entry;
    if (!e->id_present || !e->id[0])
        return;
    int prev = -1;
    if (acc_id_set_add_hash(&a->ids, id_hash, e->kind, &prev) != ACC_OK) {
        a->status = ACC_ENOMEM;
        return;
    }
    if (prev < 0)
        return;
    msg_reset(a);
    msg_add(a, "id '");
    msg_value(a, e->id, strlen(e->id));
    msg_add(a, "' is already used by an earlier %s", acc_kind_name((acc_kind)prev));
    entry_finding(a, ACC_FINDING_DUPLICATE_ID, NULL);
}

static void pending_add(audit *a)
{
    if (a->n_pending == PENDING_CAP) {
        a->pending_dropped++;
        return;
    }
    if (!a->pending) {
        a->pending = acc_malloc(PENDING_CAP * sizeof *a->pending);
        if (!a->pending) {
            a->status = ACC_ENOMEM;
            return;
        }
    }
    const entry_ctx *e = &a->entry;
    pending_entry *p = &a->pending[a->n_pending];
    *p = (pending_entry){ .file_index = a->file_index, .line = e->line, .column = e->column,
                          .kind = e->kind, .seq = e->seq, .id_off = UINT32_MAX };
    if (e->id_present) {
        size_t n = strlen(e->id) + 1;
        void *ids = a->pending_ids;
        bool ok = acc_grow(&ids, &a->pending_ids_cap, a->pending_ids_len + n, 1, 4096);
        a->pending_ids = ids;
        if (!ok) {
            a->status = ACC_ENOMEM;
            return;
        }
        memcpy(a->pending_ids + a->pending_ids_len, e->id, n);
        p->id_off = (uint32_t)a->pending_ids_len;
        a->pending_ids_len += n;
    }
    a->n_pending++;
}

static const char missing_digest_msg[] =
    "entry has no digest, but other entries of the stream carry one";

/* Reports the remembered digest-less entries once the first digest appears. */
static void pending_flush(audit *a)
{
    for (size_t i = 0; i < a->n_pending; i++) {
        const pending_entry *p = &a->pending[i];
        msg_reset(a);
        msg_add(a, "%s", missing_digest_msg);
        acc_finding f = {
            .code = ACC_FINDING_CHAIN_BREAK, .severity = ACC_SEV_ERROR,
            .file = a->res->files[p->file_index].file, .file_index = p->file_index,
            .line = p->line, .column = p->column, .has_entry = true, .seq = p->seq,
            .id = p->id_off == UINT32_MAX ? NULL : a->pending_ids + p->id_off,
            .kind = (int)p->kind, .message = a->msg,
        };
        report(a, &f);
    }
    if (a->pending_dropped) {
        msg_reset(a);
        msg_add(a, "%llu more earlier entries have no digest (not listed one by one)",
                (unsigned long long)a->pending_dropped);
        entry_finding(a, ACC_FINDING_CHAIN_BREAK, NULL);
    }
    a->n_pending = 0;
    a->pending_dropped = 0;
    a->pending_ids_len = 0;
}

/*
 * The hash chain for the current entry. Digests are computed from the first entry on,
 * so that the first digest of the stream is verified against the digests recomputed for
 * the entries before it (an entry inserted before the first one is caught). A stream
 * whose first PENDING_CAP entries carry no digest is taken as unchained: hashing stops
 * (SHA-256 only where digests are in use) unless --chain-head needs the last digest, and
 * a digest that appears after that starts the verified chain unchecked.
 */
static bool grow_canon(audit *a, size_t n)
{
    void *c = a->canon;
    bool ok = acc_grow(&c, &a->canon_cap, n, sizeof *a->canon, 16);
    a->canon = c;
    if (!ok)
        a->status = ACC_ENOMEM;
    return ok;
}

/* The attributes of the canonical form: all but the digest (slot A_DIGEST), sorted. */
static bool canonical_attrs(audit *a, const acc_xml_start *el, const entry_prep *p,
                            size_t *n)
{
    if (!grow_canon(a, el->n_attrs))
        return false;
    *n = 0;
    if (p->n_unexpected == 0) {
        /* Only entry attributes, each at most once: taking the slots in the order of
           their names is the sort. */
        for (int r = 0; r < A_COUNT; r++) {
            int k = a->slots_by_name[r];
            if (k == A_DIGEST || !p->attr[k])
                continue;
            acc_xml_attr at = acc_xml_start_attr(el, p->attr[k] - 1u);
            a->canon[(*n)++] = (acc_canon_attr){ NULL, at.name, at.value, at.value_len,
                                                 a->slot_name_len[k] };
        }
        return true;
    }
    for (unsigned i = 0; i < el->n_attrs; i++) {
        if (p->attr[A_DIGEST] == i + 1)
            continue;
        acc_xml_attr at = acc_xml_start_attr(el, i);
        a->canon[(*n)++] = (acc_canon_attr){ at.prefix, at.name, at.value, at.value_len, 0 };
    }
    acc_canon_sort(a->canon, *n);
    return true;
}

static void chain_entry(audit *a, const acc_xml_start *el, const entry_prep *p,
                        const attr_value *digest)
{
    const char *element = acc_kind_name(a->entry.kind);
    if (!digest->s && !a->chain_in_use) {
        pending_add(a);
        if (a->pending_dropped && !a->opt->chain_head)
            a->chain_computing = false;
        if (!a->chain_computing)
            return;
    }
    if (!a->chain_ready) {
        acc_chain_init(&a->chain);
        a->chain_ready = true;
    }
    bool verify = true;
    if (digest->s && !a->chain_in_use) {
        a->chain_in_use = true;
        pending_flush(a);
        if (!a->chain_computing) {
            /* First digest of a stream whose earlier entries were not hashed. */
            a->chain_computing = true;
            verify = false;
        }
    }
    char computed[ACC_DIGEST_HEX_LEN + 1];
    size_t n_canon;
    if (!canonical_attrs(a, el, p, &n_canon))
        return;
    const char *prev = a->prev_is_seed ? a->seed : a->prev;
    size_t prev_len = a->prev_is_seed ? a->seed_len : ACC_DIGEST_HEX_LEN;
    if (acc_chain_digest(&a->chain, prev, prev_len, element, a->canon, n_canon, computed)
        != ACC_OK) {
        a->status = ACC_ENOMEM;
        return;
    }
    bool recorded_ok = digest->s && acc_digest_valid(digest->s, digest->n);
    if (!digest->s) {
        if (a->chain_in_use) {
            msg_reset(a);
            msg_add(a, "%s", missing_digest_msg);
            entry_finding(a, ACC_FINDING_CHAIN_BREAK, NULL);
        }
    } else if (verify && !(recorded_ok && memcmp(digest->s, computed, ACC_DIGEST_HEX_LEN) == 0)) {
        msg_reset(a);
        msg_add(a, "digest '");
        msg_value(a, digest->s, digest->n);
        msg_add(a, "' does not match the recomputed %s%s", computed,
                recorded_ok ? ": the entry or the one before it was changed, inserted or removed"
                            : " (a digest is 64 lowercase hex digits)");
        entry_finding(a, ACC_FINDING_CHAIN_BREAK, NULL);
    }
    /* The next link is checked against this entry's recorded digest when it has a valid
       one, else against the recomputed one. */
    memcpy(a->prev, recorded_ok ? digest->s : computed, ACC_DIGEST_HEX_LEN);
    a->prev[ACC_DIGEST_HEX_LEN] = '\0';
    a->prev_is_seed = false;
    /* The last digest for --chain-head: recorded, or recomputed where there is none. */
    a->last_digest_valid = !digest->s || recorded_ok;
    if (digest->s) {
        size_t n = digest->n < ACC_DIGEST_HEX_LEN ? digest->n : ACC_DIGEST_HEX_LEN;
        memcpy(a->res->last_digest, digest->s, n);
        a->res->last_digest[n] = '\0';
    } else {
        memcpy(a->res->last_digest, computed, ACC_DIGEST_HEX_LEN + 1);
    }
}

/* ---- Entries -------------------------------------------------------------------- */

static bool set_entry_id(audit *a, const attr_value *v)
{
    entry_ctx *e = &a->entry;
    e->id_present = v->s != NULL;
    if (!v->s)
        return true;
    void *id = e->id;
    bool ok = acc_grow(&id, &e->id_cap, v->n + 1, 1, 64);
    e->id = id;
    if (!ok) {
        a->status = ACC_ENOMEM;
        e->id_present = false;
        return false;
    }
    memcpy(e->id, v->s, v->n);
    e->id[v->n] = '\0';
    return true;
}

static void schema_attr(audit *a, const char *what, const acc_xml_attr *at)
{
    msg_reset(a);
    msg_add(a, "%s attribute '%s%s%s' on <%s>", what, at->prefix ? at->prefix : "",
            at->prefix ? ":" : "", at->name, acc_kind_name(a->entry.kind));
    entry_finding(a, ACC_FINDING_SCHEMA, NULL);
}

/* Judges a well-defined entry under the baseline too and reports a changed verdict. */
static void baseline_entry(audit *a, const attr_value *v, const entry_prep *p,
                           const acc_event *main_ev, bool main_defined, bool main_permitted)
{
    judge *j = &a->base;
    acc_event ev = *main_ev;
    ev.facts = j->fact_values;
    bool defined = resolve_members(a, j, p->member[1], v, &ev, false);
    bool permitted = false;
    if (defined) {
        acc_facts_compute(j->facts, &ev, j->fact_values);
        permitted = acc_eval_program_permitted(j->program, &ev);
        if (acc_facts_insert(j->facts, &ev) != ACC_OK)
            a->status = ACC_ENOMEM;
    }
    if ((!defined && !main_defined) || permitted == main_permitted)
        return;
    acc_audit_result *r = a->res;
    const entry_ctx *e = &a->entry;
    acc_verdict_change c = {
        .file = a->file, .file_index = a->file_index, .line = e->line, .column = e->column,
        .seq = e->seq, .id = e->id_present ? e->id : NULL, .kind = e->kind,
        .old_permitted = permitted, .new_permitted = main_permitted,
    };
    r->n_changes_total++;
    if (a->opt->on_change)
        a->opt->on_change(a->opt->change_payload, &c);
    if (!a->opt->collect)
        return;
    void *changes = r->changes;
    bool ok = acc_grow(&changes, &a->changes_cap, r->n_changes + 1, sizeof *r->changes, 64);
    r->changes = changes;
    if (!ok) {
        a->status = ACC_ENOMEM;
        return;
    }
    c.id = c.id ? result_strndup(a, c.id, strlen(c.id)) : NULL;
    r->changes[r->n_changes++] = c;
}

static void entry_start(audit *a, const acc_xml_start *el, const entry_prep *p)
{
    acc_audit_result *r = a->res;
    entry_ctx *e = &a->entry;
    acc_kind kind = (acc_kind)p->kind;
    e->active = true;
    e->file_index = a->file_index;
    e->line = el->line;
    e->column = el->column;
    e->kind = kind;
    e->seq = p->seq_ok ? p->seq : 0;
    e->notes = 0;
    e->text_reported = false;
    r->entries++;
    r->files[a->file_index].entries++;

    attr_value v[A_COUNT];
    for (int k = 0; k < A_COUNT; k++)
        v[k] = slot_value(el, p, k);
    if (v[A_ID].s)
        acc_id_set_prefetch(&a->ids, p->id_hash);
    if (!set_entry_id(a, &v[A_ID]))
        return;

    /* Format: attributes that do not belong (in document order), then the required ones. */
    for (unsigned i = 0; p->n_unexpected && i < el->n_attrs; i++) {
        acc_xml_attr at = acc_xml_start_attr(el, i);
        int k = attr_slot(a, &at);
        if (!(k < A_COUNT && a->allowed[kind][k]))
            schema_attr(a, "unexpected", &at);
    }
    if (!v[A_SEQ].s) {
        msg_reset(a);
        msg_add(a, "<%s> has no seq attribute", acc_kind_name(kind));
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    } else if (!p->seq_ok) {
        msg_reset(a);
        msg_add(a, "seq '");
        msg_value(a, v[A_SEQ].s, v[A_SEQ].n);
        msg_add(a, "' is not a positive decimal integer");
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    }
    if (!v[A_ID].s || v[A_ID].n == 0) {
        msg_reset(a);
        msg_add(a, "<%s> has %s id attribute", acc_kind_name(kind), v[A_ID].s ? "an empty" : "no");
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    }
    acc_event ev = { .kind = kind, .facts = a->main.fact_values };
    bool well_typed = true;
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        if (!a->allowed[kind][f])
            continue;
        const attr_value *fv = &v[f];
        msg_reset(a);
        if (!fv->s) {
            msg_add(a, "<%s> has no %s attribute", acc_kind_name(kind),
                    acc_field_name((acc_field)f));
        } else if (f == ACC_FIELD_TIME) {
            if (p->time_ok) {
                ev.time = p->time;
                if (!r->has_period || ev.time < r->period_min)
                    r->period_min = ev.time;
                if (!r->has_period || ev.time > r->period_max)
                    r->period_max = ev.time;
                r->has_period = true;
                continue;
            }
            msg_add(a, "time '");
            msg_value(a, fv->s, fv->n);
            msg_add(a, "' is not a valid UTC time YYYY-MM-DDTHH:MM:SSZ");
        } else if (f == ACC_FIELD_DECISION) {
            ev.decision = p->decision;
            if (ev.decision >= 0)
                continue;
            msg_add(a, "decision '");
            msg_value(a, fv->s, fv->n);
            msg_add(a, "' is not granted, denied or revoked");
        } else {
            continue;
        }
        well_typed = false;
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    }
    ev.item = v[ACC_FIELD_ITEM].s;
    ev.item_len = v[ACC_FIELD_ITEM].n;
    bool declared = resolve_members(a, &a->main, p->member[0], v, &ev, true);
    bool defined = well_typed && declared;
    /* Start fetching the index slots this entry will touch, so that their cache misses
       overlap instead of following one another. */
    if (defined)
        acc_facts_prefetch(a->main.facts, &ev);
    for (int k = A_REQUEST; kind == ACC_KIND_TRANSFER && k <= A_APPROVAL; k++)
        if (v[k].s)
            acc_id_set_prefetch(&a->ids, p->ref_hash[k - A_REQUEST]);

    /* Integrity. */
    check_seq(a, p->seq_ok);
    if (kind == ACC_KIND_TRANSFER) {
        check_ref(a, &v[A_REQUEST], p->ref_hash[0], A_REQUEST, ACC_KIND_REQUEST);
        check_ref(a, &v[A_APPROVAL], p->ref_hash[1], A_APPROVAL, ACC_KIND_APPROVAL);
    }
    check_id(a, p->id_hash);
    chain_entry(a, el, p, &v[A_DIGEST]);
    e->exists = true;

    /* Verdict. */
    bool permitted = false;
    if (defined) {
        judge *j = &a->main;
        acc_facts_compute(j->facts, &ev, j->fact_values);
        acc_eval_program_event(j->program, &ev, &j->verdict);
        permitted = j->verdict.permitted;
        r->judged++;
        r->permitted += permitted;
        verdict_findings(a, &ev);
        if (acc_facts_insert(j->facts, &ev) != ACC_OK)
            a->status = ACC_ENOMEM;
    }
    if (a->has_base && well_typed)
        baseline_entry(a, v, p, &ev, defined, permitted);
}

/* ---- The root ------------------------------------------------------------------- */

/* Ends the audit with this file (the handler then stops the reader). */
static void stop_audit(audit *a)
{
    a->stop = true;
    a->res->stopped = true;
}

static void accepted_list(audit *a, const acc_ruleset *rs)
{
    for (uint32_t i = 0; i < rs->n_accords; i++)
        msg_add(a, "%s%s", i ? ", " : "", rs->accords[i]);
}

static bool accord_accepted(const audit *a, const char *name)
{
    return acc_ruleset_accepts_accord(a->opt->rules, name) ||
           (a->opt->baseline && acc_ruleset_accepts_accord(a->opt->baseline, name));
}

static void root_start(audit *a, const acc_xml_start *el)
{
    if (!in_log_ns(a, el->uri) || strcmp(el->name, ROOT_NAME) != 0) {
        msg_reset(a);
        msg_add(a, "the root element is <%s>", el->name);
        msg_add(a, el->uri ? " in namespace '%s'" : "%s", el->uri ? el->uri : " in no namespace");
        msg_add(a, "; expected <" ROOT_NAME "> in namespace '" LOG_NS "'");
        plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
        stop_audit(a);
        return;
    }
    attr_value accord = { 0 };
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr at = acc_xml_start_attr(el, i);
        if (!at.prefix && strcmp(at.name, "accord") == 0) {
            accord = (attr_value){ at.value, at.value_len };
        } else if (!at.prefix && strcmp(at.name, "chain-seed") == 0) {
            if (a->file_index == 0) {
                acc_free(a->seed);
                a->seed = acc_strndup(at.value, at.value_len);
                a->seed_len = at.value_len;
                if (!a->seed) {
                    a->status = ACC_ENOMEM;
                    stop_audit(a);
                    return;
                }
            }
            if (!acc_digest_valid(at.value, at.value_len)) {
                msg_reset(a);
                msg_add(a, "chain-seed '");
                msg_value(a, at.value, at.value_len);
                msg_add(a, "' is not 64 lowercase hex digits");
                plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
            }
        } else if (at.prefix || strcmp(at.name, "recorder") != 0) {
            msg_reset(a);
            msg_add(a, "unexpected attribute '%s%s%s' on <" ROOT_NAME ">",
                    at.prefix ? at.prefix : "", at.prefix ? ":" : "", at.name);
            plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
        }
    }
    msg_reset(a);
    if (!accord.s) {
        msg_add(a, "<" ROOT_NAME "> has no accord attribute; expected the accord the log was "
                   "recorded under: ");
        accepted_list(a, a->opt->rules);
        plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
        stop_audit(a);
        return;
    }
    char *name = acc_strndup(accord.s, accord.n);
    if (!name) {
        a->status = ACC_ENOMEM;
        stop_audit(a);
        return;
    }
    bool ok = strlen(name) == accord.n && accord_accepted(a, name);
    acc_free(name);
    if (!ok) {
        msg_add(a, "the log was recorded under accord '");
        msg_value(a, accord.s, accord.n);
        msg_add(a, "', but the rule set %s covers only: ", a->opt->rules->name);
        accepted_list(a, a->opt->rules);
        if (a->opt->baseline) {
            msg_add(a, " (baseline %s: ", a->opt->baseline->name);
            accepted_list(a, a->opt->baseline);
            msg_add(a, ")");
        }
        plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
        stop_audit(a);
    }
}

/* ---- SAX handler ---------------------------------------------------------------- */

/* Whether the reader should go on. */
static bool going_on(const audit *a)
{
    return a->status == ACC_OK && !a->stop;
}

static bool on_start(void *payload, const acc_xml_start *el)
{
    audit *a = payload;
    const entry_prep *p = el->prepared;
    if (!going_on(a))
        return false;
    if (a->skip_depth && el->depth > a->skip_depth)
        return true;
    if (el->depth == 1) {
        root_start(a, el);
        return going_on(a);
    }
    if (el->depth == 2) {
        if (p->kind >= 0) {
            entry_start(a, el, p);
            return going_on(a);
        }
        bool in_ns = in_log_ns(a, el->uri);
        msg_reset(a);
        msg_add(a, "unexpected element <%s%s%s> in <" ROOT_NAME "> (ignored)",
                el->prefix ? el->prefix : "", el->prefix ? ":" : "", el->name);
        if (!in_ns)
            msg_add(a, ", namespace '%s'", el->uri ? el->uri : "");
        plain_finding(a, ACC_FINDING_SCHEMA, el->line, el->column);
        a->skip_depth = 2;
        return going_on(a);
    }
    /* depth 3: inside an entry. Findings carry the entry's location (exchange-log.md);
       the message says where the child is. */
    bool in_ns = in_log_ns(a, el->uri);
    msg_reset(a);
    if (in_ns && el->name == a->interned[I_NOTE]) {
        if (a->entry.notes++ > 0) {
            msg_add(a, "<%s> has more than one <note> (line %u)", acc_kind_name(a->entry.kind),
                    el->line);
            entry_finding(a, ACC_FINDING_SCHEMA, NULL);
        }
        for (unsigned i = 0; i < el->n_attrs; i++) {
            acc_xml_attr at = acc_xml_start_attr(el, i);
            msg_reset(a);
            msg_add(a, "unexpected attribute '%s%s%s' on <note> (line %u)",
                    at.prefix ? at.prefix : "", at.prefix ? ":" : "", at.name, el->line);
            entry_finding(a, ACC_FINDING_SCHEMA, NULL);
        }
    } else {
        msg_add(a, "unexpected element <%s%s%s> in <%s> (line %u); only one <note> is allowed",
                el->prefix ? el->prefix : "", el->prefix ? ":" : "", el->name,
                acc_kind_name(a->entry.kind), el->line);
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    }
    a->skip_depth = 3;
    return going_on(a);
}

static bool on_end(void *payload, unsigned depth)
{
    audit *a = payload;
    if (a->skip_depth == depth)
        a->skip_depth = 0;
    if (depth == 2)
        a->entry.active = false;
    return going_on(a);
}

static bool blank_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Text in the root or in an entry: the pipe drops blank text and text deeper down
   (text_max_depth 2, skip_blank_text in audit_source). */
static bool on_text(void *payload, const acc_xml_text *t)
{
    audit *a = payload;
    if (!going_on(a))
        return false;
    if (a->skip_depth && t->depth > a->skip_depth)
        return true;
    /* The reader stands at the end of the text: go back to its first non-blank line. */
    const char *s = t->s;
    size_t n = t->n;
    unsigned line = t->line, column = t->column;
    size_t first = 0;
    while (first < n && blank_char(s[first]))
        first++;
    bool nl_after = false;
    for (size_t i = first; i < n && line > 1; i++)
        if (s[i] == '\n') {
            line--;
            nl_after = true;
        }
    size_t nl = first;
    while (nl > 0 && s[nl - 1] != '\n')
        nl--;
    if (nl > 0)
        column = (unsigned)(first - nl) + 1;
    else if (!nl_after && column > n - first)
        column -= (unsigned)(n - first);
    if (t->depth == 2 && a->entry.active && !a->entry.text_reported) {
        a->entry.text_reported = true;
        msg_reset(a);
        msg_add(a, "text in <%s> outside a <note> (line %u)", acc_kind_name(a->entry.kind),
                line);
        entry_finding(a, ACC_FINDING_SCHEMA, NULL);
    } else if (t->depth == 1 && !a->root_text_reported) {
        a->root_text_reported = true;
        msg_reset(a);
        msg_add(a, "text directly in <" ROOT_NAME "> (only entries belong there)");
        plain_finding(a, ACC_FINDING_SCHEMA, line, column);
    }
    return going_on(a);
}

static const acc_xml_handler handler = { on_start, on_end, on_text };

/* ---- Driving the stream ----------------------------------------------------------- */

void acc_audit_options_init(acc_audit_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

bool acc_audit_chain_head_valid(const char *hex)
{
    return hex && acc_digest_valid(hex, strlen(hex));
}

/* Why `path` cannot be audited, or NULL when it is a readable regular file. */
static const char *path_problem(const char *path, char *buf, size_t size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(buf, size, "cannot open log: %s", strerror(errno));
        return buf;
    }
    if (!S_ISREG(st.st_mode))
        return "cannot audit log: not a regular file";
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(buf, size, "cannot read log: %s", strerror(errno));
        return buf;
    }
    fclose(f);
    return NULL;
}

int acc_audit_check_paths(const char *const *paths, size_t n, const acc_diag_sink *sink)
{
    int status = ACC_OK;
    char buf[256];
    for (size_t i = 0; i < n; i++) {
        const char *why = path_problem(paths[i], buf, sizeof buf);
        if (why) {
            acc_diag_report_file(sink, ACC_SEV_ERROR, paths[i], "%s", why);
            status = ACC_EIO;
        }
    }
    return status;
}

static void report_malformed(audit *a, const acc_xml_error *err)
{
    msg_reset(a);
    msg_add(a, "%s%s", err->doctype ? "" : "malformed XML: ", err->message);
    if (err->doctype)
        msg_add(a, "; the audit stops here");
    plain_finding(a, ACC_FINDING_MALFORMED, err->line, err->column);
    a->res->stopped = true;
    a->res->malformed = true;
}

static void progress(audit *a, uint64_t done, uint64_t total)
{
    if (a->opt->on_progress)
        a->opt->on_progress(a->opt->progress_payload, done, total);
}

/* The lookahead of the two-thread reader: fetch the id set's slots a tag will touch. */
static void on_lookahead(void *payload, const acc_xml_start *el)
{
    const audit *a = payload;
    const entry_prep *p = el->prepared;
    if (p->kind < 0)
        return;
    if (p->id_hash)
        acc_id_set_prefetch(&a->ids, p->id_hash);
    for (int k = 0; k < 2; k++)
        if (p->ref_hash[k])
            acc_id_set_prefetch(&a->ids, p->ref_hash[k]);
}

static void on_bytes(void *payload, uint64_t bytes)
{
    audit *a = payload;
    progress(a, a->progress_base + bytes, a->progress_total);
}

/* Audits one source; returns ACC_OK (also when the stream stopped), ACC_EIO, ACC_ENOMEM. */
static int audit_source(audit *a, const acc_audit_source *src, size_t chunk)
{
    a->skip_depth = 0;
    a->root_text_reported = false;
    a->entry.active = false;
    acc_xml_doc doc = { .path = src->name, .data = src->data, .len = src->len, .chunk = chunk };
    acc_xml_pipe_options po = {
        .handler = &handler, .payload = a,
        .prepare = prepare_start, .prepare_ctx = a, .prepared_size = sizeof(entry_prep),
        .intern = intern_list, .interned = a->interned, .n_intern = I_COUNT,
        .text_max_depth = 2, .skip_blank_text = true,
        .lookahead = on_lookahead,
        .on_progress = a->opt->on_progress ? on_bytes : NULL,
        .two_threads = a->two_threads,
    };
    acc_xml_outcome out;
    int status = acc_xml_pipe_parse(&po, &doc, &out);
    if (status != ACC_OK)
        return status;
    if (out.failed && a->status == ACC_OK)
        report_malformed(a, &out.error);
    if (!a->res->stopped)
        a->res->files[a->file_index].complete = true;
    return a->status;
}

/* After the stream: --chain-head, chain status, findings per rule. */
static int finish(audit *a)
{
    acc_audit_result *r = a->res;
    const acc_ruleset *rs = a->opt->rules;
    if (r->chain != ACC_CHAIN_BROKEN)
        r->chain = a->chain_in_use ? ACC_CHAIN_VERIFIED : ACC_CHAIN_ABSENT;
    if (a->opt->chain_head && !r->stopped) {
        r->chain_head_checked = true;
        r->chain_head_matched = a->entry.exists && a->last_digest_valid &&
                                strcmp(r->last_digest, a->opt->chain_head) == 0;
        if (!a->entry.exists) {
            msg_reset(a);
            msg_add(a, "the stream has no entry, so no last digest can match --chain-head %s",
                    a->opt->chain_head);
            a->file_index = a->n_sources ? a->n_sources - 1 : 0;
            a->file = a->n_sources ? r->files[a->file_index].file : NULL;
            plain_finding(a, ACC_FINDING_CHAIN_BREAK, 0, 0);
        } else if (!r->chain_head_matched) {
            msg_reset(a);
            msg_add(a, "the last entry's digest %s is not the published chain head %s: "
                       "entries were removed, added or changed at the end of the stream",
                    r->last_digest, a->opt->chain_head);
            a->file_index = a->entry.file_index;
            a->file = r->files[a->file_index].file;
            entry_finding(a, ACC_FINDING_CHAIN_BREAK, NULL);
        }
    }
    if (!a->chain_in_use && !(a->opt->chain_head && r->chain_head_checked))
        r->last_digest[0] = '\0';
    size_t n = 0;
    for (uint32_t i = 0; i < rs->n_rules; i++)
        n += a->forbid_counts[i] > 0;
    for (uint32_t i = 0; i < rs->n_invariants; i++)
        n += a->inv_counts[i] > 0;
    for (uint32_t i = 0; i < rs->n_assumptions; i++)
        n += a->asm_counts[i] > 0;
    r->by_rule = acc_arena_alloc(a->arena, (n + 1) * sizeof *r->by_rule);
    if (!r->by_rule)
        return ACC_ENOMEM;
    struct { acc_finding_code code; const uint64_t *counts; uint32_t n; } groups[3] = {
        { ACC_FINDING_FORBIDDEN, a->forbid_counts, rs->n_rules },
        { ACC_FINDING_INVARIANT, a->inv_counts, rs->n_invariants },
        { ACC_FINDING_ASSUMPTION, a->asm_counts, rs->n_assumptions },
    };
    for (int g = 0; g < 3; g++)
        for (uint32_t i = 0; i < groups[g].n; i++) {
            if (!groups[g].counts[i])
                continue;
            const char *name = g == 0 ? rs->rules[i].name
                             : g == 1 ? rs->invariants[i].name : rs->assumptions[i].name;
            char *copy = acc_arena_strdup(a->arena, name);
            if (!copy)
                return ACC_ENOMEM;
            r->by_rule[r->n_by_rule++] = (acc_audit_rule_count){ groups[g].code, copy,
                                                                 groups[g].counts[i] };
        }
    return ACC_OK;
}

void acc_audit_result_free(acc_audit_result *r)
{
    if (!r)
        return;
    result_box *box = (result_box *)r;
    acc_free(r->findings);
    acc_free(r->changes);
    acc_arena_free(&box->arena);
    acc_free(box);
}

static void audit_fini(audit *a)
{
    judge_fini(&a->main);
    judge_fini(&a->base);
    acc_free(a->forbid_counts);
    acc_free(a->inv_counts);
    acc_free(a->asm_counts);
    acc_free(a->entry.id);
    acc_free(a->canon);
    acc_free(a->seed);
    acc_free(a->pending);
    acc_free(a->pending_ids);
    acc_id_set_fini(&a->ids);
    if (a->chain_ready)
        acc_chain_fini(&a->chain);
}

static int audit_init(audit *a, const acc_audit_options *opt)
{
    const acc_ruleset *rs = opt->rules;
    if (judge_init(&a->main, rs) != ACC_OK)
        return ACC_ENOMEM;
    if (opt->baseline) {
        if (judge_init(&a->base, opt->baseline) != ACC_OK)
            return ACC_ENOMEM;
        a->has_base = true;
    }
    a->forbid_counts = acc_calloc(rs->n_rules + 1, sizeof *a->forbid_counts);
    a->inv_counts = acc_calloc(rs->n_invariants + 1, sizeof *a->inv_counts);
    a->asm_counts = acc_calloc(rs->n_assumptions + 1, sizeof *a->asm_counts);
    a->seed = acc_malloc(ACC_DIGEST_HEX_LEN + 1);
    if (!a->forbid_counts || !a->inv_counts || !a->asm_counts || !a->seed)
        return ACC_ENOMEM;
    memset(a->seed, '0', ACC_DIGEST_HEX_LEN);
    a->seed[ACC_DIGEST_HEX_LEN] = '\0';
    a->seed_len = ACC_DIGEST_HEX_LEN;
    a->prev_is_seed = true;
    a->chain_computing = true;
    a->two_threads = opt->threads == 0 ? acc_xml_pipe_worthwhile() : opt->threads > 1;
    acc_id_set_init(&a->ids);
    for (int f = 0; f < ACC_FIELD_COUNT; f++) {
        const member_table *t = table_of(&a->main, acc_field_type((acc_field)f));
        a->field_table[f] = (int8_t)(t ? t - a->main.members : -1);
    }
    for (int k = 0; k < A_COUNT; k++) {
        int r = 0;
        for (int m = 0; m < A_COUNT; m++)
            r += strcmp(intern_list[m], intern_list[k]) < 0;
        a->slots_by_name[r] = (int8_t)k;
        a->slot_name_len[k] = (uint8_t)strlen(intern_list[k]);
    }
    for (int c = 0; c < 256; c++) {
        int n = 0;
        for (int k = 0; k < A_COUNT; k++)
            if ((unsigned char)intern_list[k][0] == c)
                a->slots_by_initial[c][n++] = (int8_t)k;
        a->slots_by_initial[c][n] = -1;
    }
    for (int k = 0; k < ACC_KIND_COUNT; k++) {
        for (int m = 0; m < A_COUNT; m++)
            a->allowed[k][m] = m < ACC_FIELD_COUNT ? acc_kind_has_field((acc_kind)k, (acc_field)m)
                             : m == A_REQUEST || m == A_APPROVAL ? k == ACC_KIND_TRANSFER
                                                                  : true;
        for (int f = 0; f < ACC_FIELD_COUNT; f++)
            if (a->allowed[k][f] && a->field_table[f] >= 0)
                a->member_fields[k][a->n_member_fields[k]++] = (int8_t)f;
    }
    return ACC_OK;
}

/* The size of a file, 0 when it cannot be told. */
static uint64_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Sizes of the sources (for progress); a file that cannot be read is reported. */
static int measure(const acc_audit_source *sources, size_t n, const acc_diag_sink *sink,
                   uint64_t *total)
{
    int status = ACC_OK;
    char buf[256];
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        if (sources[i].data) {
            *total += sources[i].len;
            continue;
        }
        const char *why = path_problem(sources[i].name, buf, sizeof buf);
        if (why) {
            acc_diag_report_file(sink, ACC_SEV_ERROR, sources[i].name, "%s", why);
            status = ACC_EIO;
            continue;
        }
        *total += file_size(sources[i].name);
    }
    return status;
}

int acc_audit_run(acc_audit_result **out, const acc_audit_options *opt,
                  const acc_audit_source *sources, size_t n, const acc_diag_sink *sink)
{
    *out = NULL;
    if (!opt || !opt->rules) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, NULL, "audit: no rule set given");
        return ACC_EUSAGE;
    }
    if (opt->chain_head && !acc_audit_chain_head_valid(opt->chain_head)) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, NULL,
                             "audit: --chain-head needs 64 lowercase hex digits");
        return ACC_EUSAGE;
    }
    uint64_t total = 0;
    int status = measure(sources, n, sink, &total);
    if (status != ACC_OK)
        return status;

    audit a;
    memset(&a, 0, sizeof a);
    a.opt = opt;
    a.sources = sources;
    a.n_sources = n;
    size_t chunk = opt->chunk_size ? opt->chunk_size : DEFAULT_CHUNK;
    result_box *box = acc_calloc(1, sizeof *box);
    if (!box) {
        status = ACC_ENOMEM;
        goto done;
    }
    acc_arena_init(&box->arena);
    a.res = &box->r;
    a.arena = &box->arena;
    if ((status = audit_init(&a, opt)) != ACC_OK)
        goto done;
    acc_audit_result *r = a.res;
    r->rules = acc_arena_strdup(a.arena, opt->rules->name);
    r->baseline = opt->baseline ? acc_arena_strdup(a.arena, opt->baseline->name) : NULL;
    r->files = acc_arena_alloc(a.arena, (n + 1) * sizeof *r->files);
    if (!r->rules || (opt->baseline && !r->baseline) || !r->files) {
        status = ACC_ENOMEM;
        goto done;
    }
    r->n_files = n;
    for (size_t i = 0; i < n; i++)
        if (!(r->files[i].file = acc_arena_strdup(a.arena, sources[i].name))) {
            status = ACC_ENOMEM;
            goto done;
        }
    for (size_t i = 0; i < n && !r->stopped; i++) {
        a.file_index = i;
        a.file = r->files[i].file;
        a.progress_total = total;
        if ((status = audit_source(&a, &sources[i], chunk)) != ACC_OK)
            goto done;
        a.progress_base += sources[i].data ? sources[i].len : file_size(sources[i].name);
    }
    if (r->stopped)
        progress(&a, total, total);
    status = finish(&a);
done:
    audit_fini(&a);
    if (a.res) {
        if (status == ACC_OK && a.status != ACC_OK)
            status = a.status;
        if (status == ACC_EIO && n)
            acc_diag_report_file(sink, ACC_SEV_ERROR, a.file, "cannot read log: %s",
                                 strerror(errno));
        if (status != ACC_OK)
            acc_audit_result_free(a.res);
        else
            *out = a.res;
    }
    return status;
}

int acc_audit_files(acc_audit_result **out, const acc_audit_options *opt,
                    const char *const *paths, size_t n, const acc_diag_sink *sink)
{
    *out = NULL;
    acc_audit_source *src = acc_calloc(n + 1, sizeof *src);
    if (!src)
        return ACC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        src[i].name = paths[i];
    int status = acc_audit_run(out, opt, src, n, sink);
    acc_free(src);
    return status;
}

int acc_audit_exit_code(const acc_audit_result *r, bool strict)
{
    if (r->stopped)
        return 2;
    if (r->by_severity[ACC_SEV_ERROR] || r->n_changes_total ||
        (strict && r->by_severity[ACC_SEV_WARNING]))
        return 1;
    return 0;
}
