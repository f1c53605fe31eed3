/*
 * grow.h - growing an array allocated with acc_malloc (internal).
 *
 * Every buffer of the audit that grows (collected findings, scratch buffers, pools) grows
 * by doubling through this one function, so that growth is amortised and no allocation
 * happens per entry.
 */
#ifndef ACCORD_GROW_H
#define ACCORD_GROW_H

#include "alloc.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Makes the array *p of *cap elements of `size` bytes hold at least `need` elements,
 * doubling from `first` (or from *cap). On failure returns false and leaves *p and *cap
 * unchanged (the caller still owns *p). Use a `void *` copy of the typed pointer:
 *     void *p = a->items; ok = acc_grow(&p, &a->cap, n, sizeof *a->items, 64); a->items = p;
 */
static inline bool acc_grow(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *q = acc_realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

#endif
