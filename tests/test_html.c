/*
 * test_html.c - the HTML audit report (format_html.c) and the exchange-flow pass behind
 * it (flow.c): transfers counted per pair and findings linked to their entries exactly as
 * the audit located them, the pass stopping where the audit stops, the exact markup of
 * the summary, diagram and timeline, hostile strings escaped in HTML and in the JSON
 * block, allocation and write failures, and the CLI's use of the format.
 */
#include "audit_helpers.h"

#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* ---- Helpers ---- */

/* Renders the report into a malloc'd string (NULL on a render error). */
static char *render(const acc_audit_result *r, const acc_flow *flow, int *status)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    *status = acc_html_write_audit(m, r, flow, NULL);
    fclose(m);
    return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Asserts that `page` contains `needle`, printing it when it does not. */
#define ASSERT_HAS(page, needle)                                                        \
    do {                                                                                \
        bool has_ = strstr((page), (needle)) != NULL;                                   \
        if (!has_)                                                                      \
            fprintf(stderr, "\nmissing: %s\n", (needle));                               \
        CU_ASSERT_TRUE(has_);                                                           \
    } while (0)

/* The text of the JSON data block. */
static char *data_block(const char *page)
{
    const char *open = "<script type=\"application/json\" id=\"findings-data\">";
    const char *start = strstr(page, open);
    if (!start)
        return NULL;
    start += strlen(open);
    const char *end = strstr(start, "</script>");
    if (!end)
        return NULL;
    char *s = malloc((size_t)(end - start) + 1);
    memcpy(s, start, (size_t)(end - start));
    s[end - start] = '\0';
    return s;
}

/* A result built by hand: 1,234,567 entries, findings as given. */
static acc_audit_result hand_result(acc_finding *findings, size_t n)
{
    static acc_audit_file files[] = { { "logs/a.xml", 1234567, true } };
    static acc_audit_rule_count by_rule[] = { { ACC_FINDING_INVARIANT, "no-direct", 1 } };
    acc_audit_result r = { .rules = "TISA-2014", .files = files, .n_files = 1,
                           .entries = 1234567, .judged = 1234000, .permitted = 1233990,
                           .findings = findings, .n_findings = n, .n_findings_total = n,
                           .by_rule = by_rule, .n_by_rule = 1, .chain = ACC_CHAIN_BROKEN };
    for (size_t i = 0; i < n; i++) {
        r.by_code[findings[i].code]++;
        r.by_severity[findings[i].severity]++;
    }
    return r;
}

static acc_finding hand_finding(acc_finding_code code, unsigned line, const char *id,
                                const char *rule, const char *message)
{
    return (acc_finding){ .code = code, .severity = acc_finding_code_severity(code),
                          .file = "logs/a.xml", .line = line, .column = 3,
                          .has_entry = true, .seq = line, .id = id,
                          .kind = ACC_KIND_TRANSFER, .rule = rule, .message = message };
}

/* ---- The flow pass ---- */

/*
 * KR provides twice to the US (clean), the US relays without facts (not-permitted and
 * mutual-approval), KR sends straight to JP (not-permitted, no-direct), CN sends to the
 * US (unknown-value), and one transfer lacks `to`.
 */
static const char FLOW_LOG[] =
    LOG_HEAD
    "<transfer seq=\"1\" id=\"T1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
    "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    "<transfer seq=\"2\" id=\"T2\" time=\"2015-01-07T08:00:00Z\" from=\"KR\" to=\"US\" "
    "item=\"I2\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    "<transfer seq=\"3\" id=\"T3\" time=\"2015-01-08T08:00:00Z\" from=\"US\" to=\"JP\"\n"
    "          item=\"I2\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    "<transfer seq=\"4\" id=\"T4\" time=\"2015-02-01T08:00:00Z\" from=\"KR\" to=\"JP\" "
    "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    "<transfer seq=\"5\" id=\"T5\" time=\"2015-02-02T08:00:00Z\" from=\"CN\" to=\"US\" "
    "item=\"I9\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    "<request seq=\"6\" id=\"R1\" time=\"2015-02-03T08:00:00Z\" from=\"JP\" to=\"KR\" "
    "topic=\"nk-missile\"/>"
    "<transfer seq=\"7\" id=\"T7\" time=\"2015-02-04T08:00:00Z\" from=\"KR\" "
    "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
    LOG_END;

static acc_flow *flow_of(const acc_audit_result *r, const char *const *texts, size_t n)
{
    static const char *const names[] = { "a.xml", "b.xml", "c.xml" };
    acc_audit_source src[3];
    for (size_t i = 0; i < n; i++)
        src[i] = (acc_audit_source){ names[i], texts[i], strlen(texts[i]) };
    acc_flow *flow = NULL;
    CU_ASSERT_EQUAL(acc_flow_collect_sources(&flow, tisa(), r, src, n), ACC_OK);
    return flow;
}

/* Audits `n` texts as one stream (TISA-2014) and collects their flow; the caller frees
 * both. NULL (and *r NULL) when the audit failed. */
static acc_flow *audit_and_flow(const char *const *texts, size_t n, acc_audit_result **r)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    *r = audit_texts_opt(texts, n, opt);
    return *r ? flow_of(*r, texts, n) : NULL;
}

/* "KR>US 2/0/0 ..." : every edge as from>to transfers/violations/other_errors. */
static void edges_text(const acc_flow *flow, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < flow->n_edges; i++) {
        const acc_flow_edge *e = &flow->edges[i];
        len += (size_t)snprintf(buf + len, size - len, "%s%s>%s %llu/%llu/%llu",
                                i ? " " : "", flow->parties[e->from].name,
                                flow->parties[e->to].name, (unsigned long long)e->transfers,
                                (unsigned long long)e->violations,
                                (unsigned long long)e->other_errors);
    }
}

static void test_html__flow_counts_transfers_per_pair(void)
{
    const char *text = FLOW_LOG;
    acc_audit_result *r = NULL;
    acc_flow *flow = audit_and_flow(&text, 1, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    char edges[512];
    edges_text(flow, edges, sizeof edges);
    CU_ASSERT_STRING_EQUAL(edges, "KR>JP 1/1/0 KR>US 2/0/0 US>JP 1/1/0 (undeclared)>US 1/0/1");
    CU_ASSERT_EQUAL(flow->entries, 7);
    CU_ASSERT_EQUAL(flow->entries, r->entries);
    CU_ASSERT_EQUAL(flow->transfers, 6);
    CU_ASSERT_EQUAL(flow->unattributed, 1);
    CU_ASSERT_EQUAL(flow->n_parties, 4);
    CU_ASSERT_STRING_EQUAL(flow->parties[0].name, "KR");
    CU_ASSERT_STRING_EQUAL(flow->parties[0].description, "Republic of Korea");
    CU_ASSERT_TRUE(flow->parties[0].declared);
    CU_ASSERT_STRING_EQUAL(flow->parties[3].name, "(undeclared)");
    CU_ASSERT_PTR_NULL(flow->parties[3].description);
    CU_ASSERT_FALSE(flow->parties[3].declared);
    acc_flow_free(flow);
    acc_audit_result_free(r);
}

static void test_html__flow_links_each_finding_to_its_entry(void)
{
    const char *text = FLOW_LOG;
    acc_audit_result *r = NULL;
    acc_flow *flow = audit_and_flow(&text, 1, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    CU_ASSERT_EQUAL_FATAL(flow->n_findings, r->n_findings);
    CU_ASSERT_TRUE(r->n_findings >= 6);
    for (size_t i = 0; i < r->n_findings; i++) {
        const acc_finding *f = &r->findings[i];
        const acc_flow_finding *ff = &flow->findings[i];
        CU_ASSERT_EQUAL(ff->linked, f->has_entry);
        CU_ASSERT_TRUE(ff->has_time);
        /* Each entry's time is 2015-..-.. 08:00 of a day that follows from its seq. */
        static const char *const times[] = { "", "2015-01-06", "2015-01-07", "2015-01-08",
                                             "2015-02-01", "2015-02-02", "2015-02-03",
                                             "2015-02-04" };
        char t[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(ff->time, t);
        CU_ASSERT_EQUAL(strncmp(t, times[f->seq], 10), 0);
        if (f->seq == 4) {
            CU_ASSERT_EQUAL(ff->from, 0);      /* KR */
            CU_ASSERT_EQUAL(ff->to, 1);        /* JP */
        } else if (f->seq == 5) {
            CU_ASSERT_EQUAL(ff->from, 3);      /* (undeclared) */
            CU_ASSERT_EQUAL(ff->to, 2);        /* US */
        } else if (f->seq == 7) {
            CU_ASSERT_EQUAL(ff->from, 0);
            CU_ASSERT_EQUAL(ff->to, -1);       /* no `to` */
        }
    }
    acc_flow_free(flow);
    acc_audit_result_free(r);
}

/* Several entries on one line: the column tells them apart. */
static void test_html__flow_tells_entries_on_one_line_apart(void)
{
    static const char log[] =
        LOG_HEAD
        "<transfer seq=\"1\" id=\"T1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
        "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>"
        "<transfer seq=\"2\" id=\"T2\" time=\"2015-03-07T08:00:00Z\" from=\"JP\" to=\"KR\" "
        "item=\"I2\" originator=\"JP\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
        LOG_END;
    const char *text = log;
    acc_audit_result *r = NULL;
    acc_flow *flow = audit_and_flow(&text, 1, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    char edges[256];
    edges_text(flow, edges, sizeof edges);
    CU_ASSERT_STRING_EQUAL(edges, "KR>US 1/0/0 JP>KR 1/1/0");
    CU_ASSERT_TRUE(r->n_findings > 0);
    for (size_t i = 0; i < r->n_findings; i++) {
        CU_ASSERT_TRUE(flow->findings[i].linked);
        CU_ASSERT_EQUAL(flow->findings[i].from, 1);
        char t[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(flow->findings[i].time, t);
        CU_ASSERT_STRING_EQUAL(t, "2015-03-07T08:00:00Z");
    }
    acc_flow_free(flow);
    acc_audit_result_free(r);
}

/* The sample logs: the pass reads exactly the audit's entries and links every finding. */
static void test_html__flow_agrees_with_the_audit_on_the_sample_logs(void)
{
    static const char *const sets[][2] = {
        { "logs/findings.xml", NULL }, { "logs/q1-2015.xml", NULL },
        { "logs/chained.xml", NULL }, { "logs/malformed.xml", NULL },
        { "logs/stream-part1.xml", "logs/stream-part2.xml" },
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        char p0[512], p1[512];
        const char *paths[2] = { test_path(p0, sizeof p0, sets[s][0]),
                                 sets[s][1] ? test_path(p1, sizeof p1, sets[s][1]) : NULL };
        size_t n = sets[s][1] ? 2 : 1;
        acc_audit_options opt;
        acc_audit_options_init(&opt);
        opt.rules = tisa();
        opt.collect = true;
        acc_audit_result *r = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_audit_files(&r, &opt, paths, n, NULL), ACC_OK);
        acc_flow *flow = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_flow_collect(&flow, tisa(), r, paths, n), ACC_OK);
        CU_ASSERT_EQUAL(flow->entries, r->entries);
        for (size_t i = 0; i < r->n_findings; i++)
            CU_ASSERT_EQUAL(flow->findings[i].linked, r->findings[i].has_entry);
        acc_flow_free(flow);
        acc_audit_result_free(r);
    }
}

/* Malformed XML ends the pass there, as it ends the audit; later files are not read. */
static void test_html__flow_stops_at_malformed_xml(void)
{
    const char *texts[2] = {
        LOG_HEAD
        "<transfer seq=\"1\" id=\"T1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
        "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
        "<transfer seq=\"2\" id=\"T2\" <broken/>\n" LOG_END,
        FLOW_LOG,
    };
    acc_audit_result *r = NULL;
    acc_flow *flow = audit_and_flow(texts, 2, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_EQUAL(flow->entries, r->entries);
    CU_ASSERT_EQUAL(flow->entries, 1);
    char edges[128];
    edges_text(flow, edges, sizeof edges);
    CU_ASSERT_STRING_EQUAL(edges, "KR>US 1/0/0");
    acc_flow_free(flow);
    acc_audit_result_free(r);
}

/* A root of another accord stops the pass before its entries, as it stops the audit. */
static void test_html__flow_stops_at_a_root_of_another_accord(void)
{
    const char *texts[2] = {
        "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"NATO-1949\">\n"
        "<transfer seq=\"1\" id=\"T1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
        "item=\"I1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n" LOG_END,
        FLOW_LOG,
    };
    acc_audit_result *r = NULL;
    acc_flow *flow = audit_and_flow(texts, 2, &r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(flow);
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_EQUAL(flow->entries, 0);
    CU_ASSERT_EQUAL(flow->entries, r->entries);
    CU_ASSERT_EQUAL(flow->n_edges, 0);
    acc_flow_free(flow);
    acc_audit_result_free(r);
}

static void test_html__flow_of_a_missing_file_is_an_io_error(void)
{
    const char *path = "/nonexistent/accord/log.xml";
    acc_flow *flow = (acc_flow *)&path;
    CU_ASSERT_EQUAL(acc_flow_collect(&flow, tisa(), NULL, &path, 1), ACC_EIO);
    CU_ASSERT_PTR_NULL(flow);
}

static void test_html__flow_survives_allocation_failures(void)
{
    acc_audit_result *r = audit_text(FLOW_LOG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    const char *text = FLOW_LOG;
    acc_audit_source src = { "a.xml", text, strlen(text) };
    int failures = 0;
    for (unsigned long nth = 1;; nth++) {
        acc_flow *flow = NULL;
        acc_alloc_fail_at(nth);
        int status = acc_flow_collect_sources(&flow, tisa(), r, &src, 1);
        unsigned long made = acc_alloc_count();
        acc_alloc_fail_at(0);
        if (status == ACC_OK) {
            CU_ASSERT_PTR_NOT_NULL(flow);
            acc_flow_free(flow);
            if (made < nth)
                break;              /* the injected failure was never reached */
            continue;
        }
        CU_ASSERT_EQUAL(status, ACC_ENOMEM);
        CU_ASSERT_PTR_NULL(flow);
        failures++;
    }
    CU_ASSERT_TRUE(failures >= 5);
    acc_audit_result_free(r);
}

/* ---- The page ---- */

static void test_html__summary_shows_the_counts_of_the_result(void)
{
    acc_finding f[3] = {
        hand_finding(ACC_FINDING_NOT_PERMITTED, 12, "T-1", NULL, "not permitted"),
        hand_finding(ACC_FINDING_INVARIANT, 12, "T-1", "no-direct", "breaks no-direct"),
        hand_finding(ACC_FINDING_CHAIN_BREAK, 20, "T-2", NULL, "digest differs"),
    };
    acc_audit_result r = hand_result(f, 3);
    r.has_period = true;
    acc_time_parse("2015-01-05T09:12:00Z", 20, &r.period_min);
    acc_time_parse("2015-03-30T18:00:00Z", 20, &r.period_max);
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    CU_ASSERT_EQUAL(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">\n", 33), 0);
    ASSERT_HAS(page, "<div id=\"verdict\" class=\"verdict fail\" data-exit=\"1\"><strong>"
                     "Findings.</strong> 3 errors, 0 warnings in 1,234,567 entries &middot; "
                     "exit code 1</div>");
    ASSERT_HAS(page, "<div class=\"v\" id=\"sum-entries\" data-value=\"1234567\">1,234,567"
                     "</div><div class=\"d\">1,234,000 judged, 1,233,990 permitted</div>");
    ASSERT_HAS(page, "<div class=\"v period\" id=\"sum-period\" data-min=\"2015-01-05T09:12:00Z\" "
                     "data-max=\"2015-03-30T18:00:00Z\">2015-01-05 &ndash; 2015-03-30</div>"
                     "<div class=\"d\">85 days covered</div>");
    ASSERT_HAS(page, "<div class=\"v\" id=\"sum-findings\" data-value=\"3\">3</div>");
    ASSERT_HAS(page, "<div class=\"v bad\" id=\"sum-chain\" data-chain=\"broken\">broken</div>"
                     "<div class=\"d\" id=\"sum-head\">head not checked</div>");
    ASSERT_HAS(page, "<tr data-code=\"invariant\"><td><a href=\"#findings\" "
                     "data-filter=\"code\" data-value=\"2\">invariant</a></td><td>error</td>"
                     "<td class=\"n\">1</td></tr>");
    ASSERT_HAS(page, "<tr data-code=\"forbidden\" class=\"zero\"><td>forbidden</td><td>error</td>"
                     "<td class=\"n\">0</td></tr>");
    ASSERT_HAS(page, "<tr data-rule=\"no-direct\" data-code=\"invariant\"><td>"
                     "<a href=\"#findings\" data-filter=\"rule\" data-value=\"0\">no-direct</a>"
                     "</td><td>invariant</td><td class=\"n\">1</td></tr>");
    ASSERT_HAS(page, "<tr><td class=\"mono\">logs/a.xml</td><td class=\"n\">1,234,567</td>"
                     "<td>complete</td></tr>");
    /* Without a flow: no diagram, no timeline, no parties. */
    ASSERT_HAS(page, "<p class=\"note\">The exchange flow was not collected.</p>");
    ASSERT_HAS(page, "<p class=\"note\">The entries' times were not collected.</p>");
    CU_ASSERT_EQUAL(count_of(page, "<svg"), 0);
    free(page);
}

static void test_html__verdict_and_chain_of_a_clean_verified_audit(void)
{
    acc_audit_result r = hand_result(NULL, 0);
    r.n_by_rule = 0;
    r.chain = ACC_CHAIN_VERIFIED;
    r.chain_head_checked = true;
    r.chain_head_matched = true;
    memset(r.last_digest, 'a', 64);
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<div id=\"verdict\" class=\"verdict pass\" data-exit=\"0\"><strong>Clean."
                     "</strong> 0 errors, 0 warnings in 1,234,567 entries &middot; exit code 0"
                     "</div>");
    ASSERT_HAS(page, "<div class=\"v good\" id=\"sum-chain\" data-chain=\"verified\">verified"
                     "</div><div class=\"d\" id=\"sum-head\">head checked: <span class=\"good\">"
                     "matches</span><br>last digest <code title=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">aaaaaaaaaaaa&hellip;</code></div>");
    ASSERT_HAS(page, "<p class=\"note\" id=\"by-rule\">No rule, invariant or assumption was "
                     "broken.</p>");
    free(page);
}

/* Logs are hostile: nothing from them may end the data block or become markup. */
static void test_html__escapes_hostile_strings(void)
{
    static acc_audit_file files[] = { { "x\"><img src=x onerror=alert(1)>.xml", 1, true } };
    acc_finding f[1] = {
        hand_finding(ACC_FINDING_SCHEMA, 7, "<!--T</script>",
                     NULL, "value '</script><script>alert(1)</script>' & \"more\""),
    };
    f[0].file = files[0].file;
    acc_audit_result r = hand_result(f, 1);
    r.files = files;
    r.rules = "R<b>";
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    /* Exactly two scripts (the data block and the page's own), each closed once. */
    CU_ASSERT_EQUAL(count_of(page, "<script"), 2);
    CU_ASSERT_EQUAL(count_of(page, "</script>"), 2);
    CU_ASSERT_EQUAL(count_of(page, "<img"), 0);
    CU_ASSERT_EQUAL(count_of(page, "<!--"), 0);
    CU_ASSERT_EQUAL(count_of(page, "<b>"), 0);
    ASSERT_HAS(page, "<tr><td class=\"mono\">x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.xml"
                     "</td>");
    ASSERT_HAS(page, "<title>Audit report: R&lt;b&gt; &mdash; accord</title>");
    char *data = data_block(page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    ASSERT_HAS(data, "[3,2,0,7,3,7,\"\\u003c!--T\\u003c/script>\",2,null,null,null,null,"
                     "\"value '\\u003c/script>\\u003cscript>alert(1)\\u003c/script>' & "
                     "\\\"more\\\"\"]");
    ASSERT_HAS(data, "\"files\":[\"x\\\">\\u003cimg src=x onerror=alert(1)>.xml\"]");
    free(data);
    free(page);
}

/* The data block: the tables, then one row per finding, across the JSON pieces. */
static void test_html__data_block_holds_every_finding(void)
{
    enum { N = 4500 };
    acc_finding *f = calloc(N, sizeof *f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = 0; i < N; i++)
        f[i] = hand_finding(i % 2 ? ACC_FINDING_INVARIANT : ACC_FINDING_NOT_PERMITTED,
                            (unsigned)i + 1, "T", i % 2 ? "no-direct" : NULL, "m");
    acc_audit_result r = hand_result(f, N);
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    char *data = data_block(page);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    static const char head[] = "{\"codes\":[\"forbidden\",\"not-permitted\",\"invariant\","
                                  "\"schema\",\"unknown-value\",\"duplicate-id\",\"seq-gap\","
                                  "\"dangling-ref\",\"chain-break\",\"assumption\",\"malformed\"],"
                                  "\"severities\":[\"note\",\"warning\",\"error\"],"
                                  "\"kinds\":[\"request\",\"approval\",\"transfer\"],"
                                  "\"files\":[\"logs/a.xml\"],\"parties\":[],"
                                  "\"findings\":[[1,2,0,1,3,1,\"T\",2,null,null,null,null,"
                                  "\"m\"],[2,2,0,2,3,2,\"T\",2,0,";
    CU_ASSERT_EQUAL(strncmp(data, head, sizeof head - 1), 0);
    CU_ASSERT_EQUAL(count_of(data, ",\"m\"]"), N);
    ASSERT_HAS(data, "[2,2,0,4500,3,4500,\"T\",2,0,null,null,null,\"m\"]],"
                     "\"rules\":[\"no-direct\"]}");
    free(data);
    free(page);
    free(f);
}

static acc_flow hand_flow(acc_flow_edge *edges, size_t n_edges, acc_flow_finding *ff,
                          size_t n_ff)
{
    static acc_flow_party parties[] = { { "KR", "Republic of Korea", true },
                                        { "JP", "Japan", true },
                                        { "US", "United States", true } };
    return (acc_flow){ .parties = parties, .n_parties = 3, .edges = edges,
                       .n_edges = n_edges, .findings = ff, .n_findings = n_ff,
                       .transfers = 10, .entries = 12 };
}

static void test_html__diagram_marks_violations_and_the_direct_pair(void)
{
    acc_flow_edge edges[] = { { 0, 1, 2, 2, 0 }, { 0, 2, 5, 0, 1 }, { 2, 1, 3, 0, 0 } };
    acc_flow flow = hand_flow(edges, 3, NULL, 0);
    acc_audit_result r = hand_result(NULL, 0);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<g class=\"edge violation direct\" data-from=\"KR\" data-to=\"JP\" "
                     "data-transfers=\"2\" data-violations=\"2\"><title>KR \xE2\x86\x92 JP: "
                     "2 transfers, 2 breaking a rule</title>");
    ASSERT_HAS(page, "<g class=\"edge problem\" data-from=\"KR\" data-to=\"US\" "
                     "data-transfers=\"5\" data-violations=\"0\"><title>KR \xE2\x86\x92 US: "
                     "5 transfers, 1 with integrity or format errors</title>");
    ASSERT_HAS(page, "<g class=\"edge clean\" data-from=\"US\" data-to=\"JP\" "
                     "data-transfers=\"3\" data-violations=\"0\">");
    CU_ASSERT_EQUAL(count_of(page, "<g class=\"node\" data-party="), 3);
    CU_ASSERT_EQUAL(count_of(page, "<path class=\"halo\""), 1);
    ASSERT_HAS(page, "<div id=\"direct-exchange\" class=\"callout\" data-transfers=\"2\">"
                     "<strong>&#9888; Direct KR&ndash;JP exchange:</strong> 2 transfers went "
                     "straight between them (KR &rarr; JP: 2); 2 of them broke a rule.</div>");
    ASSERT_HAS(page, "<tr class=\"violation\"><td>KR</td><td>JP</td><td class=\"n\">2</td>"
                     "<td class=\"n bad\">2</td><td class=\"n\">0</td></tr>");
    ASSERT_HAS(page, "<p class=\"note\" id=\"flow-counts\">10 transfers read.</p>");
    ASSERT_HAS(page, "\"parties\":[\"KR\",\"JP\",\"US\"]");
    free(page);
}

static void test_html__no_direct_transfer_gives_a_clear_callout(void)
{
    acc_flow_edge edges[] = { { 0, 2, 5, 0, 0 }, { 2, 1, 3, 0, 0 } };
    acc_flow flow = hand_flow(edges, 2, NULL, 0);
    acc_audit_result r = hand_result(NULL, 0);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<div id=\"direct-exchange\" class=\"callout clear\" data-transfers=\"0\">"
                     "<strong>No direct KR&ndash;JP transfer.</strong>");
    CU_ASSERT_EQUAL(count_of(page, "<path class=\"halo\""), 0);
    free(page);
}

/* Rules without KR and JP: nothing to call out, and the legend does not mention them. */
static void test_html__no_callout_when_the_pair_is_not_declared(void)
{
    static acc_flow_party parties[] = { { "FR", NULL, true }, { "DE", NULL, true } };
    acc_flow_edge edges[] = { { 0, 1, 4, 0, 0 } };
    acc_flow flow = hand_flow(edges, 1, NULL, 0);
    flow.parties = parties;
    flow.n_parties = 2;
    acc_audit_result r = hand_result(NULL, 0);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    CU_ASSERT_EQUAL(count_of(page, "direct-exchange"), 0);
    CU_ASSERT_EQUAL(count_of(page, "KR"), 0);
    ASSERT_HAS(page, "<g class=\"edge clean\" data-from=\"FR\" data-to=\"DE\" ");
    free(page);
}

/* The timeline's unit follows the period: days, months, then years. */
static void test_html__timeline_bins_by_day_month_or_year(void)
{
    static const struct {
        const char *min, *max, *svg;
    } cases[] = {
        { "2015-01-05T09:00:00Z", "2015-01-14T23:00:00Z", "data-unit=\"day\" data-bins=\"10\"" },
        { "2015-01-15T00:00:00Z", "2016-03-02T00:00:00Z", "data-unit=\"month\" data-bins=\"15\"" },
        { "1990-06-01T00:00:00Z", "2030-01-01T00:00:00Z", "data-unit=\"year\" data-bins=\"41\"" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        acc_finding f[2] = {
            hand_finding(ACC_FINDING_NOT_PERMITTED, 5, "T-1", NULL, "a"),
            hand_finding(ACC_FINDING_ASSUMPTION, 9, "T-2", "held", "b"),
        };
        acc_audit_result r = hand_result(f, 2);
        r.has_period = true;
        acc_time_parse(cases[c].min, 20, &r.period_min);
        acc_time_parse(cases[c].max, 20, &r.period_max);
        acc_flow_finding ff[2] = { { true, true, r.period_min, 0, 2 },
                                   { true, true, r.period_max, 2, 1 } };
        acc_flow flow = hand_flow(NULL, 0, ff, 2);
        int status = -1;
        char *page = render(&r, &flow, &status);
        CU_ASSERT_EQUAL(status, ACC_OK);
        CU_ASSERT_PTR_NOT_NULL_FATAL(page);
        ASSERT_HAS(page, cases[c].svg);
        /* One error bar in the first bin, one warning bar in the last. */
        CU_ASSERT_EQUAL(count_of(page, "<rect class=\"b-err\""), 1);
        CU_ASSERT_EQUAL(count_of(page, "<rect class=\"b-warn\""), 1);
        ASSERT_HAS(page, ": 1 error, 0 warnings</title>");
        ASSERT_HAS(page, ": 0 errors, 1 warning</title>");
        ASSERT_HAS(page, "[1,2,0,5,3,5,\"T-1\",2,null,0,2,");
        free(page);
    }
}

/* A flow of the three TISA parties and the undeclared one. */
static acc_flow hand_flow_undeclared(acc_flow_edge *edges, size_t n_edges)
{
    static acc_flow_party parties[] = { { "KR", "Republic of Korea", true },
                                        { "JP", "Japan", true },
                                        { "US", "United States", true },
                                        { "(undeclared)", NULL, false } };
    acc_flow flow = hand_flow(edges, n_edges, NULL, 0);
    flow.parties = parties;
    flow.n_parties = 4;
    return flow;
}

/* A hostile log's self-transfer and undeclared party: drawn, with finite coordinates. */
static void test_html__diagram_draws_loops_and_the_undeclared_party(void)
{
    acc_flow_edge edges[] = { { 0, 0, 1, 1, 0 }, { 3, 2, 4, 0, 4 } };
    acc_flow flow = hand_flow_undeclared(edges, 2);
    acc_audit_result r = hand_result(NULL, 0);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<g class=\"edge violation\" data-from=\"KR\" data-to=\"KR\" "
                     "data-transfers=\"1\" data-violations=\"1\">");
    ASSERT_HAS(page, "<g class=\"edge problem\" data-from=\"(undeclared)\" data-to=\"US\" ");
    ASSERT_HAS(page, "<g class=\"node undeclared\" data-party=\"(undeclared)\"><title>"
                     "(undeclared)</title>");
    /* JP has no transfer: drawn, dashed as idle. */
    ASSERT_HAS(page, "<g class=\"node idle\" data-party=\"JP\"><title>JP: Japan</title>");
    /* printf gives "nan" and "inf" for non-finite numbers. */
    CU_ASSERT_EQUAL(count_of(page, "nan"), 0);
    CU_ASSERT_EQUAL(count_of(page, "inf\"") + count_of(page, "inf ") + count_of(page, "infC") +
                    count_of(page, "infQ"), 0);
    free(page);
}

/* The undeclared party is left out of the drawing when no transfer reached it. */
static void test_html__diagram_omits_an_unused_undeclared_party(void)
{
    acc_flow_edge edges[] = { { 0, 2, 1, 0, 0 } };
    acc_flow flow = hand_flow_undeclared(edges, 1);
    acc_audit_result r = hand_result(NULL, 0);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    CU_ASSERT_EQUAL(count_of(page, "data-party=\"(undeclared)\""), 0);
    CU_ASSERT_EQUAL(count_of(page, "<g class=\"node"), 3);
    ASSERT_HAS(page, "\"parties\":[\"KR\",\"JP\",\"US\",\"(undeclared)\"]");
    free(page);
}

static void test_html__stopped_and_truncated_audits_say_so(void)
{
    acc_finding f[1] = { hand_finding(ACC_FINDING_MALFORMED, 9, NULL, NULL, "broken tag") };
    f[0].has_entry = false;
    f[0].seq = 0;
    f[0].kind = -1;
    acc_audit_result r = hand_result(f, 1);
    r.stopped = r.malformed = true;
    r.n_findings_total = 250;
    r.findings_truncated = true;
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<div id=\"verdict\" class=\"verdict stop\" data-exit=\"2\"><strong>"
                     "Audit stopped:</strong> a log is not well-formed XML; the findings up to "
                     "that point are below. ");
    ASSERT_HAS(page, "<p class=\"note\" id=\"truncated\">Only the first 1 findings were kept "
                     "(--max-findings): the counts above cover all 250, the diagram, timeline "
                     "and table only those kept.</p>");
    ASSERT_HAS(page, "<div class=\"v\" id=\"sum-findings\" data-value=\"250\">250</div>");
    /* No entry: seq, id, kind, parties and time are null. */
    ASSERT_HAS(page, "[10,2,0,9,3,null,null,null,null,null,null,null,\"broken tag\"]");
    free(page);
}

static void test_html__verdict_changes_are_listed_escaped(void)
{
    acc_verdict_change changes[2] = {
        { .file = "logs/a.xml", .line = 4, .column = 3, .seq = 7, .id = "T<7>",
          .kind = ACC_KIND_TRANSFER, .old_permitted = false, .new_permitted = true },
        { .file = "logs/a.xml", .line = 9, .column = 3, .seq = 0, .id = NULL,
          .kind = ACC_KIND_REQUEST, .old_permitted = true, .new_permitted = false },
    };
    acc_audit_result r = hand_result(NULL, 0);
    r.baseline = "TISA-2014";
    r.rules = "GSOMIA-2016";
    r.changes = changes;
    r.n_changes = r.n_changes_total = 2;
    int status = -1;
    char *page = render(&r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<section id=\"changes\"><h2>Verdict changes against TISA-2014</h2>\n"
                     "<p class=\"note\">2 entries whose verdict differs between the baseline "
                     "and GSOMIA-2016.</p>");
    ASSERT_HAS(page, "<tr><td class=\"mono\">logs/a.xml:4:3</td><td class=\"mono\">transfer #7 "
                     "T&lt;7&gt;</td><td>denied</td><td class=\"good\">permitted</td></tr>");
    ASSERT_HAS(page, "<tr><td class=\"mono\">logs/a.xml:9:3</td><td class=\"mono\">request"
                     "</td><td>permitted</td><td class=\"bad\">denied</td></tr>");
    ASSERT_HAS(page, "data-exit=\"1\"><strong>Findings.</strong> 0 errors, 0 warnings in "
                     "1,234,567 entries, 2 verdict changes &middot; exit code 1</div>");
    free(page);
}

/* Findings whose entry has no valid time are counted, not drawn. */
static void test_html__timeline_counts_findings_without_time(void)
{
    acc_finding f[2] = {
        hand_finding(ACC_FINDING_SCHEMA, 5, "T-1", NULL, "bad time"),
        hand_finding(ACC_FINDING_NOT_PERMITTED, 9, "T-2", NULL, "b"),
    };
    acc_audit_result r = hand_result(f, 2);
    r.has_period = true;
    acc_time_parse("2015-01-05T09:00:00Z", 20, &r.period_min);
    r.period_max = r.period_min;
    acc_flow_finding ff[2] = { { true, false, 0, 0, 2 }, { true, true, r.period_min, 0, 2 } };
    acc_flow flow = hand_flow(NULL, 0, ff, 2);
    int status = -1;
    char *page = render(&r, &flow, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    ASSERT_HAS(page, "<span id=\"untimed\">1 finding has no time (no entry, or an entry "
                     "without a valid time): not shown.</span>");
    ASSERT_HAS(page, "data-unit=\"day\" data-bins=\"1\"");
    CU_ASSERT_EQUAL(count_of(page, "<rect class=\"b-err\""), 1);
    free(page);
}

static void test_html__write_error_is_reported(void)
{
    FILE *full = fopen("/dev/full", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    acc_audit_result r = hand_result(NULL, 0);
    CU_ASSERT_EQUAL(acc_html_write_audit(full, &r, NULL, NULL), ACC_EIO);
    fclose(full);
}

static void test_html__render_survives_allocation_failures(void)
{
    acc_finding f[2] = {
        hand_finding(ACC_FINDING_NOT_PERMITTED, 5, "T-1", NULL, "a"),
        hand_finding(ACC_FINDING_FORBIDDEN, 9, "T-2", "art1-scope", "b"),
    };
    acc_audit_result r = hand_result(f, 2);
    r.has_period = true;
    acc_flow_edge edges[] = { { 0, 1, 2, 2, 0 } };
    acc_flow_finding ff[2] = { { true, true, 0, 0, 1 }, { true, true, 0, 0, 1 } };
    acc_flow flow = hand_flow(edges, 1, ff, 2);
    int failures = 0;
    for (unsigned long nth = 1; nth < 100; nth++) {
        acc_alloc_fail_at(nth);
        int status = -1;
        char *page = render(&r, &flow, &status);
        unsigned long made = acc_alloc_count();
        acc_alloc_fail_at(0);
        free(page);
        if (status == ACC_OK && made < nth)
            break;
        if (status != ACC_OK) {
            CU_ASSERT_EQUAL(status, ACC_ENOMEM);
            failures++;
        }
    }
    CU_ASSERT_TRUE(failures >= 3);
}

/* ---- The command line ---- */

/* Runs the CLI with `args` from the source directory; returns its exit code. */
static int run_cli(const char *args, char *output, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>&1", test_source_dir(), ACCORD_CLI, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t len = fread(output, 1, size - 1, p);
    output[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_html__cli_writes_the_report_of_an_audit(void)
{
    char out[4096], path[512];
    snprintf(path, sizeof path, "%s/test_html_cli.html", ACCORD_BINARY_DIR);
    char args[1024];
    snprintf(args, sizeof args, "audit --format html -o '%s' logs/findings.xml", path);
    CU_ASSERT_EQUAL(run_cli(args, out, sizeof out), 1);
    CU_ASSERT_STRING_EQUAL(out, "");
    size_t len = 0;
    char *page = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    CU_ASSERT_EQUAL(strncmp(page, "<!DOCTYPE html>", 15), 0);
    ASSERT_HAS(page, "<g class=\"edge violation direct\" data-from=\"KR\" data-to=\"JP\"");
    CU_ASSERT_EQUAL(strcmp(page + len - 8, "</html>\n"), 0);
    free(page);
    remove(path);
}

static void test_html__cli_refuses_html_for_other_commands(void)
{
    char out[4096];
    CU_ASSERT_EQUAL(run_cli("check --format html", out, sizeof out), 2);
    CU_ASSERT_STRING_EQUAL(out, "accord: --format html is not available for check\n");
    CU_ASSERT_EQUAL(run_cli("lint --format html rules/tisa-2014.accord", out, sizeof out), 2);
    CU_ASSERT_STRING_EQUAL(out, "accord: --format html is not available for lint\n");
}

int main(void)
{
    static const test_case tests[] = {
        { "flow_counts_transfers_per_pair", test_html__flow_counts_transfers_per_pair },
        { "flow_links_each_finding_to_its_entry", test_html__flow_links_each_finding_to_its_entry },
        { "flow_tells_entries_on_one_line_apart", test_html__flow_tells_entries_on_one_line_apart },
        { "flow_agrees_with_the_audit_on_the_sample_logs",
          test_html__flow_agrees_with_the_audit_on_the_sample_logs },
        { "flow_stops_at_malformed_xml", test_html__flow_stops_at_malformed_xml },
        { "flow_stops_at_a_root_of_another_accord",
          test_html__flow_stops_at_a_root_of_another_accord },
        { "flow_of_a_missing_file_is_an_io_error",
          test_html__flow_of_a_missing_file_is_an_io_error },
        { "flow_survives_allocation_failures", test_html__flow_survives_allocation_failures },
        { "summary_shows_the_counts_of_the_result",
          test_html__summary_shows_the_counts_of_the_result },
        { "verdict_and_chain_of_a_clean_verified_audit",
          test_html__verdict_and_chain_of_a_clean_verified_audit },
        { "escapes_hostile_strings", test_html__escapes_hostile_strings },
        { "data_block_holds_every_finding", test_html__data_block_holds_every_finding },
        { "diagram_marks_violations_and_the_direct_pair",
          test_html__diagram_marks_violations_and_the_direct_pair },
        { "no_direct_transfer_gives_a_clear_callout",
          test_html__no_direct_transfer_gives_a_clear_callout },
        { "no_callout_when_the_pair_is_not_declared",
          test_html__no_callout_when_the_pair_is_not_declared },
        { "timeline_bins_by_day_month_or_year", test_html__timeline_bins_by_day_month_or_year },
        { "diagram_draws_loops_and_the_undeclared_party",
          test_html__diagram_draws_loops_and_the_undeclared_party },
        { "diagram_omits_an_unused_undeclared_party",
          test_html__diagram_omits_an_unused_undeclared_party },
        { "stopped_and_truncated_audits_say_so", test_html__stopped_and_truncated_audits_say_so },
        { "verdict_changes_are_listed_escaped", test_html__verdict_changes_are_listed_escaped },
        { "timeline_counts_findings_without_time",
          test_html__timeline_counts_findings_without_time },
        { "write_error_is_reported", test_html__write_error_is_reported },
        { "render_survives_allocation_failures", test_html__render_survives_allocation_failures },
        { "cli_writes_the_report_of_an_audit", test_html__cli_writes_the_report_of_an_audit },
        { "cli_refuses_html_for_other_commands", test_html__cli_refuses_html_for_other_commands },
        { NULL, NULL },
    };
    return test_run_suite("html", tests);
}
