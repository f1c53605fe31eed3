/*
 * lint.c - `accord lint [RULES...]`: parse and type-check every file given; build each rule
 * set (every base file, and every amendment applied to its base, found by name among the
 * files given or else the built-in default); analyse each rule set that compiles as
 * `check` does; report everything together.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct lint_file {
    const char *path;
    acc_file *file;              /* NULL when it did not parse */
} lint_file;

/* The file among `files` whose header declares `name`, or -1. */
static long find_by_name(const lint_file *files, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (files[i].file && strcmp(acc_file_name(files[i].file), name) == 0)
            return (long)i;
    return -1;
}

/*
 * Collects the chain of paths that builds file i: its base first, then each amendment in
 * order. A base that is not among the files is taken from the built-in default (whose
 * own build reports a missing accord). Returns the number of paths, or 0 on a cycle.
 */
static size_t chain_paths(const lint_file *files, size_t n, size_t i, const char **paths,
                          size_t cap)
{
    size_t len = 0;
    long cur = (long)i;
    while (cur >= 0 && len < cap) {
        paths[len++] = files[cur].path;
        if (!acc_file_is_amendment(files[cur].file))
            break;
        cur = find_by_name(files, n, acc_file_base_name(files[cur].file));
    }
    if (len == cap)
        return 0;
    /* Reverse: base first. */
    for (size_t a = 0, b = len - 1; a < b; a++, b--) {
        const char *t = paths[a];
        paths[a] = paths[b];
        paths[b] = t;
    }
    return len;
}

/*
 * A file shared by several rule sets (a base and its amendments) is resolved once per
 * rule set; this sink passes each distinct diagnostic on once.
 */
typedef struct dedup_sink {
    acc_diag_sink next;
    char **seen;
    size_t n, cap;
} dedup_sink;

static void dedup_receive(void *payload, const acc_diag *d)
{
    dedup_sink *s = payload;
    char key[1400];
    snprintf(key, sizeof key, "%s:%u:%u:%d:%s", d->file ? d->file : "", d->line, d->column,
             (int)d->severity, d->message);
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->seen[i], key) == 0)
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **bigger = realloc(s->seen, cap * sizeof *bigger);
        if (bigger) {
            s->seen = bigger;
            s->cap = cap;
        }
    }
    if (s->n < s->cap && (s->seen[s->n] = strdup(key)) != NULL)
        s->n++;
    s->next.fn(s->next.payload, d);
}

static void dedup_free(dedup_sink *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->seen[i]);
    free(s->seen);
}

int cli_cmd_lint(const cli_options *opts)
{
    if (!cli_format_supported(opts, CLI_FORMATS_ANALYSIS))
        return EXIT_UNUSABLE;
    acc_lint_result *lint = NULL;
    lint_file *files = NULL;
    dedup_sink dedup = { 0 };
    bool inconclusive = false;
    cli_output out = { 0 };
    int code = EXIT_UNUSABLE;
    size_t n = opts->n_args;

    if (acc_lint_new(&lint) != ACC_OK) {
        fputs("accord: out of memory\n", stderr);
        return EXIT_UNUSABLE;
    }
    dedup.next = acc_lint_diag_sink(lint);
    acc_diag_sink sink = { dedup_receive, &dedup };
    files = calloc(n ? n : 1, sizeof *files);
    if (!files)
        goto out_of_memory;
    for (size_t i = 0; i < n; i++) {
        files[i].path = opts->args[i];
        int status = acc_file_load(&files[i].file, files[i].path, &sink);
        if (status == ACC_ENOMEM)
            goto out_of_memory;     /* never a lint that looks clean for want of memory */
        if (status != ACC_OK)
            files[i].file = NULL;
    }
    acc_analysis_options aopt = { .timeout_ms = opts->timeout_ms };
    const char **paths = calloc(n + 1, sizeof *paths);
    if (!paths)
        goto out_of_memory;
    for (size_t i = 0; i < (n ? n : 1); i++) {
        acc_ruleset *rs = NULL;
        size_t len = 0;
        if (n > 0) {
            if (!files[i].file)
                continue;
            len = chain_paths(files, n, i, paths, n + 1);
            if (len == 0) {
                /* Amendments naming each other in a cycle: build the file on its own, so
                   that the library reports its missing base. */
                paths[0] = files[i].path;
                len = 1;
            }
        }
        int status = cli_load_ruleset(&rs, paths, len, &sink);
        if (status == ACC_OK) {
            acc_check_result *check = NULL;
            status = acc_check(&check, rs, &aopt, &sink);
            if (status == ACC_OK)
                status = acc_lint_add_rule_set(lint, check);
            if (status != ACC_OK && status != ACC_ENOMEM) {
                /* A solver error or a failed witness re-check (reported to the sink): never
                   a pass. The other rule sets are still analysed and shown. */
                inconclusive = true;
                status = ACC_OK;
            }
        } else if (status != ACC_ENOMEM) {
            status = ACC_OK;                /* its errors are among the diagnostics */
        }
        acc_ruleset_free(rs);
        if (status == ACC_ENOMEM) {
            free(paths);
            goto out_of_memory;
        }
    }
    free(paths);
    if (lint->failed_alloc)
        goto out_of_memory;
    if (!cli_output_open(&out, opts))
        goto done;
    acc_report_options ropt = cli_report_options(opts, out.fp);
    int status = cli_render_lint(out.fp, lint, &ropt);
    if (!cli_output_close(&out) || status != ACC_OK)
        goto done;
    code = inconclusive ? EXIT_INCONCLUSIVE : acc_lint_exit_code(lint, opts->strict);
    goto done;
out_of_memory:
    fputs("accord: out of memory\n", stderr);
    code = EXIT_UNUSABLE;
done:
    if (files)
        for (size_t i = 0; i < n; i++)
            acc_file_free(files[i].file);
    free(files);
    acc_lint_result_free(lint);
    dedup_free(&dedup);
    return code;
}
