/*
 * loggen.c - the seeded exchange-log generator (loggen.h).
 *
 * Every entry is built as an array of attribute values indexed in canonical order (the
 * bytewise order of their names, which is the order the hash chain covers them in), then
 * written in the recorders' order. Output goes through one large buffer with hand-written
 * number and time formatting: ten million entries take seconds, not minutes.
 *
 * Injections and what each one makes the audit find (TISA-2014 rules):
 *   forbidden      a provide on topic `other`/`nk-conventional`: forbidden art1-scope +
 *                  invariant scope; or a provide dated before 2014-12-29: forbidden
 *                  entry-into-force + invariant in-force
 *   not-permitted  a request from the US: not-permitted; or a direct KR->JP transfer:
 *                  not-permitted + invariant no-direct
 *   invariant      a relay of an item nobody approved: not-permitted + invariant
 *                  mutual-approval (the rules imply every invariant, so an entry that
 *                  breaks one is never permitted)
 *   schema         an extra `priority` attribute on the next flow entry (still judged,
 *                  permitted); or a request dated 30 February (not judged)
 *   unknown-value  a request from `CN` or on topic `cyber`
 *   duplicate-id   a clean request reusing the id of the latest request
 *   seq-gap        the next entry's seq skips one
 *   dangling-ref   the next relay names a request that does not exist, or its approval
 *                  attribute names a request
 *   chain-break    the next flow entry's time is edited after its digest was computed,
 *                  or it carries no digest
 *   assumption     (with `assume`) an approval of an item never provided, then its relay:
 *                  not-permitted + assumption held
 *   malformed      (with `truncate`) the log ends inside a start tag
 * Injected entries use items and ids of their own, so no flow's facts change.
 */
#define _POSIX_C_SOURCE 200809L
#include "loggen.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* ORDER: loggen_code. */
static const char *const loggen_code_names[LOGGEN_CODE_COUNT] = {
    "forbidden", "not-permitted", "invariant", "schema", "unknown-value", "duplicate-id",
    "seq-gap", "dangling-ref", "chain-break", "assumption", "malformed",
};

const char *loggen_code_name(loggen_code code)
{
    return (unsigned)code < LOGGEN_CODE_COUNT ? loggen_code_names[code] : NULL;
}

int loggen_code_from_name(const char *name)
{
    for (int i = 0; i < LOGGEN_CODE_COUNT; i++)
        if (strcmp(loggen_code_names[i], name) == 0)
            return i;
    return -1;
}

void loggen_options_init(loggen_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->entries = 1000;
    opt->wrap = true;
    opt->notes = 16;
}

/* ---- attributes --------------------------------------------------------------------- */

/* Attribute names in canonical (bytewise) order. ORDER: attr_names. */
enum { A_APPROVAL, A_DECISION, A_FROM, A_ID, A_ITEM, A_LEVEL, A_ORIGINATOR, A_PRIORITY,
       A_REQUEST, A_SEQ, A_TIME, A_TO, A_TOPIC, A_COUNT };
static const char *const attr_names[A_COUNT] = {
    "approval", "decision", "from", "id", "item", "level", "originator", "priority",
    "request", "seq", "time", "to", "topic",
};
/* The order recorders write them in (tools/make_samples.py). */
static const int write_order[A_COUNT] = {
    A_SEQ, A_ID, A_TIME, A_FROM, A_TO, A_ITEM, A_ORIGINATOR, A_TOPIC, A_LEVEL, A_DECISION,
    A_REQUEST, A_APPROVAL, A_PRIORITY,
};

#define VALUE_CAP 40

typedef enum { K_REQUEST, K_APPROVAL, K_TRANSFER } kind;
static const char *const kind_names[3] = { "request", "approval", "transfer" };

typedef struct entry {
    kind k;
    bool has[A_COUNT];
    char val[A_COUNT][VALUE_CAP];
    char hashed_time[VALUE_CAP];   /* chain-break: the time the digest covers, if edited */
    bool tampered;
    bool no_digest;
    bool truncate;                 /* write only the start of the tag */
} entry;

static void set(entry *e, int a, const char *v)
{
    e->has[a] = true;
    size_t n = strlen(v);
    if (n >= VALUE_CAP)
        n = VALUE_CAP - 1;
    memcpy(e->val[a], v, n);
    e->val[a][n] = '\0';
}

static void setu(entry *e, int a, const char *prefix, uint64_t v)
{
    char buf[VALUE_CAP];
    snprintf(buf, sizeof buf, "%s%llu", prefix, (unsigned long long)v);
    set(e, a, buf);
}

/* ---- random numbers and times --------------------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)    /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)((next(r) >> 32) * n >> 32);
}

static double unit(rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of t seconds since 1970 (civil_from_days, H. Hinnant). */
static void format_time(int64_t t, char out[21])
{
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* ---- output ---------------------------------------------------------------------------- */

#define OUT_CAP (1u << 20)

typedef struct out {
    FILE *f;
    char *buf;
    size_t len;
    uint64_t total;
    bool failed;
} out;

static void flush(out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = true;
    o->total += o->len;
    o->len = 0;
}

static void put(out *o, const char *s, size_t n)
{
    if (o->len + n > OUT_CAP)
        flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* ---- generator state --------------------------------------------------------------------- */

/* Parties and topics of TISA-2014 (and the undeclared ones unknown-value uses). */
static const char *const topics_in[2] = { "nk-nuclear", "nk-missile" };
static const char *const topics_out[2] = { "nk-conventional", "other" };
static const char *const levels[4] = { "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP-SECRET" };
enum { P_KR, P_JP, P_US };
static const char *const parties[3] = { "KR", "JP", "US" };

typedef struct flow {
    uint64_t no;
    int step;                      /* next step: 0 request ... 3 relay, 4 revoke */
    int recipient, originator;
    int topic, level;
    uint64_t request_seq, approval_seq;
    bool denied, revoked;
} flow;

typedef struct gen {
    const loggen_options *opt;
    rng r;
    out log;
    FILE *truth;
    loggen_stats st;
    EVP_MD_CTX *md;
    char prev[65];
    uint64_t seq;                  /* seq of the next entry */
    int64_t time;                  /* time of the latest flow entry */
    flow *flows;
    unsigned n_flows;
    uint64_t flows_started;
    uint64_t last_request_seq;     /* for duplicate-id */
    bool seq_skip;                 /* pending: the next entry's seq skips one */
    bool schema_attr;              /* pending edits of the next flow entry */
    bool dangling;                 /* pending edit of the next relay */
    bool chain_break;
    uint32_t enabled[LOGGEN_CODE_COUNT];
    uint32_t n_enabled;
    bool requested[3][4];          /* requested-index keys seen: (from, topic) */
    bool *keys_seen;               /* with opt->items: received and approved keys seen */
    char expect[8][64];            /* findings of the entry being written */
    int n_expect;
} gen;

static void expect(gen *g, loggen_code code, const char *rule)
{
    if (g->n_expect < 8)
        snprintf(g->expect[g->n_expect++], sizeof g->expect[0], "%s %s",
                 loggen_code_name(code), rule ? rule : "-");
}

static void hex_digest(gen *g, const entry *e, char out_hex[65])
{
    static const char hex[] = "0123456789abcdef";
    EVP_DigestInit_ex(g->md, EVP_sha256(), NULL);
    EVP_DigestUpdate(g->md, g->prev, 64);
    EVP_DigestUpdate(g->md, kind_names[e->k], strlen(kind_names[e->k]));
    EVP_DigestUpdate(g->md, "\n", 1);
    for (int a = 0; a < A_COUNT; a++) {
        if (!e->has[a])
            continue;
        const char *v = a == A_TIME && e->tampered ? e->hashed_time : e->val[a];
        EVP_DigestUpdate(g->md, attr_names[a], strlen(attr_names[a]));
        EVP_DigestUpdate(g->md, "=", 1);
        EVP_DigestUpdate(g->md, v, strlen(v));
        EVP_DigestUpdate(g->md, "\n", 1);
    }
    unsigned char md[32];
    unsigned n = 0;
    EVP_DigestFinal_ex(g->md, md, &n);
    for (int i = 0; i < 32; i++) {
        out_hex[2 * i] = hex[md[i] >> 4];
        out_hex[2 * i + 1] = hex[md[i] & 15];
    }
    out_hex[64] = '\0';
}

/* Writes one start tag (and note); wraps lines past 96 columns like the samples. */
static void write_entry(gen *g, entry *e)
{
    out *o = &g->log;
    char digest[65] = "";
    if (g->opt->chain) {
        hex_digest(g, e, digest);
        memcpy(g->prev, digest, 65);    /* the next link uses the recorded digest */
    }
    const char *name = kind_names[e->k];
    size_t head = 3 + strlen(name);     /* "  <" name */
    size_t col = head;
    puts_(o, "  <");
    puts_(o, name);
    char attr[128];
    int shown = 0;
    for (int i = 0; i <= A_COUNT; i++) {
        int n;
        if (i == A_COUNT) {
            if (!g->opt->chain || e->no_digest)
                break;
            n = snprintf(attr, sizeof attr, "digest=\"%s\"", digest);
        } else {
            int a = write_order[i];
            if (!e->has[a])
                continue;
            n = snprintf(attr, sizeof attr, "%s=\"%s\"", attr_names[a], e->val[a]);
        }
        if (e->truncate && shown == 2) {
            puts_(o, " ");
            put(o, attr, (size_t)n / 2);
            return;
        }
        if (g->opt->wrap && col + 1 + (size_t)n > 96) {
            puts_(o, "\n");
            for (size_t s = 0; s < head; s++)
                put(o, " ", 1);
            col = head;
        }
        puts_(o, " ");
        put(o, attr, (size_t)n);
        col += 1 + (size_t)n;
        shown++;
    }
    if (g->opt->notes && below(&g->r, g->opt->notes) == 0) {
        puts_(o, ">\n    <note>recorded by the liaison office</note>\n  </");
        puts_(o, name);
        puts_(o, ">\n");
    } else {
        puts_(o, "/>\n");
    }
}

/* Numbers the entry, writes it and its truth lines. */
static void emit(gen *g, entry *e)
{
    if (g->seq_skip) {
        g->seq_skip = false;
        g->seq++;
        expect(g, LOGGEN_SEQ_GAP, NULL);
    }
    uint64_t seq = g->seq++;
    setu(e, A_SEQ, "", seq);
    bool new_id = !e->has[A_ID];      /* else a reused one (duplicate-id) */
    if (new_id)
        setu(e, A_ID, e->k == K_REQUEST ? "R-" : e->k == K_APPROVAL ? "A-" : "T-", seq);
    write_entry(g, e);
    if (e->truncate)
        return;
    g->st.entries++;
    g->st.ids += new_id;
    if (g->truth)
        for (int i = 0; i < g->n_expect; i++)
            fprintf(g->truth, "%llu %s\n", (unsigned long long)seq, g->expect[i]);
    g->st.findings += (uint64_t)g->n_expect;
    g->n_expect = 0;
}

static void base_entry(gen *g, entry *e, kind k)
{
    memset(e, 0, sizeof *e);
    e->k = k;
    char t[21];
    format_time(g->time, t);
    set(e, A_TIME, t);
}

/* Counts the facts-index keys a well-defined entry creates (loggen_stats.fact_keys). */
static void count_request_key(gen *g, int from, int topic)
{
    if (!g->requested[from][topic]) {
        g->requested[from][topic] = true;
        g->st.fact_keys++;
    }
}

/* ---- flows ------------------------------------------------------------------------------ */

static void flow_start(gen *g, flow *f)
{
    memset(f, 0, sizeof *f);
    f->no = ++g->flows_started;
    f->recipient = (int)below(&g->r, 2);
    f->originator = 1 - f->recipient;
    f->topic = (int)below(&g->r, 2);
    f->level = (int)below(&g->r, 4);
    uint32_t fate = below(&g->r, 100);
    f->denied = fate < 8 && !g->opt->items;
    f->revoked = fate >= 8 && fate < 11 && !g->opt->items;
    g->st.flows++;
}

/* Applies the pending edits of the next flow entry. */
static void flow_edits(gen *g, entry *e)
{
    if (g->schema_attr) {
        g->schema_attr = false;
        set(e, A_PRIORITY, "urgent");
        expect(g, LOGGEN_SCHEMA, NULL);
    }
    if (g->chain_break) {
        g->chain_break = false;
        if (below(&g->r, 2)) {
            e->no_digest = true;
        } else {
            memcpy(e->hashed_time, e->val[A_TIME], VALUE_CAP);
            e->tampered = true;
            e->val[A_TIME][18] = e->val[A_TIME][18] == '0' ? '1' : '0';   /* one second */
        }
        expect(g, LOGGEN_CHAIN_BREAK, NULL);
    }
}

/* Writes the next entry of flow f; returns false when the flow is finished. */
/* Counts the received (0) or approved (1) key of flow f's item when it is new. */
static void count_item_key(gen *g, const flow *f, int which)
{
    if (!g->opt->items) {
        g->st.fact_keys++;             /* every flow has its own item */
        return;
    }
    bool *seen = &g->keys_seen[((size_t)which * 2 + (size_t)f->originator) * g->opt->items +
                               f->no % g->opt->items];
    g->st.fact_keys += !*seen;
    *seen = true;
}

static bool flow_step(gen *g, flow *f)
{
    entry e;
    char item[VALUE_CAP];
    snprintf(item, sizeof item, "I-%llu",
             (unsigned long long)(g->opt->items ? f->no % g->opt->items : f->no));
    switch (f->step++) {
    case 0:
        base_entry(g, &e, K_REQUEST);
        set(&e, A_FROM, parties[f->recipient]);
        set(&e, A_TO, "US");
        set(&e, A_TOPIC, topics_in[f->topic]);
        f->request_seq = g->seq + g->seq_skip;
        g->last_request_seq = f->request_seq;
        count_request_key(g, f->recipient, f->topic);
        break;
    case 1:
        base_entry(g, &e, K_TRANSFER);
        set(&e, A_FROM, parties[f->originator]);
        set(&e, A_TO, "US");
        set(&e, A_ITEM, item);
        set(&e, A_ORIGINATOR, parties[f->originator]);
        set(&e, A_TOPIC, topics_in[f->topic]);
        set(&e, A_LEVEL, levels[f->level]);
        count_item_key(g, f, 0);       /* received: (originator, item) */
        break;
    case 2:
        base_entry(g, &e, K_APPROVAL);
        set(&e, A_FROM, parties[f->originator]);
        set(&e, A_TO, parties[f->recipient]);
        set(&e, A_ITEM, item);
        set(&e, A_DECISION, f->denied ? "denied" : "granted");
        f->approval_seq = g->seq + g->seq_skip;
        count_item_key(g, f, 1);       /* approved: (originator, recipient, item) */
        if (f->denied)
            f->step = 5;
        else if (f->revoked)
            f->step = 4;
        break;
    case 3:
        base_entry(g, &e, K_TRANSFER);
        set(&e, A_FROM, "US");
        set(&e, A_TO, parties[f->recipient]);
        set(&e, A_ITEM, item);
        set(&e, A_ORIGINATOR, parties[f->originator]);
        set(&e, A_TOPIC, topics_in[f->topic]);
        set(&e, A_LEVEL, levels[f->level]);
        setu(&e, A_REQUEST, "R-", f->request_seq);
        setu(&e, A_APPROVAL, "A-", f->approval_seq);
        if (g->dangling) {
            g->dangling = false;
            if (below(&g->r, 2))
                setu(&e, A_REQUEST, "R-missing-", f->request_seq);
            else
                setu(&e, A_APPROVAL, "R-", f->request_seq);   /* names a request */
            expect(g, LOGGEN_DANGLING_REF, NULL);
        }
        f->step = 5;
        break;
    default:                           /* 4: the originator revokes its approval */
        base_entry(g, &e, K_APPROVAL);
        set(&e, A_FROM, parties[f->originator]);
        set(&e, A_TO, parties[f->recipient]);
        set(&e, A_ITEM, item);
        set(&e, A_DECISION, "revoked");
        f->step = 5;
        break;
    }
    flow_edits(g, &e);
    emit(g, &e);
    return f->step < 5;
}

/* ---- injections ---------------------------------------------------------------------------- */

static void inject(gen *g, loggen_code code)
{
    entry e;
    char item[VALUE_CAP];
    snprintf(item, sizeof item, "X-%llu", (unsigned long long)g->seq);
    int who = (int)below(&g->r, 2), other = 1 - who;
    g->st.injected++;
    g->st.by_code[code]++;
    switch (code) {
    case LOGGEN_FORBIDDEN:
        base_entry(g, &e, K_TRANSFER);
        set(&e, A_FROM, parties[who]);
        set(&e, A_TO, "US");
        set(&e, A_ITEM, item);
        set(&e, A_ORIGINATOR, parties[who]);
        set(&e, A_LEVEL, levels[below(&g->r, 4)]);
        if (below(&g->r, 2)) {
            set(&e, A_TOPIC, topics_out[below(&g->r, 2)]);
            expect(g, LOGGEN_FORBIDDEN, "art1-scope");
            expect(g, LOGGEN_INVARIANT, "scope");
        } else {
            set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
            char t[21];
            format_time(1419724800 - 86400 * (int64_t)below(&g->r, 400), t);  /* < 2014-12-29 */
            set(&e, A_TIME, t);
            expect(g, LOGGEN_FORBIDDEN, "entry-into-force");
            expect(g, LOGGEN_INVARIANT, "in-force");
        }
        g->st.fact_keys++;             /* received: a transfer to the US */
        emit(g, &e);
        return;
    case LOGGEN_NOT_PERMITTED:
        if (below(&g->r, 2)) {
            int topic = (int)below(&g->r, 2);
            base_entry(g, &e, K_REQUEST);
            set(&e, A_FROM, "US");
            set(&e, A_TO, parties[who]);
            set(&e, A_TOPIC, topics_in[topic]);
            expect(g, LOGGEN_NOT_PERMITTED, NULL);
        } else {
            base_entry(g, &e, K_TRANSFER);
            set(&e, A_FROM, parties[who]);
            set(&e, A_TO, parties[other]);
            set(&e, A_ITEM, item);
            set(&e, A_ORIGINATOR, parties[who]);
            set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
            set(&e, A_LEVEL, levels[below(&g->r, 4)]);
            expect(g, LOGGEN_NOT_PERMITTED, NULL);
            expect(g, LOGGEN_INVARIANT, "no-direct");
        }
        emit(g, &e);
        return;
    case LOGGEN_INVARIANT:
        base_entry(g, &e, K_TRANSFER);
        set(&e, A_FROM, "US");
        set(&e, A_TO, parties[who]);
        set(&e, A_ITEM, item);
        set(&e, A_ORIGINATOR, parties[other]);
        set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
        set(&e, A_LEVEL, levels[below(&g->r, 4)]);
        expect(g, LOGGEN_NOT_PERMITTED, NULL);
        expect(g, LOGGEN_INVARIANT, "mutual-approval");
        emit(g, &e);
        return;
    case LOGGEN_SCHEMA:
        if (below(&g->r, 2)) {
            g->schema_attr = true;     /* on the next flow entry */
            return;
        }
        base_entry(g, &e, K_REQUEST);
        set(&e, A_TIME, "2016-02-30T09:00:00Z");
        set(&e, A_FROM, parties[who]);
        set(&e, A_TO, "US");
        set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
        expect(g, LOGGEN_SCHEMA, NULL);
        emit(g, &e);
        return;
    case LOGGEN_UNKNOWN_VALUE:
        base_entry(g, &e, K_REQUEST);
        set(&e, A_TO, "US");
        if (below(&g->r, 2)) {
            set(&e, A_FROM, "CN");
            set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
        } else {
            set(&e, A_FROM, parties[who]);
            set(&e, A_TOPIC, "cyber");
        }
        expect(g, LOGGEN_UNKNOWN_VALUE, NULL);
        emit(g, &e);
        return;
    case LOGGEN_DUPLICATE_ID: {
        int topic = (int)below(&g->r, 2);
        base_entry(g, &e, K_REQUEST);
        setu(&e, A_ID, "R-", g->last_request_seq);
        set(&e, A_FROM, parties[who]);
        set(&e, A_TO, "US");
        set(&e, A_TOPIC, topics_in[topic]);
        count_request_key(g, who, topic);
        expect(g, LOGGEN_DUPLICATE_ID, NULL);
        emit(g, &e);
        return;
    }
    case LOGGEN_SEQ_GAP:
        g->seq_skip = true;
        return;
    case LOGGEN_DANGLING_REF:
        g->dangling = true;
        return;
    case LOGGEN_CHAIN_BREAK:
        g->chain_break = true;
        return;
    case LOGGEN_ASSUMPTION: {
        base_entry(g, &e, K_APPROVAL);
        set(&e, A_FROM, parties[other]);
        set(&e, A_TO, parties[who]);
        set(&e, A_ITEM, item);
        set(&e, A_DECISION, "granted");
        g->st.fact_keys++;
        emit(g, &e);
        base_entry(g, &e, K_TRANSFER);
        set(&e, A_FROM, "US");
        set(&e, A_TO, parties[who]);
        set(&e, A_ITEM, item);
        set(&e, A_ORIGINATOR, parties[other]);
        set(&e, A_TOPIC, topics_in[below(&g->r, 2)]);
        set(&e, A_LEVEL, levels[below(&g->r, 4)]);
        expect(g, LOGGEN_NOT_PERMITTED, NULL);
        expect(g, LOGGEN_ASSUMPTION, "held");
        emit(g, &e);
        return;
    }
    case LOGGEN_MALFORMED:
    case LOGGEN_CODE_COUNT:
        return;
    }
}

/* The codes to inject: those asked for that apply to these options. */
static void enable_codes(gen *g)
{
    const loggen_options *o = g->opt;
    for (int c = 0; c < LOGGEN_CODE_COUNT; c++) {
        if (o->codes && !(o->codes & (1u << c)))
            continue;
        if ((c == LOGGEN_CHAIN_BREAK && !o->chain) || (c == LOGGEN_ASSUMPTION && !o->assume) ||
            c == LOGGEN_MALFORMED)
            continue;
        g->enabled[g->n_enabled++] = (uint32_t)c;
    }
}

int loggen_write(const loggen_options *opt, FILE *log, FILE *truth, loggen_stats *stats)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.opt = opt;
    g.r.s = opt->seed;
    g.log.f = log;
    g.truth = truth;
    g.seq = opt->first_seq ? opt->first_seq : 1;
    g.time = 1420416000;              /* 2015-01-05T00:00:00Z */
    g.n_flows = opt->open_flows ? opt->open_flows : 64;
    g.log.buf = malloc(OUT_CAP);
    g.flows = calloc(g.n_flows, sizeof *g.flows);
    g.md = EVP_MD_CTX_new();
    g.keys_seen = opt->items ? calloc(4 * (size_t)opt->items, sizeof *g.keys_seen) : NULL;
    int status = -1;
    if (!g.log.buf || !g.flows || !g.md || (opt->items && !g.keys_seen))
        goto done;
    enable_codes(&g);
    memset(g.prev, '0', 64);
    char seed[65];
    for (int i = 0; i < 64; i++)
        seed[i] = "0123456789abcdef"[next(&g.r) & 15];
    seed[64] = '\0';
    if (opt->chain)
        memcpy(g.prev, seed, 65);
    if (truth) {
        fprintf(truth, "# ground truth of a generated log: SEQ CODE RULE per expected finding\n");
        fprintf(truth, "# seed %llu, entries %llu, rate %g, chain %s, assume %s\n",
                (unsigned long long)opt->seed, (unsigned long long)opt->entries, opt->rate,
                opt->chain ? "on" : "off", opt->assume ? "on" : "off");
    }
    puts_(&g.log, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"TISA-2014\""
                  " recorder=\"US-DoD\"");
    if (opt->chain) {
        puts_(&g.log, " chain-seed=\"");
        puts_(&g.log, seed);
        puts_(&g.log, "\"");
    }
    puts_(&g.log, ">\n");
    for (unsigned i = 0; i < g.n_flows; i++)
        flow_start(&g, &g.flows[i]);
    uint64_t target = opt->entries;
    while (g.st.entries < target) {
        g.time += 10 + below(&g.r, 40);
        /* No injection before the third entry: a stream's first entries set up the
           seq reference and the chain. */
        if (g.n_enabled && g.st.entries >= 2 && opt->rate > 0 && unit(&g.r) < opt->rate) {
            inject(&g, (loggen_code)g.enabled[below(&g.r, g.n_enabled)]);
            continue;
        }
        flow *f = &g.flows[below(&g.r, g.n_flows)];
        if (!flow_step(&g, f))
            flow_start(&g, f);
    }
    /* Edits still waiting for their entry were not injected after all. */
    g.st.by_code[LOGGEN_SEQ_GAP] -= g.seq_skip;
    g.st.by_code[LOGGEN_SCHEMA] -= g.schema_attr;
    g.st.by_code[LOGGEN_DANGLING_REF] -= g.dangling;
    g.st.by_code[LOGGEN_CHAIN_BREAK] -= g.chain_break;
    g.st.injected -= (uint64_t)g.seq_skip + g.schema_attr + g.dangling + g.chain_break;
    g.seq_skip = g.schema_attr = g.dangling = g.chain_break = false;
    if (opt->truncate) {
        entry e;
        base_entry(&g, &e, K_REQUEST);
        set(&e, A_FROM, "KR");
        set(&e, A_TO, "US");
        set(&e, A_TOPIC, "nk-missile");
        e.truncate = true;
        emit(&g, &e);
        if (truth)
            fprintf(truth, "- malformed -\n");
        g.st.findings++;
        g.st.injected++;
        g.st.by_code[LOGGEN_MALFORMED]++;
    } else {
        puts_(&g.log, "</exchange-log>\n");
    }
    flush(&g.log);
    g.st.bytes = g.log.total;
    status = g.log.failed || (truth && ferror(truth)) ? -1 : 0;
done:
    if (stats)
        *stats = g.st;
    EVP_MD_CTX_free(g.md);
    free(g.keys_seen);
    free(g.flows);
    free(g.log.buf);
    return status;
}
