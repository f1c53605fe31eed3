/*
 * common.c - the CLI's shared plumbing: output files written atomically, colour choice,
 * the diagnostic printer/collector, and building a rule set from command-line files.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_output_open(cli_output *out, const cli_options *opts)
{
    memset(out, 0, sizeof *out);
    if (!opts->output || strcmp(opts->output, "-") == 0) {
        out->fp = stdout;
        return true;
    }
    size_t len = strlen(opts->output);
    out->final_path = strdup(opts->output);
    out->temp_path = malloc(len + 16);
    if (!out->final_path || !out->temp_path) {
        fprintf(stderr, "accord: out of memory\n");
        goto fail;
    }
    /* The temporary file sits beside the target so that rename() is atomic. mkstemp's
       template ends in six 'X' bytes, which it replaces with a unique name. */
    int base = snprintf(out->temp_path, len + 16, "%s.tmp", opts->output);
    memset(out->temp_path + base, 'X', 6);
    out->temp_path[base + 6] = '\0';
    int fd = mkstemp(out->temp_path);
    if (fd < 0) {
        fprintf(stderr, "accord: cannot write '%s': %s\n", opts->output, strerror(errno));
        goto fail;
    }
    /* mkstemp creates the file 0600; a report gets the usual 0666 less the umask. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        fprintf(stderr, "accord: cannot write '%s': %s\n", opts->output, strerror(errno));
        close(fd);
        unlink(out->temp_path);
        goto fail;
    }
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        fprintf(stderr, "accord: cannot write '%s': %s\n", opts->output, strerror(errno));
        close(fd);
        unlink(out->temp_path);
        goto fail;
    }
    return true;
fail:
    free(out->final_path);
    free(out->temp_path);
    memset(out, 0, sizeof *out);
    return false;
}

bool cli_output_close(cli_output *out)
{
    bool ok = true;
    if (!out->fp)
        return false;
    if (out->fp == stdout) {
        ok = fflush(stdout) == 0;
    } else {
        ok = fflush(out->fp) == 0 && !ferror(out->fp);
        ok = fclose(out->fp) == 0 && ok;
        if (ok && rename(out->temp_path, out->final_path) != 0)
            ok = false;
        if (!ok) {
            fprintf(stderr, "accord: cannot write '%s': %s\n", out->final_path, strerror(errno));
            unlink(out->temp_path);
        }
        free(out->final_path);
        free(out->temp_path);
    }
    memset(out, 0, sizeof *out);
    return ok;
}

bool cli_use_color(const cli_options *opts, FILE *fp)
{
    if (opts->color >= 0)
        return opts->color == 1;
    const char *no_color = getenv("NO_COLOR");
    if (no_color && *no_color)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    if (fp == stdout && opts->output && strcmp(opts->output, "-") != 0)
        return false;
    return isatty(fileno(fp)) == 1;
}

acc_report_options cli_report_options(const cli_options *opts, FILE *fp)
{
    return (acc_report_options){ .format = opts->format, .color = cli_use_color(opts, fp),
                                 .quiet = opts->quiet, .strict = opts->strict,
                                 .deny_new_permits = opts->deny_new_permits };
}

static char *dup_n(const char *s, size_t n)
{
    char *copy = malloc(n + 1);
    if (copy) {
        if (n)
            memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

static void diags_receive(void *payload, const acc_diag *d)
{
    cli_diags *c = payload;
    if (d->severity == ACC_SEV_ERROR)
        c->errors++;
    else if (d->severity == ACC_SEV_WARNING)
        c->warnings++;
    if (c->print) {
        acc_report_diag_text(stderr, d, c->color);
        return;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        acc_diag *bigger = realloc(c->items, cap * sizeof *bigger);
        if (!bigger)
            return;
        c->items = bigger;
        c->cap = cap;
    }
    acc_diag copy = *d;
    copy.file = d->file ? dup_n(d->file, strlen(d->file)) : NULL;
    copy.message = dup_n(d->message, strlen(d->message));
    copy.source_line = d->source_line ? dup_n(d->source_line, d->source_line_len) : NULL;
    c->items[c->n++] = copy;
}

acc_diag_sink cli_diags_sink(cli_diags *d)
{
    return (acc_diag_sink){ diags_receive, d };
}

void cli_diags_free(cli_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->items[i].file);
        free((char *)d->items[i].message);
        free((char *)d->items[i].source_line);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

int cli_load_ruleset(acc_ruleset **out, const char *const *paths, size_t n,
                     const acc_diag_sink *sink)
{
    acc_file **files = calloc(n ? n : 1, sizeof *files);
    size_t loaded = 0;
    int status = ACC_OK;
    *out = NULL;
    if (!files)
        return ACC_ENOMEM;
    if (n == 0) {
        status = acc_file_default(&files[0], sink);
        if (status == ACC_OK)
            loaded = 1;
    }
    for (; status == ACC_OK && loaded < n; loaded++) {
        int s = acc_file_load(&files[loaded], paths[loaded], sink);
        if (s != ACC_OK) {
            /* Parse every file so that all errors are shown, then stop. */
            status = s;
            for (size_t j = loaded + 1; j < n; j++) {
                acc_file *f = NULL;
                acc_file_load(&f, paths[j], sink);
                acc_file_free(f);
            }
            break;
        }
    }
    if (status == ACC_OK && loaded > 0) {
        if (acc_file_is_amendment(files[0])) {
            /* An amendment alone applies to the built-in default when that is its base. */
            acc_file *base = NULL;
            status = acc_file_default(&base, sink);
            if (status == ACC_OK) {
                acc_file **all = calloc(loaded + 1, sizeof *all);
                if (!all) {
                    status = ACC_ENOMEM;
                } else {
                    all[0] = base;
                    memcpy(all + 1, files, loaded * sizeof *files);
                    status = acc_ruleset_build(out, all, loaded + 1, sink);
                    free(all);
                }
            }
            acc_file_free(base);
        } else {
            status = acc_ruleset_build(out, files, loaded, sink);
        }
    }
    for (size_t i = 0; i < loaded; i++)
        acc_file_free(files[i]);
    free(files);
    return status;
}
