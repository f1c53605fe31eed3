/*
 * grow.h - growing an array allocated with acc_malloc (internal).
 *
 * Every buffer of the audit that grows (collected findings, scratch buffers, pools) grows
 * by doubling through this one function, so that growth is amortised and no allocation
 * happens per entry.
 *
 * The two large hash tables (the id set, the facts index) are rehashed into a new table
 * when they grow, and two helpers keep that cheap in memory and in address translation:
 * the old table's pages are given back as the rehash reads past them, so that the peak
 * is the new table alone rather than old plus new; the new table is mapped writable just
 * ahead of the rehash; and large tables ask for huge pages, since every lookup lands on
 * a random page. All are hints: where madvise or the advice is missing (the file that
 * uses them defines _DEFAULT_SOURCE), they do nothing.
 */
#ifndef ACCORD_GROW_H
#define ACCORD_GROW_H

#include "alloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* The system's page size (4096 when it cannot be read). */
static inline size_t acc_page_size(void)
{
    static size_t page;
    if (!page) {
        long n = sysconf(_SC_PAGESIZE);
        page = n > 0 ? (size_t)n : 4096;
    }
    return page;
}

/* What acc_release_pages gives back at a time: one huge page. Each release makes the
   kernel flush the other processor's address translations (an interrupt, and on a
   virtual machine an exit, on both sides), and a release inside a huge page splits it:
   releasing 2 MiB at a time keeps both rare, for at most 2 MiB more at the peak. */
#define ACC_RELEASE_UNIT ((uintptr_t)2 << 20)

/*
 * Gives back the whole 2 MiB units (ACC_RELEASE_UNIT, or pages when the page is larger)
 * of [from, to): their contents are no longer needed (they read as zeros afterwards).
 * Returns where the next call should start (the end of what was released, or `from`
 * when no whole unit lay in the range).
 */
static inline char *acc_release_pages(char *from, char *to)
{
#ifdef MADV_DONTNEED
    uintptr_t page = acc_page_size();
    uintptr_t unit = page > ACC_RELEASE_UNIT ? page : ACC_RELEASE_UNIT;
    uintptr_t start = ((uintptr_t)from + unit - 1) & ~(unit - 1);
    uintptr_t end = (uintptr_t)to & ~(unit - 1);
    if (end > start && madvise((void *)start, end - start, MADV_DONTNEED) == 0)
        return (char *)end;
#else
    (void)to;
#endif
    return from;
}

/* Asks for huge pages for a large table that is looked up at random places. */
static inline void acc_hint_huge_pages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    if (len >= ((size_t)4 << 20)) {
        uintptr_t huge = (uintptr_t)2 << 20;
        uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t end = ((uintptr_t)p + len) & ~(huge - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
#else
    (void)p;
    (void)len;
#endif
}

/*
 * Maps the new table base[0..len) of a rehash writable just ahead of where the rehash
 * writes, `read` of the old table's `old_cap` slots being read: the rehash writes the new
 * table in the order it reads the old one (both are in the order of their hashes), so that
 * position scales by len / old_cap; `unit` is the old slots read between two calls.
 * *ready (base at first) is where the mapped part ends. Call it before the rehash, every
 * `unit` slots and after (read = old_cap: the rest of the table).
 *
 * Why: the rehash reads each new slot before it writes it, so the kernel first maps the
 * shared zero page, and the first write replaces it and flushes the other processor's
 * address translations (an interrupt, and an exit on a virtual machine): 1% of the
 * audit's samples. Mapping the whole table at once would avoid that too, but then old and
 * new tables would be resident together, while the old one is given back as it is read.
 */
static inline void acc_populate_ahead(char *base, size_t len, char **ready, size_t read,
                                      size_t old_cap, size_t unit)
{
#ifdef MADV_POPULATE_WRITE
    size_t upto = old_cap ? (read + unit) * (len / old_cap + 1) : len;
    if (upto > len)
        upto = len;
    uintptr_t page = acc_page_size();
    uintptr_t start = ((uintptr_t)*ready + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)base + upto) & ~(page - 1);
    if (end > start) {
        (void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
        *ready = (char *)end;
    }
#else
    (void)base;
    (void)len;
    (void)ready;
    (void)read;
    (void)old_cap;
    (void)unit;
#endif
}

#endif
