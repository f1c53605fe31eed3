/*
 * grow.h - growing an array allocated with acc_malloc (internal).
 *
 * Every buffer of the audit that grows (collected findings, scratch buffers, pools) grows
 * by doubling through this one function, so that growth is amortised and no allocation
 * happens per entry.
 *
 * The two large hash tables (the id set, the facts index) are rehashed into a new table
 * when they grow, and acc_rehash keeps that cheap in memory and in address translation:
 * the old table's pages are given back as the rehash reads past them, so that the peak
 * is the new table alone rather than old plus new, and the new table is mapped writable
 * just ahead of the rehash; large tables also ask for huge pages, since every lookup
 * lands on a random page. All are hints: where madvise or the advice is missing (the file that
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
 * Maps new[0..len) writable up to where a rehash that has read `read` of the old
 * table's `old_cap` slots will soon write (see acc_rehash), from *ready on; *ready is
 * where the mapped part ends.
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

/*
 * A rehash in progress: an old table of old_cap slots of slot_size bytes, read in order,
 * into a new table of new_len bytes that the rehash writes in the same order (both are
 * in the order of their hashes, so positions scale by new_len / old_cap). Every 2 MiB of
 * the old table read, acc_rehash_read gives that part back (acc_release_pages) and maps
 * the new table writable one such step ahead of where the rehash writes.
 *
 * Why map ahead: the rehash reads each new slot before it writes it, so the kernel would
 * map the shared zero page first, and the first write would replace it and flush the
 * other processor's address translations (an interrupt, and an exit on a virtual
 * machine): 1% of the audit's samples. Mapping the whole new table at once avoids that
 * too, but keeps old and new tables resident together.
 */
typedef struct acc_rehash {
    char *old, *released;      /* the old table; where its release goes on */
    size_t old_cap, slot_size;
    size_t unit, next;         /* old slots per step; the count read at the next step */
    char *new_base, *ready;    /* the new table; where its mapped part ends */
    size_t new_len;
} acc_rehash;

/* Starts a rehash (and maps the first step of the new table). */
static inline void acc_rehash_begin(acc_rehash *r, void *old, size_t old_cap,
                                    size_t slot_size, void *new_base, size_t new_len)
{
    size_t unit = ACC_RELEASE_UNIT / slot_size;
    *r = (acc_rehash){ old, old, old_cap, slot_size, unit, unit, new_base, new_base,
                       new_len };
    acc_populate_ahead(r->new_base, new_len, &r->ready, 0, old_cap, unit);
}

/* Notes that `read` old slots have been read (called after each). */
static inline void acc_rehash_read(acc_rehash *r, size_t read)
{
    if (read != r->next)
        return;
    r->next += r->unit;
    r->released = acc_release_pages(r->released, r->old + read * r->slot_size);
    acc_populate_ahead(r->new_base, r->new_len, &r->ready, read, r->old_cap, r->unit);
}

/* Ends the rehash: the rest of the new table is mapped (the old one is the caller's to
   free). */
static inline void acc_rehash_end(acc_rehash *r)
{
    acc_populate_ahead(r->new_base, r->new_len, &r->ready, r->old_cap, r->old_cap, r->unit);
}

#endif
