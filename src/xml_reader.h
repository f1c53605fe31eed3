/*
 * xml_reader.h - a safe streaming XML reader on libxml2's SAX2 push parser (internal).
 *
 * One reader parses one document fed in chunks and calls a handler for each start tag,
 * end tag and piece of text, with the line and column where the start tag BEGINS (its
 * '<'; libxml2's locator reports where the tag ends). Only the things the exchange-log
 * audit needs are reported: comments and processing instructions are skipped.
 *
 * Hostile input: the network is never used, no external DTD or entity is loaded, no
 * entity is expanded, libxml2's size limits stay on (no XML_PARSE_HUGE). A DOCTYPE stops
 * the parse at its line before any declaration inside it is read. The input must be
 * UTF-8: an encoding declaration is ignored and a UTF-16 document is rejected.
 * The first error (malformed XML, a DOCTYPE, truncation at the end) stops the reader and
 * is kept with its location; the handler can also stop it (acc_xml_reader_stop).
 *
 * Ownership: the reader owns its libxml2 context. Names and values given to the
 * handler point into libxml2's dictionary and buffers: valid during the callback only
 * (names stay valid for the reader's life; compare them by pointer with the result of
 * acc_xml_reader_intern).
 */
#ifndef ACCORD_XML_READER_H
#define ACCORD_XML_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct acc_xml_reader acc_xml_reader;

/* One attribute: libxml2 SAX2's quintuple, the value is value[0..value_len). */
typedef struct acc_xml_attr {
    const char *name;          /* local name, interned (compare by pointer) */
    const char *prefix;        /* NULL when unprefixed */
    const char *value;         /* not NUL-terminated */
    size_t value_len;
} acc_xml_attr;

/* A start tag. */
typedef struct acc_xml_start {
    unsigned depth;            /* 1 for the root element */
    const char *name;          /* local name, interned */
    const char *prefix;        /* NULL when unprefixed */
    const char *uri;           /* namespace URI, NULL when none */
    const void *raw_attrs;     /* libxml2's attribute array (read with acc_xml_start_attr) */
    unsigned n_attrs;
    unsigned line, column;     /* of the tag's '<' */
} acc_xml_start;

/* The i-th attribute (i < n_attrs) of a start tag. */
acc_xml_attr acc_xml_start_attr(const acc_xml_start *el, unsigned i);

typedef struct acc_xml_handler {
    void (*start)(void *payload, acc_xml_reader *r, const acc_xml_start *el);
    void (*end)(void *payload, acc_xml_reader *r, unsigned depth);
    /* Character data or CDATA inside element of `depth` (whitespace included). */
    void (*text)(void *payload, acc_xml_reader *r, unsigned depth, const char *s, size_t n);
} acc_xml_handler;

/* The error that stopped the reader. */
typedef struct acc_xml_error {
    unsigned line, column;     /* 1-based; column in bytes where it can be computed */
    bool doctype;              /* the document has a DOCTYPE */
    char message[256];
} acc_xml_error;

/*
 * Creates a reader that reports to `handler` with `payload`. `name` is used in libxml2
 * messages only. Returns ACC_OK or ACC_ENOMEM.
 */
int acc_xml_reader_new(acc_xml_reader **out, const acc_xml_handler *handler, void *payload);

/*
 * Parses the next `len` bytes of the document; `last` marks the end of the document
 * (len may be 0). Returns ACC_OK while the document is fine, ACC_EINPUT once it has an
 * error or was stopped (then see acc_xml_reader_error), ACC_ENOMEM.
 */
int acc_xml_reader_feed(acc_xml_reader *r, const char *data, size_t len, bool last);

/* The error that stopped the reader, or NULL (no error, or stopped by the handler). */
const acc_xml_error *acc_xml_reader_error(const acc_xml_reader *r);

/* Stops the reader from a handler callback: nothing more is reported. */
void acc_xml_reader_stop(acc_xml_reader *r);

/* The interned pointer for `name` in this reader's dictionary (NULL when out of memory). */
const char *acc_xml_reader_intern(acc_xml_reader *r, const char *name);

/* libxml2's line and column of the current position (for text, which has no tag). */
void acc_xml_reader_position(const acc_xml_reader *r, unsigned *line, unsigned *column);

/* The byte offset in the document of the current position (for progress, diagnostics). */
uint64_t acc_xml_reader_offset(const acc_xml_reader *r);

void acc_xml_reader_free(acc_xml_reader *r);

#endif
