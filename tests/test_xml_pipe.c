/*
 * test_xml_pipe.c - a document through the reader on one thread or two (src/xml_pipe.h):
 * both report the same events, locations, values, prepared data, progress, errors and
 * stops, whatever the chunk size, also for a tag larger than a batch of the tape and
 * while a slow handler makes the tape's ring grow.
 */
#include "test_support.h"

#include "alloc.h"
#include "xml_pipe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Everything a handler saw, as text. */
typedef struct trace {
    char *text;
    size_t len, cap;
    unsigned events;           /* callbacks so far */
    unsigned stop_at;          /* return false at this callback (1-based); 0: never */
    unsigned lag_at;           /* sleep 200 ms in this callback (1-based); 0: never */
    const char *interned[2];   /* "request", "note" */
} trace;

static void add(trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(trace *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = (t->len + (size_t)n + 1) * 2;
        char *grown = realloc(t->text, cap);
        if (!grown)
            return;
        t->text = grown;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->text + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static bool go_on(trace *t)
{
    if (++t->events == t->lag_at) {
        struct timespec pause = { 0, 200 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return t->events != t->stop_at;
}

/* The prepare function: the attribute count and the summed value lengths. */
typedef struct prepared {
    unsigned attrs;
    size_t value_bytes;
} prepared;

static void prepare(const void *ctx, const acc_xml_start *el, void *out)
{
    (void)ctx;
    prepared *p = out;
    p->attrs = el->n_attrs;
    p->value_bytes = 0;
    for (unsigned i = 0; i < el->n_attrs; i++)
        p->value_bytes += acc_xml_start_attr(el, i).value_len;
}

static bool on_start(void *payload, const acc_xml_start *el)
{
    trace *t = payload;
    const prepared *p = el->prepared;
    add(t, "<%s %u:%u d%u req=%d note=%d prep=%u/%zu", el->name, el->line, el->column,
        el->depth, el->name == t->interned[0], el->name == t->interned[1],
        p ? p->attrs : 999u, p ? p->value_bytes : (size_t)0);
    for (unsigned i = 0; i < el->n_attrs; i++) {
        acc_xml_attr a = acc_xml_start_attr(el, i);
        add(t, " %s%s%s=%zu:", a.prefix ? a.prefix : "", a.prefix ? ":" : "", a.name,
            a.value_len);
        /* Long values are summed up, not copied into the trace. */
        unsigned long sum = 0;
        for (size_t k = 0; k < a.value_len; k++)
            sum = sum * 31 + (unsigned char)a.value[k];
        add(t, "%lx", sum);
    }
    add(t, "\n");
    return go_on(t);
}

static bool on_end(void *payload, unsigned depth)
{
    trace *t = payload;
    add(t, "/%u\n", depth);
    return go_on(t);
}

static bool on_text(void *payload, const acc_xml_text *x)
{
    trace *t = payload;
    add(t, "text d%u %u:%u [%.*s]\n", x->depth, x->line, x->column, (int)x->n, x->s);
    return go_on(t);
}

static void on_progress(void *payload, uint64_t bytes)
{
    add(payload, "progress %llu\n", (unsigned long long)bytes);
}

static const acc_xml_handler handler = { on_start, on_end, on_text };
static const char *const intern[2] = { "request", "note" };

/* For the next runs: the callback where the handler lags (0: none). After a run: the
   batches its tape used at the most. */
static unsigned lag_at, batches_used;

/* Parses `doc` (a buffer, or the file `path` when doc is NULL) and returns the trace
   with the outcome as a last line. */
static char *run(const char *doc, const char *path, size_t chunk, bool two, unsigned stop_at,
                 int *status, int *error_number)
{
    trace t = { .stop_at = stop_at, .lag_at = lag_at };
    acc_xml_pipe_options o = {
        .handler = &handler, .payload = &t, .prepare = prepare,
        .prepared_size = sizeof(prepared), .intern = intern, .interned = t.interned,
        .n_intern = 2, .text_max_depth = 3, .skip_blank_text = true,
        .on_progress = on_progress, .two_threads = two,
    };
    acc_xml_doc d = { .path = path, .data = doc, .len = doc ? strlen(doc) : 0, .chunk = chunk };
    acc_xml_outcome out;
    errno = 0;
    *status = acc_xml_pipe_parse(&o, &d, &out);
    *error_number = errno;
    batches_used = out.batches;
    add(&t, "end status=%d stopped=%d failed=%d", *status, out.stopped, out.failed);
    if (out.failed)
        add(&t, " at %u:%u: %s", out.error.line, out.error.column, out.error.message);
    add(&t, "\n");
    return t.text;
}

/* Asserts that one thread and two give the same trace for every chunk size given;
   returns the trace of the first (caller frees). */
static char *same_both_ways(const char *doc, const size_t *chunks, size_t n_chunks)
{
    char *first = NULL;
    for (size_t c = 0; c < n_chunks; c++)
        for (int two = 0; two <= 1; two++) {
            int st, e;
            char *got = run(doc, NULL, chunks[c], two, 0, &st, &e);
            CU_ASSERT_PTR_NOT_NULL_FATAL(got);
            /* Progress lines depend on the chunk size: compare the events only. */
            if (!first) {
                first = got;
                continue;
            }
            char *a = strdup(first), *b = strdup(got);
            for (char *s = a; (s = strstr(s, "progress ")) != NULL;)
                memmove(s, strchr(s, '\n') + 1, strlen(strchr(s, '\n') + 1) + 1);
            for (char *s = b; (s = strstr(s, "progress ")) != NULL;)
                memmove(s, strchr(s, '\n') + 1, strlen(strchr(s, '\n') + 1) + 1);
            if (strcmp(a, b) != 0)
                fprintf(stderr, "\n--- chunk %zu, %s thread(s)\n%s--- expected\n%s",
                        chunks[c], two ? "two" : "one", b, a);
            CU_ASSERT_STRING_EQUAL(a, b);
            free(a);
            free(b);
            free(got);
        }
    return first;
}

static const char sample[] =
    "<?xml version=\"1.0\"?>\n"
    "<log xmlns=\"urn:x\" xmlns:p=\"urn:p\" a=\"1\">\n"
    "  <request seq=\"1\" id=\"R-1\" note=\"a &amp; b\"/>\n"
    "  <request seq=\"2\"\n"
    "           id=\"R-2\" p:x=\"&#38;&lt;\">text<note>inner</note>\n"
    "  </request><!-- a comment with <request> inside -->\n"
    "  <transfer seq=\"3\" v=\"  spaced\tvalue  \"/><?pi data?>\n"
    "  <![CDATA[ <raw> ]]>\n"
    "</log>\n";

static const size_t chunks[] = { 1, 2, 3, 7, 64, 4096 };

static void test_xml_pipe__two_threads_report_what_one_does_for_any_chunking(void)
{
    char *t = same_both_ways(sample, chunks, sizeof chunks / sizeof *chunks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    /* What one thread reports is right: the start tags with their places, interned names,
       prepared data and decoded values; text of depth <= 3, not blank; the outcome. */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<log 2:1 d1 req=0 note=0 prep=1/1 a=1:31\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<request 3:3 d2 req=1 note=0 prep=3/9 seq=1:31 id=3:13976 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<request 4:3 d2 req=1 note=0 prep=3/6 seq=1:32 id=3:13977 p:x=2:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<note 5:41 d3 req=0 note=1 prep=0/0\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "text d2 5:41 [text]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "text d3 5:52 [inner]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<transfer 7:3 d2 req=0 note=0 prep=2/17 seq=1:33 v=16:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "text d1 8:12 [ <raw> ]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "end status=0 stopped=0 failed=0\n"));
    free(t);
}

static void test_xml_pipe__errors_are_the_same_and_located(void)
{
    static const char *const docs[] = {
        "<log>\n  <a x=\"1\">\n  </b>\n</log>\n",                 /* mismatched tag */
        "<log>\n  <a x=\"1\"/>\n  <a",                             /* truncated */
        "<!DOCTYPE log [<!ENTITY e \"x\">]>\n<log>&e;</log>\n",   /* DOCTYPE */
        "<log>\n  <a x=\"\xff\"/>\n</log>\n",                      /* bad UTF-8 */
    };
    static const char *const want[] = {
        "failed=1 at 3:7: Opening and ending tag mismatch",
        "failed=1 at 3:5: Couldn't find end of Start Tag a at the end of the log (truncated?)", "failed=1 at 1:1", "failed=1 at 2:",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        char *t = same_both_ways(docs[i], chunks, sizeof chunks / sizeof *chunks);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        if (!strstr(t, want[i]))
            fprintf(stderr, "\n--- document %zu: expected '%s' in\n%s", i, want[i], t);
        CU_ASSERT_PTR_NOT_NULL(strstr(t, want[i]));
        free(t);
    }
}

static void test_xml_pipe__elements_that_end_at_once_still_report_their_end(void)
{
    /* Empty elements, elements holding only blank text (dropped) or only text deeper than
       text_max_depth: each start is followed by its end, in order, on one thread or two
       (the tape keeps such an end in its start record). */
    static const char doc[] =
        "<log><e/><e>  \n  </e><e></e><e><f><g><h>deep</h></g></f></e><e>t</e></log>";
    char *t = same_both_ways(doc, chunks, sizeof chunks / sizeof *chunks);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (char *p = t; (p = strstr(p, "progress ")) != NULL;)
        memmove(p, strchr(p, '\n') + 1, strlen(strchr(p, '\n') + 1) + 1);
    CU_ASSERT_STRING_EQUAL(t,
        "<log 1:1 d1 req=0 note=0 prep=0/0\n"
        "<e 1:6 d2 req=0 note=0 prep=0/0\n/2\n"
        "<e 1:10 d2 req=0 note=0 prep=0/0\n/2\n"
        "<e 2:7 d2 req=0 note=0 prep=0/0\n/2\n"
        "<e 2:14 d2 req=0 note=0 prep=0/0\n"
        "<f 2:17 d3 req=0 note=0 prep=0/0\n"
        "<g 2:20 d4 req=0 note=0 prep=0/0\n"
        "<h 2:23 d5 req=0 note=0 prep=0/0\n/5\n/4\n/3\n/2\n"
        "<e 2:46 d2 req=0 note=0 prep=0/0\n"
        "text d2 2:50 [t]\n/2\n/1\n"
        "end status=0 stopped=0 failed=0\n");
    free(t);
    /* A stop at any of these events, an end included, ends both ways at the same one. */
    for (unsigned stop = 1; stop <= 19; stop++) {      /* 19 events */
        int st, e;
        char *one = run(doc, NULL, 3, false, stop, &st, &e);
        char *two = run(doc, NULL, 3, true, stop, &st, &e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(one);
        CU_ASSERT_PTR_NOT_NULL_FATAL(two);
        CU_ASSERT_STRING_EQUAL(one, two);
        CU_ASSERT_PTR_NOT_NULL(strstr(one, "stopped=1"));
        free(one);
        free(two);
    }
}

static void test_xml_pipe__a_handler_stop_ends_both_after_the_same_event(void)
{
    for (unsigned stop = 1; stop <= 12; stop++) {
        int st1, st2, e;
        char *one = run(sample, NULL, 5, false, stop, &st1, &e);
        char *two = run(sample, NULL, 5, true, stop, &st2, &e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(one);
        CU_ASSERT_PTR_NOT_NULL_FATAL(two);
        CU_ASSERT_STRING_EQUAL(one, two);
        CU_ASSERT_EQUAL(st1, ACC_OK);
        CU_ASSERT_EQUAL(st2, ACC_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(one, "stopped=1 failed=0"));
        free(one);
        free(two);
    }
}

/* n entries of a log, with values of several lengths. */
static char *many_entries(size_t n)
{
    size_t cap = n * 96 + 64, len = 0;
    char *doc = malloc(cap);
    if (!doc)
        return NULL;
    len += (size_t)snprintf(doc + len, cap - len, "<log>\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(doc + len, cap - len,
                                "  <request i=\"%zu\" v=\"%.*s\"/>\n", i, (int)(i % 17),
                                "abcdefghijklmnopq");
    snprintf(doc + len, cap - len, "</log>\n");
    return doc;
}

static void test_xml_pipe__a_stop_far_from_the_end_of_a_large_document_ends_early(void)
{
    /* Many batches: the reader thread must notice the stop while it waits for one. */
    char *doc = many_entries(40000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    int st, e;
    char *t = run(doc, NULL, 1 << 16, true, 100, &st, &e);
    CU_ASSERT_EQUAL(st, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "stopped=1"));
    unsigned entries = 0;                      /* nothing after the 100th event */
    for (const char *s = t; (s = strstr(s, "<request ")) != NULL; s++)
        entries++;
    CU_ASSERT_EQUAL(entries, 50);
    free(t);
    free(doc);
}

static void test_xml_pipe__a_tag_larger_than_a_batch_goes_through(void)
{
    /* One attribute value of 3 MB (a batch holds 256 KiB) between two small tags. */
    size_t big = 3u << 20;
    char *doc = malloc(big + 200);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    int n = sprintf(doc, "<log>\n  <a v=\"");
    memset(doc + n, 'x', big);
    sprintf(doc + n + big, "\"/>\n  <b/>\n</log>\n");
    static const size_t one_chunk[] = { 1u << 20 };
    char *t = same_both_ways(doc, one_chunk, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    char want[64];
    snprintf(want, sizeof want, "<a 2:3 d2 req=0 note=0 prep=1/%zu v=%zu:", big, big);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "<b 3:3 d2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "end status=0 stopped=0 failed=0"));
    free(t);
    free(doc);
}

static void test_xml_pipe__progress_counts_every_chunk_in_order(void)
{
    for (int two = 0; two <= 1; two++) {
        int st, e;
        char *t = run(sample, NULL, 100, two, 0, &st, &e);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        char want[64];
        snprintf(want, sizeof want, "progress %zu\nend", strlen(sample));
        CU_ASSERT_PTR_NOT_NULL(strstr(t, "progress 100\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(t, "progress 200\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(t, want));
        CU_ASSERT_TRUE(strstr(t, "progress 100\n") < strstr(t, "progress 200\n"));
        free(t);
    }
}

static void test_xml_pipe__a_missing_file_is_an_io_error_with_its_errno(void)
{
    for (int two = 0; two <= 1; two++) {
        int st, e;
        char *t = run(NULL, "/nonexistent/accord-test.xml", 4096, two, 0, &st, &e);
        CU_ASSERT_EQUAL(st, ACC_EIO);
        CU_ASSERT_EQUAL(e, ENOENT);
        free(t);
    }
}

static void test_xml_pipe__a_file_reads_as_its_bytes_do(void)
{
    char path[4096];
    test_path(path, sizeof path, "logs/findings.xml");
    size_t len = 0;
    char *text = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    int st1, st2, e;
    char *from_file = run(NULL, path, 1000, true, 0, &st1, &e);
    char *from_memory = run(text, NULL, 1000, false, 0, &st2, &e);
    CU_ASSERT_EQUAL(st1, ACC_OK);
    CU_ASSERT_EQUAL(st2, ACC_OK);
    CU_ASSERT_STRING_EQUAL(from_file, from_memory);
    CU_ASSERT_TRUE(strlen(from_file) > 1000);
    free(from_file);
    free(from_memory);
    free(text);
}

static void test_xml_pipe__a_lagging_handler_grows_the_ring_and_misses_nothing(void)
{
    /* The handler stops for 200 ms at its tenth event: the reader thread goes on
       filling batches instead of waiting, and every event still arrives in order. */
    char *doc = many_entries(60000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    int st1, st2, e;
    char *one = run(doc, NULL, 1 << 16, false, 0, &st1, &e);
    lag_at = 10;
    char *two = run(doc, NULL, 1 << 16, true, 0, &st2, &e);
    unsigned grown = batches_used;
    lag_at = 0;
    CU_ASSERT_EQUAL(st1, ACC_OK);
    CU_ASSERT_EQUAL(st2, ACC_OK);
    CU_ASSERT_TRUE(grown > 4 && grown <= 48);
    CU_ASSERT_PTR_NOT_NULL(strstr(two, "<request 60001:3 "));
    CU_ASSERT_STRING_EQUAL(one, two);
    /* From a file, in small chunks: while the handler lags, the reader thread reads the
       file ahead itself, and the chunks still arrive whole and in order. */
    char path[] = "/tmp/accord-test-pipe-XXXXXX";
    CU_ASSERT_TRUE_FATAL(test_write_temp(path, doc, strlen(doc)));
    char *file_one = run(NULL, path, 4096, false, 0, &st1, &e);
    lag_at = 10;
    char *file_two = run(NULL, path, 4096, true, 0, &st2, &e);
    lag_at = 0;
    CU_ASSERT_EQUAL(st1, ACC_OK);
    CU_ASSERT_EQUAL(st2, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(file_two, "<request 60001:3 "));
    CU_ASSERT_STRING_EQUAL(file_one, file_two);
    remove(path);
    free(file_one);
    free(file_two);
    free(one);
    free(two);
    free(doc);
}

static void test_xml_pipe__a_failed_allocation_while_the_ring_grows_is_clean(void)
{
    /* Every allocation of a lagging two-thread run fails in turn: the run ends with
       ACC_ENOMEM, or (when a batch the ring wanted could not be had) with every event. */
    char *doc = many_entries(20000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    int st, e;
    char *want = run(doc, NULL, 1 << 16, false, 0, &st, &e);
    CU_ASSERT_EQUAL_FATAL(st, ACC_OK);
    lag_at = 10;
    acc_alloc_fail_at(0);
    free(run(doc, NULL, 1 << 16, true, 0, &st, &e));
    unsigned long allocations = acc_alloc_count();
    CU_ASSERT_TRUE(allocations > 4);
    unsigned complete = 0, failed = 0;
    for (unsigned long k = 1; k <= allocations + 4; k++) {
        acc_alloc_fail_at(k);
        char *got = run(doc, NULL, 1 << 16, true, 0, &st, &e);
        CU_ASSERT_TRUE(st == ACC_OK || st == ACC_ENOMEM);
        if (st == ACC_OK) {
            CU_ASSERT_STRING_EQUAL(got, want);
            complete += k <= allocations;
        } else {
            failed++;
        }
        free(got);
    }
    acc_alloc_fail_at(0);
    lag_at = 0;
    /* Some of those were the ring's own batches: the run went on without them. */
    CU_ASSERT_TRUE(failed > 0);
    CU_ASSERT_TRUE(complete > 0);
    free(want);
    free(doc);
}

int main(void)
{
    static const test_case tests[] = {
        { "two_threads_report_what_one_does_for_any_chunking",
          test_xml_pipe__two_threads_report_what_one_does_for_any_chunking },
        { "elements_that_end_at_once_still_report_their_end",
          test_xml_pipe__elements_that_end_at_once_still_report_their_end },
        { "errors_are_the_same_and_located", test_xml_pipe__errors_are_the_same_and_located },
        { "a_handler_stop_ends_both_after_the_same_event",
          test_xml_pipe__a_handler_stop_ends_both_after_the_same_event },
        { "a_stop_far_from_the_end_of_a_large_document_ends_early",
          test_xml_pipe__a_stop_far_from_the_end_of_a_large_document_ends_early },
        { "a_tag_larger_than_a_batch_goes_through",
          test_xml_pipe__a_tag_larger_than_a_batch_goes_through },
        { "progress_counts_every_chunk_in_order",
          test_xml_pipe__progress_counts_every_chunk_in_order },
        { "a_missing_file_is_an_io_error_with_its_errno",
          test_xml_pipe__a_missing_file_is_an_io_error_with_its_errno },
        { "a_file_reads_as_its_bytes_do", test_xml_pipe__a_file_reads_as_its_bytes_do },
        { "a_lagging_handler_grows_the_ring_and_misses_nothing",
          test_xml_pipe__a_lagging_handler_grows_the_ring_and_misses_nothing },
        { "a_failed_allocation_while_the_ring_grows_is_clean",
          test_xml_pipe__a_failed_allocation_while_the_ring_grows_is_clean },
        { NULL, NULL },
    };
    return test_run_suite("xml_pipe", tests);
}
