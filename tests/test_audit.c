/*
 * test_audit.c - the log audit end to end (accord/audit.h): one test per finding code
 * with its exact location, seq, id and rule; the root checks; multi-file streams;
 * tampering with a hash-chained log; --chain-head; baseline verdict changes; limits,
 * progress, exit codes; the text and JSON renderers; the shipped sample logs.
 */
#include "audit_helpers.h"

#include "alloc.h"

#include <unistd.h>

static const char req_jp[] =
    "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" "
    "topic=\"nk-missile\"/>\n";
static const char provide_kr[] =
    "  <transfer seq=\"2\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
    "item=\"I-1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n";

/* Audits LOG_HEAD + body + LOG_END with TISA-2014. */
static acc_audit_result *audit_body(const char *body)
{
    static char buf[8192];
    snprintf(buf, sizeof buf, "%s%s%s", LOG_HEAD, body, LOG_END);
    return audit_text(buf);
}

/* ---- One test per finding code ------------------------------------------------- */

static void test_audit__forbidden_names_the_rule_and_its_citation(void)
{
    acc_audit_result *r = audit_body(
        "  <transfer seq=\"1\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
        "item=\"I-1\" originator=\"KR\" topic=\"other\" level=\"SECRET\"/>\n");
    ASSERT_FINDINGS(r, "forbidden 2:3 seq=1 id=T-1 rule=art1-scope\n"
                       "invariant 2:3 seq=1 id=T-1 rule=scope\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
        "transfer of KR item 'I-1' (other, SECRET) from KR to US is forbidden by rule "
        "art1-scope: \"The military intelligence to be shared under the accord will only be "
        "limited to the North's nuclear and missile programs\"");
    CU_ASSERT_EQUAL(r->findings[0].kind, ACC_KIND_TRANSFER);
    CU_ASSERT_EQUAL(r->findings[0].severity, ACC_SEV_ERROR);
    CU_ASSERT_EQUAL(r->judged, 1);
    CU_ASSERT_EQUAL(r->permitted, 0);
    acc_audit_result_free(r);
}

static void test_audit__forbid_without_permit_gives_forbidden_and_not_permitted(void)
{
    acc_audit_result *r = audit_body(
        "  <transfer seq=\"1\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"JP\" "
        "item=\"I-1\" originator=\"KR\" topic=\"other\" level=\"SECRET\"/>\n");
    ASSERT_FINDINGS(r, "forbidden 2:3 seq=1 id=T-1 rule=art1-scope\n"
                       "not-permitted 2:3 seq=1 id=T-1 rule=-\n"
                       "invariant 2:3 seq=1 id=T-1 rule=no-direct\n"
                       "invariant 2:3 seq=1 id=T-1 rule=scope\n");
    acc_audit_result_free(r);
}

static void test_audit__not_permitted_explains_the_missing_approval(void)
{
    char body[2048];
    snprintf(body, sizeof body, "%s%s%s", req_jp, provide_kr,
             "  <transfer seq=\"3\" id=\"T-2\" time=\"2015-01-06T12:00:00Z\" from=\"US\" "
             "to=\"JP\" item=\"I-1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n");
    acc_audit_result *r = audit_body(body);
    ASSERT_FINDINGS(r, "not-permitted 4:3 seq=3 id=T-2 rule=-\n"
                       "invariant 4:3 seq=3 id=T-2 rule=mutual-approval\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
        "transfer of KR item 'I-1' (nk-missile, SECRET) from US to JP is permitted by no rule: "
        "rule art3-relay needs its facts: approved is false: no earlier approval with "
        "from=KR, to=JP, item=I-1 within 365 days");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
        "transfer of KR item 'I-1' (nk-missile, SECRET) from US to JP violates invariant "
        "mutual-approval: \"if it is approved to be shared by the respective government\" "
        "(approved is false: no earlier approval with from=KR, to=JP, item=I-1 within 365 "
        "days)");
    acc_audit_result_free(r);
}

static void test_audit__not_permitted_lists_the_permit_rules_when_none_came_close(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" to=\"JP\" "
        "topic=\"nk-missile\"/>\n");
    ASSERT_FINDINGS(r, "not-permitted 2:3 seq=1 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
        "request from US to JP on nk-missile is permitted by no rule (permit rules for a "
        "request: art2-requests)");
    acc_audit_result_free(r);
}

static void test_audit__schema_for_missing_field_skips_the_verdict(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" to=\"JP\"/>\n");
    ASSERT_FINDINGS(r, "schema 2:3 seq=1 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "<request> has no topic attribute");
    CU_ASSERT_EQUAL(r->entries, 1);
    CU_ASSERT_EQUAL(r->judged, 0);
    acc_audit_result_free(r);
}

static void test_audit__schema_for_bad_values_is_exact(void)
{
    acc_audit_result *r = audit_body(
        "  <approval seq=\"01\" id=\"\" time=\"2015-01-05 09:00:00\" from=\"KR\" to=\"JP\" "
        "item=\"I-1\" decision=\"GRANTED\"/>\n");
    ASSERT_FINDINGS(r, "schema 2:3 seq=- id= rule=-\n"
                       "schema 2:3 seq=- id= rule=-\n"
                       "schema 2:3 seq=- id= rule=-\n"
                       "schema 2:3 seq=- id= rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "seq '01' is not a positive decimal integer");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message, "<approval> has an empty id attribute");
    CU_ASSERT_STRING_EQUAL(r->findings[2].message,
                           "time '2015-01-05 09:00:00' is not a valid UTC time YYYY-MM-DDTHH:MM:SSZ");
    CU_ASSERT_STRING_EQUAL(r->findings[3].message,
                           "decision 'GRANTED' is not granted, denied or revoked");
    CU_ASSERT_EQUAL(r->judged, 0);
    acc_audit_result_free(r);
}

static void test_audit__schema_extra_attribute_still_judges_the_entry(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" "
        "topic=\"nk-missile\" item=\"I-1\" x:y=\"1\" xmlns:x=\"urn:x\" request=\"R-0\"/>\n");
    ASSERT_FINDINGS(r, "schema 2:3 seq=1 id=R-1 rule=-\n"
                       "schema 2:3 seq=1 id=R-1 rule=-\n"
                       "schema 2:3 seq=1 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "unexpected attribute 'item' on <request>");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message, "unexpected attribute 'x:y' on <request>");
    CU_ASSERT_STRING_EQUAL(r->findings[2].message, "unexpected attribute 'request' on <request>");
    CU_ASSERT_EQUAL(r->judged, 1);
    CU_ASSERT_EQUAL(r->permitted, 1);
    acc_audit_result_free(r);
}

static void test_audit__schema_for_children_and_text_at_their_place(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\"\n"
        "           topic=\"nk-missile\">\n"
        "    <note>first</note>\n"
        "    <note>second</note>\n"
        "    <extra/>\n"
        "    stray text\n"
        "  </request>\n"
        "  <remark>ignored <request/></remark>\n"
        "  <request seq=\"2\" id=\"R-2\" time=\"2015-01-05T10:00:00Z\" from=\"KR\" to=\"US\" "
        "topic=\"nk-missile\"><note a=\"b\">text <b>bold</b></note></request>\n");
    /* Findings of an entry's children carry the entry's location; the message the
       child's line. */
    ASSERT_FINDINGS(r, "schema 2:3 seq=1 id=R-1 rule=-\n"
                       "schema 2:3 seq=1 id=R-1 rule=-\n"
                       "schema 2:3 seq=1 id=R-1 rule=-\n"
                       "schema 9:3 seq=- id=- rule=-\n"
                       "schema 10:3 seq=2 id=R-2 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "<request> has more than one <note> (line 5)");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
                           "unexpected element <extra> in <request> (line 6); only one <note> "
                           "is allowed");
    CU_ASSERT_STRING_EQUAL(r->findings[2].message, "text in <request> outside a <note> (line 7)");
    CU_ASSERT_STRING_EQUAL(r->findings[3].message,
                           "unexpected element <remark> in <exchange-log> (ignored)");
    CU_ASSERT_STRING_EQUAL(r->findings[4].message, "unexpected attribute 'a' on <note> (line 10)");
    CU_ASSERT_EQUAL(r->entries, 2);
    CU_ASSERT_EQUAL(r->judged, 2);
    CU_ASSERT_EQUAL(r->permitted, 2);
    acc_audit_result_free(r);
}

static void test_audit__text_in_the_root_is_located_at_its_first_character(void)
{
    acc_audit_result *r = audit_body("\n    stray\n  words\n  ");
    ASSERT_FINDINGS(r, "schema 3:5 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "text directly in <exchange-log> (only entries belong there)");
    acc_audit_result_free(r);
    r = audit_text(LOG_HEAD "xx<!-- -->yy\n" LOG_END);
    ASSERT_FINDINGS(r, "schema 2:1 seq=- id=- rule=-\n");
    acc_audit_result_free(r);
}

static void test_audit__unknown_value_names_type_attribute_and_rules(void)
{
    acc_audit_result *r = audit_body(
        "  <transfer seq=\"1\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"CN\" to=\"US\" "
        "item=\"I-1\" originator=\"CN\" topic=\"nk-missile\" level=\"COSMIC\"/>\n");
    ASSERT_FINDINGS(r, "unknown-value 2:3 seq=1 id=T-1 rule=-\n"
                       "unknown-value 2:3 seq=1 id=T-1 rule=-\n"
                       "unknown-value 2:3 seq=1 id=T-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "party 'CN' (attribute from) is not declared by the rules of TISA-2014");
    CU_ASSERT_STRING_EQUAL(r->findings[2].message,
                           "level 'COSMIC' (attribute level) is not declared by the rules of "
                           "TISA-2014");
    CU_ASSERT_EQUAL(r->judged, 0);
    acc_audit_result_free(r);
}

static void test_audit__values_are_taken_as_written(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\" JP\" to=\"US\" "
        "topic=\"nk-missile\"/>\n");
    ASSERT_FINDINGS(r, "unknown-value 2:3 seq=1 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "party ' JP' (attribute from) is not declared by the rules of TISA-2014");
    acc_audit_result_free(r);
}

static void test_audit__duplicate_id_across_kinds(void)
{
    char body[2048];
    snprintf(body, sizeof body, "%s%s", req_jp,
             "  <transfer seq=\"2\" id=\"R-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
             "item=\"I-1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n");
    acc_audit_result *r = audit_body(body);
    ASSERT_FINDINGS(r, "duplicate-id 3:3 seq=2 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "id 'R-1' is already used by an earlier request");
    acc_audit_result_free(r);
}

static const char seq_entry_fmt[] =
    "  <request seq=\"%s\" id=\"R-%d\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" "
    "topic=\"nk-missile\"/>\n";

/* A body of requests with the given seq values (as written). */
static acc_audit_result *audit_seqs(const char *const *seqs, int n)
{
    char body[4096];
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(body + len, sizeof body - len, seq_entry_fmt, seqs[i], i + 1);
    return audit_body(body);
}

static void test_audit__seq_gap_makes_the_breaking_entry_the_reference(void)
{
    static const char *const seqs[] = { "7", "8", "11", "12", "10" };
    acc_audit_result *r = audit_seqs(seqs, 5);
    ASSERT_FINDINGS(r, "seq-gap 4:3 seq=11 id=R-3 rule=-\n"
                       "seq-gap 6:3 seq=10 id=R-5 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "seq 11 does not follow seq 8 (expected 9)");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message, "seq 10 does not follow seq 12 (expected 13)");
    acc_audit_result_free(r);
}

static void test_audit__bad_seq_takes_the_expected_place(void)
{
    static const char *const seqs[] = { "1", "two", "3", "" };
    acc_audit_result *r = audit_seqs(seqs, 4);
    ASSERT_FINDINGS(r, "schema 3:3 seq=- id=R-2 rule=-\n"
                       "schema 5:3 seq=- id=R-4 rule=-\n");
    acc_audit_result_free(r);
}

static void test_audit__dangling_ref_for_missing_wrong_kind_and_later_entries(void)
{
    char body[4096];
    snprintf(body, sizeof body, "%s%s%s%s", req_jp, provide_kr,
             "  <transfer seq=\"3\" id=\"T-2\" time=\"2015-01-06T12:00:00Z\" from=\"KR\" to=\"US\" "
             "item=\"I-2\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\" "
             "request=\"T-1\" approval=\"A-9\"/>\n",
             "  <transfer seq=\"4\" id=\"T-3\" time=\"2015-01-06T12:00:00Z\" from=\"KR\" to=\"US\" "
             "item=\"I-3\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\" "
             "request=\"R-1\" approval=\"T-3\"/>\n");
    acc_audit_result *r = audit_body(body);
    ASSERT_FINDINGS(r, "dangling-ref 4:3 seq=3 id=T-2 rule=-\n"
                       "dangling-ref 4:3 seq=3 id=T-2 rule=-\n"
                       "dangling-ref 5:3 seq=4 id=T-3 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "request=\"T-1\" names an earlier transfer, not a request");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
                           "approval=\"A-9\" names no earlier approval in the stream");
    CU_ASSERT_STRING_EQUAL(r->findings[2].message,
                           "approval=\"T-3\" names no earlier approval in the stream");
    acc_audit_result_free(r);
}

static void test_audit__assumption_is_a_warning_with_its_name(void)
{
    char path[4096];
    size_t len = 0;
    char *base = test_read_file(test_path(path, sizeof path, "rules/tisa-2014.accord"), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(base);
    static const char extra[] = "\nassume held \"approvals follow provision\"\n"
                                "  on transfer: approved implies received;\n";
    char *text = malloc(len + sizeof extra);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memcpy(text, base, len);
    memcpy(text + len, extra, sizeof extra);
    test_diags d = { 0 };
    acc_ruleset *rs = test_compile("held.accord", text, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    static const char log[] =
        LOG_HEAD
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" "
        "topic=\"nk-missile\"/>\n"
        "  <approval seq=\"2\" id=\"A-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"JP\" "
        "item=\"I-9\" decision=\"granted\"/>\n"
        "  <transfer seq=\"3\" id=\"T-1\" time=\"2015-01-06T12:00:00Z\" from=\"US\" to=\"JP\" "
        "item=\"I-9\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n" LOG_END;
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = rs;
    const char *texts[] = { log };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    ASSERT_FINDINGS(r, "not-permitted 4:3 seq=3 id=T-1 rule=-\n"
                       "assumption 4:3 seq=3 id=T-1 rule=held\n");
    CU_ASSERT_EQUAL(r->findings[1].severity, ACC_SEV_WARNING);
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
        "transfer of KR item 'I-9' (nk-missile, SECRET) from US to JP contradicts assumption "
        "held: approvals follow provision (received is false: no earlier transfer with "
        "from=KR, to=US, item=I-9)");
    CU_ASSERT_EQUAL(r->by_severity[ACC_SEV_WARNING], 1);
    CU_ASSERT_EQUAL(r->n_by_rule, 1);
    CU_ASSERT_STRING_EQUAL(r->by_rule[0].rule, "held");
    acc_audit_result_free(r);
    acc_ruleset_free(rs);
    test_diags_free(&d);
    free(text);
    free(base);
}

static void test_audit__malformed_keeps_earlier_findings_and_stops(void)
{
    const char *texts[] = {
        LOG_HEAD "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" "
        "to=\"JP\" topic=\"nk-missile\"/>\n  <request seq=\"2\" id=\"R-2\"\n   time=<\n" LOG_END,
        LOG_HEAD LOG_END,
    };
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    acc_audit_result *r = audit_texts_opt(texts, 2, opt);
    ASSERT_FINDINGS(r, "not-permitted 2:3 seq=1 id=R-1 rule=-\n"
                       "malformed 4:9 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message, "malformed XML: AttValue: \" or ' expected");
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_TRUE(r->malformed);
    CU_ASSERT_EQUAL(r->n_files, 2);
    CU_ASSERT_FALSE(r->files[0].complete);
    CU_ASSERT_EQUAL(r->files[0].entries, 1);
    CU_ASSERT_FALSE(r->files[1].complete);
    CU_ASSERT_EQUAL(r->files[1].entries, 0);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 2);
    acc_audit_result_free(r);
}

/* ---- The root -------------------------------------------------------------------- */

static void test_audit__root_in_wrong_namespace_stops_with_schema(void)
{
    acc_audit_result *r = audit_text(
        "<?xml version=\"1.0\"?>\n<exchange-log accord=\"TISA-2014\">\n"
        "<request seq=\"1\"/></exchange-log>\n");
    ASSERT_FINDINGS(r, "schema 2:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "the root element is <exchange-log> in no namespace; expected "
                           "<exchange-log> in namespace 'urn:accord:exchange-log:1'");
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_FALSE(r->malformed);
    CU_ASSERT_EQUAL(r->entries, 0);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 2);
    acc_audit_result_free(r);
}

static void test_audit__root_with_other_name_stops_with_schema(void)
{
    acc_audit_result *r = audit_text("<log xmlns=\"urn:other\"/>");
    ASSERT_FINDINGS(r, "schema 1:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "the root element is <log> in namespace 'urn:other'; expected "
                           "<exchange-log> in namespace 'urn:accord:exchange-log:1'");
    acc_audit_result_free(r);
}

static void test_audit__root_accord_missing_or_unknown_stops(void)
{
    acc_audit_result *r = audit_text("<exchange-log xmlns=\"urn:accord:exchange-log:1\"/>");
    ASSERT_FINDINGS(r, "schema 1:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "<exchange-log> has no accord attribute; expected the accord the log "
                           "was recorded under: TISA-2014");
    CU_ASSERT_TRUE(r->stopped);
    acc_audit_result_free(r);
    r = audit_text("<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"GSOMIA-2016\"/>");
    ASSERT_FINDINGS(r, "schema 1:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "the log was recorded under accord 'GSOMIA-2016', but the rule set "
                           "TISA-2014 covers only: TISA-2014");
    CU_ASSERT_TRUE(r->stopped);
    acc_audit_result_free(r);
}

static void test_audit__unknown_root_attribute_is_reported_and_audit_goes_on(void)
{
    char log[1024];
    snprintf(log, sizeof log,
             "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"TISA-2014\" "
             "version=\"2\" chain-seed=\"abc\">\n%s" LOG_END, req_jp);
    acc_audit_result *r = audit_text(log);
    ASSERT_FINDINGS(r, "schema 1:1 seq=- id=- rule=-\n"
                       "schema 1:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "unexpected attribute 'version' on <exchange-log>");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
                           "chain-seed 'abc' is not 64 lowercase hex digits");
    CU_ASSERT_FALSE(r->stopped);
    CU_ASSERT_EQUAL(r->judged, 1);
    acc_audit_result_free(r);
}

/* ---- Streams of several files ------------------------------------------------------ */

static void test_audit__files_are_one_stream_for_facts_seq_and_ids(void)
{
    char first[2048], second[2048];
    snprintf(first, sizeof first, "%s%s%s%s", LOG_HEAD, req_jp, provide_kr, LOG_END);
    snprintf(second, sizeof second, "%s%s%s%s", LOG_HEAD,
             "  <approval seq=\"3\" id=\"A-1\" time=\"2015-01-06T10:00:00Z\" from=\"KR\" "
             "to=\"JP\" item=\"I-1\" decision=\"granted\"/>\n",
             "  <transfer seq=\"4\" id=\"T-2\" time=\"2015-01-06T12:00:00Z\" from=\"US\" to=\"JP\" "
             "item=\"I-1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\" "
             "request=\"R-1\" approval=\"A-1\"/>\n"
             "  <request seq=\"6\" id=\"T-1\" time=\"2015-01-07T09:00:00Z\" from=\"JP\" to=\"US\" "
             "topic=\"nk-missile\"/>\n",
             LOG_END);
    const char *texts[] = { first, second };
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    acc_audit_result *r = audit_texts_opt(texts, 2, opt);
    ASSERT_FINDINGS(r, "seq-gap 4:3 seq=6 id=T-1 rule=-\n"
                       "duplicate-id 4:3 seq=6 id=T-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].file, "b.xml");
    CU_ASSERT_EQUAL(r->findings[0].file_index, 1);
    CU_ASSERT_EQUAL(r->files[0].entries, 2);
    CU_ASSERT_EQUAL(r->files[1].entries, 3);
    CU_ASSERT_TRUE(r->files[0].complete && r->files[1].complete);
    CU_ASSERT_EQUAL(r->permitted, 5);
    acc_audit_result_free(r);
    /* The second file alone lacks the facts of the first. */
    r = audit_text(second);
    CU_ASSERT_EQUAL(r->permitted, 2);
    acc_audit_result_free(r);
}

static void test_audit__sample_stream_parts_audit_clean_only_together(void)
{
    const char *paths[] = { "logs/stream-part1.xml", "logs/stream-part2.xml" };
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = tisa();
    opt.collect = true;
    opt.chain_head = "a45e362aae3604f8b6ee15eb1c6f1292b79421534969bdb2784a7393054472e5";
    acc_audit_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_audit_files(&r, &opt, paths, 2, NULL), ACC_OK);
    ASSERT_FINDINGS(r, "");
    CU_ASSERT_EQUAL(r->entries, 9);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_VERIFIED);
    CU_ASSERT_TRUE(r->chain_head_checked);
    CU_ASSERT_TRUE(r->chain_head_matched);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, true), 0);
    acc_audit_result_free(r);
}

/* ---- The hash chain ----------------------------------------------------------------- */

/* Bytes of the entry whose seq is `seq` in text: [*start, *end) from its line start to
   the start of the next element line. */
static void find_entry(const char *text, int seq, size_t *start, size_t *end)
{
    char key[32];
    snprintf(key, sizeof key, " seq=\"%d\"", seq);
    const char *p = strstr(text, key);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    while (p > text && p[-1] != '\n')
        p--;
    const char *q = strstr(p + 1, "\n  <");
    if (!q)
        q = strstr(p + 1, "\n</exchange-log>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    *start = (size_t)(p - text);
    *end = (size_t)(q - text) + 1;
}

static unsigned line_of(const char *text, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

static char *chained_text(void)
{
    char path[4096];
    return test_read_file(test_path(path, sizeof path, "logs/chained.xml"), NULL);
}

/* text with [start, end) replaced by `with`. */
static char *splice(const char *text, size_t start, size_t end, const char *with)
{
    size_t len = strlen(text), wl = strlen(with);
    char *s = malloc(len - (end - start) + wl + 1);
    memcpy(s, text, start);
    memcpy(s + start, with, wl);
    memcpy(s + start + wl, text + end, len - end + 1);
    return s;
}

static void test_audit__chained_sample_verifies_and_head_matches(void)
{
    char *text = chained_text();
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.chain_head = "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5";
    const char *texts[] = { text };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    ASSERT_FINDINGS(r, "");
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_VERIFIED);
    CU_ASSERT_STRING_EQUAL(r->last_digest, opt.chain_head);
    CU_ASSERT_TRUE(r->chain_head_matched);
    acc_audit_result_free(r);
    free(text);
}

static void test_audit__chain_edit_breaks_one_link(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 106, &s, &e);
    char *at = strstr(text + s, "level=\"CONFIDENTIAL\"");
    CU_ASSERT_FATAL(at && (size_t)(at - text) < e);
    size_t off = (size_t)(at - text);
    char *edited = splice(text, off, off + strlen("level=\"CONFIDENTIAL\""), "level=\"SECRET\"");
    char expected[256];
    snprintf(expected, sizeof expected, "chain-break %u:3 seq=106 id=T-15-103 rule=-\n",
             line_of(edited, s));
    acc_audit_result *r = audit_text(edited);
    ASSERT_FINDINGS(r, expected);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_BROKEN);
    acc_audit_result_free(r);
    free(edited);
    free(text);
}

static void test_audit__chain_deleted_entry_breaks_the_link_after_the_gap(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 105, &s, &e);
    char *deleted = splice(text, s, e, "");
    unsigned line = line_of(deleted, s);
    /* The relay seq 108 answered the deleted request: it loses its reference and fact. */
    size_t s8, e8;
    find_entry(deleted, 108, &s8, &e8);
    unsigned line8 = line_of(deleted, s8);
    char expected[512];
    snprintf(expected, sizeof expected, "seq-gap %u:3 seq=106 id=T-15-103 rule=-\n"
             "chain-break %u:3 seq=106 id=T-15-103 rule=-\n"
             "dangling-ref %u:3 seq=108 id=T-15-104 rule=-\n"
             "not-permitted %u:3 seq=108 id=T-15-104 rule=-\n", line, line, line8, line8);
    acc_audit_result *r = audit_text(deleted);
    ASSERT_FINDINGS(r, expected);
    acc_audit_result_free(r);
    free(deleted);
    free(text);
}

static void test_audit__chain_inserted_entry_breaks_it_and_the_next(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 105, &s, &e);
    char *inserted = splice(text, s, s,
        "  <request seq=\"105\" id=\"R-15-199\" time=\"2015-04-05T07:15:00Z\" from=\"JP\" "
        "to=\"US\" topic=\"nk-missile\"/>\n");
    unsigned line = line_of(inserted, s);
    char expected[512];
    snprintf(expected, sizeof expected,
             "chain-break %u:3 seq=105 id=R-15-199 rule=-\n"
             "seq-gap %u:3 seq=105 id=R-15-102 rule=-\n"
             "chain-break %u:3 seq=105 id=R-15-102 rule=-\n", line, line + 1, line + 1);
    acc_audit_result *r = audit_text(inserted);
    ASSERT_FINDINGS(r, expected);
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "entry has no digest, but other entries of the stream carry one");
    acc_audit_result_free(r);
    free(inserted);
    free(text);
}

static void test_audit__chain_entry_inserted_before_the_first_breaks_both(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 101, &s, &e);
    char *inserted = splice(text, s, s,
        "  <request seq=\"100\" id=\"R-15-100\" time=\"2015-03-31T07:15:00Z\" from=\"JP\" "
        "to=\"US\" topic=\"nk-missile\"/>\n");
    unsigned line = line_of(inserted, s);
    char expected[512];
    snprintf(expected, sizeof expected,
             "chain-break %u:3 seq=100 id=R-15-100 rule=-\n"
             "chain-break %u:3 seq=101 id=R-15-101 rule=-\n", line, line + 1);
    acc_audit_result *r = audit_text(inserted);
    ASSERT_FINDINGS(r, expected);
    acc_audit_result_free(r);
    free(inserted);
    free(text);
}

static void test_audit__chain_starting_late_lists_1024_entries_then_sums_up(void)
{
    size_t cap = 1200 * 160;
    char *log = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    size_t len = (size_t)snprintf(log, cap, "%s", LOG_HEAD);
    for (int i = 1; i <= 1100; i++)
        len += (size_t)snprintf(log + len, cap - len, seq_entry_fmt, "", i);
    /* seq="" is a schema finding per entry; the last entry carries a digest. */
    len += (size_t)snprintf(log + len, cap - len,
        "  <request seq=\"2000\" id=\"R-X\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" "
        "to=\"US\" topic=\"nk-missile\" digest=\"%064d\"/>\n%s", 7, LOG_END);
    acc_audit_result *r = audit_text(log);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->by_code[ACC_FINDING_CHAIN_BREAK], 1025);
    const acc_finding *last = &r->findings[r->n_findings - 1];
    CU_ASSERT_EQUAL(last->code, ACC_FINDING_CHAIN_BREAK);
    CU_ASSERT_STRING_EQUAL(last->id, "R-X");
    CU_ASSERT_STRING_EQUAL(last->message,
                           "76 more earlier entries have no digest (not listed one by one)");
    const acc_finding *first_break = &r->findings[1100];
    CU_ASSERT_EQUAL(first_break->code, ACC_FINDING_CHAIN_BREAK);
    CU_ASSERT_STRING_EQUAL(first_break->id, "R-1");
    CU_ASSERT_EQUAL(first_break->line, 2);
    CU_ASSERT_EQUAL(r->chain, ACC_CHAIN_BROKEN);
    acc_audit_result_free(r);
    free(log);
}

static void test_audit__chain_reordered_entries_break_at_each_moved_link(void)
{
    char *text = chained_text();
    size_t s5, e5, s6, e6;
    find_entry(text, 105, &s5, &e5);
    find_entry(text, 106, &s6, &e6);
    CU_ASSERT_EQUAL_FATAL(e5, s6);
    size_t len = strlen(text);
    char *swapped = malloc(len + 1);
    memcpy(swapped, text, s5);
    memcpy(swapped + s5, text + s6, e6 - s6);
    memcpy(swapped + s5 + (e6 - s6), text + s5, e5 - s5);
    memcpy(swapped + e6, text + e6, len - e6 + 1);
    unsigned l106 = line_of(swapped, s5), l105 = line_of(swapped, s5 + (e6 - s6));
    unsigned l107 = line_of(swapped, e6);
    char expected[1024];
    snprintf(expected, sizeof expected,
             "seq-gap %u:3 seq=106 id=T-15-103 rule=-\n"
             "chain-break %u:3 seq=106 id=T-15-103 rule=-\n"
             "seq-gap %u:3 seq=105 id=R-15-102 rule=-\n"
             "chain-break %u:3 seq=105 id=R-15-102 rule=-\n"
             "seq-gap %u:3 seq=107 id=A-15-102 rule=-\n"
             "chain-break %u:3 seq=107 id=A-15-102 rule=-\n",
             l106, l106, l105, l105, l107, l107);
    acc_audit_result *r = audit_text(swapped);
    ASSERT_FINDINGS(r, expected);
    acc_audit_result_free(r);
    free(swapped);
    free(text);
}

static void test_audit__chain_head_mismatch_is_a_break_at_the_last_entry(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 108, &s, &e);
    char *truncated = splice(text, s, e, "");   /* the tail removed: no broken link */
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.chain_head = "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5";
    const char *texts[] = { truncated };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    size_t s7, e7;
    find_entry(truncated, 107, &s7, &e7);
    char expected[256];
    snprintf(expected, sizeof expected, "chain-break %u:3 seq=107 id=A-15-102 rule=-\n",
             line_of(truncated, s7));
    ASSERT_FINDINGS(r, expected);
    CU_ASSERT_TRUE(r->chain_head_checked);
    CU_ASSERT_FALSE(r->chain_head_matched);
    acc_audit_result_free(r);
    free(truncated);
    free(text);
}

static void test_audit__chain_head_on_empty_stream_is_a_break_without_entry(void)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.chain_head = "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5";
    const char *texts[] = { LOG_HEAD LOG_END };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    ASSERT_FINDINGS(r, "chain-break 0:0 seq=- id=- rule=-\n");
    CU_ASSERT_FALSE(r->findings[0].has_entry);
    CU_ASSERT_EQUAL(r->findings[0].kind, -1);
    acc_audit_result_free(r);
}

static void test_audit__chain_head_of_unchained_log_is_the_recomputed_digest(void)
{
    /* canon = "request\nfrom=JP\nid=R-1\nseq=1\ntime=2015-01-05T09:00:00Z\nto=US\n"
       "topic=nk-missile\n", digest(0) = 64 zeros; SHA-256 computed with Python hashlib. */
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.chain_head = "0000000000000000000000000000000000000000000000000000000000000000";
    char log[1024];
    snprintf(log, sizeof log, "%s%s%s", LOG_HEAD, req_jp, LOG_END);
    const char *texts[] = { log };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    ASSERT_FINDINGS(r, "chain-break 2:3 seq=1 id=R-1 rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->last_digest,
                           "c029a58d7b059d3c7b7395f4d4b469fa31b9d22900db4b14605e2c60ecc4073c");
    acc_audit_result_free(r);
}

static void test_audit__chain_digest_missing_on_first_entries_is_reported_for_each(void)
{
    char *text = chained_text();
    size_t s, e;
    find_entry(text, 101, &s, &e);
    char *d = strstr(text + s, "\n           digest=\"");
    CU_ASSERT_FATAL(d && (size_t)(d - text) < e);
    size_t off = (size_t)(d - text);
    char *stripped = splice(text, off, off + strlen("\n           digest=\"") + 65, "");
    acc_audit_result *r = audit_text(stripped);
    ASSERT_FINDINGS(r, "chain-break 4:3 seq=101 id=R-15-101 rule=-\n");
    acc_audit_result_free(r);
    free(stripped);
    free(text);
}

/* ---- Baseline ------------------------------------------------------------------------ */

static void test_audit__baseline_lists_changed_verdicts(void)
{
    test_diags d = { 0 };
    const char *paths[] = { "rules/tisa-2014.accord", "rules/amendments/gsomia-2016.accord" };
    acc_ruleset *gsomia = test_compile_files(paths, 2, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gsomia);
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = gsomia;
    opt.baseline = tisa();
    const char *texts[] = {
        LOG_HEAD
        "  <transfer seq=\"1\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"JP\" "
        "item=\"I-1\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n"
        "  <transfer seq=\"2\" id=\"T-2\" time=\"2017-01-06T08:00:00Z\" from=\"KR\" to=\"JP\" "
        "item=\"I-2\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"/>\n" LOG_END,
    };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_STRING_EQUAL(r->baseline, "TISA-2014");
    CU_ASSERT_STRING_EQUAL(r->rules, "GSOMIA-2016");
    CU_ASSERT_EQUAL_FATAL(r->n_changes, 1);
    CU_ASSERT_EQUAL(r->n_changes_total, 1);
    CU_ASSERT_EQUAL(r->changes[0].seq, 2);
    CU_ASSERT_STRING_EQUAL(r->changes[0].id, "T-2");
    CU_ASSERT_EQUAL(r->changes[0].line, 3);
    CU_ASSERT_FALSE(r->changes[0].old_permitted);
    CU_ASSERT_TRUE(r->changes[0].new_permitted);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 1);
    acc_audit_result_free(r);
    acc_ruleset_free(gsomia);
    test_diags_free(&d);
}

/* ---- Options, limits and the API's edges -------------------------------------------- */

static int findings_seen;

static void count_finding(void *payload, const acc_finding *f)
{
    (void)payload;
    findings_seen += f->line > 0;
}

static uint64_t last_done, last_total;
static int progress_calls;

static void note_progress(void *payload, uint64_t done, uint64_t total)
{
    (void)payload;
    last_done = done;
    last_total = total;
    progress_calls++;
}

static void test_audit__max_findings_limits_reports_but_counts_all(void)
{
    static const char *const seqs[] = { "1", "3", "5", "7" };
    char body[4096];
    size_t len = 0;
    for (int i = 0; i < 4; i++)
        len += (size_t)snprintf(body + len, sizeof body - len, seq_entry_fmt, seqs[i], i + 1);
    char log[8192];
    snprintf(log, sizeof log, "%s%s%s", LOG_HEAD, body, LOG_END);
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.max_findings = 2;
    opt.on_finding = count_finding;
    opt.on_progress = note_progress;
    opt.chunk_size = 64;
    opt.threads = 2;           /* callbacks from the replay of the reader thread's tape */
    findings_seen = progress_calls = 0;
    const char *texts[] = { log };
    acc_audit_result *r = audit_texts_opt(texts, 1, opt);
    CU_ASSERT_EQUAL(r->n_findings, 2);
    CU_ASSERT_EQUAL(r->n_findings_total, 3);
    CU_ASSERT_EQUAL(r->by_code[ACC_FINDING_SEQ_GAP], 3);
    CU_ASSERT_TRUE(r->findings_truncated);
    CU_ASSERT_EQUAL(findings_seen, 2);
    CU_ASSERT_EQUAL(last_done, strlen(log));
    CU_ASSERT_EQUAL(last_total, strlen(log));
    CU_ASSERT_EQUAL(progress_calls, (int)((strlen(log) + 63) / 64));
    acc_audit_result_free(r);
}

/* Progress figures, in order, as "done/total " (note_sequence). */
static char progress_seq[4096];
static size_t progress_len;

static void note_sequence(void *payload, uint64_t done, uint64_t total)
{
    (void)payload;
    progress_len += (size_t)snprintf(progress_seq + progress_len,
                                     sizeof progress_seq - progress_len, "%llu/%llu ",
                                     (unsigned long long)done, (unsigned long long)total);
}

static void test_audit__two_threads_report_progress_and_findings_as_one_does(void)
{
    char path[4096];
    const char *paths[] = { test_path(path, sizeof path, "logs/findings.xml") };
    char seqs[2][sizeof progress_seq];
    uint64_t totals[2];
    for (unsigned t = 1; t <= 2; t++) {
        acc_audit_options opt;
        acc_audit_options_init(&opt);
        opt.rules = tisa();
        opt.threads = t;
        opt.chunk_size = 512;
        opt.on_progress = note_sequence;
        progress_len = 0;
        progress_seq[0] = '\0';
        acc_audit_result *r = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_audit_files(&r, &opt, paths, 1, NULL), ACC_OK);
        totals[t - 1] = r->n_findings_total;
        memcpy(seqs[t - 1], progress_seq, sizeof progress_seq);
        acc_audit_result_free(r);
    }
    CU_ASSERT_STRING_EQUAL(seqs[0], seqs[1]);
    CU_ASSERT_TRUE(strlen(seqs[0]) > 20);   /* several chunks of 512 bytes */
    CU_ASSERT_EQUAL(totals[0], totals[1]);
    CU_ASSERT_TRUE(totals[0] > 10);
}

static void test_audit__check_paths_reports_every_unusable_file(void)
{
    test_diags d = { 0 };
    acc_diag_sink sink = test_diags_sink(&d);
    const char *paths[] = { "logs/q1-2015.xml", "logs/no-such.xml", "logs" };
    CU_ASSERT_EQUAL(acc_audit_check_paths(paths, 3, &sink), ACC_EIO);
    CU_ASSERT_STRING_EQUAL(d.text,
                           "logs/no-such.xml: error: cannot open log: No such file or directory\n"
                           "logs: error: cannot audit log: not a regular file\n");
    CU_ASSERT_EQUAL(acc_audit_check_paths(paths, 1, &sink), ACC_OK);
    acc_audit_result *r = NULL;
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = tisa();
    CU_ASSERT_EQUAL(acc_audit_files(&r, &opt, paths, 3, &sink), ACC_EIO);
    CU_ASSERT_PTR_NULL(r);
    test_diags_free(&d);
}

static void test_audit__bad_options_are_usage_errors(void)
{
    acc_audit_result *r = NULL;
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    acc_audit_source src = { "a.xml", LOG_HEAD LOG_END, strlen(LOG_HEAD LOG_END) };
    CU_ASSERT_EQUAL(acc_audit_run(&r, &opt, &src, 1, NULL), ACC_EUSAGE);
    opt.rules = tisa();
    opt.chain_head = "ABCDEF";
    CU_ASSERT_EQUAL(acc_audit_run(&r, &opt, &src, 1, NULL), ACC_EUSAGE);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_FALSE(acc_audit_chain_head_valid(
        "B511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5"));
    CU_ASSERT_TRUE(acc_audit_chain_head_valid(
        "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5"));
}

static void test_audit__no_source_is_an_empty_stream(void)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = tisa();
    opt.collect = true;
    opt.chain_head = "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5";
    acc_audit_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_audit_run(&r, &opt, NULL, 0, NULL), ACC_OK);
    ASSERT_FINDINGS(r, "chain-break 0:0 seq=- id=- rule=-\n");
    CU_ASSERT_PTR_NULL(r->findings[0].file);
    CU_ASSERT_EQUAL(r->n_files, 0);
    acc_audit_result_free(r);
}

static void test_audit__finding_codes_round_trip_with_their_severity(void)
{
    for (int c = 0; c < ACC_FINDING_COUNT; c++) {
        CU_ASSERT_EQUAL(acc_finding_code_from_name(acc_finding_code_name((acc_finding_code)c)), c);
        CU_ASSERT_EQUAL(acc_finding_code_severity((acc_finding_code)c),
                        c == ACC_FINDING_ASSUMPTION ? ACC_SEV_WARNING : ACC_SEV_ERROR);
    }
    CU_ASSERT_STRING_EQUAL(acc_finding_code_name(ACC_FINDING_NOT_PERMITTED), "not-permitted");
    CU_ASSERT_EQUAL(acc_finding_code_from_name("nope"), -1);
}

static void test_audit__exit_codes_follow_cli_md(void)
{
    char log[2048];
    snprintf(log, sizeof log, "%s%s%s", LOG_HEAD, req_jp, LOG_END);
    acc_audit_result *r = audit_text(log);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, true), 0);
    acc_audit_result_free(r);
    r = audit_body("  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" "
                   "to=\"JP\" topic=\"nk-missile\"/>\n");
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 1);
    acc_audit_result_free(r);
}

static void test_audit__every_failed_allocation_is_reported_without_leak(void)
{
    char path[4096];
    char *text = test_read_file(test_path(path, sizeof path, "logs/findings.xml"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = tisa();
    opt.collect = true;
    opt.chain_head = "b511f6ccd8c0e358387e42c6fcb636be24a8eda41e507ab9878283e45aa60db5";
    opt.baseline = tisa();
    opt.threads = 1;           /* the same allocation order in every run */
    acc_audit_source src = { "findings.xml", text, strlen(text) };
    acc_audit_result *r = NULL;
    acc_alloc_fail_at(0);
    CU_ASSERT_EQUAL_FATAL(acc_audit_run(&r, &opt, &src, 1, NULL), ACC_OK);
    unsigned long total = acc_alloc_count();
    uint64_t expected = r->n_findings_total;
    acc_audit_result_free(r);
    CU_ASSERT(total > 10);
    int wrong = 0;
    for (unsigned long n = 1; n <= total; n++) {
        acc_alloc_fail_at(n);
        r = NULL;
        int st = acc_audit_run(&r, &opt, &src, 1, NULL);
        acc_alloc_fail_at(0);
        /* Either the failure was reported, or (a failed growth that was not needed) the
           result is the same as without failure. */
        wrong += !((st == ACC_ENOMEM && !r) ||
                   (st == ACC_OK && r && r->n_findings_total == expected));
        acc_audit_result_free(r);
    }
    CU_ASSERT_EQUAL(wrong, 0);
    free(text);
}

/* ---- Renderers -------------------------------------------------------------------------- */

static char *render(const acc_audit_result *r, acc_format format, bool quiet)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    acc_report_options o = { .format = format, .quiet = quiet };
    CU_ASSERT_EQUAL(acc_audit_render(f, r, &o), ACC_OK);
    fclose(f);
    return buf;
}

static void test_audit__json_has_the_stable_fields(void)
{
    acc_audit_result *r = audit_body(
        "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" to=\"JP\" "
        "topic=\"nk-missile\"/>\n  <bogus/>\n");
    char *json = render(r, ACC_FORMAT_JSON, false);
    CU_ASSERT_STRING_EQUAL(json,
        "{\n"
        "  \"command\": \"audit\",\n"
        "  \"rules\": \"TISA-2014\",\n"
        "  \"files\": [\n"
        "    {\n"
        "      \"file\": \"a.xml\",\n"
        "      \"entries\": 1,\n"
        "      \"complete\": true\n"
        "    }\n"
        "  ],\n"
        "  \"findings\": [\n"
        "    {\n"
        "      \"code\": \"not-permitted\",\n"
        "      \"severity\": \"error\",\n"
        "      \"file\": \"a.xml\",\n"
        "      \"line\": 2,\n"
        "      \"column\": 3,\n"
        "      \"seq\": 1,\n"
        "      \"id\": \"R-1\",\n"
        "      \"kind\": \"request\",\n"
        "      \"rule\": null,\n"
        "      \"message\": \"request from US to JP on nk-missile is permitted by no rule "
        "(permit rules for a request: art2-requests)\"\n"
        "    },\n"
        "    {\n"
        "      \"code\": \"schema\",\n"
        "      \"severity\": \"error\",\n"
        "      \"file\": \"a.xml\",\n"
        "      \"line\": 3,\n"
        "      \"column\": 3,\n"
        "      \"seq\": null,\n"
        "      \"id\": null,\n"
        "      \"kind\": null,\n"
        "      \"rule\": null,\n"
        "      \"message\": \"unexpected element <bogus> in <exchange-log> (ignored)\"\n"
        "    }\n"
        "  ],\n"
        "  \"summary\": {\n"
        "    \"entries\": 1,\n"
        "    \"findings\": 2,\n"
        "    \"errors\": 2,\n"
        "    \"warnings\": 0,\n"
        "    \"judged\": 1,\n"
        "    \"permitted\": 0,\n"
        "    \"findings_listed\": 2,\n"
        "    \"complete\": true,\n"
        "    \"period\": {\n"
        "      \"min\": \"2015-01-05T09:00:00Z\",\n"
        "      \"max\": \"2015-01-05T09:00:00Z\"\n"
        "    },\n"
        "    \"by_code\": {\n"
        "      \"not-permitted\": 1,\n"
        "      \"schema\": 1\n"
        "    },\n"
        "    \"by_rule\": [],\n"
        "    \"chain\": {\n"
        "      \"status\": \"absent\",\n"
        "      \"last_digest\": null,\n"
        "      \"head_checked\": false,\n"
        "      \"head_matched\": null\n"
        "    }\n"
        "  }\n"
        "}\n");
    free(json);
    acc_audit_result_free(r);
}

static void test_audit__text_puts_the_summary_first(void)
{
    acc_audit_result *r = audit_body(
        "  <transfer seq=\"1\" id=\"T-1\" time=\"2015-01-06T08:00:00Z\" from=\"KR\" to=\"US\" "
        "item=\"I-1\" originator=\"KR\" topic=\"other\" level=\"SECRET\"/>\n");
    char *text = render(r, ACC_FORMAT_TEXT, false);
    CU_ASSERT_STRING_EQUAL(text,
        "audit of 1 log file under TISA-2014\n"
        "  a.xml: 1 entry\n"
        "entries:  1 (1 judged: 0 permitted, 1 denied)\n"
        "period:   2015-01-06T08:00:00Z .. 2015-01-06T08:00:00Z\n"
        "chain:    absent\n"
        "findings: 2 (2 errors, 0 warnings)\n"
        "  forbidden      1\n"
        "  invariant      1\n"
        "by rule:\n"
        "  art1-scope               forbidden  1\n"
        "  scope                    invariant  1\n"
        "\n"
        "a.xml:2:3: error: [forbidden] transfer of KR item 'I-1' (other, SECRET) from KR to US "
        "is forbidden by rule art1-scope: \"The military intelligence to be shared under the "
        "accord will only be limited to the North's nuclear and missile programs\" (seq 1, "
        "id T-1, rule art1-scope)\n"
        "a.xml:2:3: error: [invariant] transfer of KR item 'I-1' (other, SECRET) from KR to US "
        "violates invariant scope: \"will only be limited to the North's nuclear and missile "
        "programs\" (seq 1, id T-1, rule scope)\n");
    free(text);
    acc_report_options o = { .format = ACC_FORMAT_SARIF };
    CU_ASSERT_EQUAL(acc_audit_render(stdout, r, &o), ACC_EUSAGE);
    acc_audit_result_free(r);
}

/* ---- The shipped samples ----------------------------------------------------------------- */

static acc_audit_result *audit_sample(const char *rel, const acc_ruleset *rs)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = rs;
    opt.collect = true;
    acc_audit_result *r = NULL;
    CU_ASSERT_EQUAL(acc_audit_files(&r, &opt, &rel, 1, NULL), ACC_OK);
    return r;
}

static void test_audit__q1_sample_is_clean(void)
{
    acc_audit_result *r = audit_sample("logs/q1-2015.xml", tisa());
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    ASSERT_FINDINGS(r, "");
    CU_ASSERT_EQUAL(r->entries, 30);
    CU_ASSERT_EQUAL(r->judged, 30);
    CU_ASSERT_EQUAL(r->permitted, 30);
    acc_audit_result_free(r);
}

static void test_audit__findings_sample_shows_every_code_but_malformed(void)
{
    static const char expected[] =
        "forbidden 18:3 seq=4 id=T-16-002 rule=art1-scope\n"
        "invariant 18:3 seq=4 id=T-16-002 rule=scope\n"
        "not-permitted 24:3 seq=5 id=T-16-003 rule=-\n"
        "invariant 24:3 seq=5 id=T-16-003 rule=no-direct\n"
        "not-permitted 33:3 seq=7 id=T-16-005 rule=-\n"
        "invariant 33:3 seq=7 id=T-16-005 rule=mutual-approval\n"
        "schema 39:3 seq=8 id=R-16-002 rule=-\n"
        "schema 45:3 seq=9 id=R-16-003 rule=-\n"
        "unknown-value 50:3 seq=10 id=R-16-004 rule=-\n"
        "duplicate-id 55:3 seq=11 id=R-16-001 rule=-\n"
        "seq-gap 60:3 seq=13 id=R-16-005 rule=-\n"
        "dangling-ref 66:3 seq=14 id=T-16-006 rule=-\n"
        "chain-break 73:3 seq=15 id=R-16-006 rule=-\n"
        "not-permitted 84:3 seq=17 id=T-16-007 rule=-\n";
    acc_audit_result *r = audit_sample("logs/findings.xml", tisa());
    ASSERT_FINDINGS(r, expected);
    acc_audit_result_free(r);
    test_diags d = { 0 };
    const char *paths[] = { "rules/tisa-2014.accord", "logs/findings-assume.accord" };
    acc_ruleset *rs = test_compile_files(paths, 2, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    r = audit_sample("logs/findings.xml", rs);
    char with_assumption[sizeof expected + 64];
    snprintf(with_assumption, sizeof with_assumption, "%s%s", expected,
             "assumption 84:3 seq=17 id=T-16-007 rule=held\n");
    ASSERT_FINDINGS(r, with_assumption);
    for (int c = 0; c < ACC_FINDING_COUNT; c++)
        CU_ASSERT_EQUAL(r->by_code[c] > 0, c != ACC_FINDING_MALFORMED);
    acc_audit_result_free(r);
    acc_ruleset_free(rs);
    test_diags_free(&d);
}

static void test_audit__malformed_sample_stops_at_the_broken_tag(void)
{
    acc_audit_result *r = audit_sample("logs/malformed.xml", tisa());
    ASSERT_FINDINGS(r, "not-permitted 12:3 seq=3 id=T-15-302 rule=-\n"
                       "invariant 12:3 seq=3 id=T-15-302 rule=mutual-approval\n"
                       "malformed 17:3 seq=- id=- rule=-\n");
    CU_ASSERT_TRUE(r->stopped);
    CU_ASSERT_FALSE(r->files[0].complete);
    acc_audit_result_free(r);
}

static void test_audit__schema_valid_samples_validate_with_xmllint(void)
{
    static const char *const valid[] = { "logs/q1-2015.xml", "logs/chained.xml",
                                         "logs/stream-part1.xml", "logs/stream-part2.xml" };
    char cmd[8192];
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        snprintf(cmd, sizeof cmd,
                 "xmllint --noout --schema '%s/logs/exchange-log.xsd' '%s/%s' 2>/dev/null",
                 test_source_dir(), test_source_dir(), valid[i]);
        CU_ASSERT_EQUAL(system(cmd), 0);
    }
    /* The samples of findings fail exactly where the audit reports schema findings. */
    snprintf(cmd, sizeof cmd,
             "xmllint --noout --schema '%s/logs/exchange-log.xsd' '%s/logs/findings.xml' 2>&1 "
             "| grep -c 'Schemas validity error'", test_source_dir(), test_source_dir());
    FILE *p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    int n = -1;
    CU_ASSERT_EQUAL(fscanf(p, "%d", &n), 1);
    pclose(p);
    CU_ASSERT_EQUAL(n, 2);
    snprintf(cmd, sizeof cmd,
             "xmllint --noout --schema '%s/logs/exchange-log.xsd' '%s/logs/malformed.xml' "
             ">/dev/null 2>&1", test_source_dir(), test_source_dir());
    CU_ASSERT_NOT_EQUAL(system(cmd), 0);
}

/* Entries the format accepts or not: the audit's schema findings and the XSD agree. */
static void test_audit__schema_findings_agree_with_the_xsd(void)
{
    static const struct { const char *entry; bool valid; } cases[] = {
        { "<request seq=\"1\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", true },
        { "<request seq=\"1\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"CN\" to=\"US\" topic=\"x\"/>", true },
        { "<request seq=\"01\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", false },
        { "<request seq=\"9223372036854775808\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", false },
        { "<request seq=\"1\" id=\"\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", false },
        { "<request seq=\"1\" id=\"R\" time=\"2015-02-29T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", false },
        { "<request seq=\"1\" id=\"R\" time=\"2016-02-29T24:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", false },
        { "<request seq=\"1\" id=\"R\" time=\"2016-02-29T23:59:59Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\"/>", true },
        { "<request seq=\"1\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\"/>", false },
        { "<request seq=\"1\" id=\"R\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" topic=\"nk-missile\" item=\"I\"/>", false },
        { "<approval seq=\"1\" id=\"A\" time=\"2015-01-05T09:00:00Z\" from=\"KR\" to=\"JP\" item=\"\" decision=\"revoked\"/>", true },
        { "<approval seq=\"1\" id=\"A\" time=\"2015-01-05T09:00:00Z\" from=\"KR\" to=\"JP\" item=\"I\" decision=\"maybe\"/>", false },
        { "<transfer seq=\"1\" id=\"T\" time=\"2015-01-05T09:00:00Z\" from=\"KR\" to=\"US\" item=\"I\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\" request=\"\" approval=\"A\"/>", true },
        { "<transfer seq=\"1\" id=\"T\" time=\"2015-01-05T09:00:00Z\" from=\"KR\" to=\"US\" item=\"I\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"><note>n</note></transfer>", true },
        { "<transfer seq=\"1\" id=\"T\" time=\"2015-01-05T09:00:00Z\" from=\"KR\" to=\"US\" item=\"I\" originator=\"KR\" topic=\"nk-missile\" level=\"SECRET\"><note>n</note><note>m</note></transfer>", false },
        { "<remark/>", false },
    };
    char path[64], cmd[8192], log[2048];
    snprintf(path, sizeof path, "/tmp/accord-xsd-%d.xml", (int)getpid());
    int disagree = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(log, sizeof log, "%s  %s\n%s", LOG_HEAD, cases[i].entry, LOG_END);
        FILE *f = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        fputs(log, f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s/logs/exchange-log.xsd' '%s' "
                 ">/dev/null 2>&1", test_source_dir(), path);
        bool xsd_ok = system(cmd) == 0;
        acc_audit_result *r = audit_text(log);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        bool audit_ok = r->by_code[ACC_FINDING_SCHEMA] == 0;
        if (xsd_ok != cases[i].valid || audit_ok != cases[i].valid) {
            fprintf(stderr, "\ncase %zu: xsd %d audit %d expected %d\n", i, xsd_ok, audit_ok,
                    cases[i].valid);
            disagree++;
        }
        acc_audit_result_free(r);
    }
    unlink(path);
    CU_ASSERT_EQUAL(disagree, 0);
}

int main(void)
{
    static const test_case tests[] = {
        { "forbidden_names_the_rule_and_its_citation", test_audit__forbidden_names_the_rule_and_its_citation },
        { "forbid_without_permit_gives_forbidden_and_not_permitted", test_audit__forbid_without_permit_gives_forbidden_and_not_permitted },
        { "not_permitted_explains_the_missing_approval", test_audit__not_permitted_explains_the_missing_approval },
        { "not_permitted_lists_the_permit_rules_when_none_came_close", test_audit__not_permitted_lists_the_permit_rules_when_none_came_close },
        { "schema_for_missing_field_skips_the_verdict", test_audit__schema_for_missing_field_skips_the_verdict },
        { "schema_for_bad_values_is_exact", test_audit__schema_for_bad_values_is_exact },
        { "schema_extra_attribute_still_judges_the_entry", test_audit__schema_extra_attribute_still_judges_the_entry },
        { "schema_for_children_and_text_at_their_place", test_audit__schema_for_children_and_text_at_their_place },
        { "text_in_the_root_is_located_at_its_first_character", test_audit__text_in_the_root_is_located_at_its_first_character },
        { "unknown_value_names_type_attribute_and_rules", test_audit__unknown_value_names_type_attribute_and_rules },
        { "values_are_taken_as_written", test_audit__values_are_taken_as_written },
        { "duplicate_id_across_kinds", test_audit__duplicate_id_across_kinds },
        { "seq_gap_makes_the_breaking_entry_the_reference", test_audit__seq_gap_makes_the_breaking_entry_the_reference },
        { "bad_seq_takes_the_expected_place", test_audit__bad_seq_takes_the_expected_place },
        { "dangling_ref_for_missing_wrong_kind_and_later_entries", test_audit__dangling_ref_for_missing_wrong_kind_and_later_entries },
        { "assumption_is_a_warning_with_its_name", test_audit__assumption_is_a_warning_with_its_name },
        { "malformed_keeps_earlier_findings_and_stops", test_audit__malformed_keeps_earlier_findings_and_stops },
        { "root_in_wrong_namespace_stops_with_schema", test_audit__root_in_wrong_namespace_stops_with_schema },
        { "root_with_other_name_stops_with_schema", test_audit__root_with_other_name_stops_with_schema },
        { "root_accord_missing_or_unknown_stops", test_audit__root_accord_missing_or_unknown_stops },
        { "unknown_root_attribute_is_reported_and_audit_goes_on", test_audit__unknown_root_attribute_is_reported_and_audit_goes_on },
        { "files_are_one_stream_for_facts_seq_and_ids", test_audit__files_are_one_stream_for_facts_seq_and_ids },
        { "sample_stream_parts_audit_clean_only_together", test_audit__sample_stream_parts_audit_clean_only_together },
        { "chained_sample_verifies_and_head_matches", test_audit__chained_sample_verifies_and_head_matches },
        { "chain_edit_breaks_one_link", test_audit__chain_edit_breaks_one_link },
        { "chain_deleted_entry_breaks_the_link_after_the_gap", test_audit__chain_deleted_entry_breaks_the_link_after_the_gap },
        { "chain_inserted_entry_breaks_it_and_the_next", test_audit__chain_inserted_entry_breaks_it_and_the_next },
        { "chain_entry_inserted_before_the_first_breaks_both", test_audit__chain_entry_inserted_before_the_first_breaks_both },
        { "chain_starting_late_lists_1024_entries_then_sums_up", test_audit__chain_starting_late_lists_1024_entries_then_sums_up },
        { "chain_reordered_entries_break_at_each_moved_link", test_audit__chain_reordered_entries_break_at_each_moved_link },
        { "chain_head_mismatch_is_a_break_at_the_last_entry", test_audit__chain_head_mismatch_is_a_break_at_the_last_entry },
        { "chain_head_on_empty_stream_is_a_break_without_entry", test_audit__chain_head_on_empty_stream_is_a_break_without_entry },
        { "chain_head_of_unchained_log_is_the_recomputed_digest", test_audit__chain_head_of_unchained_log_is_the_recomputed_digest },
        { "chain_digest_missing_on_first_entries_is_reported_for_each", test_audit__chain_digest_missing_on_first_entries_is_reported_for_each },
        { "baseline_lists_changed_verdicts", test_audit__baseline_lists_changed_verdicts },
        { "two_threads_report_progress_and_findings_as_one_does",
          test_audit__two_threads_report_progress_and_findings_as_one_does },
        { "max_findings_limits_reports_but_counts_all", test_audit__max_findings_limits_reports_but_counts_all },
        { "check_paths_reports_every_unusable_file", test_audit__check_paths_reports_every_unusable_file },
        { "bad_options_are_usage_errors", test_audit__bad_options_are_usage_errors },
        { "no_source_is_an_empty_stream", test_audit__no_source_is_an_empty_stream },
        { "finding_codes_round_trip_with_their_severity", test_audit__finding_codes_round_trip_with_their_severity },
        { "exit_codes_follow_cli_md", test_audit__exit_codes_follow_cli_md },
        { "every_failed_allocation_is_reported_without_leak", test_audit__every_failed_allocation_is_reported_without_leak },
        { "json_has_the_stable_fields", test_audit__json_has_the_stable_fields },
        { "text_puts_the_summary_first", test_audit__text_puts_the_summary_first },
        { "q1_sample_is_clean", test_audit__q1_sample_is_clean },
        { "findings_sample_shows_every_code_but_malformed", test_audit__findings_sample_shows_every_code_but_malformed },
        { "malformed_sample_stops_at_the_broken_tag", test_audit__malformed_sample_stops_at_the_broken_tag },
        { "schema_valid_samples_validate_with_xmllint", test_audit__schema_valid_samples_validate_with_xmllint },
        { "schema_findings_agree_with_the_xsd", test_audit__schema_findings_agree_with_the_xsd },
        { NULL, NULL } };
    return test_run_suite("audit", tests);
}
