/*
 * arena.c - bump allocation in chained blocks (see arena.h). Large requests get a block of
 * their own so that a big allocation never wastes the rest of the current block.
 */
#include "arena.h"

#include "alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

struct acc_arena_block {
    acc_arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

enum { ARENA_BLOCK = 16384 };

void acc_arena_init(acc_arena *a)
{
    a->head = NULL;
    a->used = a->cap = 0;
}

void *acc_arena_alloc(acc_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX - align)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    if (!a->head || a->cap - a->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        acc_arena_block *b = acc_malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        if (a->head && n > ARENA_BLOCK) {
            /* Keep filling the current block; chain the big one behind it. */
            b->next = a->head->next;
            a->head->next = b;
            memset(b->data, 0, n);
            return b->data;
        }
        b->next = a->head;
        a->head = b;
        a->used = 0;
        a->cap = cap;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    memset(p, 0, n);
    return p;
}

char *acc_arena_strndup(acc_arena *a, const char *s, size_t n)
{
    char *copy = acc_arena_alloc(a, n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *acc_arena_strdup(acc_arena *a, const char *s)
{
    return s ? acc_arena_strndup(a, s, strlen(s)) : NULL;
}

void acc_arena_free(acc_arena *a)
{
    acc_arena_block *b = a->head;
    while (b) {
        acc_arena_block *next = b->next;
        acc_free(b);
        b = next;
    }
    acc_arena_init(a);
}
