/*
 * xml_pipe.c - a document through the reader on one thread or two (xml_pipe.h).
 *
 * Two threads. The consumer (the caller's thread) reads the input and screens it
 * (acc_xml_screen: UTF-16 check, newlines, attribute guard) a few chunks ahead, and
 * replays the events to the handler; the producer (a thread of ours) owns the reader
 * and parses: libxml2 is the larger half of the work, so the rest goes to the other
 * side, except that the producer prepares entries and reads the input too while the
 * consumer lags behind (note_backlog). Chunks and batches change hands only under the
 * mutex: a chunk is posted (posted++) by whichever thread read it and released by the
 * producer once parsed (parsed++); the producer publishes a batch (produced++) and the
 * consumer gives it back to the spares once replayed (consumed++). At most INPUTS
 * chunks are read ahead; the producer takes a spare batch, or allocates one while the
 * ring has fewer than BATCHES_MAX, and waits only then: a judge that stalls for a while
 * (rehashing a large table) does not stall the parse. A record holds a whole event,
 * with its strings copied behind it and pointers to those copies (a batch never moves
 * while it holds records), so the handler gets the same structures as on one thread.
 * When the handler stops, the consumer raises `cancel`; the producer sees it at its
 * next event or while waiting, stops its reader and ends.
 *
 * The chunking (source_next), the screening and the text filter are shared by both
 * ways, so that one thread and two report the same events, progress and errors.
 */
#include "xml_pipe.h"

#include "accord/core.h"
#include "alloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BATCH_BYTES ((size_t)256 << 10)
#define BATCHES 4                  /* batches allocated at the start */
#define BATCHES_MAX 48             /* the most: the ring grows while the handler lags
                                      behind (while it rehashes a table), up to 12 MiB */
#define HELP_ON 16                 /* batches waiting when the producer starts helping */
#define INPUTS 3                   /* chunks read ahead of the parse */
#define LOOKAHEAD 24               /* records a lookahead callback sees ahead of replay */
#define PREPARED_MAX 4096

/* ---- Shared by both ways -------------------------------------------------------- */

/* False for text the options drop (the reader drops blank text itself: open_reader). */
static bool text_wanted(const acc_xml_pipe_options *opt, const acc_xml_text *t)
{
    return !(opt->text_max_depth && t->depth > opt->text_max_depth);
}

typedef void (*progress_fn)(void *payload, uint64_t bytes);

/* A document's bytes, chunk by chunk: the open file, or the position in the buffer. */
typedef struct source {
    const acc_xml_doc *doc;
    FILE *f;
    size_t off;
} source;

static int source_open(source *src, const acc_xml_doc *doc)
{
    *src = (source){ .doc = doc };
    if (!doc->data && !(src->f = fopen(doc->path, "rb")))
        return ACC_EIO;
    return ACC_OK;
}

static void source_close(source *src)
{
    if (src->f) {
        int e = errno;
        fclose(src->f);
        errno = e;
    }
}

/*
 * The next chunk: *data and *n (read into buf for a file), *last when it is the end of
 * the document. Returns ACC_OK or ACC_EIO (errno set).
 */
static int source_next(source *src, char *buf, const char **data, size_t *n, bool *last)
{
    const acc_xml_doc *doc = src->doc;
    size_t chunk = doc->chunk;
    if (!src->f) {
        *n = doc->len - src->off < chunk ? doc->len - src->off : chunk;
        *data = doc->data + src->off;
        src->off += *n;
        *last = src->off == doc->len;
        return ACC_OK;
    }
    *n = fread(buf, 1, chunk, src->f);
    if (*n < chunk && ferror(src->f))
        return ACC_EIO;
    *data = buf;
    *last = *n < chunk && feof(src->f);
    if (*n == chunk) {
        int c = fgetc(src->f);     /* exactly `chunk` bytes left: is this the end? */
        if (c == EOF)
            *last = !ferror(src->f);
        else
            ungetc(c, src->f);
    }
    return ACC_OK;
}

/* True when the reader returned `rc` because a handler stopped it. */
static bool stopped_by_handler(const acc_xml_reader *r, int rc)
{
    return rc == ACC_EINPUT && !acc_xml_reader_error(r);
}

/*
 * Feeds the whole document to the reader, chunk by chunk, calling progress after each
 * (not after a handler stopped the reader: the handler has seen its last event).
 * Returns the reader's status (ACC_OK, ACC_EINPUT once stopped or failed, ACC_ENOMEM)
 * or ACC_EIO (errno set) when the file cannot be opened or read.
 */
static int read_doc(acc_xml_reader *r, const acc_xml_doc *doc, char *buf,
                    progress_fn progress, void *payload)
{
    source src;
    int rc = source_open(&src, doc);
    uint64_t done = 0;
    while (rc == ACC_OK) {
        const char *data;
        size_t n;
        bool last;
        if ((rc = source_next(&src, buf, &data, &n, &last)) != ACC_OK)
            break;
        rc = acc_xml_reader_feed(r, data, n, last);
        done += n;
        if (progress && !stopped_by_handler(r, rc))
            progress(payload, done);
        if (last)
            break;
    }
    source_close(&src);
    return rc;
}

/* A new reader reporting to handler/payload, with the options' names interned. */
static int open_reader(acc_xml_reader **r, const acc_xml_pipe_options *opt,
                       const acc_xml_handler *handler, void *payload)
{
    int st = acc_xml_reader_new(r, handler, payload);
    if (st != ACC_OK)
        return st;
    if (opt->skip_blank_text)
        acc_xml_reader_skip_blank_text(*r);
    for (size_t i = 0; i < opt->n_intern; i++)
        if (!(opt->interned[i] = acc_xml_reader_intern(*r, opt->intern[i]))) {
            acc_xml_reader_free(*r);
            *r = NULL;
            return ACC_ENOMEM;
        }
    return ACC_OK;
}

/* The outcome of a reader that returned `rc`; the status to return. */
static int conclude(const acc_xml_reader *r, int rc, acc_xml_outcome *out)
{
    if (rc != ACC_EINPUT)
        return rc;
    const acc_xml_error *e = acc_xml_reader_error(r);
    if (e) {
        out->failed = true;
        out->error = *e;
    } else {
        out->stopped = true;
    }
    return ACC_OK;
}

/* ---- One thread ----------------------------------------------------------------- */

typedef struct direct {
    const acc_xml_pipe_options *opt;
    alignas(max_align_t) unsigned char prepared[PREPARED_MAX];
} direct;

static bool direct_start(void *payload, const acc_xml_start *el)
{
    direct *d = payload;
    const acc_xml_pipe_options *opt = d->opt;
    if (!opt->handler->start)
        return true;
    acc_xml_start e = *el;
    if (opt->prepare) {
        opt->prepare(opt->prepare_ctx, el, d->prepared);
        e.prepared = d->prepared;
    }
    return opt->handler->start(opt->payload, &e);
}

static bool direct_end(void *payload, unsigned depth)
{
    const direct *d = payload;
    return !d->opt->handler->end || d->opt->handler->end(d->opt->payload, depth);
}

static bool direct_text(void *payload, const acc_xml_text *t)
{
    const direct *d = payload;
    if (!d->opt->handler->text || !text_wanted(d->opt, t))
        return true;
    return d->opt->handler->text(d->opt->payload, t);
}

static void direct_progress(void *payload, uint64_t bytes)
{
    const direct *d = payload;
    d->opt->on_progress(d->opt->payload, bytes);
}

static int parse_direct(const acc_xml_pipe_options *opt, const acc_xml_doc *doc,
                        acc_xml_outcome *out)
{
    static const acc_xml_handler wrap = { direct_start, direct_end, direct_text };
    direct *d = acc_malloc(sizeof *d);
    char *buf = doc->data ? NULL : acc_malloc(doc->chunk);
    acc_xml_reader *r = NULL;
    int st = !d || (!doc->data && !buf) ? ACC_ENOMEM : ACC_OK;
    if (st == ACC_OK) {
        d->opt = opt;
        st = open_reader(&r, opt, &wrap, d);
    }
    if (st == ACC_OK) {
        st = read_doc(r, doc, buf, opt->on_progress ? direct_progress : NULL, d);
        st = conclude(r, st, out);
    }
    int e = errno;
    acc_xml_reader_free(r);
    acc_free(buf);
    acc_free(d);
    errno = e;
    return st;
}

/* ---- Two threads: the tape ------------------------------------------------------- */

enum record_type { REC_START, REC_END, REC_TEXT, REC_PROGRESS };

/* Every record starts with this; `size` (a multiple of 8) leads to the next one. */
typedef struct record {
    uint32_t type;
    uint32_t size;
} record;

typedef struct start_record {
    record head;
    acc_xml_start el;          /* el.prepared is NULL until prepare has run */
    void *prepared_area;       /* where prepare writes, in the record */
    bool ends;                 /* the element ends here too (no record came between) */
} start_record;

typedef struct end_record {
    record head;
    unsigned depth;
} end_record;

typedef struct text_record {
    record head;
    acc_xml_text t;
} text_record;

typedef struct progress_record {
    record head;
    uint64_t bytes;
} progress_record;

typedef struct batch {
    unsigned char *buf;
    size_t used, cap;
} batch;

/* A chunk of input, read and screened ahead (by either thread), parsed by the producer. */
typedef struct input {
    char *buf;                 /* a file's chunk is read into this */
    const char *data;
    size_t len;
    bool last;
    acc_xml_screened sc;
} input;

typedef struct pipe_state {
    const acc_xml_pipe_options *opt;
    acc_xml_reader *reader;    /* the producer's */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* The ring: published batches in order (ring[i % BATCHES_MAX] is batch number i),
       the producer's current one, and the spare ones (most recently replayed on top, so
       that the few in use stay in the cache). Batches are allocated as the ring grows. */
    batch *ring[BATCHES_MAX];
    batch *current;            /* the producer's */
    start_record *last_start;  /* the producer's last record, when a start in current */
    batch *spare[BATCHES_MAX]; /* (under mu) */
    unsigned n_spare;
    batch batches[BATCHES_MAX];
    unsigned n_batches;        /* allocated (under mu) */
    size_t batch_cap;
    uint64_t produced, consumed;   /* batches published and released (under mu) */
    bool finished;             /* the producer is done; status is set (under mu) */
    bool cancel;               /* the handler stopped (written under mu, read atomically) */
    bool helping;              /* the producer takes work off the consumer: it prepares and
                                  reads the input (written under mu, read atomically) */
    int status;                /* the producer's result */
    bool oom;                  /* a record larger than a batch could not be placed */
    /* The input, read and screened ahead of the producer by one thread at a time. */
    input inputs[INPUTS];
    uint64_t posted, parsed;   /* chunks read and posted, chunks parsed (under mu) */
    bool input_done;           /* no chunk will follow: the last one, or an error (under mu) */
    bool reading;              /* a thread reads and screens chunk `posted` (under mu) */
    int input_status;          /* ACC_OK, or ACC_EIO when reading failed (under mu) */
    int error_number;          /* errno of that failure */
    source src;                /* the reading thread's (`reading`) */
    acc_xml_screen screen;     /* likewise */
} pipe_state;

static bool cancelled(pipe_state *p)
{
    return __atomic_load_n(&p->cancel, __ATOMIC_ACQUIRE);
}

static size_t round8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Under mu, after produced or consumed changed: the producer starts helping once HELP_ON
   batches (4 MiB, some 10 ms of the consumer's work) wait for the consumer, and stops once
   at most one does. Helping as soon as two waited (as before) made the producer, which is
   the slower side between the consumer's stalls, take work back from a consumer that was
   catching up: interleaved, 16 was 8% faster without the chain and 3% with it than 2. */
static void note_backlog(pipe_state *p)
{
    uint64_t waiting = p->produced - p->consumed;
    if (waiting >= HELP_ON)
        __atomic_store_n(&p->helping, true, __ATOMIC_RELAXED);
    else if (waiting <= 1)
        __atomic_store_n(&p->helping, false, __ATOMIC_RELAXED);
}

static bool helping(pipe_state *p)
{
    return __atomic_load_n(&p->helping, __ATOMIC_RELAXED);
}

/* Under mu: publishes the producer's current batch (full, or the last one). */
static void publish(pipe_state *p)
{
    p->ring[p->produced % BATCHES_MAX] = p->current;
    p->produced++;
    note_backlog(p);
    pthread_cond_broadcast(&p->cv);
}

/* Under mu: a spare batch, or a new one while there may be more; NULL when neither. */
static batch *take_batch(pipe_state *p)
{
    if (p->n_spare > 0)
        return p->spare[--p->n_spare];
    if (p->n_batches == BATCHES_MAX)
        return NULL;
    batch *b = &p->batches[p->n_batches];
    if (!(b->buf = acc_malloc(p->batch_cap)))
        return NULL;           /* the ring stays as it is: wait for a spare one */
    b->cap = p->batch_cap;
    p->n_batches++;
    return b;
}

/* Publishes the current batch and takes the next one; false when cancelled (then the
   current batch may stay the published one: nothing is replayed after a cancel). */
static bool next_batch(pipe_state *p)
{
    pthread_mutex_lock(&p->mu);
    publish(p);
    batch *b;
    while (!(b = take_batch(p)) && !p->cancel)
        pthread_cond_wait(&p->cv, &p->mu);
    bool ok = !p->cancel;
    if (b) {
        b->used = 0;
        p->current = b;
    }
    pthread_mutex_unlock(&p->mu);
    return ok;
}

/* Room for a record of `size` bytes (a multiple of 8) in the current batch, or NULL. */
static void *reserve(pipe_state *p, size_t size, uint32_t type)
{
    if (size > UINT32_MAX) {
        p->oom = true;
        return NULL;
    }
    p->last_start = NULL;
    batch *b = p->current;
    if (b->used + size > b->cap) {
        if (b->used > 0 && !next_batch(p))
            return NULL;
        b = p->current;
        if (size > b->cap) {
            unsigned char *grown = acc_realloc(b->buf, size);
            if (!grown) {
                p->oom = true;
                return NULL;
            }
            b->buf = grown;
            b->cap = size;
        }
    }
    record *rec = (record *)(b->buf + b->used);
    b->used += size;
    rec->type = type;
    rec->size = (uint32_t)size;
    return rec;
}

/*
 * True when the values of a tag lie in order in the parser's input buffer (as libxml2
 * leaves them unless a value needed rewriting): then the stretch from the first value
 * to the end of the last is copied at once instead of value by value.
 */
static bool values_in_one_stretch(const acc_xml_start *el)
{
    const unsigned char *const *raw = el->raw_attrs;
    const unsigned char *lo = el->input_lo, *hi = el->input_hi, *prev = lo;
    if (!lo || el->n_attrs == 0)
        return false;
    for (size_t i = 0; i < 5 * (size_t)el->n_attrs; i += 5) {
        if (!(raw[i + 3] >= prev && raw[i + 4] >= raw[i + 3] && raw[i + 4] <= hi))
            return false;
        prev = raw[i + 4];
    }
    return true;
}

static bool tape_start(void *payload, const acc_xml_start *el)
{
    pipe_state *p = payload;
    const acc_xml_pipe_options *opt = p->opt;
    size_t n = el->n_attrs, values = 0;
    const unsigned char *const *raw = el->raw_attrs;
    bool stretch = values_in_one_stretch(el);
    if (stretch) {
        values = (size_t)(raw[5 * n - 1] - raw[3]);
    } else {
        for (size_t i = 0; i < 5 * n; i += 5)
            values += (size_t)(raw[i + 4] - raw[i + 3]);
    }
    size_t at_attrs = round8(sizeof(start_record));
    size_t at_prepared = at_attrs + 5 * n * sizeof(const char *);
    size_t at_values = at_prepared + round8(opt->prepare ? opt->prepared_size : 0);
    unsigned char *rec = reserve(p, round8(at_values + values), REC_START);
    if (!rec)
        return false;
    start_record *s = (start_record *)rec;
    s->el = *el;
    /* The same layout as libxml2's array (xml_reader.h), of unsigned char pointers. */
    const unsigned char **quint = (const unsigned char **)(rec + at_attrs);
    unsigned char *v = rec + at_values;
    if (n)
        memcpy(quint, raw, 5 * n * sizeof *raw);
    if (stretch) {
        memcpy(v, raw[3], values);
        for (size_t i = 0; i < 5 * n; i += 5) {
            quint[i + 3] = v + (raw[i + 3] - raw[3]);
            quint[i + 4] = v + (raw[i + 4] - raw[3]);
        }
    } else {
        for (size_t i = 0; i < 5 * n; i += 5) {
            size_t len = (size_t)(raw[i + 4] - raw[i + 3]);
            memcpy(v, raw[i + 3], len);
            quint[i + 3] = v;
            quint[i + 4] = v + len;
            v += len;
        }
    }
    s->el.raw_attrs = quint;
    s->el.prepared = NULL;
    s->prepared_area = rec + at_prepared;
    s->ends = false;
    p->last_start = s;
    /* Whichever thread has time prepares: this one when the replay lags behind (it
       prepares what this one did not). */
    if (opt->prepare && helping(p)) {
        opt->prepare(opt->prepare_ctx, &s->el, s->prepared_area);
        s->el.prepared = s->prepared_area;
    }
    return !cancelled(p);
}

/* An element that ends right after its start (an empty one, "<e/>" or with only text
   the options drop) needs no end record: its start record says so. */
static bool tape_end(void *payload, unsigned depth)
{
    pipe_state *p = payload;
    if (p->last_start && p->last_start->el.depth == depth) {
        p->last_start->ends = true;
        p->last_start = NULL;
        return !cancelled(p);
    }
    end_record *e = reserve(p, round8(sizeof *e), REC_END);
    if (!e)
        return false;
    e->depth = depth;
    return !cancelled(p);
}

static bool tape_text(void *payload, const acc_xml_text *t)
{
    pipe_state *p = payload;
    if (!text_wanted(p->opt, t))
        return !cancelled(p);
    text_record *r = reserve(p, round8(sizeof *r + t->n), REC_TEXT);
    if (!r)
        return false;
    r->t = *t;
    char *copy = (char *)(r + 1);
    memcpy(copy, t->s, t->n);
    r->t.s = copy;
    return !cancelled(p);
}

static void tape_progress(void *payload, uint64_t bytes)
{
    pipe_state *p = payload;
    progress_record *r = reserve(p, round8(sizeof *r), REC_PROGRESS);
    if (r)
        r->bytes = bytes;
}

/* Reads and screens the next chunk into c (called without the lock). */
static int read_input(pipe_state *p, input *c)
{
    int st = source_next(&p->src, c->buf, &c->data, &c->len, &c->last);
    if (st == ACC_OK)
        acc_xml_screen_chunk(&p->screen, c->data, c->len, &c->sc);
    return st;
}

/*
 * Under mu: when fewer than `ahead` chunks wait to be parsed and no thread is reading,
 * reads and screens the next chunk (the lock is released meanwhile) and posts it; false
 * when there was nothing to do. Either thread reads: the one with time to spare (see
 * consume and producer). One reads at a time, so chunks are screened in order.
 */
static bool read_ahead(pipe_state *p, uint64_t ahead)
{
    if (p->input_done || p->reading || p->cancel || p->posted - p->parsed >= ahead)
        return false;
    input *c = &p->inputs[p->posted % INPUTS];
    p->reading = true;
    pthread_mutex_unlock(&p->mu);
    int st = read_input(p, c);
    int e = errno;
    pthread_mutex_lock(&p->mu);
    p->reading = false;
    if (st != ACC_OK) {
        p->input_done = true;
        p->input_status = st;
        p->error_number = e;
    } else {
        p->posted++;
        p->input_done = c->last;
    }
    pthread_cond_broadcast(&p->cv);
    return true;
}

/*
 * The producer: parses the posted chunks in order until the last, an error or a stop.
 * While it helps the consumer (note_backlog), it also reads the input ahead.
 */
static void *producer(void *arg)
{
    pipe_state *p = arg;
    int st = ACC_OK;
    for (uint64_t k = 0;; k++) {
        pthread_mutex_lock(&p->mu);
        while (k == p->posted && !p->input_done && !p->cancel)
            if (!read_ahead(p, INPUTS))
                pthread_cond_wait(&p->cv, &p->mu);
        bool have = k < p->posted && !p->cancel;
        if (!have && !p->cancel)
            st = p->input_status;      /* no more input: ACC_EIO, or nothing left */
        pthread_mutex_unlock(&p->mu);
        if (!have)
            break;
        const input *c = &p->inputs[k % INPUTS];
        int rc = acc_xml_reader_parse(p->reader, c->data, c->len, c->last, &c->sc);
        if (p->opt->on_progress && !stopped_by_handler(p->reader, rc))
            tape_progress(p, c->sc.end);
        bool last = c->last;
        pthread_mutex_lock(&p->mu);
        p->parsed = k + 1;
        pthread_cond_broadcast(&p->cv);
        if (helping(p))
            read_ahead(p, INPUTS);
        pthread_mutex_unlock(&p->mu);
        if (rc != ACC_OK || last) {
            st = rc;
            break;
        }
    }
    pthread_mutex_lock(&p->mu);
    p->status = p->oom ? ACC_ENOMEM : st;
    publish(p);                /* the last batch, possibly empty */
    p->finished = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Runs prepare on a start record that the producer left unprepared. */
static void prepare_record(const acc_xml_pipe_options *opt, start_record *s)
{
    if (opt->prepare && !s->el.prepared) {
        opt->prepare(opt->prepare_ctx, &s->el, s->prepared_area);
        s->el.prepared = s->prepared_area;
    }
}

/*
 * Replays one batch to the handler; false when a callback stopped. With a lookahead
 * callback, each start tag LOOKAHEAD records ahead is prepared and shown to it first
 * (so that it can prefetch what that entry will touch).
 */
static bool replay(const acc_xml_pipe_options *opt, batch *b)
{
    const acc_xml_handler *h = opt->handler;
    size_t ahead = 0;
    unsigned lead = 0;
    for (size_t off = 0; off < b->used;) {
        for (; opt->lookahead && ahead < b->used && lead < LOOKAHEAD; lead++) {
            record *r = (record *)(b->buf + ahead);
            ahead += r->size;
            if (r->type == REC_START) {
                prepare_record(opt, (start_record *)r);
                opt->lookahead(opt->payload, &((start_record *)r)->el);
            }
        }
        record *rec = (record *)(b->buf + off);
        off += rec->size;
        lead -= lead > 0;
        switch ((enum record_type)rec->type) {
        case REC_START: {
            start_record *s = (start_record *)rec;
            prepare_record(opt, s);
            if (h->start && !h->start(opt->payload, &s->el))
                return false;
            if (s->ends && h->end && !h->end(opt->payload, s->el.depth))
                return false;
            break;
        }
        case REC_END:
            if (h->end && !h->end(opt->payload, ((const end_record *)rec)->depth))
                return false;
            break;
        case REC_TEXT:
            if (h->text && !h->text(opt->payload, &((const text_record *)rec)->t))
                return false;
            break;
        case REC_PROGRESS:
            opt->on_progress(opt->payload, ((const progress_record *)rec)->bytes);
            break;
        }
    }
    return true;
}

/*
 * The consumer: keeps the input ahead of the producer and replays every batch, until
 * the producer finishes (true) or the handler stops (false).
 */
static bool consume(pipe_state *p)
{
    uint64_t k = 0;            /* the next batch to replay */
    bool go_on = true;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        /* Behind the producer, read only what the parse is about to need. */
        if (read_ahead(p, helping(p) ? 2 : INPUTS))
            continue;
        if (k < p->produced) {
            pthread_mutex_unlock(&p->mu);
            batch *b = p->ring[k % BATCHES_MAX];
            go_on = replay(p->opt, b);
            pthread_mutex_lock(&p->mu);
            p->spare[p->n_spare++] = b;
            p->consumed = ++k;
            note_backlog(p);
            if (!go_on)
                __atomic_store_n(&p->cancel, true, __ATOMIC_RELEASE);
            pthread_cond_broadcast(&p->cv);
            if (!go_on)
                break;
            continue;
        }
        if (p->finished)
            break;
        pthread_cond_wait(&p->cv, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return go_on;
}

static int parse_threaded(const acc_xml_pipe_options *opt, const acc_xml_doc *doc,
                          acc_xml_outcome *out, bool *fall_back)
{
    static const acc_xml_handler tape = { tape_start, tape_end, tape_text };
    pipe_state *p = acc_calloc(1, sizeof *p);
    if (!p)
        return ACC_ENOMEM;
    p->opt = opt;
    acc_xml_screen_init(&p->screen);
    int st = ACC_OK;
    bool sync = false, started = false, opened = false;
    pthread_t thread;
    for (int i = 0; i < INPUTS && st == ACC_OK && !doc->data; i++)
        if (!(p->inputs[i].buf = acc_malloc(doc->chunk)))
            st = ACC_ENOMEM;
    /* A small document in memory needs small batches (a larger record grows one). */
    p->batch_cap = doc->data && doc->len / 2 + 4096 < BATCH_BYTES ? doc->len / 2 + 4096
                                                                  : BATCH_BYTES;
    for (int i = 0; i < BATCHES && st == ACC_OK; i++) {
        batch *b = take_batch(p);
        if (!b)
            st = ACC_ENOMEM;
        else if (i == 0)
            p->current = b;
        else
            p->spare[p->n_spare++] = b;
    }
    if (st == ACC_OK)
        st = open_reader(&p->reader, opt, &tape, p);
    if (st == ACC_OK && (st = source_open(&p->src, doc)) == ACC_OK)
        opened = true;
    if (st == ACC_OK) {
        if (pthread_mutex_init(&p->mu, NULL) != 0) {
            *fall_back = true;
        } else if (pthread_cond_init(&p->cv, NULL) != 0) {
            pthread_mutex_destroy(&p->mu);
            *fall_back = true;
        } else {
            sync = true;
            started = pthread_create(&thread, NULL, producer, p) == 0;
            *fall_back = !started;
        }
    }
    if (started) {
        bool complete = consume(p);
        pthread_join(thread, NULL);
        out->batches = p->n_batches;
        if (!complete) {
            out->stopped = true;
            st = ACC_OK;
        } else {
            st = conclude(p->reader, p->status, out);
            errno = p->error_number;
        }
    }
    int e = errno;
    if (opened)
        source_close(&p->src);
    if (sync) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
    }
    acc_xml_reader_free(p->reader);
    for (unsigned i = 0; i < p->n_batches; i++)
        acc_free(p->batches[i].buf);
    for (int i = 0; i < INPUTS; i++)
        acc_free(p->inputs[i].buf);
    acc_free(p);
    errno = e;
    return st;
}

/* ---- Entry points ----------------------------------------------------------------- */

int acc_xml_pipe_parse(const acc_xml_pipe_options *opt, const acc_xml_doc *doc,
                       acc_xml_outcome *out)
{
    memset(out, 0, sizeof *out);
    if (opt->prepare && opt->prepared_size > PREPARED_MAX)
        return ACC_EINTERNAL;
    if (opt->two_threads) {
        bool fall_back = false;
        int st = parse_threaded(opt, doc, out, &fall_back);
        if (!fall_back)
            return st;
    }
    return parse_direct(opt, doc, out);
}

bool acc_xml_pipe_worthwhile(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}
