/*
 * sax_baseline.c - the limit the audit is measured against: libxml2's SAX2 push parser
 * reading a file in 1 MiB chunks (as the audit's reader does) with the same options
 * (no network, no entity expansion, encoding declarations ignored) and callbacks that
 * do nothing but count start tags.
 *
 *   sax_baseline FILE     prints "elements N" to stderr; exit 0, 1 on a parse error
 */
#define _POSIX_C_SOURCE 200809L
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

static unsigned long long elements;

static void on_start(void *ud, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    (void)ud; (void)localname; (void)prefix; (void)uri; (void)nb_namespaces;
    (void)namespaces; (void)nb_attributes; (void)nb_defaulted; (void)attributes;
    elements++;
}

static void on_end(void *ud, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)ud; (void)localname; (void)prefix; (void)uri;
}

static void on_text(void *ud, const xmlChar *s, int len)
{
    (void)ud; (void)s; (void)len;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sax_baseline FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    char *buf = malloc(CHUNK);
    if (!f || !buf) {
        perror("sax_baseline");
        return 2;
    }
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, argv[1]);
    if (!ctxt)
        return 2;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
    int rc = 0;
    for (;;) {
        size_t n = fread(buf, 1, CHUNK, f);
        int last = n < CHUNK;
        rc = xmlParseChunk(ctxt, buf, (int)n, last);
        if (rc != 0 || last)
            break;
    }
    fprintf(stderr, "elements %llu\n", elements);
    xmlFreeParserCtxt(ctxt);
    fclose(f);
    free(buf);
    return rc != 0;
}
