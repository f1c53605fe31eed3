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
 * is the new table alone rather than old plus new; and a new table is mapped writable at
 * once (with huge pages when large, since every lookup lands on a random page). All are
 * hints: where madvise or the advice is missing (the file that uses them defines
 * _DEFAULT_SOURCE), they do nothing.
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

/*
 * Prepares a new table that is looked up at random places: asks for huge pages when it
 * is large, and maps its pages writable now. A fresh table is read before it is written
 * (a lookup of an absent key): the kernel then maps the shared zero page, and the first
 * write to it replaces the page and flushes the other processor's address translations
 * (an interrupt, and an exit on a virtual machine). Mapping the pages writable at once
 * does the same zeroing without those faults.
 */
static inline void acc_prepare_table(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
    if (len >= ((size_t)4 << 20)) {
        uintptr_t huge = (uintptr_t)2 << 20;
        uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t end = ((uintptr_t)p + len) & ~(huge - 1);
        if (end > start)
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
#endif
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = acc_page_size();
    uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#endif
#if !defined(MADV_HUGEPAGE) && !defined(MADV_POPULATE_WRITE)
    (void)p;
    (void)len;
#endif
}

#endif
