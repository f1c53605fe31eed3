/*
 * flow.c - the exchange flow of audited logs, for the HTML report (accord/report.h).
 *
 * An audit result holds only problems; a flow diagram needs every transfer, clean ones
 * included. So this is a second pass over the same logs that keeps only what the diagram
 * and the timeline need: transfers counted per (from, to) pair in a parties x parties
 * matrix, and, for each finding the audit collected, the time and parties of its entry.
 *
 * The join. A finding locates its entry by (file index, line, column) of the entry's
 * start tag, and no two entries of a file start at the same place. This pass reads the
 * logs with the audit's own XML reader (xml_reader.c) fed in the audit's default chunk
 * size, so it computes the same locations; a hash table from location to the findings of
 * that entry links them. Nothing else of the audit is redone: no seq, id, chain, facts or
 * verdicts; whether a transfer "has violations" is read off the linked findings.
 *
 * The pass stops where the audit stops: at malformed XML (the reader's first error) or
 * at a root that is not an exchange log of an accord the rule set accepts.
 */
#include "accord/audit.h"

#include "alloc.h"
#include "hash.h"
#include "ir.h"
#include "xml_pipe.h"

#include <stdio.h>
#include <string.h>

#define LOG_NAMESPACE "urn:accord:exchange-log:1"
/* The audit's default read size (audit.h: chunk_size 0 means 1 MiB). */
#define FLOW_CHUNK ((size_t)1 << 20)
#define NO_FINDING SIZE_MAX

/* Collected findings by entry location: open addressing on (file, line, column). */
typedef struct finding_index {
    size_t *slots;         /* first finding of an entry, or NO_FINDING */
    size_t mask;           /* slot count - 1 (a power of two) */
    size_t *next;          /* next finding of the same entry, or NO_FINDING */
} finding_index;

/* One pass over the sources. */
typedef struct flow_pass {
    const acc_ruleset *rules;
    const acc_audit_result *result;
    finding_index index;
    size_t n_declared;     /* declared parties; index n_declared is "(undeclared)" */
    uint64_t *cells;       /* (n_declared + 1)^2 x 3: transfers, violations, other errors */
    bool undeclared_used;
    acc_flow *flow;
    size_t file_index;
    bool root_ok;          /* the current file's root was accepted */
    bool halt;             /* stop the whole pass (bad root, malformed XML) */
    int status;
} flow_pass;

static uint64_t location_hash(size_t file, unsigned line, unsigned column)
{
    return acc_hash_mix(((uint64_t)file * 0x9e3779b97f4a7c15ULL) ^
                        ((uint64_t)line << 20) ^ (uint64_t)column);
}

static bool same_location(const acc_finding *f, size_t file, unsigned line, unsigned column)
{
    return f->file_index == file && f->line == line && f->column == column;
}

/* Indexes the result's collected findings that belong to an entry. */
static int index_build(finding_index *ix, const acc_audit_result *result)
{
    size_t n = result ? result->n_findings : 0;
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    ix->mask = cap - 1;
    ix->slots = acc_malloc(cap * sizeof *ix->slots);
    ix->next = acc_malloc((n ? n : 1) * sizeof *ix->next);
    if (!ix->slots || !ix->next)
        return ACC_ENOMEM;
    for (size_t i = 0; i < cap; i++)
        ix->slots[i] = NO_FINDING;
    /* Insert from the last finding down so that each entry's chain runs in result order. */
    for (size_t i = n; i-- > 0;) {
        const acc_finding *f = &result->findings[i];
        ix->next[i] = NO_FINDING;
        if (!f->has_entry)
            continue;
        size_t s = (size_t)location_hash(f->file_index, f->line, f->column) & ix->mask;
        while (ix->slots[s] != NO_FINDING &&
               !same_location(&result->findings[ix->slots[s]], f->file_index, f->line,
                              f->column))
            s = (s + 1) & ix->mask;
        ix->next[i] = ix->slots[s];
        ix->slots[s] = i;
    }
    return ACC_OK;
}

/* The first collected finding of the entry at (file, line, column), or NO_FINDING. */
static size_t index_find(const flow_pass *p, size_t file, unsigned line, unsigned column)
{
    const finding_index *ix = &p->index;
    size_t s = (size_t)location_hash(file, line, column) & ix->mask;
    while (ix->slots[s] != NO_FINDING) {
        if (same_location(&p->result->findings[ix->slots[s]], file, line, column))
            return ix->slots[s];
        s = (s + 1) & ix->mask;
    }
    return NO_FINDING;
}

static bool is_violation(acc_finding_code code)
{
    return code == ACC_FINDING_FORBIDDEN || code == ACC_FINDING_NOT_PERMITTED ||
           code == ACC_FINDING_INVARIANT;
}

/* The party index of an attribute value: declared member, or the undeclared node. */
static int32_t party_of(flow_pass *p, const acc_xml_attr *a)
{
    int i = acc_ruleset_member_find(p->rules, ACC_TYPE_PARTY, a->value, a->value_len);
    if (i >= 0)
        return i;
    p->undeclared_used = true;
    return (int32_t)p->n_declared;
}

/* Checks the root as the audit does: exchange-log, in the namespace, of an accepted accord. */
static void on_root(flow_pass *p, const acc_xml_start *el)
{
    p->root_ok = false;
    if (strcmp(el->name, "exchange-log") != 0 || !el->uri ||
        strcmp(el->uri, LOG_NAMESPACE) != 0)
        goto reject;
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr a = acc_xml_start_attr(el, i);
        if (a.prefix || strcmp(a.name, "accord") != 0)
            continue;
        char *name = acc_strndup(a.value, a.value_len);
        if (!name) {
            p->status = ACC_ENOMEM;
            goto reject;
        }
        p->root_ok = acc_ruleset_accepts_accord(p->rules, name);
        acc_free(name);
        if (p->root_ok)
            return;
        break;
    }
reject:
    p->halt = true;
}

static void on_entry(flow_pass *p, const acc_xml_start *el, acc_kind kind)
{
    acc_flow *flow = p->flow;
    int32_t from = -1, to = -1;
    bool has_time = false;
    int64_t time = 0;
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr a = acc_xml_start_attr(el, i);
        if (a.prefix)
            continue;
        if (strcmp(a.name, "from") == 0)
            from = party_of(p, &a);
        else if (strcmp(a.name, "to") == 0)
            to = party_of(p, &a);
        else if (strcmp(a.name, "time") == 0)
            has_time = acc_time_parse(a.value, a.value_len, &time);
    }
    flow->entries++;

    bool violation = false, other_error = false;
    for (size_t f = index_find(p, p->file_index, el->line, el->column); f != NO_FINDING;
         f = p->index.next[f]) {
        const acc_finding *finding = &p->result->findings[f];
        flow->findings[f] = (acc_flow_finding){ .linked = true, .has_time = has_time,
                                                .time = has_time ? time : 0,
                                                .from = from, .to = to };
        if (is_violation(finding->code))
            violation = true;
        else if (finding->severity == ACC_SEV_ERROR)
            other_error = true;
    }

    if (kind != ACC_KIND_TRANSFER)
        return;
    flow->transfers++;
    if (from < 0 || to < 0) {
        flow->unattributed++;
        return;
    }
    uint64_t *cell = &p->cells[3 * ((size_t)from * (p->n_declared + 1) + (size_t)to)];
    cell[0]++;
    if (violation)
        cell[1]++;
    else if (other_error)
        cell[2]++;
}

static bool on_start(void *payload, const acc_xml_start *el)
{
    flow_pass *p = payload;
    if (el->depth == 1) {
        on_root(p, el);
        return !p->halt;
    }
    if (el->depth != 2 || !p->root_ok || !el->uri || strcmp(el->uri, LOG_NAMESPACE) != 0)
        return true;
    int kind = acc_kind_from_name(el->name, strlen(el->name));
    if (kind >= 0)
        on_entry(p, el, (acc_kind)kind);
    return p->status == ACC_OK;
}

/* Reads one source, on this thread. A malformed log or a rejected root halts the pass. */
static int read_source(flow_pass *p, const acc_audit_source *src)
{
    static const acc_xml_handler handler = { .start = on_start };
    acc_xml_pipe_options opt = { .handler = &handler, .payload = p };
    acc_xml_doc doc = { .path = src->name, .data = src->data, .len = src->len,
                        .chunk = FLOW_CHUNK };
    acc_xml_outcome out;
    p->root_ok = false;
    int status = acc_xml_pipe_parse(&opt, &doc, &out);
    if (status == ACC_OK && (out.failed || out.stopped))
        p->halt = true;
    return status != ACC_OK ? status : p->status;
}

/* Turns the pass's matrix into the flow's party and edge lists. */
static int flow_finish(flow_pass *p)
{
    acc_flow *flow = p->flow;
    const acc_enum *parties = &p->rules->parties;
    size_t n = p->n_declared + (p->undeclared_used ? 1 : 0), stride = p->n_declared + 1;
    flow->parties = acc_calloc(n ? n : 1, sizeof *flow->parties);
    if (!flow->parties)
        return ACC_ENOMEM;
    flow->n_parties = n;
    for (size_t i = 0; i < p->n_declared; i++)
        flow->parties[i] = (acc_flow_party){ .name = parties->names[i],
                                             .description = parties->descriptions[i],
                                             .declared = true };
    if (p->undeclared_used)
        flow->parties[p->n_declared] = (acc_flow_party){ .name = "(undeclared)" };

    size_t n_edges = 0;
    for (size_t c = 0; c < stride * stride; c++)
        n_edges += p->cells[3 * c] > 0;
    flow->edges = acc_calloc(n_edges ? n_edges : 1, sizeof *flow->edges);
    if (!flow->edges)
        return ACC_ENOMEM;
    for (size_t c = 0; c < stride * stride; c++) {
        const uint64_t *cell = &p->cells[3 * c];
        if (cell[0] == 0)
            continue;
        flow->edges[flow->n_edges++] = (acc_flow_edge){
            .from = (uint32_t)(c / stride), .to = (uint32_t)(c % stride),
            .transfers = cell[0], .violations = cell[1], .other_errors = cell[2] };
    }
    return ACC_OK;
}

/* Party names and descriptions point into the rule set's arena, which the caller may
 * free before the flow: copy them into one block that the flow owns. */
static int flow_own_strings(acc_flow *flow, char **block)
{
    size_t total = 0;
    for (size_t i = 0; i < flow->n_parties; i++) {
        total += strlen(flow->parties[i].name) + 1;
        if (flow->parties[i].description)
            total += strlen(flow->parties[i].description) + 1;
    }
    char *s = acc_malloc(total ? total : 1);
    if (!s)
        return ACC_ENOMEM;
    *block = s;
    for (size_t i = 0; i < flow->n_parties; i++) {
        acc_flow_party *party = &flow->parties[i];
        size_t len = strlen(party->name) + 1;
        memcpy(s, party->name, len);
        party->name = s;
        s += len;
        if (party->description) {
            len = strlen(party->description) + 1;
            memcpy(s, party->description, len);
            party->description = s;
            s += len;
        }
    }
    return ACC_OK;
}

/* The flow and its string block, allocated together so that one free releases both. */
typedef struct flow_box {
    acc_flow flow;
    char *strings;
} flow_box;

int acc_flow_collect_sources(acc_flow **out, const acc_ruleset *rules,
                             const acc_audit_result *result, const acc_audit_source *sources,
                             size_t n)
{
    *out = NULL;
    flow_pass p = { .rules = rules, .result = result, .status = ACC_OK };
    flow_box *box = acc_calloc(1, sizeof *box);
    int status = ACC_ENOMEM;
    if (!box)
        goto done;
    p.flow = &box->flow;
    p.n_declared = acc_ruleset_member_count(rules, ACC_TYPE_PARTY);
    size_t stride = p.n_declared + 1;
    p.cells = acc_calloc(3 * stride * stride, sizeof *p.cells);
    size_t n_findings = result ? result->n_findings : 0;
    box->flow.findings = acc_calloc(n_findings ? n_findings : 1, sizeof *box->flow.findings);
    if (!p.cells || !box->flow.findings || index_build(&p.index, result) != ACC_OK)
        goto done;
    box->flow.n_findings = n_findings;
    for (size_t i = 0; i < n_findings; i++)
        box->flow.findings[i].from = box->flow.findings[i].to = -1;

    for (size_t i = 0; i < n && !p.halt; i++) {
        p.file_index = i;
        if ((status = read_source(&p, &sources[i])) != ACC_OK)
            goto done;
    }
    status = flow_finish(&p);
    if (status == ACC_OK)
        status = flow_own_strings(&box->flow, &box->strings);
done:
    acc_free(p.cells);
    acc_free(p.index.slots);
    acc_free(p.index.next);
    if (status != ACC_OK) {
        acc_flow_free(box ? &box->flow : NULL);
        return status;
    }
    *out = &box->flow;
    return ACC_OK;
}

int acc_flow_collect(acc_flow **out, const acc_ruleset *rules,
                     const acc_audit_result *result, const char *const *paths, size_t n)
{
    *out = NULL;
    acc_audit_source *sources = acc_calloc(n ? n : 1, sizeof *sources);
    if (!sources)
        return ACC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        sources[i].name = paths[i];
    int status = acc_flow_collect_sources(out, rules, result, sources, n);
    acc_free(sources);
    return status;
}

void acc_flow_free(acc_flow *flow)
{
    if (!flow)
        return;
    flow_box *box = (flow_box *)flow;
    acc_free(flow->parties);
    acc_free(flow->edges);
    acc_free(flow->findings);
    acc_free(box->strings);
    acc_free(box);
}
