/*
 * test_hostile.c - hostile input, end to end: what the `accord` binary does with logs and
 * rule files built to hurt it (entities, blow-ups, deep nesting, huge values, bad
 * encodings, NUL bytes, directories, devices, FIFOs, unreadable files, a million nested
 * parentheses). Each case checks the exit code cli.md documents (2: the input could not
 * be used), the exact error, and that the run stays within time and memory bounds.
 * The library-level XML cases (every truncation offset, entity handling, locations) are in
 * test_hostile_xml.c; this suite covers the CLI's exit codes and the rule-file side.
 *
 * The binary is the one CMake built (ACCORD_CLI); its inputs are written to a fresh
 * temporary directory. Bounds are generous for a loaded machine under AddressSanitizer:
 * every case takes well under a second on an idle one.
 */
#define _DEFAULT_SOURCE   /* wait4 */
#include "test_support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG_HEAD "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"TISA-2014\">\n"
#define LOG_END "</exchange-log>\n"
/* A request the TISA-2014 rules do not permit (only KR and JP send requests, to the US). */
#define REQUEST "  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" from=\"US\" " \
                "to=\"JP\" topic=\"nk-missile\"/>\n"
#define RULES_HEAD "accord T { title \"t\" effective 2014-12-29 }\n" \
                   "parties { A B } topics { t } levels { L < H }\n"

/* Wall-clock and memory bounds of one run (kill after KILL_SECONDS). */
#define MAX_SECONDS 15.0
#define MAX_RSS_MB 512
#define KILL_SECONDS 120

/* ---------------------------------------------------------------------------------- */
/* Files and runs                                                                     */

static char tmp_dir[64];

/* Writes `len` bytes to tmp_dir/name; returns the path in a static ring of buffers. */
static const char *write_file(const char *name, const char *data, size_t len)
{
    static char paths[8][256];
    static unsigned next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof paths[0], "%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(data, 1, len, f), len);
    CU_ASSERT_EQUAL(fclose(f), 0);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_file(name, text, strlen(text));
}

/* A buffer that grows: text built piece by piece. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_repeat(buf *b, const char *s, size_t times)
{
    for (size_t i = 0; i < times; i++)
        buf_str(b, s);
}

/* One run of the CLI: exit code, outputs, wall time, peak resident memory. */
typedef struct cli_run {
    int exit_code;             /* -1 when killed by a signal (a crash or the timeout) */
    char *out, *err;
    double seconds;
    long max_rss_mb;
} cli_run;

static char *read_all_text(const char *path)
{
    size_t len = 0;
    char *text = test_read_file(path, &len);
    return text ? text : strdup("");
}

/* Runs ACCORD_CLI with argv[1..] (NULL-terminated), stdin from /dev/null. */
static cli_run run_cli(const char *const *args)
{
    cli_run r = { .exit_code = -1 };
    char out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "%s/stdout", tmp_dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", tmp_dir);
    const char *argv[16] = { ACCORD_CLI };
    size_t n = 1;
    while (args[n - 1] && n < 15) {
        argv[n] = args[n - 1];
        n++;
    }
    argv[n] = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0)
            _exit(127);
        setenv("NO_COLOR", "1", 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    for (;;) {
        pid_t got = wait4(pid, &status, WNOHANG, &ru);
        if (got == pid)
            break;
        CU_ASSERT_FATAL(got == 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((double)(t1.tv_sec - t0.tv_sec) > KILL_SECONDS) {
            kill(pid, SIGKILL);
            CU_ASSERT_FATAL(wait4(pid, &status, 0, &ru) == pid);
            break;
        }
        struct timespec nap = { 0, 5 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    r.max_rss_mb = ru.ru_maxrss / 1024;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_all_text(out_path);
    r.err = read_all_text(err_path);
    return r;
}

static void run_free(cli_run *r)
{
    free(r->out);
    free(r->err);
}

/* True when `text` contains `needle`; prints both when it does not. */
static bool contains(const char *text, const char *needle)
{
    if (strstr(text, needle))
        return true;
    size_t len = strlen(text);
    fprintf(stderr, "\nexpected to find:\n%s\nin (%zu bytes):\n%.2000s\n", needle, len, text);
    return false;
}

/* The exit code, bounds, and a line expected on stdout (out_line) or stderr (err_line). */
static void assert_run(const cli_run *r, int exit_code, const char *out_line,
                       const char *err_line)
{
    if (r->exit_code != exit_code)
        fprintf(stderr, "\nexit code %d, expected %d; stderr:\n%.2000s\n", r->exit_code,
                exit_code, r->err);
    CU_ASSERT_EQUAL(r->exit_code, exit_code);
    if (out_line)
        CU_ASSERT_TRUE(contains(r->out, out_line));
    if (err_line)
        CU_ASSERT_TRUE(contains(r->err, err_line));
    if (r->seconds >= MAX_SECONDS || r->max_rss_mb >= MAX_RSS_MB)
        fprintf(stderr, "\nrun took %.2f s and %ld MB\n", r->seconds, r->max_rss_mb);
    CU_ASSERT_TRUE(r->seconds < MAX_SECONDS);
    CU_ASSERT_TRUE(r->max_rss_mb < MAX_RSS_MB);
}

/* Runs `accord audit PATH` and checks the result as assert_run does. */
static void assert_audit(const char *path, int exit_code, const char *out_line,
                         const char *err_line)
{
    const char *args[] = { "audit", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, exit_code, out_line, err_line);
    run_free(&r);
}

/* Runs `accord lint PATH` (diagnostics go to stdout). */
static void assert_lint(const char *path, int exit_code, const char *out_line)
{
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, exit_code, out_line, NULL);
    run_free(&r);
}

/* "PATH:rest" for an expected output line about a file in tmp_dir. */
static const char *at(const char *path, const char *rest)
{
    static char line[8][1024];
    static unsigned next;
    char *l = line[next++ % 8];
    snprintf(l, sizeof line[0], "%s%s", path, rest);
    return l;
}

/* Writes b to tmp_dir/name, audits it as assert_audit does with "PATH" + rest expected on
   stdout, and frees b. */
static void assert_audit_buf(const char *name, buf *b, int exit_code, const char *rest)
{
    const char *log = write_file(name, b->p, b->len);
    assert_audit(log, exit_code, at(log, rest), NULL);
    free(b->p);
}

/* ---------------------------------------------------------------------------------- */
/* Logs                                                                               */

/* Audits log: exit 2, the first entry (REQUEST) judged, then `malformed` ("PATH" + rest). */
static void assert_judged_then_malformed(const char *log, const char *rest)
{
    const char *args[] = { "audit", log, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, at(log, ":2:3: error: [not-permitted]"), NULL);
    CU_ASSERT_TRUE(contains(r.out, at(log, rest)));
    run_free(&r);
}

static void test_hostile__audit_does_not_read_an_external_file_entity(void)
{
    const char *canary = write_text("canary.txt", "CANARY-7f3a\n");
    char doc[1024];
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE exchange-log [\n"
             "  <!ENTITY x SYSTEM \"file://%s\">\n]>\n" LOG_HEAD
             "  <request seq=\"1\" id=\"&x;\" time=\"2015-01-05T09:00:00Z\" from=\"JP\" "
             "to=\"US\" topic=\"nk-missile\"/>\n" LOG_END, canary);
    const char *log = write_text("file-entity.xml", doc);
    const char *args[] = { "audit", "--format", "json", log, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, "\"code\": \"malformed\"", NULL);
    CU_ASSERT_TRUE(contains(r.out, "a document type declaration (DOCTYPE) is not allowed in "
                                   "an exchange log; the audit stops here"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "CANARY"));
    CU_ASSERT_PTR_NULL(strstr(r.err, "CANARY"));
    run_free(&r);
}

static void test_hostile__audit_fetches_no_network_entity_or_dtd(void)
{
    /* Port 9 (discard) on this host: a fetch would fail or hang, never succeed. */
    const char *log = write_text("net.xml",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE exchange-log SYSTEM \"http://127.0.0.1:9/x.dtd\" [\n"
        "  <!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %p;\n"
        "  <!ENTITY n SYSTEM \"http://127.0.0.1:9/n\">\n]>\n" LOG_HEAD
        "  <request seq=\"1\" id=\"&n;\"/>\n" LOG_END);
    assert_audit(log, 2, at(log, ":2:1: error: [malformed] a document type declaration "
                                 "(DOCTYPE) is not allowed in an exchange log; the audit "
                                 "stops here"), NULL);
}

static void test_hostile__audit_refuses_billion_laughs_at_once(void)
{
    buf b = { 0 };
    buf_str(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        char line[64];
        snprintf(line, sizeof line, " <!ENTITY lol%d \"", i);
        buf_str(&b, line);
        for (int j = 0; j < 10; j++) {
            snprintf(line, sizeof line, "&lol%.0d;", i - 1);
            buf_str(&b, i == 1 ? "&lol;" : line);
        }
        buf_str(&b, "\">\n");
    }
    buf_str(&b, "]>\n<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"&lol9;\"/>\n");
    assert_audit_buf("laughs.xml", &b, 2,
                     ":2:1: error: [malformed] a document type declaration");
}

static void test_hostile__audit_refuses_quadratic_blowup_at_once(void)
{
    /* One 100 kB entity referenced 100,000 times: 10 GB if it were expanded. */
    buf b = { 0 };
    buf_str(&b, "<!DOCTYPE exchange-log [<!ENTITY a \"");
    buf_repeat(&b, "x", 100000);
    buf_str(&b, "\">]>\n" LOG_HEAD "  <request seq=\"1\" id=\"");
    buf_repeat(&b, "&a;", 100000);
    buf_str(&b, "\"/>\n" LOG_END);
    assert_audit_buf("quadratic.xml", &b, 2,
                     ":1:1: error: [malformed] a document type declaration");
}

static void test_hostile__audit_stops_at_10000_deep_nesting(void)
{
    buf b = { 0 };
    buf_str(&b, LOG_HEAD);
    buf_repeat(&b, "<d>", 10000);
    buf_repeat(&b, "</d>", 10000);
    buf_str(&b, LOG_END);
    assert_audit_buf("deep.xml", &b, 2, ":2:766: error: [malformed] malformed XML: elements "
                                        "are nested more than 256 levels deep");
}

static void test_hostile__audit_stops_at_a_16_mb_attribute(void)
{
    buf b = { 0 };
    buf_str(&b, LOG_HEAD REQUEST "  <request seq=\"2\" id=\"");
    buf_repeat(&b, "0123456789abcdef", 1u << 20);
    buf_str(&b, "\"/>\n" LOG_END);
    const char *log = write_file("big-attribute.xml", b.p, b.len);
    const char *args[] = { "audit", "--format", "json", log, NULL };
    cli_run r = run_cli(args);
    /* The entry before it is still judged and reported. */
    assert_run(&r, 2, "\"code\": \"not-permitted\"", NULL);
    CU_ASSERT_TRUE(contains(r.out, "\"message\": \"malformed XML: a start tag or value is "
                                   "larger than the 10 MB limit\""));
    CU_ASSERT_TRUE(contains(r.out, "\"line\": 3"));
    run_free(&r);
    free(b.p);
}

static void test_hostile__audit_reports_invalid_utf8_where_it_is(void)
{
    const char *log = write_text("utf8.xml", LOG_HEAD REQUEST
                                 "  <request seq=\"2\" id=\"R-\xC3\x28\"/>\n" LOG_END);
    assert_judged_then_malformed(log, ":3:26: error: [malformed] malformed XML: invalid UTF-8 "
                                      "Bytes: 0xC3 0x28 0x22 0x2F\n");
}

static void test_hostile__audit_refuses_utf16_with_a_byte_order_mark(void)
{
    /* "<?xml version="1.0" encoding="UTF-16"?>" and the root, as UTF-16LE with a BOM. */
    const char *text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" LOG_HEAD LOG_END;
    size_t n = strlen(text);
    char *utf16 = malloc(2 * n + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(utf16);
    utf16[0] = (char)0xFF;
    utf16[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        utf16[2 + 2 * i] = text[i];
        utf16[3 + 2 * i] = 0;
    }
    const char *log = write_file("utf16.xml", utf16, 2 * n + 2);
    assert_audit(log, 2, at(log, ":1:1: error: [malformed] malformed XML: the log is not "
                                 "UTF-8 text (UTF-16 or UTF-32 input)"), NULL);
    free(utf16);
}

static void test_hostile__audit_reports_a_nul_byte_where_it_is(void)
{
    static const char doc[] = LOG_HEAD REQUEST "  <request seq=\"2\" id=\"R\0\"/>\n" LOG_END;
    const char *log = write_file("nul.xml", doc, sizeof doc - 1);
    assert_judged_then_malformed(log, ":3:25: error: [malformed] malformed XML: Char 0x0 out of "
                                      "allowed range\n");
}

static void test_hostile__audit_of_a_directory_exits_2_before_auditing(void)
{
    const char *log = write_text("fine.xml", LOG_HEAD REQUEST LOG_END);
    const char *args[] = { "audit", log, tmp_dir, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, NULL, at(tmp_dir, ": error: cannot audit log: not a regular file"));
    CU_ASSERT_STRING_EQUAL(r.out, "");   /* nothing audited, not even the first file */
    run_free(&r);
}

static void test_hostile__audit_of_an_unreadable_log_exits_2(void)
{
    /* Tests run as root, whom chmod 000 does not stop; /proc/self/mem opens but every
       read at offset 0 fails (EIO), for root too. */
    assert_audit("/proc/self/mem", 2, NULL,
                 "/proc/self/mem: error: cannot read log: Input/output error");
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo.xml", tmp_dir);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    /* No writer: a reader that opened it blocking would hang here. */
    assert_audit(fifo, 2, NULL, at(fifo, ": error: cannot audit log: not a regular file"));
    unlink(fifo);
}

static void test_hostile__audit_of_dev_zero_exits_2_at_once(void)
{
    assert_audit("/dev/zero", 2, NULL, "/dev/zero: error: cannot audit log: not a regular file");
}

/* The time bound of work done in this process: valgrind (its preload library in
   LD_PRELOAD) slows it some twenty times, which says nothing about the code. */
static double in_process_max_seconds(void)
{
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload") ? 20 * MAX_SECONDS : MAX_SECONDS;
}

/* Records the location of every not-permitted finding (the entries of the log below). */
typedef struct located {
    size_t n;
    unsigned last_line, last_column;
} located;

static void on_located(void *payload, const acc_finding *f)
{
    located *l = payload;
    if (f->code != ACC_FINDING_NOT_PERMITTED)
        return;
    l->n++;
    l->last_line = f->line;
    l->last_column = f->column;
}

static void test_hostile__log_on_one_line_is_read_in_linear_time(void)
{
    /* 100,000 entries, 9 MB, without a newline: locating each start tag once scanned back
       to the start of the line, and this took minutes. */
    enum { N = 100000 };
    buf b = { 0 };
    buf_str(&b, LOG_HEAD);
    size_t last_start = 0;
    for (int i = 1; i <= N; i++) {
        char entry[160];
        last_start = b.len;
        snprintf(entry, sizeof entry, "<request seq=\"%d\" id=\"R-%d\" time=\"2015-01-05T"
                 "09:00:00Z\" from=\"US\" to=\"JP\" topic=\"nk-missile\"/>", i, i);
        buf_str(&b, entry);
    }
    buf_str(&b, "\n" LOG_END);
    acc_ruleset *rs = NULL;
    acc_file *f = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_file_default(&f, NULL), ACC_OK);
    CU_ASSERT_EQUAL_FATAL(acc_ruleset_build(&rs, &f, 1, NULL), ACC_OK);
    acc_file_free(f);
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = rs;
    located l = { 0 };
    opt.on_finding = on_located;
    opt.finding_payload = &l;
    acc_audit_source src = { "one-line.xml", b.p, b.len };
    acc_audit_result *res = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CU_ASSERT_EQUAL_FATAL(acc_audit_run(&res, &opt, &src, 1, NULL), ACC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    CU_ASSERT_EQUAL(res->entries, N);
    CU_ASSERT_EQUAL(l.n, N);
    CU_ASSERT_EQUAL(l.last_line, 2);
    CU_ASSERT_EQUAL(l.last_column, last_start - strlen(LOG_HEAD) + 1);
    if (seconds >= in_process_max_seconds())
        fprintf(stderr, "\none-line log: %.2f s\n", seconds);
    CU_ASSERT_TRUE(seconds < in_process_max_seconds());
    acc_audit_result_free(res);
    acc_ruleset_free(rs);
    free(b.p);
}

static void test_hostile__audit_stops_at_a_tag_of_100000_attributes(void)
{
    /* libxml2 checks each attribute against all before it: 100,000 took 50 s. */
    buf b = { 0 };
    buf_str(&b, LOG_HEAD REQUEST "  <request");
    for (int i = 0; i < 100000; i++) {
        char attr[32];
        snprintf(attr, sizeof attr, " a%d=\"\"", i);
        buf_str(&b, attr);
    }
    buf_str(&b, "/>\n" LOG_END);
    const char *log = write_file("attributes.xml", b.p, b.len);
    /* The 1,001st '=' (of a1000) is at column 2 + 8 + 10*6 + 90*7 + 900*8 + 6 + 1. */
    assert_judged_then_malformed(log, ":3:7907: error: [malformed] malformed XML: a start tag "
                                      "has more than 1000 attributes\n");
    free(b.p);
}

/* Audits `text` read `chunk` bytes at a time; returns the result (collected findings). */
static acc_audit_result *audit_in_chunks(const char *text, size_t chunk)
{
    static acc_ruleset *rs;
    if (!rs) {
        acc_file *f = NULL;
        CU_ASSERT_EQUAL_FATAL(acc_file_default(&f, NULL), ACC_OK);
        CU_ASSERT_EQUAL_FATAL(acc_ruleset_build(&rs, &f, 1, NULL), ACC_OK);
        acc_file_free(f);
    }
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = rs;
    opt.collect = true;
    opt.chunk_size = chunk;
    acc_audit_source src = { "a.xml", text, strlen(text) };
    acc_audit_result *res = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_audit_run(&res, &opt, &src, 1, NULL), ACC_OK);
    return res;
}

static void test_hostile__attribute_limit_ignores_comments_cdata_and_values(void)
{
    /* 2,000 '=' in a comment, a CDATA section, a processing instruction and a value, with
       quotes and '>' in the way, are no attributes; a tag with 1,001 attributes after
       them is found at the same place whatever the chunk size. */
    buf b = { 0 };
    buf_str(&b, "<?xml version=\"1.0\"?>\n<?pi a='\"=?>\n" LOG_HEAD "<!-- \" ' > ");
    buf_repeat(&b, "a=", 2000);
    buf_str(&b, " -->\n  <request seq=\"1\" id=\"R-1\" time=\"2015-01-05T09:00:00Z\" "
                "from=\"US\" to=\"JP\" topic=\"nk-missile\"><note><![CDATA[ <x ");
    buf_repeat(&b, "b=\"\" ", 2000);
    buf_str(&b, "]]]></note></request>\n  <request seq=\"2\" id=\"");
    buf_repeat(&b, "=>'", 2000);
    buf_str(&b, "\" time=\"2015-01-05T09:00:00Z\" from=\"US\" to=\"JP\" topic=\"nk-missile\"/>\n"
                "<?pi ");
    buf_repeat(&b, "c=", 2000);
    buf_str(&b, "?" "?>\n  <request");   /* split: "??>" is a trigraph */
    for (int i = 0; i < 1001; i++)
        buf_str(&b, " x=''");
    buf_str(&b, "/>\n" LOG_END);
    static const size_t chunks[] = { 1, 2, 3, 7, 64, 4096, 0 };
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        acc_audit_result *res = audit_in_chunks(b.p, chunks[i]);
        CU_ASSERT_EQUAL(res->n_findings, 3);
        if (res->n_findings == 3) {
            CU_ASSERT_EQUAL(res->findings[0].code, ACC_FINDING_NOT_PERMITTED);
            CU_ASSERT_EQUAL(res->findings[1].code, ACC_FINDING_NOT_PERMITTED);
            CU_ASSERT_EQUAL(res->findings[2].code, ACC_FINDING_MALFORMED);
            CU_ASSERT_STRING_EQUAL(res->findings[2].message, "malformed XML: a start tag has "
                                                              "more than 1000 attributes");
            CU_ASSERT_EQUAL(res->findings[2].line, 8);
            /* "  <request", 1,000 times " x=''", then " x" and the '=' */
            CU_ASSERT_EQUAL(res->findings[2].column, 10 + 1000 * 5 + 3);
        }
        CU_ASSERT_EQUAL(res->entries, 2);
        acc_audit_result_free(res);
    }
    free(b.p);
}

/* ---------------------------------------------------------------------------------- */
/* Rule files                                                                         */

static void test_hostile__dev_zero_as_rules_exits_2_in_every_command(void)
{
    const char *log = write_text("ok.xml", LOG_HEAD LOG_END);
    const char *lint[] = { "lint", "/dev/zero", NULL };
    const char *check[] = { "check", "/dev/zero", NULL };
    const char *diff[] = { "diff", "rules/tisa-2014.accord", "/dev/zero", NULL };
    const char *smt[] = { "smt", "/dev/zero", NULL };
    const char *audit[] = { "audit", "-r", "/dev/zero", log, NULL };
    const char *const *commands[] = { lint, check, diff, smt, audit };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        cli_run r = run_cli(commands[i]);
        const char *line = "/dev/zero: error: is not a regular file";
        assert_run(&r, 2, i == 0 ? line : NULL, i == 0 ? NULL : line);
        run_free(&r);
    }
}

static void test_hostile__directory_and_fifo_as_rules_exit_2(void)
{
    assert_lint(tmp_dir, 2, at(tmp_dir, ": error: is a directory, not a rule file"));
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo.accord", tmp_dir);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    assert_lint(fifo, 2, at(fifo, ": error: is not a regular file"));
    unlink(fifo);
}

static void test_hostile__unreadable_rule_file_exits_2(void)
{
    assert_lint("/proc/self/mem", 2,
                "/proc/self/mem: error: cannot read the rule file: Input/output error");
}

static void test_hostile__million_nested_parentheses_exit_2_with_one_error(void)
{
    buf b = { 0 };
    buf_str(&b, RULES_HEAD "invariant i on transfer: ");
    buf_repeat(&b, "(", 1000000);
    buf_str(&b, "true");
    buf_repeat(&b, ")", 1000000);
    buf_str(&b, ";\n");
    const char *path = write_file("parens.accord", b.p, b.len);
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, at(path, ":3:282: error: expression nested too deeply (the limit is "
                               "256 levels)"), NULL);
    CU_ASSERT_TRUE(contains(r.out, "lint: 1 error, 0 warnings, 0 rule sets analysed\n"));
    run_free(&r);
    free(b.p);
}

static void test_hostile__million_nested_not_and_implies_exit_2(void)
{
    static const struct { const char *op; const char *name; const char *line; } cases[] = {
        { "not ", "nots.accord", ":3:1050: error: expression nested too deeply (the limit "
                                 "is 256 levels)" },
        { "true implies ", "implies.accord", ":3:3354: error: expression nested too deeply "
                                             "(the limit is 256 levels)" },
    };
    for (size_t i = 0; i < 2; i++) {
        buf b = { 0 };
        buf_str(&b, RULES_HEAD "invariant i on transfer: ");
        buf_repeat(&b, cases[i].op, 1000000);
        buf_str(&b, "true;\n");
        const char *path = write_file(cases[i].name, b.p, b.len);
        const char *args[] = { "lint", path, NULL };
        cli_run r = run_cli(args);
        assert_run(&r, 2, at(path, cases[i].line), NULL);
        CU_ASSERT_TRUE(contains(r.out, "lint: 1 error, 0 warnings, 0 rule sets analysed\n"));
        run_free(&r);
        free(b.p);
    }
}

static void test_hostile__oversized_rule_file_is_refused_unread(void)
{
    buf b = { 0 };
    buf_str(&b, RULES_HEAD);
    buf_repeat(&b, "# a comment line of the padding to make the file too large.....\n",
               (17u << 20) / 64);
    const char *path = write_file("huge.accord", b.p, b.len);
    char expected[128];
    snprintf(expected, sizeof expected, ": error: file is too large (%zu bytes; rule files "
                                        "are limited to 16 MiB)", b.len);
    assert_lint(path, 2, at(path, expected));
    free(b.p);
}

static void test_hostile__rule_file_bad_bytes_are_located(void)
{
    static const char nul[] = RULES_HEAD "rule r\0 permit transfer;\n";
    const char *path = write_file("nul.accord", nul, sizeof nul - 1);
    assert_lint(path, 2, at(path, ":3:7: error: unexpected control character 0x00"));
    path = write_text("utf8.accord", RULES_HEAD "rule r \"\xFF\xFE\" permit transfer;\n");
    assert_lint(path, 2, at(path, ":3:9: error: invalid UTF-8 byte 0xff in string"));
}

static void test_hostile__utf16_rule_file_gets_one_clear_error(void)
{
    const char *text = RULES_HEAD "rule r permit transfer;\n";
    size_t n = strlen(text);
    char *utf16 = malloc(2 * n + 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(utf16);
    utf16[0] = (char)0xFE;   /* big-endian this time */
    utf16[1] = (char)0xFF;
    for (size_t i = 0; i < n; i++) {
        utf16[2 + 2 * i] = 0;
        utf16[3 + 2 * i] = text[i];
    }
    const char *path = write_file("utf16.accord", utf16, 2 * n + 2);
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, at(path, ":1:1: error: the file is UTF-16 or UTF-32 text (it starts "
                               "with a byte order mark); rule files are UTF-8\n"), NULL);
    CU_ASSERT_TRUE(contains(r.out, "lint: 1 error, 0 warnings, 0 rule sets analysed\n"));
    run_free(&r);
    free(utf16);
}

static void test_hostile__lint_of_30000_parties_is_not_quadratic(void)
{
    /* The solver's domain looked each member up linearly: 100,000 parties took minutes
       before the first query. */
    buf b = { 0 };
    buf_str(&b, "accord T { title \"t\" effective 2014-12-29 }\nparties {");
    for (int i = 0; i < 30000; i++) {
        char party[16];
        snprintf(party, sizeof party, " P%d", i);
        buf_str(&b, party);
    }
    buf_str(&b, " } topics { t } levels { L }\n"
                "rule r permit transfer when from == P29999;\n");
    const char *path = write_file("parties.accord", b.p, b.len);
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 0, "lint: 0 errors, 0 warnings, 1 rule set analysed\n", NULL);
    run_free(&r);
    free(b.p);
}

static void test_hostile__errors_beyond_the_limit_are_counted_not_shown(void)
{
    buf b = { 0 };
    buf_str(&b, RULES_HEAD);
    buf_repeat(&b, "rule ;\n", 200000);
    const char *path = write_file("errors.accord", b.p, b.len);
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, at(path, ": error: too many errors: 199900 more not shown\n"), NULL);
    CU_ASSERT_TRUE(strlen(r.out) < 64 * 1024);
    run_free(&r);
    free(b.p);
}

static void test_hostile__numbers_too_large_for_a_duration_are_errors(void)
{
    const char *path = write_text("numbers.accord", RULES_HEAD
        "fact f on transfer = once request(from = from) within 99999999999999999999999 days;\n"
        "fact g on transfer = once request(from = from) within 9223372036854775807 days;\n"
        "fact h on transfer = once request(from = from) within 106751991167300 days;\n"
        "rule r permit transfer when f and g and h;\n");
    const char *args[] = { "lint", path, NULL };
    cli_run r = run_cli(args);
    assert_run(&r, 2, at(path, ":3:55: error: number '99999999999999999999999' is too large"),
               NULL);
    CU_ASSERT_TRUE(contains(r.out, at(path, ":4:55: error: number '9223372036854775807' is "
                                            "too large")));
    CU_ASSERT_TRUE(contains(r.out, at(path, ":5:55: error: duration '106751991167300 days' "
                                            "is too long")));
    run_free(&r);
}

/* ---------------------------------------------------------------------------------- */
/* The same limits through the library (exact diagnostics, no process in between)      */

static void test_hostile__library_refuses_an_oversized_text(void)
{
    size_t len = (16u << 20) + 1;
    char *text = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '#', len);
    test_diags d = { 0 };
    acc_diag_sink sink = test_diags_sink(&d);
    acc_file *f = NULL;
    CU_ASSERT_EQUAL(acc_file_parse(&f, "big.accord", text, len, &sink), ACC_EINPUT);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT_TRUE(test_diags_match(&d, "big.accord: error: file is too large (16777217 bytes; "
                                        "rule files are limited to 16 MiB)\n"));
    test_diags_free(&d);
    free(text);
}

static void test_hostile__library_names_each_unicode_mark(void)
{
    static const struct { const char *bytes; size_t len; } marks[] = {
        { "\xFF\xFE" "a\0", 4 }, { "\xFE\xFF\0a", 4 },
        { "\xFF\xFE\0\0" "a\0\0\0", 8 }, { "\0\0\xFE\xFF\0\0\0a", 8 },
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        test_diags d = { 0 };
        acc_diag_sink sink = test_diags_sink(&d);
        acc_file *f = NULL;
        CU_ASSERT_EQUAL(acc_file_parse(&f, "u.accord", marks[i].bytes, marks[i].len, &sink),
                        ACC_EINPUT);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_TRUE(test_diags_match(&d, "u.accord:1:1: error: the file is UTF-16 or UTF-32 "
                                            "text (it starts with a byte order mark); rule "
                                            "files are UTF-8\n"));
        test_diags_free(&d);
    }
}

int main(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/accord-hostile-XXXXXX");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 1;
    }
    static const test_case tests[] = {
        { "audit_does_not_read_an_external_file_entity", test_hostile__audit_does_not_read_an_external_file_entity },
        { "audit_fetches_no_network_entity_or_dtd", test_hostile__audit_fetches_no_network_entity_or_dtd },
        { "audit_refuses_billion_laughs_at_once", test_hostile__audit_refuses_billion_laughs_at_once },
        { "audit_refuses_quadratic_blowup_at_once", test_hostile__audit_refuses_quadratic_blowup_at_once },
        { "audit_stops_at_10000_deep_nesting", test_hostile__audit_stops_at_10000_deep_nesting },
        { "audit_stops_at_a_16_mb_attribute", test_hostile__audit_stops_at_a_16_mb_attribute },
        { "audit_reports_invalid_utf8_where_it_is", test_hostile__audit_reports_invalid_utf8_where_it_is },
        { "audit_refuses_utf16_with_a_byte_order_mark", test_hostile__audit_refuses_utf16_with_a_byte_order_mark },
        { "audit_reports_a_nul_byte_where_it_is", test_hostile__audit_reports_a_nul_byte_where_it_is },
        { "audit_of_a_directory_exits_2_before_auditing", test_hostile__audit_of_a_directory_exits_2_before_auditing },
        { "audit_of_an_unreadable_log_exits_2", test_hostile__audit_of_an_unreadable_log_exits_2 },
        { "audit_of_dev_zero_exits_2_at_once", test_hostile__audit_of_dev_zero_exits_2_at_once },
        { "log_on_one_line_is_read_in_linear_time", test_hostile__log_on_one_line_is_read_in_linear_time },
        { "audit_stops_at_a_tag_of_100000_attributes", test_hostile__audit_stops_at_a_tag_of_100000_attributes },
        { "attribute_limit_ignores_comments_cdata_and_values", test_hostile__attribute_limit_ignores_comments_cdata_and_values },
        { "dev_zero_as_rules_exits_2_in_every_command", test_hostile__dev_zero_as_rules_exits_2_in_every_command },
        { "directory_and_fifo_as_rules_exit_2", test_hostile__directory_and_fifo_as_rules_exit_2 },
        { "unreadable_rule_file_exits_2", test_hostile__unreadable_rule_file_exits_2 },
        { "million_nested_parentheses_exit_2_with_one_error", test_hostile__million_nested_parentheses_exit_2_with_one_error },
        { "million_nested_not_and_implies_exit_2", test_hostile__million_nested_not_and_implies_exit_2 },
        { "oversized_rule_file_is_refused_unread", test_hostile__oversized_rule_file_is_refused_unread },
        { "rule_file_bad_bytes_are_located", test_hostile__rule_file_bad_bytes_are_located },
        { "utf16_rule_file_gets_one_clear_error", test_hostile__utf16_rule_file_gets_one_clear_error },
        { "lint_of_30000_parties_is_not_quadratic", test_hostile__lint_of_30000_parties_is_not_quadratic },
        { "errors_beyond_the_limit_are_counted_not_shown", test_hostile__errors_beyond_the_limit_are_counted_not_shown },
        { "numbers_too_large_for_a_duration_are_errors", test_hostile__numbers_too_large_for_a_duration_are_errors },
        { "library_refuses_an_oversized_text", test_hostile__library_refuses_an_oversized_text },
        { "library_names_each_unicode_mark", test_hostile__library_names_each_unicode_mark },
        { NULL, NULL } };
    int status = test_run_suite("hostile", tests);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp_dir);
    return status;
}
