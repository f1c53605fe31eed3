/*
 * file.c - rule files: reading, parsing and the accessors of accord/rules.h (acc_file_*).
 *
 * A file and everything parsed from it live in one arena, which the acc_file itself sits
 * in (the same trick as acc_ruleset), so acc_file_free is one arena release.
 */
#include "ast.h"

#include "alloc.h"
#include "diag.h"
#include "diag_buffer.h"
#include "parser.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Rule files are small; a larger file is almost certainly a mistake (a log, a binary). */
#define ACC_FILE_MAX_BYTES (16u * 1024u * 1024u)

/* The built-in rule set, generated from rules/tisa-2014.accord by cmake/embed.cmake. */
extern const char acc_default_rules_text[];
extern const size_t acc_default_rules_len;

#define ACC_DEFAULT_RULES_PATH "rules/tisa-2014.accord"

static void report_too_large(const acc_diag_sink *sink, const char *path, size_t len)
{
    acc_diag_report_file(sink, ACC_SEV_ERROR, path,
                         "file is too large (%zu bytes; rule files are limited to 16 MiB)", len);
}

/* The length of a UTF-16 or UTF-32 byte order mark at the start of text, or 0. */
static size_t unicode_mark_length(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    if (len >= 4 && s[0] == 0x00 && s[1] == 0x00 && s[2] == 0xFE && s[3] == 0xFF)
        return 4;   /* UTF-32BE */
    if (len >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0x00 && s[3] == 0x00)
        return 4;   /* UTF-32LE */
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
        return 2;   /* UTF-16LE, UTF-16BE */
    return 0;
}

int acc_file_parse(acc_file **out, const char *path, const char *text, size_t len,
                   const acc_diag_sink *sink)
{
    int status = ACC_ENOMEM;
    unsigned errors = 0;
    acc_arena arena;
    acc_file *file;
    *out = NULL;
    if (len > ACC_FILE_MAX_BYTES) {
        report_too_large(sink, path, len);
        return ACC_EINPUT;
    }
    acc_arena_init(&arena);
    file = acc_arena_alloc(&arena, sizeof *file);
    if (!file) {
        acc_arena_free(&arena);
        return ACC_ENOMEM;
    }
    file->arena = arena;   /* from now on, allocate through file->arena */
    file->src.len = len;
    if (!(file->src.path = acc_arena_strdup(&file->arena, path ? path : "<input>")) ||
        !(file->src.text = acc_arena_strndup(&file->arena, len ? text : "", len)))
        goto done;
    /* UTF-16 or UTF-32 text would give one "invalid UTF-8" error per character: say once
       what the file is instead. */
    if (unicode_mark_length(file->src.text, len) > 0) {
        acc_diag_report(sink, ACC_SEV_ERROR, &file->src, 0,
                        (uint32_t)unicode_mark_length(file->src.text, len),
                        "the file is UTF-16 or UTF-32 text (it starts with a byte order mark); "
                        "rule files are UTF-8");
        status = ACC_EINPUT;
        goto done;
    }
    /* The lexer runs a token ahead of the parser: hold the messages to sort them. */
    acc_diag_buffer held;
    acc_diag_buffer_init(&held, &file->src.path, 1);
    acc_diag_sink held_sink = acc_diag_buffer_sink(&held);
    status = acc_parse(file, &held_sink, &held, &errors);
    int delivered = acc_diag_buffer_flush(&held, sink);
    if (status == ACC_OK)
        status = delivered != ACC_OK ? delivered : errors > 0 ? ACC_EINPUT : ACC_OK;
done:
    if (status != ACC_OK) {
        acc_file_free(file);
        return status;
    }
    *out = file;
    return ACC_OK;
}

/*
 * Reads the regular file open on fd to its end into a new buffer, at most `max` bytes
 * (ACC_EINPUT when there are more). The size from fstat is only a first guess: files of
 * /proc report 0 and a file may grow while it is read. On ACC_EIO errno says why.
 */
static int read_all(int fd, size_t size_hint, size_t max, char **text, size_t *len)
{
    size_t cap = (size_hint < max ? size_hint : max) + 1, n = 0;
    char *buf = acc_malloc(cap);
    if (!buf)
        return ACC_ENOMEM;
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                acc_free(buf);
                return ACC_EINPUT;
            }
            size_t grown_cap = cap > max / 2 ? max + 1 : 2 * cap;
            char *grown = acc_realloc(buf, grown_cap);
            if (!grown) {
                acc_free(buf);
                return ACC_ENOMEM;
            }
            buf = grown;
            cap = grown_cap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int saved = errno;
            acc_free(buf);
            errno = saved;
            return ACC_EIO;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > max) {
        acc_free(buf);
        return ACC_EINPUT;
    }
    *text = buf;
    *len = n;
    return ACC_OK;
}

int acc_file_load(acc_file **out, const char *path, const acc_diag_sink *sink)
{
    int status;
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not hang; it is rejected below as non-regular. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, path, "cannot open the rule file: %s",
                             strerror(errno));
        return ACC_EIO;
    }
    if (fstat(fd, &st) != 0) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, path, "cannot read the rule file: %s",
                             strerror(errno));
        status = ACC_EIO;
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, path,
                             S_ISDIR(st.st_mode) ? "is a directory, not a rule file"
                                                 : "is not a regular file");
        status = ACC_EIO;
        goto done;
    }
    if ((uintmax_t)st.st_size > ACC_FILE_MAX_BYTES) {
        report_too_large(sink, path, (size_t)st.st_size);
        status = ACC_EIO;
        goto done;
    }
    status = read_all(fd, (size_t)st.st_size, ACC_FILE_MAX_BYTES, &text, &len);
    if (status == ACC_EINPUT) {   /* it grew past the limit while being read */
        acc_diag_report_file(sink, ACC_SEV_ERROR, path, "file is too large (more than 16 MiB; "
                             "rule files are limited to 16 MiB)");
        status = ACC_EIO;
        goto done;
    }
    if (status == ACC_EIO) {
        acc_diag_report_file(sink, ACC_SEV_ERROR, path, "cannot read the rule file: %s",
                             strerror(errno));
        goto done;
    }
    if (status == ACC_OK)
        status = acc_file_parse(out, path, text, len, sink);
done:
    acc_free(text);
    close(fd);
    return status;
}

int acc_file_default(acc_file **out, const acc_diag_sink *sink)
{
    return acc_file_parse(out, ACC_DEFAULT_RULES_PATH, acc_default_rules_text,
                          acc_default_rules_len, sink);
}

void acc_file_free(acc_file *file)
{
    if (!file)
        return;
    acc_arena arena = file->arena;   /* the file itself lives in its arena */
    acc_arena_free(&arena);
}

const char *acc_file_path(const acc_file *file) { return file->src.path; }
const char *acc_file_name(const acc_file *file) { return file->name; }
bool acc_file_is_amendment(const acc_file *file) { return file->is_amendment; }

const char *acc_file_base_name(const acc_file *file)
{
    return file->is_amendment ? file->base_name : NULL;
}
