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
    /* libxml2's attribute array, read with acc_xml_start_attr: five pointers per
       attribute (local name, prefix, namespace URI, value, end of the value). */
    const void *raw_attrs;
    unsigned n_attrs;
    unsigned line, column;     /* of the tag's '<' */
    const void *prepared;      /* what a prepare function made of it (xml_pipe.h), or NULL */
    /* The parser's input buffer holding the tag: values inside it lie in document order
       (a value libxml2 had to rewrite, or the reader decoded, lies elsewhere). */
    const void *input_lo, *input_hi;
} acc_xml_start;

/* The i-th attribute (i < n_attrs) of a start tag. */
static inline acc_xml_attr acc_xml_start_attr(const acc_xml_start *el, unsigned i)
{
    /* libxml2's xmlChar is unsigned char: read the array as what it holds. */
    const unsigned char *const *a = (const unsigned char *const *)el->raw_attrs + 5 * (size_t)i;
    return (acc_xml_attr){ .name = (const char *)a[0], .prefix = (const char *)a[1],
                           .value = (const char *)a[3], .value_len = (size_t)(a[4] - a[3]) };
}

/* Character data or CDATA (whitespace included). */
typedef struct acc_xml_text {
    unsigned depth;            /* of the element it is in */
    const char *s;             /* not NUL-terminated */
    size_t n;
    unsigned line, column;     /* libxml2's position at the text's end */
} acc_xml_text;

/*
 * What the reader reports, in document order. Each callback returns true to go on and
 * false to stop the reader (nothing more is reported, and no later error is kept).
 * Any of them may be NULL.
 */
typedef struct acc_xml_handler {
    bool (*start)(void *payload, const acc_xml_start *el);
    bool (*end)(void *payload, unsigned depth);
    bool (*text)(void *payload, const acc_xml_text *t);
} acc_xml_handler;

/* The error that stopped the reader. */
typedef struct acc_xml_error {
    unsigned line, column;     /* 1-based; column in bytes where it can be computed */
    bool doctype;              /* the document has a DOCTYPE */
    char message[256];
} acc_xml_error;

/*
 * The screening of a document's bytes before libxml2 sees them: a UTF-16/32 start, the
 * newlines (for locations at the end of the input), and the attribute guard (libxml2
 * compares each attribute of a tag with all before it, so a tag of many attributes is
 * quadratic: the guard finds the '=' of attribute 1001 and the parse stops there). It
 * has its own state so that one thread can screen ahead while another parses.
 */
typedef struct acc_xml_screen {
    bool saw_bytes;            /* the first bytes were checked for a UTF-16/32 start */
    bool over;                 /* a cut was found: later chunks need no guard */
    uint64_t offset;           /* bytes screened */
    uint64_t lines;            /* newlines among them */
    int64_t last_nl;           /* offset of the last one, -1 if none */
    uint8_t guard;             /* state of the guard's scan of the markup */
    char quote;                /* in a value: the quote that ends it */
    uint8_t bang_len;          /* after "<!": bytes seen (at most 2) */
    char bang[2];
    const char *skip_end;      /* in a comment, CDATA section or PI: what ends it */
    uint8_t skip_matched;      /* bytes of skip_end matched so far */
    unsigned tag_attrs;        /* '=' outside quotes in the current tag */
} acc_xml_screen;

/* What screening found in one chunk, for acc_xml_reader_parse. */
typedef struct acc_xml_screened {
    bool wide;                 /* the document starts like UTF-16 or UTF-32 */
    size_t cut;                /* the '=' past the attribute limit, or the chunk's length */
    uint64_t offset, lines;    /* where the chunk begins: offset, newlines before it */
    int64_t last_nl;           /* offset of the last newline before it, -1 if none */
    uint64_t end, end_lines;   /* the same where it ends */
    int64_t end_last_nl;
} acc_xml_screened;

void acc_xml_screen_init(acc_xml_screen *s);

/* Screens the next `len` bytes of a document (continuing the bytes before them). */
void acc_xml_screen_chunk(acc_xml_screen *s, const char *data, size_t len,
                          acc_xml_screened *out);

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

/*
 * acc_xml_reader_feed for a chunk screened beforehand (acc_xml_screen_chunk, with a
 * screen of its own that saw every earlier chunk of the document, in order).
 */
int acc_xml_reader_parse(acc_xml_reader *r, const char *data, size_t len, bool last,
                         const acc_xml_screened *sc);

/* The error that stopped the reader, or NULL (no error, or stopped by the handler). */
const acc_xml_error *acc_xml_reader_error(const acc_xml_reader *r);

/* Stops the reader (before or between feeds): nothing more is reported. */
void acc_xml_reader_stop(acc_xml_reader *r);

/* From now on, text of only spaces, tabs and line ends is not reported (it is dropped
   before anything is worked out for it). */
void acc_xml_reader_skip_blank_text(acc_xml_reader *r);

/* The interned pointer for `name` in this reader's dictionary (NULL when out of memory). */
const char *acc_xml_reader_intern(acc_xml_reader *r, const char *name);

/* The byte offset in the document of the current position (for progress, diagnostics). */
uint64_t acc_xml_reader_offset(const acc_xml_reader *r);

void acc_xml_reader_free(acc_xml_reader *r);

#endif
