/*
 * alloc.h - libaccord's allocator, with failure injection for tests (internal).
 *
 * Every allocation of the library goes through these functions so that a test can make
 * the Nth one fail (acc_alloc_fail_at) and prove that every error path is handled
 * without a leak. Memory from acc_malloc is released with acc_free, never free().
 * Z3 and libxml2 allocate with their own allocators; their failures surface as errors
 * of those libraries.
 */
#ifndef ACCORD_ALLOC_H
#define ACCORD_ALLOC_H

#include <stddef.h>

void *acc_malloc(size_t n);
void *acc_calloc(size_t count, size_t size);
void *acc_realloc(void *p, size_t n);
void acc_free(void *p);
/* A NUL-terminated copy of s[0..n), or NULL when out of memory. */
char *acc_strndup(const char *s, size_t n);

/*
 * Test hook: the `nth` allocation from now on (1-based) fails, and every one after it
 * succeeds again; 0 disables injection. acc_alloc_count() returns the number of
 * allocations made since the last call to acc_alloc_fail_at.
 */
void acc_alloc_fail_at(unsigned long nth);
unsigned long acc_alloc_count(void);

#endif
