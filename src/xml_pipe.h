/*
 * xml_pipe.h - one XML document, from a file or memory, through the streaming reader
 * (xml_reader.h), on the caller's thread or split across two (internal).
 *
 * Split, the caller's thread reads and screens the input a few chunks ahead and a
 * second thread runs libxml2 on it; every event (start tag, end tag, text, bytes
 * parsed) is copied into a ring of batches (a "tape") and replayed to the handler on
 * the caller's thread in document order, with the same values, locations, errors and
 * stopping as on one thread. Memory stays bounded: the chunks read ahead and the ring,
 * which grows from 1 to at most 12 MiB while the handler lags behind (more only for a
 * single tag larger than a batch).
 *
 * A prepare function is stateless work per start tag that either thread may do: it
 * sees the tag and writes `prepared_size` bytes that the handler then finds in
 * acc_xml_start.prepared. Split, the reader's thread runs it while the handler's thread
 * lags behind, and the handler's thread (just before the handler) otherwise: the load
 * balances itself. On one thread it runs just before the handler.
 * It must depend on nothing but the tag and prepare_ctx, which must not change while a
 * document is parsed, so that where it ran never shows.
 *
 * Ownership: everything the handler sees lives for the duration of its call only
 * (interned names: for the whole parse). The options and document are the caller's.
 */
#ifndef ACCORD_XML_PIPE_H
#define ACCORD_XML_PIPE_H

#include "xml_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The input: a file read in chunks, or a buffer fed in chunks. */
typedef struct acc_xml_doc {
    const char *path;          /* read when data is NULL */
    const char *data;
    size_t len;
    size_t chunk;              /* bytes per read and per feed (> 0) */
} acc_xml_doc;

typedef void (*acc_xml_prepare_fn)(const void *ctx, const acc_xml_start *el, void *out);

typedef struct acc_xml_pipe_options {
    const acc_xml_handler *handler;
    void *payload;
    acc_xml_prepare_fn prepare;        /* optional */
    const void *prepare_ctx;
    size_t prepared_size;              /* bytes written by prepare (<= 4096) */
    /* Names interned in the document's dictionary before parsing: interned[i] is the
       pointer that equals a start tag's or attribute's name when it is intern[i]. */
    const char *const *intern;
    const char **interned;
    size_t n_intern;
    /* Text the handler never needs is dropped where it is read: text in elements deeper
       than text_max_depth (0: no limit) and, with skip_blank_text, text of only spaces,
       tabs and line ends. */
    unsigned text_max_depth;
    bool skip_blank_text;
    /* Split only (optional): called with a start tag, already prepared, a few records
       before the handler gets it, e.g. to prefetch memory its handling will touch. It
       must not change what the handler later does. */
    void (*lookahead)(void *payload, const acc_xml_start *el);
    /* Bytes of the document read and parsed so far, after each chunk (optional). */
    void (*on_progress)(void *payload, uint64_t bytes);
    bool two_threads;                  /* parse on a second thread */
} acc_xml_pipe_options;

/* How a parse ended (when acc_xml_pipe_parse returned ACC_OK or ACC_EINPUT). */
typedef struct acc_xml_outcome {
    bool stopped;              /* a handler callback returned false */
    bool failed;               /* the document is malformed: see error */
    acc_xml_error error;
    unsigned batches;          /* two threads: batches of the tape in use at the most */
} acc_xml_outcome;

/*
 * Parses `doc` to its end, to its first error or until a handler stops it. Returns
 * ACC_OK (see *out: complete, stopped or failed), ACC_EIO (the file could not be opened
 * or read; errno tells why), ACC_ENOMEM. When the second thread cannot be started, the
 * document is parsed on the caller's thread.
 */
int acc_xml_pipe_parse(const acc_xml_pipe_options *opt, const acc_xml_doc *doc,
                       acc_xml_outcome *out);

/* True when this machine has more than one processor online (the default for audits). */
bool acc_xml_pipe_worthwhile(void);

#endif
