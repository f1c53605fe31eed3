/*
 * arena.h - a bump allocator: many small allocations, one release (internal).
 *
 * A compiled rule set and a parsed file each own one arena for their tokens, trees and
 * names. Blocks come from acc_malloc; acc_arena_free releases them all. Allocations are
 * aligned for any object type and zero-filled.
 */
#ifndef ACCORD_ARENA_H
#define ACCORD_ARENA_H

#include <stddef.h>

typedef struct acc_arena_block acc_arena_block;

typedef struct acc_arena {
    acc_arena_block *head;
    size_t used, cap;          /* bytes used and available in head */
} acc_arena;

void acc_arena_init(acc_arena *a);
/* Zero-filled memory for n bytes, or NULL when out of memory. */
void *acc_arena_alloc(acc_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n) in the arena, or NULL. */
char *acc_arena_strndup(acc_arena *a, const char *s, size_t n);
/* A copy of a NUL-terminated string (NULL in, NULL out), or NULL on failure. */
char *acc_arena_strdup(acc_arena *a, const char *s);
void acc_arena_free(acc_arena *a);

#endif
