/*
 * xml_reader.c - a safe streaming XML reader on libxml2's SAX2 push parser (xml_reader.h).
 *
 * Locations. libxml2 calls startElementNs when the start tag has been read, so its
 * locator points at the tag's end. The whole tag is still in the parser's input buffer
 * then (the push parser reads a start tag only once its '>' has arrived, and shrinks
 * its buffer only between constructs), and an attribute value cannot hold a raw '<', so
 * scanning back from the current position to the nearest '<' finds where the tag began;
 * the newlines crossed give its line. For the column we need the last newline before
 * that '<': usually it is in the buffer; when the line began before the buffer (a long
 * line of several tags), the reader knows it from a forward scan that it advances at
 * every callback over the bytes the parser has consumed since the previous one (the
 * parser keeps those bytes until the next construct begins). Only if that scan lost
 * track (a construct without callback longer than libxml2's 80-byte margin, which no
 * exchange log has) does the column fall back to libxml2's own count.
 */
/* memrchr (glibc, musl, the BSDs): the backward scans below run once per start tag. */
#define _GNU_SOURCE
#include "xml_reader.h"

#include "accord/core.h"
#include "alloc.h"
#include "grow.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Read at most this much per xmlParseChunk call (its length is an int). */
#define FEED_PIECE (1u << 20)
/* libxml2 limits nesting only when it builds a tree: a SAX reader must do it itself,
   or "<d><d><d>..." grows its name stacks without bound. Same limit as libxml2's. */
#define MAX_DEPTH 256
/* libxml2 compares each attribute of a start tag with all those before it (duplicate
   check), so one tag of n attributes costs n*n/2 comparisons before any callback: 100,000
   attributes took 50 s, a 10 MB tag hours. An entry has at most 14; the reader counts them
   before libxml2 sees the bytes (guard_scan) and stops past this many. */
#define MAX_ATTRIBUTES 1000

/* States of the attribute guard's scan of the raw input (guard_scan). */
enum guard_state {
    GUARD_TEXT,        /* character data: look for '<' */
    GUARD_LT,          /* just after '<' */
    GUARD_BANG,        /* after "<!": comment, CDATA section or declaration? */
    GUARD_TAG,         /* in a start or end tag, outside quotes: count '=' */
    GUARD_QUOTE,       /* in a quoted attribute value */
    GUARD_SKIP         /* in a comment, CDATA section, PI or declaration: find its end */
};

struct acc_xml_reader {
    xmlParserCtxtPtr ctxt;
    const acc_xml_handler *handler;
    void *payload;
    unsigned depth;
    bool stopped;              /* by the handler or by an error */
    bool failed;               /* err holds the error */
    bool saw_root;
    bool root_closed;
    bool terminating;          /* inside the last xmlParseChunk call */
    uint64_t fed;              /* bytes parsed so far (to the end of the current chunk) */
    uint64_t fed_lines;        /* newlines among them */
    int64_t fed_last_nl;       /* offset of the last one, -1 if none */
    acc_xml_screen screen;     /* the screening of acc_xml_reader_feed */
    acc_xml_error err;
    /* Forward newline scan (see the file comment). */
    uint64_t scan_pos;         /* bytes [0, scan_pos) have been scanned */
    int64_t last_nl;           /* offset of the last '\n' before scan_pos, -1 if none */
    bool nl_known;             /* false after bytes were lost before being scanned */
    bool oom;
    bool skip_blank;           /* blank text is not reported */
    const xmlChar **attrs;     /* attribute array with decoded values (decode_amp) */
    size_t attrs_cap;
    xmlChar *decoded;
    size_t decoded_cap;
};

static uint64_t offset_of(const xmlParserCtxt *ctxt, const xmlChar *p)
{
    return (uint64_t)ctxt->input->consumed + (uint64_t)(p - ctxt->input->base);
}

uint64_t acc_xml_reader_offset(const acc_xml_reader *r)
{
    if (!r->ctxt || !r->ctxt->input || !r->ctxt->input->base)
        return 0;
    return offset_of(r->ctxt, r->ctxt->input->cur);
}

/* libxml2's line and column of the current position (for text, which has no tag). */
static void position(const acc_xml_reader *r, unsigned *line, unsigned *column)
{
    const xmlParserInput *in = r->ctxt ? r->ctxt->input : NULL;
    *line = in && in->line > 0 ? (unsigned)in->line : 1;
    *column = in && in->col > 0 ? (unsigned)in->col : 1;
}

/* The last '\n' in [from, to), or NULL: the stretch since the last event is usually a
   line end and an indent, or the "/>" of an empty tag, too short to be worth a call. */
static const xmlChar *last_newline(const xmlChar *from, const xmlChar *to)
{
    if (to - from > 16)
        return memrchr(from, '\n', (size_t)(to - from));
    while (to > from)
        if (*--to == '\n')
            return to;
    return NULL;
}

/* Advances the forward newline scan to the parser's current position. */
static void scan_to_cursor(acc_xml_reader *r)
{
    const xmlParserInput *in = r->ctxt->input;
    if (!in || !in->base)
        return;
    uint64_t base = in->consumed;
    uint64_t cur = offset_of(r->ctxt, in->cur);
    if (r->scan_pos < base) {          /* bytes went by unscanned */
        r->nl_known = false;
        r->scan_pos = base;
    }
    if (cur <= r->scan_pos)
        return;
    const xmlChar *from = in->base + (r->scan_pos - base);
    const xmlChar *nl = last_newline(from, from + (cur - r->scan_pos));
    if (nl) {
        r->last_nl = (int64_t)offset_of(r->ctxt, nl);
        r->nl_known = true;
    }
    r->scan_pos = cur;
}

/* The bits set in a 16-bit mask (no popcnt instruction is assumed). */
static unsigned bits16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0f0fu;
    return (x + (x >> 8)) & 0x1fu;
}

/* The newlines in s[0..n): sixteen bytes a step where SSE2 is there. */
static uint64_t count_newlines(const char *s, size_t n)
{
    uint64_t total = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        /* Per-byte counters, summed before they can overflow (255 steps). */
        __m128i counts = zero;
        for (unsigned k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(x, nl));
        }
        __m128i sums = _mm_sad_epu8(counts, zero);
        total += (uint64_t)_mm_cvtsi128_si32(sums) + (uint64_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < n; i++)
        total += s[i] == '\n';
    return total;
}

/* What a backward scan from the end of a start tag to its '<' saw (scan_tag). */
typedef struct tag_scan {
    const xmlChar *lt;         /* the '<' (the buffer's start when there is none) */
    unsigned newlines;         /* '\n' between lt and the end */
    const xmlChar *last_nl;    /* the last of them, or NULL */
    bool amp;                  /* a '&' between lt and the end */
} tag_scan;

/*
 * Scans back from `last` (inclusive) to the nearest '<' at or after `base`, counting the
 * newlines and noting any '&' on the way: an attribute value cannot hold a raw '<', so
 * that '<' opened the tag. Sixteen bytes a step where SSE2 is there.
 */
static tag_scan scan_tag(const xmlChar *base, const xmlChar *last)
{
    tag_scan t = { base, 0, NULL, false };
    const xmlChar *p = last + 1;
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<'), nl = _mm_set1_epi8('\n'), amp = _mm_set1_epi8('&');
    while (p - base >= 16) {
        p -= 16;
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m_lt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lt));
        unsigned m_nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl));
        unsigned m_amp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, amp));
        unsigned after = 0xffffu;
        if (m_lt)
            after = ~0u << (31 - __builtin_clz(m_lt));  /* from the block's last '<' */
        m_nl &= after;
        if (m_nl) {            /* most blocks of a tag have none */
            if (!t.last_nl)
                t.last_nl = p + (31 - __builtin_clz(m_nl));
            t.newlines += bits16(m_nl);
        }
        t.amp |= (m_amp & after) != 0;
        if (m_lt) {
            t.lt = p + (31 - __builtin_clz(m_lt));
            return t;
        }
    }
#endif
    while (p > base) {
        p--;
        if (*p == '<') {
            t.lt = p;
            return t;
        }
        if (*p == '\n') {
            t.newlines++;
            if (!t.last_nl)
                t.last_nl = p;
        }
        t.amp |= *p == '&';
    }
    return t;
}

/*
 * Line and column of t->lt (a '<' in the input buffer, before the cursor) from the
 * parser's current line and the newlines in between. True when the column was counted
 * from the forward scan's last newline (or one found after it, before lt).
 */
static bool locate(const acc_xml_reader *r, const tag_scan *t, unsigned *line,
                   unsigned *column)
{
    const xmlParserInput *in = r->ctxt->input;
    const xmlChar *lt = t->lt;
    unsigned newlines = t->newlines;
    int cur_line = in->line > 0 ? in->line : 1;
    *line = (unsigned)cur_line > newlines ? (unsigned)cur_line - newlines : 1;
    /* The column counts from the last newline before lt. The forward scan knows the last
       one before scan_pos, so only [scan_pos, lt) needs a look: scanning back to the start
       of the buffer at every tag made a log written on one line quadratic (10,000 entries
       on one line took 20 s). */
    uint64_t off = offset_of(r->ctxt, lt);
    if (r->nl_known && r->scan_pos >= (uint64_t)in->consumed && r->scan_pos <= off) {
        const xmlChar *from = in->base + (r->scan_pos - (uint64_t)in->consumed);
        const xmlChar *nl = last_newline(from, lt);
        int64_t line_nl = nl ? (int64_t)offset_of(r->ctxt, nl) : r->last_nl;
        *column = (unsigned)((int64_t)off - line_nl);
        return true;
    }
    const xmlChar *p = lt;
    while (p > in->base && p[-1] != '\n')
        p--;
    if (p > in->base || in->consumed == 0) {
        *column = (unsigned)(lt - p) + 1;
    } else if (r->nl_known && r->scan_pos >= (uint64_t)in->consumed) {
        *column = (unsigned)((int64_t)offset_of(r->ctxt, lt) - r->last_nl);
    } else if (newlines == 0 && in->col > in->cur - lt) {
        *column = (unsigned)(in->col - (in->cur - lt));
    } else {
        *column = 1;
    }
    return false;
}


/*
 * locate, then scan_to_cursor, for the start tag that scan_tag saw. When locate found
 * the column from the forward scan, the scan moves to the cursor without reading the
 * tag again: its last newline is the tag's own (scan_tag) or the one the column was
 * counted from.
 */
static void locate_tag(acc_xml_reader *r, const tag_scan *t, unsigned *line, unsigned *column)
{
    if (!locate(r, t, line, column)) {
        scan_to_cursor(r);
        return;
    }
    uint64_t off = offset_of(r->ctxt, t->lt);
    r->last_nl = t->last_nl ? (int64_t)offset_of(r->ctxt, t->last_nl) : (int64_t)off - *column;
    r->scan_pos = offset_of(r->ctxt, r->ctxt->input->cur);
}

static void fail(acc_xml_reader *r, unsigned line, unsigned column, bool doctype,
                 const char *msg)
{
    if (r->failed)
        return;
    r->failed = true;
    r->stopped = true;
    r->err.line = line ? line : 1;
    r->err.column = column ? column : 1;
    r->err.doctype = doctype;
    static const char bad_utf8[] = "Input is not proper UTF-8, indicate encoding !";
    if (strstr(msg, "Huge input lookup"))
        msg = "a start tag or value is larger than the 10 MB limit";
    if (strncmp(msg, bad_utf8, sizeof bad_utf8 - 1) == 0)
        snprintf(r->err.message, sizeof r->err.message, "invalid UTF-8%s",
                 msg + sizeof bad_utf8 - 1);
    else
        snprintf(r->err.message, sizeof r->err.message, "%s", msg);
    /* libxml2's messages may span lines (and end with a newline); a finding is one line. */
    size_t n = strlen(r->err.message);
    while (n > 0 && (r->err.message[n - 1] == '\n' || r->err.message[n - 1] == ' '))
        r->err.message[--n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (r->err.message[i] == '\n')
            r->err.message[i] = ' ';
    if (r->ctxt)
        xmlStopParser(r->ctxt);
}

/*
 * Without entity substitution, libxml2 reports a '&' of an attribute value (written
 * "&amp;" or "&#38;") as the five bytes "&#38;", and no other '&' can occur there, so
 * turning each "&#38;" back into '&' gives exactly the value the document means. The
 * decoded values go into the reader's own buffers; attributes without '&' stay as they are.
 */
static const xmlChar **decode_amp(acc_xml_reader *r, const xmlChar **attrs, unsigned n)
{
    size_t need = 0;
    for (unsigned i = 0; i < n; i++)
        need += (size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]);
    void *a = r->attrs, *d = r->decoded;
    bool ok = acc_grow(&a, &r->attrs_cap, 5 * (size_t)n, sizeof *r->attrs, 64) &&
              acc_grow(&d, &r->decoded_cap, need + 1, 1, 64);
    r->attrs = a;
    r->decoded = d;
    if (!ok) {
        r->oom = true;
        return attrs;
    }
    memcpy(r->attrs, attrs, 5 * (size_t)n * sizeof *attrs);
    size_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        const xmlChar *v = attrs[5 * i + 3], *e = attrs[5 * i + 4];
        if (!memchr(v, '&', (size_t)(e - v)))
            continue;
        r->attrs[5 * i + 3] = r->decoded + off;
        while (v < e) {
            if (e - v >= 5 && memcmp(v, "&#38;", 5) == 0) {
                r->decoded[off++] = '&';
                v += 5;
            } else {
                r->decoded[off++] = *v++;
            }
        }
        r->attrs[5 * i + 4] = r->decoded + off;
    }
    return r->attrs;
}

static void on_start(void *ud, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    acc_xml_reader *r = ud;
    if (r->stopped)
        return;
    /* libxml2 reports a start tag cut off by the end of the input before it finds the
       '>' missing: such a tag is no element, the error that follows stops the reader. */
    const xmlParserInput *in = r->ctxt->input;
    if (!(in->cur < in->end && (*in->cur == '>' ||
                                (*in->cur == '/' && in->cur + 1 < in->end && in->cur[1] == '>'))))
        return;
    r->saw_root = true;
    tag_scan t = scan_tag(in->base, in->cur);
    if (r->depth >= MAX_DEPTH) {
        unsigned line, column;
        locate(r, &t, &line, &column);
        fail(r, line, column, false, "elements are nested more than 256 levels deep");
        return;
    }
    acc_xml_start el = {
        .depth = ++r->depth,
        .name = (const char *)localname,
        .prefix = (const char *)prefix,
        .uri = (const char *)uri,
        .raw_attrs = attributes,
        .n_attrs = nb_attributes > 0 ? (unsigned)nb_attributes : 0,
        .input_lo = in->base,
        .input_hi = in->end,
    };
    /* A '&' in an attribute value was written '&' in the tag: the scan tells. */
    if (el.n_attrs && t.amp)
        el.raw_attrs = decode_amp(r, attributes, el.n_attrs);
    locate_tag(r, &t, &el.line, &el.column);
    if (r->oom) {
        acc_xml_reader_stop(r);
        return;
    }
    if (r->handler->start && !r->handler->start(r->payload, &el))
        acc_xml_reader_stop(r);
}

static void on_end(void *ud, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)localname; (void)prefix; (void)uri;
    acc_xml_reader *r = ud;
    scan_to_cursor(r);
    unsigned depth = r->depth;
    if (r->depth > 0)
        r->depth--;
    if (depth == 1)
        r->root_closed = true;
    if (!r->stopped && r->handler->end && !r->handler->end(r->payload, depth))
        acc_xml_reader_stop(r);
}

/* Whether s[0..n) holds only spaces, tabs and line ends. */
static bool blank_text(const xmlChar *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static void on_text(void *ud, const xmlChar *s, int len)
{
    acc_xml_reader *r = ud;
    /* The forward scan advances even over text that is dropped: libxml2 may discard the
       bytes of a long gap before the next tag is located. */
    scan_to_cursor(r);
    if (r->skip_blank && blank_text(s, len))
        return;
    if (r->stopped || !r->handler->text || len <= 0)
        return;
    acc_xml_text t = { .depth = r->depth, .s = (const char *)s, .n = (size_t)len };
    position(r, &t.line, &t.column);
    if (!r->handler->text(r->payload, &t))
        acc_xml_reader_stop(r);
}

/* Comments and processing instructions: nothing to report, but the scan advances. */
static void on_comment(void *ud, const xmlChar *value)
{
    (void)value;
    scan_to_cursor(ud);
}

static void on_pi(void *ud, const xmlChar *target, const xmlChar *data)
{
    (void)target; (void)data;
    scan_to_cursor(ud);
}

/* A DOCTYPE: stop here, before any declaration of its internal subset is read. */
static void on_doctype(void *ud, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    (void)name; (void)external_id; (void)system_id;
    acc_xml_reader *r = ud;
    const xmlParserInput *in = r->ctxt->input;
    const xmlChar *p = in->cur;
    /* A system literal may hold '<': look for the declaration's own opening. */
    while (p > in->base && !(*p == '<' && in->cur - p >= 9 &&
                             memcmp(p, "<!DOCTYPE", 9) == 0))
        p--;
    tag_scan t = { .lt = p,
                   .newlines = (unsigned)count_newlines((const char *)p, (size_t)(in->cur - p)) };
    unsigned line, column;
    locate(r, &t, &line, &column);
    fail(r, line, column, true,
         "a document type declaration (DOCTYPE) is not allowed in an exchange log");
}

static void on_error(void *ud, xmlErrorPtr e)
{
    acc_xml_reader *r = ud;
    if (!e || e->level == XML_ERR_WARNING || r->failed)
        return;
    unsigned line = e->line > 0 ? (unsigned)e->line : 0;
    unsigned column = e->int2 > 0 ? (unsigned)e->int2 : 0;
    if (!line && r->ctxt && r->ctxt->input)
        line = (unsigned)r->ctxt->input->line;
    if (r->terminating && !r->root_closed &&
        (e->code == XML_ERR_DOCUMENT_END || e->code == XML_ERR_DOCUMENT_EMPTY)) {
        /* libxml2 says "Extra content at the end of the document" when the input simply
           stops: name the real problem and point at the end of the input. */
        line = (unsigned)(r->fed_lines + 1);
        column = (unsigned)((int64_t)r->fed - r->fed_last_nl);
        fail(r, line, column, false,
             r->saw_root ? "the log ends before its root element is closed (truncated)"
                         : "the log has no root element (empty or truncated)");
        return;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "the XML is not well-formed");
    if (r->terminating && !r->root_closed && line == r->fed_lines + 1) {
        /* Found on the last line once the input ended: most likely a truncation. */
        size_t n = strlen(msg);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        snprintf(msg + n, sizeof msg - n, " at the end of the log (truncated?)");
    }
    fail(r, line, column, false, msg);
}

int acc_xml_reader_new(acc_xml_reader **out, const acc_xml_handler *handler, void *payload)
{
    *out = NULL;
    acc_xml_reader *r = acc_calloc(1, sizeof *r);
    if (!r)
        return ACC_ENOMEM;
    r->handler = handler;
    r->payload = payload;
    r->last_nl = -1;
    r->nl_known = true;
    r->fed_last_nl = -1;
    acc_xml_screen_init(&r->screen);

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.comment = on_comment;
    sax.processingInstruction = on_pi;
    sax.internalSubset = on_doctype;
    sax.externalSubset = on_doctype;
    sax.serror = on_error;

    r->ctxt = xmlCreatePushParserCtxt(&sax, r, NULL, 0, NULL);
    if (!r->ctxt) {
        acc_free(r);
        return ACC_ENOMEM;
    }
    /* No XML_PARSE_NOENT (no expansion), no DTDLOAD/DTDATTR, no HUGE: limits stay. */
    xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
    r->ctxt->replaceEntities = 0;
    r->ctxt->loadsubset = 0;
    r->ctxt->validate = 0;
    *out = r;
    return ACC_OK;
}

/* UTF-16 and UTF-32 documents start with a byte order mark or a NUL byte. */
static bool looks_wide(const unsigned char *s, size_t n)
{
    if (n >= 1 && s[0] == 0)
        return true;
    if (n >= 2 && (s[1] == 0 || (s[0] == 0xFE && s[1] == 0xFF) ||
                   (s[0] == 0xFF && s[1] == 0xFE)))
        return true;
    return false;
}

/* The first `c` in s[0..n), or NULL: most values are short, so the first sixteen bytes
   are looked at in one step (SSE2) before memchr takes over. */
static const char *find_byte(const char *s, size_t n, char c)
{
#ifdef __SSE2__
    if (n >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
        if (m)
            return s + __builtin_ctz(m);
        return memchr(s + 16, c, n - 16);
    }
#endif
    return memchr(s, c, n);
}

/*
 * One special byte of a tag at s[k] for guard_tag: a quote opens or closes a value,
 * '=' outside values counts an attribute, '>' or '<' outside values ends the tag.
 * Returns false when the scan of the tag stops at k (the state says why).
 */
static bool guard_special(acc_xml_screen *r, char c)
{
    if (r->guard == GUARD_QUOTE) {
        if (c == r->quote)
            r->guard = GUARD_TAG;
        return true;
    }
    if (c == '"' || c == '\'') {
        r->guard = GUARD_QUOTE;
        r->quote = c;
        return true;
    }
    if (c == '=')
        return ++r->tag_attrs <= MAX_ATTRIBUTES;
    r->guard = c == '>' ? GUARD_TEXT : GUARD_LT;   /* '<': malformed, libxml2 says so */
    return false;
}

/*
 * The inside of a tag from s[i] in state GUARD_TAG or GUARD_QUOTE: returns the offset
 * just past the '>' or '<' that ends it, n when the bytes end first, or the offset of
 * the '=' of attribute MAX_ATTRIBUTES + 1 (then tag_attrs is past the limit). Sixteen
 * bytes a step where SSE2 is there: only the special bytes of a block are looked at.
 */
static size_t guard_tag(acc_xml_screen *r, const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
    const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\''), lt = _mm_set1_epi8('<'),
                  gt = _mm_set1_epi8('>'), eq = _mm_set1_epi8('=');
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, sq)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, lt),
                                                   _mm_cmpeq_epi8(x, gt)),
                                      _mm_cmpeq_epi8(x, eq))));
        for (; m; m &= m - 1) {
            size_t k = i + (size_t)__builtin_ctz(m);
            if (!guard_special(r, s[k]))
                return r->tag_attrs > MAX_ATTRIBUTES ? k : k + 1;
        }
    }
#endif
    for (; i < n; i++) {
        char c = s[i];
        if ((c == '"' || c == '\'' || c == '=' || c == '<' || c == '>') && !guard_special(r, c))
            return r->tag_attrs > MAX_ATTRIBUTES ? i : i + 1;
    }
    return n;
}

/*
 * The shortcut of guard_scan inside a tag, at s[i] in state GUARD_TAG or GUARD_QUOTE: a
 * raw '<' cannot occur in a value, so the tag ends before the next '<', and its
 * attributes still to come are at most the '=' bytes before that '<'. When the next '<'
 * is in s[i..n) and those '=' cannot take the tag past MAX_ATTRIBUTES, returns its offset
 * (guard_scan goes on from there, as after the tag and the text that follows it);
 * otherwise n, and guard_tag follows the tag byte by byte. Sixteen bytes a step where
 * SSE2 is there, with a byte counter per lane for the '=' (emptied before it can wrap).
 */
static size_t tag_bounded_end(const acc_xml_screen *r, const char *s, size_t i, size_t n)
{
    size_t eq = 0;
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<'), is = _mm_set1_epi8('='), zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i counts = zero;
        unsigned m_lt = 0;
        for (unsigned k = 0; k < 255 && i + 16 <= n; k++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            m_lt = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lt));
            if (m_lt) {
                unsigned before = (1u << __builtin_ctz(m_lt)) - 1;
                eq += bits16((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, is)) & before);
                break;
            }
            counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(x, is));
        }
        __m128i sums = _mm_sad_epu8(counts, zero);
        eq += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
        if (m_lt)
            return r->tag_attrs + eq <= MAX_ATTRIBUTES ? i + (size_t)__builtin_ctz(m_lt) : n;
    }
#endif
    for (; i < n; i++) {
        if (s[i] == '<')
            return r->tag_attrs + eq <= MAX_ATTRIBUTES ? i : n;
        eq += s[i] == '=';
    }
    return n;
}

/* Enters GUARD_SKIP until `end` has been seen. */
static void guard_skip(acc_xml_screen *r, const char *end)
{
    r->guard = GUARD_SKIP;
    r->skip_end = end;
    r->skip_matched = 0;
}

/*
 * Follows the markup of s[0..n) (the bytes about to be fed, continuing the state of the
 * bytes before them) and returns the offset of the first '=' that makes a tag's
 * MAX_ATTRIBUTES + 1st attribute, or n. Outside quotes a start tag holds one '=' per
 * attribute; a raw '<' cannot occur in a value, so every '<' outside comments, CDATA
 * sections and processing instructions begins markup. Character data and comments are
 * crossed with memchr. A tag is crossed at once when the '=' bytes up to the next '<'
 * cannot take it past the limit (tag_bounded_end: every tag of a usual log); otherwise
 * guard_tag follows its quotes. (A raw '<' in a value, which the shortcut takes for the
 * end of the tag, is malformed: libxml2 stops at it, before any cut after it matters.)
 */
static size_t guard_scan(acc_xml_screen *r, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        switch ((enum guard_state)r->guard) {
        case GUARD_TEXT: {
            const char *lt = find_byte(s + i, n - i, '<');
            if (!lt)
                return n;
            i = (size_t)(lt - s) + 1;
            r->guard = GUARD_LT;
            break;
        }
        case GUARD_LT:
            if (c == '!') {
                r->guard = GUARD_BANG;
                r->bang_len = 0;
                i++;
            } else if (c == '?') {
                guard_skip(r, "?>");
                i++;
            } else {
                r->guard = GUARD_TAG;   /* a start or end tag (an end tag has no '=') */
                r->tag_attrs = 0;
            }
            break;
        case GUARD_BANG:
            r->bang[r->bang_len++] = c;
            i++;
            if (r->bang_len == 1 && c == '[')
                guard_skip(r, "]]>");
            else if (r->bang_len == 2)
                guard_skip(r, r->bang[0] == '-' && r->bang[1] == '-' ? "-->" : ">");
            break;
        case GUARD_TAG:
        case GUARD_QUOTE: {
            size_t lt = tag_bounded_end(r, s, i, n);
            if (lt < n) {
                r->guard = GUARD_LT;
                i = lt + 1;
                break;
            }
            size_t end = guard_tag(r, s, i, n);
            if (r->tag_attrs > MAX_ATTRIBUTES)
                return end;
            i = end;
            break;
        }
        case GUARD_SKIP:
            /* Only where the terminator's first byte occurs is it matched byte by byte
               ("-->", "]]>", "?>" or ">"; "--->" and "]]]>" end too). */
            if (r->skip_matched == 0) {
                const char *f = memchr(s + i, r->skip_end[0], n - i);
                if (!f)
                    return n;
                i = (size_t)(f - s) + 1;
                r->skip_matched = 1;
            } else {
                i++;
                if (c == r->skip_end[r->skip_matched])
                    r->skip_matched++;
                else if (c != r->skip_end[0])
                    r->skip_matched = 0;
                else if (!(r->skip_matched == 2 && r->skip_end[1] == c))
                    r->skip_matched = 1;
            }
            if (r->skip_end[r->skip_matched] == '\0')
                r->guard = GUARD_TEXT;
            break;
        }
    }
    return n;
}

void acc_xml_screen_init(acc_xml_screen *s)
{
    memset(s, 0, sizeof *s);
    s->last_nl = -1;
}

void acc_xml_screen_chunk(acc_xml_screen *s, const char *data, size_t len,
                          acc_xml_screened *out)
{
    *out = (acc_xml_screened){ .cut = len, .offset = s->offset, .lines = s->lines,
                               .last_nl = s->last_nl };
    if (!s->saw_bytes && len > 0) {
        s->saw_bytes = true;
        out->wide = looks_wide((const unsigned char *)data, len);
    }
    s->lines += count_newlines(data, len);
    const char *nl = len ? memrchr(data, '\n', len) : NULL;
    if (nl)
        s->last_nl = (int64_t)(s->offset + (uint64_t)(nl - data));
    s->offset += len;
    out->end = s->offset;
    out->end_lines = s->lines;
    out->end_last_nl = s->last_nl;
    if (s->over)
        return;                /* the parse stops at an earlier cut */
    out->cut = guard_scan(s, data, len);
    s->over = out->cut < len;
}

/* Stops the reader at data[cut], the '=' of an attribute past MAX_ATTRIBUTES. */
static int stop_at_attribute_limit(acc_xml_reader *r, const acc_xml_screened *sc,
                                   const char *data)
{
    const char *at = data + sc->cut;
    uint64_t lines = sc->lines;
    int64_t last_nl = sc->last_nl;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(at - p))) != NULL; p++) {
        lines++;
        last_nl = (int64_t)(sc->offset + (uint64_t)(p - data));
    }
    int64_t off = (int64_t)(sc->offset + sc->cut);
    char msg[80];
    snprintf(msg, sizeof msg, "a start tag has more than %d attributes", MAX_ATTRIBUTES);
    fail(r, (unsigned)(lines + 1), (unsigned)(off - last_nl), false, msg);
    return ACC_EINPUT;
}

int acc_xml_reader_parse(acc_xml_reader *r, const char *data, size_t len, bool last,
                         const acc_xml_screened *sc)
{
    if (r->stopped)
        return ACC_EINPUT;
    if (sc->wide) {
        fail(r, 1, 1, false, "the log is not UTF-8 text (UTF-16 or UTF-32 input)");
        return ACC_EINPUT;
    }
    r->fed = sc->end;
    r->fed_lines = sc->end_lines;
    r->fed_last_nl = sc->end_last_nl;
    const char *p = data;
    size_t left = sc->cut < len ? sc->cut : len;
    bool cut = sc->cut < len;
    do {
        size_t n = left < FEED_PIECE ? left : FEED_PIECE;
        bool end = last && !cut && n == left;
        r->terminating = end;
        int rc = xmlParseChunk(r->ctxt, n ? p : NULL, (int)n, end ? 1 : 0);
        if (r->oom)
            return ACC_ENOMEM;
        if (r->stopped)
            return ACC_EINPUT;
        if (rc != 0) {
            if (rc == XML_ERR_NO_MEMORY)
                return ACC_ENOMEM;
            fail(r, r->ctxt->input ? (unsigned)r->ctxt->input->line : 1, 1, false,
                 "the XML is not well-formed");
            return ACC_EINPUT;
        }
        /* Drop what was parsed now, while only the unparsed tail has to move: libxml2
           shrinks its buffer only at the next call, after appending the next piece,
           and then moved that whole piece (a second copy of the input). */
        if (r->ctxt->input) {
            /* Later libxml2 releases mark it deprecated; on 2.9 (Debian 12, what this
               project builds on) it is the way to drop parsed input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
            xmlParserInputShrink(r->ctxt->input);
#pragma GCC diagnostic pop
        }
        p += n;
        left -= n;
    } while (left > 0);
    return cut ? stop_at_attribute_limit(r, sc, data) : ACC_OK;
}

int acc_xml_reader_feed(acc_xml_reader *r, const char *data, size_t len, bool last)
{
    if (r->stopped)
        return ACC_EINPUT;
    acc_xml_screened sc;
    acc_xml_screen_chunk(&r->screen, data, len, &sc);
    return acc_xml_reader_parse(r, data, len, last, &sc);
}

const acc_xml_error *acc_xml_reader_error(const acc_xml_reader *r)
{
    return r->failed ? &r->err : NULL;
}

void acc_xml_reader_stop(acc_xml_reader *r)
{
    r->stopped = true;
    xmlStopParser(r->ctxt);
}

void acc_xml_reader_skip_blank_text(acc_xml_reader *r)
{
    r->skip_blank = true;
}

const char *acc_xml_reader_intern(acc_xml_reader *r, const char *name)
{
    return (const char *)xmlDictLookup(r->ctxt->dict, (const xmlChar *)name, -1);
}

void acc_xml_reader_free(acc_xml_reader *r)
{
    if (!r)
        return;
    if (r->ctxt)
        xmlFreeParserCtxt(r->ctxt);
    acc_free(r->attrs);
    acc_free(r->decoded);
    acc_free(r);
}
