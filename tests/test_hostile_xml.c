/*
 * test_hostile_xml.c - untrusted logs (exchange-log.md, "Hostile and broken input"):
 * truncation at every byte offset never crashes and always stops with `malformed` after
 * the findings before the cut; external entities (file and network) are neither fetched
 * nor expanded, entity expansion bombs are refused at the DOCTYPE; libxml2's limits
 * (depth, value sizes) end the audit cleanly.
 */
#include "audit_helpers.h"

#include <unistd.h>

static char *sample(const char *rel, size_t *len)
{
    char path[4096];
    return test_read_file(test_path(path, sizeof path, rel), len);
}

/* Audits text[0..len) (not NUL-terminated) as "a.xml". */
static acc_audit_result *audit_bytes(const char *text, size_t len)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = tisa();
    opt.collect = true;
    acc_audit_source src = { "a.xml", text, len };
    acc_audit_result *r = NULL;
    CU_ASSERT_EQUAL(audit_run_both(&r, opt, &src, 1), ACC_OK);
    return r;
}

static void test_hostile_xml__truncation_at_every_offset_stops_with_earlier_findings(void)
{
    size_t len = 0;
    char *text = sample("logs/findings.xml", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    acc_audit_result *full = audit_bytes(text, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    char *all = findings_text(full, true);
    const char *end_tag = strstr(text, "</exchange-log>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end_tag);
    size_t complete_at = (size_t)(end_tag - text) + strlen("</exchange-log>");
    int bad = 0;
    for (size_t cut = 0; cut < len; cut++) {
        acc_audit_result *r = audit_bytes(text, cut);
        if (!r) {
            bad++;
            continue;
        }
        if (cut >= complete_at) {
            /* Only trailing whitespace is missing: the log is whole. */
            bad += r->stopped || r->n_findings != full->n_findings;
            acc_audit_result_free(r);
            continue;
        }
        const acc_finding *last = r->n_findings ? &r->findings[r->n_findings - 1] : NULL;
        bool ok = r->stopped && r->malformed && last && last->code == ACC_FINDING_MALFORMED &&
                  last->line >= 1 && last->column >= 1 && !last->has_entry &&
                  !r->files[0].complete;
        /* Every finding before the malformed one is one of the full audit, in order. */
        r->n_findings--;
        char *got = findings_text(r, true);
        r->n_findings++;
        ok = ok && got && strncmp(all, got, strlen(got)) == 0;
        if (!ok && bad < 3)
            fprintf(stderr, "\ncut at %zu: stopped=%d findings=%zu\n%s", cut, r->stopped,
                    r->n_findings, got ? got : "");
        bad += !ok;
        free(got);
        acc_audit_result_free(r);
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(all);
    acc_audit_result_free(full);
    free(text);
}

/* A file whose content must never appear in any finding. */
static const char *canary_path(void)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/accord-canary-%d.txt", (int)getpid());
        FILE *f = fopen(path, "w");
        if (f) {
            fputs("CANARY-7f3a", f);
            fclose(f);
        }
    }
    return path;
}

static void assert_refused_at_doctype(const char *doc, unsigned line)
{
    acc_audit_result *r = audit_bytes(doc, strlen(doc));
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    char expected[128];
    snprintf(expected, sizeof expected, "malformed %u:1 seq=- id=- rule=-\n", line);
    ASSERT_FINDINGS(r, expected);
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "a document type declaration (DOCTYPE) is not allowed in an exchange "
                           "log; the audit stops here");
    CU_ASSERT_TRUE(r->stopped && r->malformed);
    CU_ASSERT_EQUAL(r->entries, 0);
    CU_ASSERT_EQUAL(acc_audit_exit_code(r, false), 2);
    acc_audit_result_free(r);
}

static void test_hostile_xml__external_file_entity_is_not_read(void)
{
    char doc[1024];
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE exchange-log [\n"
             "  <!ENTITY x SYSTEM \"file://%s\">\n"
             "]>\n" LOG_HEAD
             "  <request seq=\"1\" id=\"&x;\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" "
             "to=\"US\" topic=\"nk-missile\"/>\n" LOG_END, canary_path());
    assert_refused_at_doctype(doc, 2);
}

static void test_hostile_xml__external_dtd_and_network_entities_are_not_fetched(void)
{
    /* Port 9 (discard) on this host: a fetch attempt would fail or hang, never succeed. */
    assert_refused_at_doctype("<!DOCTYPE exchange-log SYSTEM \"http://127.0.0.1:9/log.dtd\">\n"
                              LOG_HEAD LOG_END, 1);
    assert_refused_at_doctype("<?xml version=\"1.0\"?>\n<!-- x -->\n"
                              "<!DOCTYPE exchange-log [\n"
                              "  <!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %p;\n"
                              "]>\n" LOG_HEAD LOG_END, 3);
    assert_refused_at_doctype("<!DOCTYPE exchange-log PUBLIC \"-//x//y\" \"ftp://127.0.0.1:9/<x\">"
                              LOG_HEAD LOG_END, 1);
}

static void test_hostile_xml__billion_laughs_is_refused_at_once(void)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"&lol9;\"/>\n";
    assert_refused_at_doctype(doc, 2);
}

static void test_hostile_xml__undeclared_entity_is_malformed(void)
{
    static const char doc[] =
        LOG_HEAD "  <request seq=\"1\" id=\"&x;\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" "
        "to=\"US\" topic=\"nk-missile\"/>\n" LOG_END;
    acc_audit_result *r = audit_bytes(doc, strlen(doc));
    ASSERT_FINDINGS(r, "malformed 2:27 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message, "malformed XML: Entity 'x' not defined");
    CU_ASSERT_EQUAL(r->entries, 0);
    acc_audit_result_free(r);
}

static void test_hostile_xml__predefined_and_character_references_are_values(void)
{
    static const char doc[] =
        LOG_HEAD "  <request seq=\"1\" id=\"R&amp;&#49;\" time=\"2015-01-05T09:00:00Z\" "
        "from=\"JP\" to=\"US\" topic=\"nk-missile\"/>\n"
        "  <request seq=\"2\" id=\"R&amp;1\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" to=\"US\" "
        "topic=\"nk-missile\"/>\n" LOG_END;
    acc_audit_result *r = audit_bytes(doc, strlen(doc));
    ASSERT_FINDINGS(r, "duplicate-id 3:3 seq=2 id=R&1 rule=-\n");
    acc_audit_result_free(r);
}

static void test_hostile_xml__excessive_depth_stops_cleanly(void)
{
    static char doc[40000];
    size_t len = (size_t)snprintf(doc, sizeof doc, "%s", LOG_HEAD);
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(doc + len, sizeof doc - len, "<d>");
    acc_audit_result *r = audit_bytes(doc, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    /* <d> under the root is a schema finding; the 256th level stops the reader. */
    ASSERT_FINDINGS(r, "schema 2:1 seq=- id=- rule=-\n"
                       "malformed 2:766 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[1].message,
                           "malformed XML: elements are nested more than 256 levels deep");
    CU_ASSERT_TRUE(r->stopped);
    acc_audit_result_free(r);
}

static void test_hostile_xml__oversized_value_stops_cleanly(void)
{
    size_t big = 11u * 1000 * 1000;        /* over libxml2's 10 MB limit (no XML_PARSE_HUGE) */
    size_t cap = big + 1024;
    char *doc = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    size_t len = (size_t)snprintf(doc, cap, "%s  <request seq=\"1\" id=\"", LOG_HEAD);
    memset(doc + len, 'x', big);
    len += big;
    len += (size_t)snprintf(doc + len, cap - len, "\"/>\n%s", LOG_END);
    acc_audit_result *r = audit_bytes(doc, len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    ASSERT_FINDINGS(r, "malformed 2:3 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "malformed XML: a start tag or value is larger than the 10 MB limit");
    CU_ASSERT_TRUE(r->stopped);
    acc_audit_result_free(r);
    free(doc);
}

static void test_hostile_xml__nul_and_invalid_utf8_are_located(void)
{
    static const char doc[] = LOG_HEAD "  <request seq=\"1\" id=\"R\0\" />\n" LOG_END;
    acc_audit_result *r = audit_bytes(doc, sizeof doc - 1);
    ASSERT_FINDINGS(r, "malformed 2:25 seq=- id=- rule=-\n");
    acc_audit_result_free(r);
    static const char doc2[] = LOG_HEAD "  <request seq=\"1\" id=\"R\xE9\" />\n" LOG_END;
    r = audit_bytes(doc2, sizeof doc2 - 1);
    ASSERT_FINDINGS(r, "malformed 2:25 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[0].message,
                           "malformed XML: invalid UTF-8 Bytes: 0xE9 0x22 0x20 0x2F");
    acc_audit_result_free(r);
}

static void test_hostile_xml__doctype_in_a_later_file_keeps_the_first(void)
{
    char first[1024];
    snprintf(first, sizeof first, "%s%s%s", LOG_HEAD,
             "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" to=\"JP\" "
             "topic=\"nk-missile\"/>\n", LOG_END);
    const char *texts[] = { first, "<!DOCTYPE x>\n" LOG_HEAD LOG_END, first };
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    acc_audit_result *r = audit_texts_opt(texts, 3, opt);
    ASSERT_FINDINGS(r, "not-permitted 2:3 seq=1 id=R-1 rule=-\n"
                       "malformed 1:1 seq=- id=- rule=-\n");
    CU_ASSERT_STRING_EQUAL(r->findings[1].file, "b.xml");
    CU_ASSERT_TRUE(r->files[0].complete);
    CU_ASSERT_FALSE(r->files[1].complete);
    CU_ASSERT_FALSE(r->files[2].complete);
    CU_ASSERT_EQUAL(r->files[2].entries, 0);
    acc_audit_result_free(r);
}

int main(void)
{
    static const test_case tests[] = {
        { "truncation_at_every_offset_stops_with_earlier_findings", test_hostile_xml__truncation_at_every_offset_stops_with_earlier_findings },
        { "external_file_entity_is_not_read", test_hostile_xml__external_file_entity_is_not_read },
        { "external_dtd_and_network_entities_are_not_fetched", test_hostile_xml__external_dtd_and_network_entities_are_not_fetched },
        { "billion_laughs_is_refused_at_once", test_hostile_xml__billion_laughs_is_refused_at_once },
        { "undeclared_entity_is_malformed", test_hostile_xml__undeclared_entity_is_malformed },
        { "predefined_and_character_references_are_values", test_hostile_xml__predefined_and_character_references_are_values },
        { "excessive_depth_stops_cleanly", test_hostile_xml__excessive_depth_stops_cleanly },
        { "oversized_value_stops_cleanly", test_hostile_xml__oversized_value_stops_cleanly },
        { "nul_and_invalid_utf8_are_located", test_hostile_xml__nul_and_invalid_utf8_are_located },
        { "doctype_in_a_later_file_keeps_the_first", test_hostile_xml__doctype_in_a_later_file_keeps_the_first },
        { NULL, NULL } };
    int rc = test_run_suite("hostile_xml", tests);
    unlink(canary_path());
    return rc;
}
