/*
 * test_xml_reader.c - the streaming XML reader (src/xml_reader.h): where start tags begin
 * (also when they span lines, when a line holds many tags, and whatever the chunking;
 * against a count of the bytes on random documents),
 * errors with their locations, DOCTYPE refusal, UTF-8 only, interned names.
 */
#include "test_support.h"

#include "xml_reader.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct trace {
    char text[8192];
    size_t len;
    const char *request_name;   /* interned "request" */
    int interned_hits;
} trace;

static void add(trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(trace *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->text + t->len, sizeof t->text - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

static bool on_start(void *payload, const acc_xml_start *el)
{
    trace *t = payload;
    t->interned_hits += el->name == t->request_name;
    add(t, "<%s %u:%u d%u", el->name, el->line, el->column, el->depth);
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr a = acc_xml_start_attr(el, i);
        add(t, " %s=%.*s", a.name, (int)a.value_len, a.value);
    }
    add(t, "\n");
    return true;
}

static bool on_end(void *payload, unsigned depth)
{
    add(payload, "/%u\n", depth);
    return true;
}

static bool on_text(void *payload, const acc_xml_text *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->s[i] != ' ' && t->s[i] != '\n') {
            add(payload, "text d%u\n", t->depth);
            break;
        }
    return true;
}

static const acc_xml_handler handler = { on_start, on_end, on_text };

/* Feeds `doc` in chunks of `chunk` bytes (0: all at once); returns the trace, with the
   error (if any) as a last line "error L:C message". */
static void read_doc(trace *t, const char *doc, size_t len, size_t chunk)
{
    memset(t, 0, sizeof *t);
    acc_xml_reader *r = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_xml_reader_new(&r, &handler, t), ACC_OK);
    t->request_name = acc_xml_reader_intern(r, "request");
    size_t off = 0;
    int rc = ACC_OK;
    if (!chunk)
        chunk = len ? len : 1;
    do {
        size_t n = len - off < chunk ? len - off : chunk;
        rc = acc_xml_reader_feed(r, doc + off, n, off + n == len);
        off += n;
    } while (rc == ACC_OK && off < len);
    const acc_xml_error *e = acc_xml_reader_error(r);
    if (e)
        add(t, "error %u:%u%s %s\n", e->line, e->column, e->doctype ? " doctype" : "", e->message);
    CU_ASSERT_EQUAL(rc, e ? ACC_EINPUT : ACC_OK);
    acc_xml_reader_free(r);
}

static const char spanning[] =
    "<?xml version=\"1.0\"?>\n"
    "<log>\n"
    "  <request a=\"1\"\n"
    "           b=\"two\n"
    "words\"\n"
    "  /><request c=\"3\"/>\n"
    "<x\n"
    "/>\n"
    "</log>\n";

static const char spanning_trace[] =
    "<log 2:1 d1\n"
    "<request 3:3 d2 a=1 b=two words\n"
    "/2\n"
    "<request 6:5 d2 c=3\n"
    "/2\n"
    "<x 7:1 d2\n"
    "/2\n"
    "/1\n";

static void test_xml_reader__start_tag_spanning_lines_reports_its_first_line(void)
{
    trace t;
    read_doc(&t, spanning, strlen(spanning), 0);
    CU_ASSERT_STRING_EQUAL(t.text, spanning_trace);
    CU_ASSERT_EQUAL(t.interned_hits, 2);
}

static void test_xml_reader__locations_do_not_depend_on_chunking(void)
{
    static const size_t chunks[] = { 1, 2, 3, 7, 64 };
    for (size_t i = 0; i < sizeof chunks / sizeof *chunks; i++) {
        trace t;
        read_doc(&t, spanning, strlen(spanning), chunks[i]);
        CU_ASSERT_STRING_EQUAL(t.text, spanning_trace);
    }
}

static void test_xml_reader__columns_on_a_long_line_of_tags_are_exact(void)
{
    /* One line holding 300 tags of 20 bytes: columns far beyond libxml2's 80-byte margin. */
    static char doc[8000];
    size_t len = (size_t)snprintf(doc, sizeof doc, "<log>");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(doc + len, sizeof doc - len, "<e n=\"%03d\"/><!--c-->", i);
    len += (size_t)snprintf(doc + len, sizeof doc - len, "</log>");
    static const size_t chunks[] = { 0, 1, 5, 4096 };
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        trace t;
        read_doc(&t, doc, len, chunks[c]);
        /* The 300th tag starts at 6 + 299 * 20. */
        char want[64];
        snprintf(want, sizeof want, "<e 1:%d d2 n=299\n", 6 + 299 * 20);
        CU_ASSERT_PTR_NOT_NULL(strstr(t.text, want));
        CU_ASSERT_PTR_NOT_NULL(strstr(t.text, "<e 1:26 d2 n=001\n"));
    }
}

/* Where each start tag of a random document begins, by the reader. */
typedef struct located {
    unsigned line[400], column[400];
    size_t n;
} located;

static bool locate_start(void *payload, const acc_xml_start *el)
{
    located *l = payload;
    if (el->depth == 2 && l->n < 400) {
        l->line[l->n] = el->line;
        l->column[l->n] = el->column;
        l->n++;
    }
    return true;
}

/* Up to `most` spaces and line ends, one in `per_line` a line end. */
static void random_blank(char *doc, size_t *len, unsigned *seed, unsigned most,
                         unsigned per_line)
{
    unsigned n = (*seed = *seed * 1103515245u + 12345u) >> 16;
    for (unsigned i = 0; i < n % (most + 1); i++) {
        *seed = *seed * 1103515245u + 12345u;
        doc[(*len)++] = (*seed >> 16) % per_line == 0 ? '\n' : ' ';
    }
}

static void test_xml_reader__locations_match_a_count_of_the_bytes_on_random_documents(void)
{
    /* Tags with attributes split over lines, values holding line ends, gaps of any length
       with many line ends or few (blank text reported or skipped): every start tag's line
       and column must be those of its '<', counted here byte by byte, whatever the
       chunking. */
    static const acc_xml_handler locating = { locate_start, NULL, NULL };
    unsigned seed = 2026;
    for (int round = 0; round < 40; round++) {
        static char doc[200000];
        unsigned want_line[400], want_column[400];
        size_t len = (size_t)snprintf(doc, sizeof doc, "<log>");
        size_t tags = 0;
        for (; tags < 300; tags++) {
            random_blank(doc, &len, &seed, round % 3 == 0 ? 3 : round % 3 == 1 ? 40 : 300,
                         round % 4 < 2 ? 4 : 97);
            unsigned line = 1, column = 1;
            for (size_t i = 0; i < len; i++) {
                column = doc[i] == '\n' ? 1 : column + 1;
                line += doc[i] == '\n';
            }
            want_line[tags] = line;
            want_column[tags] = column;
            len += (size_t)snprintf(doc + len, sizeof doc - len, "<e");
            for (int a = 0; a < 3; a++) {
                doc[len++] = ' ';
                random_blank(doc, &len, &seed, 30, 4);
                len += (size_t)snprintf(doc + len, sizeof doc - len, "a%d=\"", a);
                random_blank(doc, &len, &seed, 25, 4);
                doc[len++] = '"';
            }
            len += (size_t)snprintf(doc + len, sizeof doc - len, "/>");
        }
        len += (size_t)snprintf(doc + len, sizeof doc - len, "</log>");
        located got = { .n = 0 };
        acc_xml_reader *r = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_xml_reader_new(&r, &locating, &got), ACC_OK);
        if (round % 2)
            acc_xml_reader_skip_blank_text(r);
        size_t chunk = round % 4 == 0 ? len : 1 + ((seed = seed * 1103515245u + 12345u) >> 20);
        int rc = ACC_OK;
        for (size_t off = 0; rc == ACC_OK && off < len; off += chunk) {
            size_t k = len - off < chunk ? len - off : chunk;
            rc = acc_xml_reader_feed(r, doc + off, k, off + k == len);
        }
        CU_ASSERT_EQUAL(rc, ACC_OK);
        CU_ASSERT_EQUAL(got.n, tags);
        size_t wrong = 0;
        for (size_t i = 0; i < got.n && i < tags; i++)
            wrong += got.line[i] != want_line[i] || got.column[i] != want_column[i];
        CU_ASSERT_EQUAL(wrong, 0);
        acc_xml_reader_free(r);
    }
}

static void test_xml_reader__doctype_stops_before_its_declarations(void)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!-- a comment -->\n"
        "<!DOCTYPE log [\n"
        "  <!ENTITY a \"b\">\n"
        "]>\n"
        "<log>&a;</log>\n";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text,
        "error 3:1 doctype a document type declaration (DOCTYPE) is not allowed in an "
        "exchange log\n");
}

static void test_xml_reader__invalid_utf8_is_located(void)
{
    static const char doc[] = "<log>\n  <e a=\"caf\xC3\" b=\"x\"/>\n</log>\n";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text, "<log 1:1 d1\n"
                                   "error 2:12 invalid UTF-8 Bytes: 0xC3 0x22 0x20 0x62\n");
}

static void test_xml_reader__nul_byte_is_an_error(void)
{
    static const char doc[] = "<log>\n<e/>\0\n</log>\n";
    trace t;
    read_doc(&t, doc, sizeof doc - 1, 0);
    CU_ASSERT_STRING_EQUAL(t.text, "<log 1:1 d1\n<e 2:1 d2\n/2\n"
                                   "error 2:5 Char 0x0 out of allowed range\n");
}

static void test_xml_reader__utf16_input_is_refused(void)
{
    static const char doc[] = "\xFF\xFE<\0l\0o\0g\0/\0>\0";
    trace t;
    read_doc(&t, doc, sizeof doc - 1, 0);
    CU_ASSERT_STRING_EQUAL(t.text,
                           "error 1:1 the log is not UTF-8 text (UTF-16 or UTF-32 input)\n");
}

static void test_xml_reader__encoding_declaration_is_ignored(void)
{
    static const char doc[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                              "<log a=\"\xC3\xA9\"/>\n";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text, "<log 2:1 d1 a=\xC3\xA9\n/1\n");
}

static void test_xml_reader__truncation_points_at_the_end(void)
{
    static const char doc[] = "<log>\n  <e a=\"1\"/>\n  <e";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text,
        "<log 1:1 d1\n<e 2:3 d2 a=1\n/2\n"
        "error 3:5 Couldn't find end of Start Tag e at the end of the log (truncated?)\n");
    read_doc(&t, doc, strlen(doc) - 4, 0);
    CU_ASSERT_STRING_EQUAL(t.text,
        "<log 1:1 d1\n<e 2:3 d2 a=1\n/2\n"
        "error 3:1 the log ends before its root element is closed (truncated)\n");
    read_doc(&t, "", 0, 0);
    CU_ASSERT_STRING_EQUAL(t.text,
                           "error 1:1 the log has no root element (empty or truncated)\n");
}

static void test_xml_reader__content_after_the_root_is_an_error(void)
{
    static const char doc[] = "<log/>\n<log/>\n";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text, "<log 1:1 d1\n/1\n"
                                   "error 2:1 Extra content at the end of the document\n");
}

static void test_xml_reader__text_is_reported_with_its_depth(void)
{
    static const char doc[] = "<log>a<e>b<n>c</n></e><![CDATA[d]]></log>";
    trace t;
    read_doc(&t, doc, strlen(doc), 0);
    CU_ASSERT_STRING_EQUAL(t.text, "<log 1:1 d1\ntext d1\n<e 1:7 d2\ntext d2\n<n 1:11 d3\n"
                                   "text d3\n/3\n/2\ntext d1\n/1\n");
}

static void test_xml_reader__handler_can_stop_the_reader(void)
{
    acc_xml_reader *r = NULL;
    trace t = { 0 };
    CU_ASSERT_EQUAL_FATAL(acc_xml_reader_new(&r, &handler, &t), ACC_OK);
    acc_xml_reader_stop(r);
    CU_ASSERT_EQUAL(acc_xml_reader_feed(r, "<log/>", 6, true), ACC_EINPUT);
    CU_ASSERT_PTR_NULL(acc_xml_reader_error(r));
    CU_ASSERT_STRING_EQUAL(t.text, "");
    acc_xml_reader_free(r);
}

/* Counts start tags only (for documents too large to trace). */
static bool count_start(void *payload, const acc_xml_start *el)
{
    (void)el;
    ++*(unsigned *)payload;
    return true;
}

/* The attribute guard, byte by byte: the offset of the '=' that gives a tag its 1,001st
   attribute (outside quotes), or len. Comments, CDATA sections and processing
   instructions are crossed to their ends; a '<' or '>' outside quotes ends a tag. */
static size_t guard_reference(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i++] != '<')
            continue;
        const char *end = NULL;
        if (i < len && s[i] == '?')
            end = "?>";
        else if (len - i >= 3 && memcmp(s + i, "!--", 3) == 0)
            end = "-->";
        else if (len - i >= 2 && memcmp(s + i, "![", 2) == 0)
            end = "]]>";
        if (end) {
            const char *e = strstr(s + i, end);
            i = e ? (size_t)(e - s) + strlen(end) : len;
            continue;
        }
        unsigned attrs = 0;
        char quote = 0;
        for (; i < len; i++) {
            char c = s[i];
            if (quote) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '=' && ++attrs > 1000) {
                return i;
            } else if (c == '>' || c == '<') {
                break;
            }
        }
    }
    return len;
}

/* Appends n bytes drawn from `from` to doc. */
static void random_bytes(char *doc, size_t *len, unsigned *seed, const char *from, unsigned n)
{
    size_t k = strlen(from);
    for (unsigned i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        doc[(*len)++] = from[(*seed >> 16) % k];
    }
}

static void test_xml_reader__attribute_guard_agrees_with_a_byte_by_byte_scan(void)
{
    /* Documents of tags with 1 to 5 or 998 to 1,002 attributes, whose values hold '=',
       '>' and the other quote, between text, comments, CDATA sections and processing
       instructions full of '=' and '<': screened in random chunks, the cut must be where
       a scan that follows every byte puts it. */
    unsigned seed = 99;
    for (int round = 0; round < 60; round++) {
        size_t cap = 200000, len = 0;
        char *doc = malloc(cap + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        len += (size_t)sprintf(doc, "<log>");
        while (len < cap - 60000) {
            seed = seed * 1103515245u + 12345u;
            unsigned what = (seed >> 16) % 6, n = 1 + (seed >> 8) % 40;
            if (what == 0) {
                random_bytes(doc, &len, &seed, "ab= >\n", n);
            } else if (what == 1) {
                len += (size_t)sprintf(doc + len, "<!--");
                random_bytes(doc, &len, &seed, "a=<>'\" ", n);
                len += (size_t)sprintf(doc + len, "-->");
            } else if (what == 2) {
                len += (size_t)sprintf(doc + len, "<![CDATA[");
                random_bytes(doc, &len, &seed, "a=<>'\" ", n);
                len += (size_t)sprintf(doc + len, "]]>");
            } else if (what == 3) {
                len += (size_t)sprintf(doc + len, "<?p ");
                random_bytes(doc, &len, &seed, "a=<>'\" ", n);
                len += (size_t)sprintf(doc + len, "?>");
            } else {
                unsigned attrs = what == 4 ? 1 + n % 5 : 998 + n % 5;
                len += (size_t)sprintf(doc + len, "<t");
                for (unsigned a = 0; a < attrs; a++) {
                    seed = seed * 1103515245u + 12345u;
                    char quote = (seed >> 20) & 1 ? '"' : '\'';
                    len += (size_t)sprintf(doc + len, "%sa%u=%c", (seed >> 21) & 1 ? " " : "\n",
                                           a, quote);
                    random_bytes(doc, &len, &seed, quote == '"' ? "b='>" : "b=\">",
                                 (seed >> 24) % 4);
                    doc[len++] = quote;
                }
                len += (size_t)sprintf(doc + len, "/>");
            }
        }
        len += (size_t)sprintf(doc + len, "</log>");
        doc[len] = '\0';
        size_t want = guard_reference(doc, len), got = len;
        acc_xml_screen sc;
        acc_xml_screen_init(&sc);
        size_t chunk = round % 3 == 0 ? len : 1 + ((seed = seed * 1103515245u + 12345u) >> 22);
        for (size_t off = 0; off < len && got == len; off += chunk) {
            size_t k = len - off < chunk ? len - off : chunk;
            acc_xml_screened out;
            acc_xml_screen_chunk(&sc, doc + off, k, &out);
            if (out.cut < k)
                got = off + out.cut;
        }
        CU_ASSERT_EQUAL(got, want);
        free(doc);
    }
}

static void test_xml_reader__attribute_limit_is_exact_whatever_the_values_and_chunks(void)
{
    /* Tags of 999 to 1,002 attributes whose double-quoted values hold '=', '>', single
       quotes and spaces at random places, read in random chunks: a tag over 1,000 stops
       the reader at the '=' of its 1,001st attribute, one at or under it goes through. */
    static const acc_xml_handler counter = { .start = count_start };
    unsigned seed = 12345;
    for (int round = 0; round < 24; round++) {
        int n_attrs = 999 + round % 4;
        size_t cap = 64 + (size_t)n_attrs * 40, len = 0;
        char *doc = malloc(cap);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        len += (size_t)sprintf(doc, "<log>\n<t");
        unsigned limit_column = 0;
        for (int i = 0; i < n_attrs; i++) {
            len += (size_t)sprintf(doc + len, "%sa%d", (seed = seed * 1103515245u + 12345u) >> 30
                                                        ? " " : "\t", i);
            if (i == 1000)
                limit_column = (unsigned)(len - 6) + 1;    /* after "<log>\n" */
            doc[len++] = '=';
            doc[len++] = '"';
            int vlen = (int)((seed = seed * 1103515245u + 12345u) >> 28);
            for (int k = 0; k < vlen; k++)
                doc[len++] = "a=> 'b"[((seed = seed * 1103515245u + 12345u) >> 29) % 6];
            doc[len++] = '"';
        }
        len += (size_t)sprintf(doc + len, "/>\n</log>\n");
        size_t chunk = round % 3 == 0 ? 4096 : 1 + ((seed = seed * 1103515245u + 12345u) >> 24);
        unsigned starts = 0;
        acc_xml_reader *r = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_xml_reader_new(&r, &counter, &starts), ACC_OK);
        int rc = ACC_OK;
        for (size_t off = 0; rc == ACC_OK && off < len; off += chunk) {
            size_t k = len - off < chunk ? len - off : chunk;
            rc = acc_xml_reader_feed(r, doc + off, k, off + k == len);
        }
        const acc_xml_error *e = acc_xml_reader_error(r);
        if (n_attrs > 1000) {
            CU_ASSERT_EQUAL(rc, ACC_EINPUT);
            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            CU_ASSERT_STRING_EQUAL(e->message, "a start tag has more than 1000 attributes");
            CU_ASSERT_EQUAL(e->line, 2);
            CU_ASSERT_EQUAL(e->column, limit_column);
            CU_ASSERT_EQUAL(starts, 1);     /* <log> only */
        } else {
            CU_ASSERT_EQUAL(rc, ACC_OK);
            CU_ASSERT_PTR_NULL(e);
            CU_ASSERT_EQUAL(starts, 2);
        }
        acc_xml_reader_free(r);
        free(doc);
    }
}

int main(void)
{
    static const test_case tests[] = {
        { "attribute_limit_is_exact_whatever_the_values_and_chunks",
          test_xml_reader__attribute_limit_is_exact_whatever_the_values_and_chunks },
        { "attribute_guard_agrees_with_a_byte_by_byte_scan",
          test_xml_reader__attribute_guard_agrees_with_a_byte_by_byte_scan },
        { "start_tag_spanning_lines_reports_its_first_line", test_xml_reader__start_tag_spanning_lines_reports_its_first_line },
        { "locations_do_not_depend_on_chunking", test_xml_reader__locations_do_not_depend_on_chunking },
        { "columns_on_a_long_line_of_tags_are_exact", test_xml_reader__columns_on_a_long_line_of_tags_are_exact },
        { "locations_match_a_count_of_the_bytes_on_random_documents",
          test_xml_reader__locations_match_a_count_of_the_bytes_on_random_documents },
        { "doctype_stops_before_its_declarations", test_xml_reader__doctype_stops_before_its_declarations },
        { "invalid_utf8_is_located", test_xml_reader__invalid_utf8_is_located },
        { "nul_byte_is_an_error", test_xml_reader__nul_byte_is_an_error },
        { "utf16_input_is_refused", test_xml_reader__utf16_input_is_refused },
        { "encoding_declaration_is_ignored", test_xml_reader__encoding_declaration_is_ignored },
        { "truncation_points_at_the_end", test_xml_reader__truncation_points_at_the_end },
        { "content_after_the_root_is_an_error", test_xml_reader__content_after_the_root_is_an_error },
        { "text_is_reported_with_its_depth", test_xml_reader__text_is_reported_with_its_depth },
        { "handler_can_stop_the_reader", test_xml_reader__handler_can_stop_the_reader },
        { NULL, NULL } };
    return test_run_suite("xml_reader", tests);
}
