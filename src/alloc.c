/*
 * alloc.c - the library allocator: malloc and friends, with a counter that can make one
 * chosen allocation fail (see alloc.h). The counters are atomic: an audit may allocate
 * on its reader thread too (xml_pipe.c), and tests that inject failures run it on one.
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static _Atomic unsigned long alloc_count;
static _Atomic unsigned long alloc_fail_nth;

static int should_fail(void)
{
    unsigned long count = ++alloc_count;
    unsigned long nth = alloc_fail_nth;
    return nth != 0 && count == nth;
}

void acc_alloc_fail_at(unsigned long nth)
{
    alloc_fail_nth = nth;
    alloc_count = 0;
}

unsigned long acc_alloc_count(void)
{
    return alloc_count;
}

void *acc_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *acc_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *acc_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void acc_free(void *p)
{
    free(p);
}

char *acc_strndup(const char *s, size_t n)
{
    char *copy = acc_malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}
