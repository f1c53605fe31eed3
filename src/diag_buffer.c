/*
 * diag_buffer.c - diagnostics held back and delivered in source order (diag_buffer.h).
 */
#include "diag_buffer.h"

#include "alloc.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

struct acc_held_diag {
    acc_diag diag;          /* file, message and source_line point at copies below */
    size_t file_order;      /* position of diag.file in the registered paths */
    size_t seq;             /* arrival order, to keep ties stable */
    char *file, *message, *source_line;
};

void acc_diag_buffer_init(acc_diag_buffer *b, const char *const *paths, size_t n_paths)
{
    *b = (acc_diag_buffer){ .paths = paths, .n_paths = n_paths,
                            .budget = ACC_MAX_SHOWN_DIAGS };
}

bool acc_diag_buffer_admit(acc_diag_buffer *b)
{
    if (!b)
        return true;
    if (b->budget == 0) {
        b->hidden++;
        return false;
    }
    b->budget--;
    return true;
}

void acc_diag_buffer_verror(acc_diag_buffer *limit, const acc_diag_sink *sink,
                            const acc_source_text *src, uint32_t start, uint32_t end,
                            const char *fmt, va_list ap)
{
    if (acc_diag_buffer_admit(limit))
        acc_diag_vreport(sink, ACC_SEV_ERROR, src, start, end, fmt, ap);
}

static size_t file_order(const acc_diag_buffer *b, const char *file)
{
    if (!file)
        return 0;
    for (size_t i = 0; i < b->n_paths; i++)
        if (b->paths[i] && strcmp(b->paths[i], file) == 0)
            return i;
    return b->n_paths;
}

static void hold(void *payload, const acc_diag *d)
{
    acc_diag_buffer *b = payload;
    if (d->severity == ACC_SEV_ERROR)
        b->errors++;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        acc_held_diag *bigger = acc_realloc(b->items, cap * sizeof *bigger);
        if (!bigger) {
            b->oom = true;
            return;
        }
        b->items = bigger;
        b->cap = cap;
    }
    acc_held_diag *h = &b->items[b->n];
    *h = (acc_held_diag){ .diag = *d, .file_order = file_order(b, d->file), .seq = b->n };
    h->message = acc_strndup(d->message, strlen(d->message));
    h->file = d->file ? acc_strndup(d->file, strlen(d->file)) : NULL;
    h->source_line = d->source_line ? acc_strndup(d->source_line, d->source_line_len) : NULL;
    if (!h->message || (d->file && !h->file) || (d->source_line && !h->source_line)) {
        acc_free(h->message);
        acc_free(h->file);
        acc_free(h->source_line);
        b->oom = true;
        return;
    }
    h->diag.message = h->message;
    h->diag.file = h->file;
    h->diag.source_line = h->source_line;
    b->n++;
}

acc_diag_sink acc_diag_buffer_sink(acc_diag_buffer *b)
{
    return (acc_diag_sink){ hold, b };
}

static int compare_held(const void *pa, const void *pb)
{
    const acc_held_diag *a = pa, *b = pb;
    if (a->file_order != b->file_order)
        return a->file_order < b->file_order ? -1 : 1;
    if (a->diag.line != b->diag.line)
        return a->diag.line < b->diag.line ? -1 : 1;
    if (a->diag.column != b->diag.column)
        return a->diag.column < b->diag.column ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int acc_diag_buffer_flush(acc_diag_buffer *b, const acc_diag_sink *sink)
{
    int status = b->oom ? ACC_ENOMEM : ACC_OK;
    if (b->n > 1)
        qsort(b->items, b->n, sizeof *b->items, compare_held);
    for (size_t i = 0; i < b->n; i++) {
        if (sink && sink->fn)
            sink->fn(sink->payload, &b->items[i].diag);
        acc_free(b->items[i].message);
        acc_free(b->items[i].file);
        acc_free(b->items[i].source_line);
    }
    acc_free(b->items);
    if (b->hidden)
        acc_diag_report_file(sink, ACC_SEV_ERROR, b->n_paths ? b->paths[0] : NULL,
                             "too many errors: %u more not shown", b->hidden);
    acc_diag_buffer_init(b, b->paths, b->n_paths);
    return status;
}
