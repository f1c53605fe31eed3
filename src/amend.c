/*
 * amend.c - applying amendments by name at the syntax-tree level (see amend.h), and the
 * name table every stage of the front end looks names up in.
 *
 * The base file is merged like an amendment to an empty set, which gives the same
 * duplicate checks everywhere. Per file, definitions are first collected (duplicates in
 * one file are errors), then removals are applied, then definitions replace or append.
 */
#include "amend.h"

#include "alloc.h"
#include "diag.h"
#include "parser.h"

#include <string.h>

struct acc_names_slot {
    const char *key;        /* NULL: empty */
    uint32_t hash;
    uint32_t value;
};

/* FNV-1a: short names, few collisions, no setup. */
static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static acc_names_slot *find_slot(acc_names_slot *slots, uint32_t cap, const char *key,
                                 uint32_t hash)
{
    for (uint32_t i = hash & (cap - 1);; i = (i + 1) & (cap - 1)) {
        acc_names_slot *s = &slots[i];
        if (!s->key || (s->hash == hash && strcmp(s->key, key) == 0))
            return s;
    }
}

int acc_names_put(acc_names *t, const char *key, uint32_t value)
{
    uint32_t hash = hash_name(key);
    if ((t->count + 1) * 2 > t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 16;
        acc_names_slot *slots = acc_calloc(cap, sizeof *slots);
        if (!slots)
            return ACC_ENOMEM;
        for (uint32_t i = 0; i < t->cap; i++)
            if (t->slots[i].key)
                *find_slot(slots, cap, t->slots[i].key, t->slots[i].hash) = t->slots[i];
        acc_free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    acc_names_slot *s = find_slot(t->slots, t->cap, key, hash);
    if (!s->key)
        t->count++;
    *s = (acc_names_slot){ key, hash, value };
    return ACC_OK;
}

bool acc_names_get(const acc_names *t, const char *key, uint32_t *value)
{
    if (t->count == 0)
        return false;
    const acc_names_slot *s = find_slot(t->slots, t->cap, key, hash_name(key));
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

void acc_names_clear(acc_names *t)
{
    if (t->slots)
        memset(t->slots, 0, (size_t)t->cap * sizeof *t->slots);
    t->count = 0;
}

void acc_names_free(acc_names *t)
{
    acc_free(t->slots);
    *t = (acc_names){ 0 };
}

const char *acc_decl_kind_name(ast_decl_kind kind)
{
    /* ORDER: ast_decl_kind. */
    static const char *const names[AST_DECL_KINDS] = { "fact", "rule", "invariant",
                                                       "assumption" };
    return (unsigned)kind < AST_DECL_KINDS ? names[kind] : "?";
}

static const char *const enum_member_names[AST_ENUM_COUNT] = { "party", "topic", "level" };

typedef struct merger {
    acc_merged *m;
    acc_file *const *files;
    const acc_diag_sink *sink;
    acc_names seen[AST_DECL_KINDS];   /* this file's definitions: name -> decl index */
} merger;

static void merge_error(merger *g, uint32_t file, uint32_t start, uint32_t end,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void merge_error(merger *g, uint32_t file, uint32_t start, uint32_t end,
                        const char *fmt, ...)
{
    va_list ap;
    g->m->errors++;
    va_start(ap, fmt);
    acc_diag_buffer_verror(g->m->limit, g->sink, &g->files[file]->src, start, end, fmt, ap);
    va_end(ap);
}

/* Doubles the capacity of a malloc'd array when it is full. */
static int reserve(void *items_ptr, uint32_t n, uint32_t *cap, size_t size)
{
    void **items = items_ptr;
    if (n < *cap)
        return ACC_OK;
    uint32_t new_cap = *cap ? *cap * 2 : 16;
    void *bigger = acc_realloc(*items, (size_t)new_cap * size);
    if (!bigger)
        return ACC_ENOMEM;
    *items = bigger;
    *cap = new_cap;
    return ACC_OK;
}

/* The header checks: base first, amendments after it, each `to` already in the set. */
static int merge_header(merger *g, uint32_t i, acc_names *accords)
{
    const acc_file *f = g->files[i];
    const acc_file *base = g->files[0];
    uint32_t ignored;
    if (i == 0 && f->is_amendment)
        merge_error(g, i, f->name_start, f->name_end,
                    "'%s' is an amendment (to '%s'); the first file must be a base accord",
                    f->name, f->base_name);
    if (i > 0 && !f->is_amendment)
        merge_error(g, i, f->name_start, f->name_end,
                    "'%s' is a base accord, not an amendment; only the first file may be a "
                    "base accord", f->name);
    if (i > 0 && f->is_amendment && !acc_names_get(accords, f->base_name, &ignored))
        merge_error(g, i, f->base_start, f->base_end,
                    "amendment '%s' is to '%s', which is neither the base accord '%s' nor an "
                    "amendment applied before it", f->name, f->base_name, base->name);
    if (acc_names_get(accords, f->name, &ignored)) {
        merge_error(g, i, f->name_start, f->name_end,
                    "accord '%s' is already part of this rule set", f->name);
        return ACC_OK;
    }
    return acc_names_put(accords, f->name, i);
}

static int merge_members(merger *g, uint32_t i)
{
    acc_merged *m = g->m;
    const acc_file *f = g->files[i];
    char first[512];
    for (unsigned e = 0; e < AST_ENUM_COUNT; e++) {
        const ast_enum *en = &f->enums[e];
        acc_merge_members *list = &m->members[e];
        uint32_t listed_before = list->n;   /* members up to here come from earlier files */
        for (uint32_t k = 0; k < en->n; k++) {
            const ast_member *mem = &en->members[k];
            uint32_t v;
            if (acc_names_get(&m->member_index, mem->name, &v)) {
                unsigned other = v >> ACC_MEMBER_SHIFT;
                const acc_merge_member *prev = &m->members[other].items[v & ACC_MEMBER_MASK];
                if (other == e && (v & ACC_MEMBER_MASK) < listed_before)
                    continue;   /* an amendment re-lists an existing member: no change */
                acc_format_location(first, sizeof first, &g->files[prev->source]->src,
                                    prev->member->start);
                if (other == e)
                    merge_error(g, i, mem->start, mem->end,
                                "duplicate %s '%s' (first declared at %s)",
                                enum_member_names[e], mem->name, first);
                else
                    merge_error(g, i, mem->start, mem->end,
                                "'%s' is already declared as a %s at %s (a name cannot be both "
                                "a %s and a %s)", mem->name, enum_member_names[other], first,
                                enum_member_names[other], enum_member_names[e]);
                continue;
            }
            if (list->n > ACC_MEMBER_MASK ||
                reserve(&list->items, list->n, &list->cap, sizeof *list->items) != ACC_OK ||
                acc_names_put(&m->member_index, mem->name,
                              (uint32_t)e << ACC_MEMBER_SHIFT | list->n) != ACC_OK)
                return ACC_ENOMEM;
            list->items[list->n++] = (acc_merge_member){ mem, i };
        }
    }
    return ACC_OK;
}

/* Collects the file's definitions into g->seen, reporting duplicates within the file. */
static int collect_definitions(merger *g, uint32_t i, bool *dup)
{
    const acc_file *f = g->files[i];
    char first[512];
    for (unsigned k = 0; k < AST_DECL_KINDS; k++)
        acc_names_clear(&g->seen[k]);
    for (uint32_t d = 0; d < f->n_decls; d++) {
        const ast_decl *decl = &f->decls[d];
        uint32_t prev;
        dup[d] = acc_names_get(&g->seen[decl->kind], decl->name, &prev);
        if (dup[d]) {
            acc_format_location(first, sizeof first, &f->src, f->decls[prev].name_start);
            merge_error(g, i, decl->name_start, decl->name_end,
                        "duplicate %s '%s' (first defined at %s)",
                        acc_decl_kind_name(decl->kind), decl->name, first);
        } else if (acc_names_put(&g->seen[decl->kind], decl->name, d) != ACC_OK) {
            return ACC_ENOMEM;
        }
    }
    return ACC_OK;
}

static void apply_removals(merger *g, uint32_t i)
{
    const acc_file *f = g->files[i];
    for (uint32_t r = 0; r < f->n_removes; r++) {
        const ast_remove *rm = &f->removes[r];
        acc_merge_list *list = &g->m->decls[rm->kind];
        const char *what = acc_decl_kind_name(rm->kind);
        uint32_t pos;
        if (acc_names_get(&g->seen[rm->kind], rm->name, &pos)) {
            merge_error(g, i, rm->name_start, rm->name_end,
                        "amendment '%s' both removes and defines %s '%s'", f->name, what,
                        rm->name);
            continue;
        }
        if (!acc_names_get(&list->index, rm->name, &pos) ||
            (list->items[pos].removed_by && list->items[pos].removed_by != i + 1)) {
            merge_error(g, i, rm->name_start, rm->name_end,
                        "cannot remove %s '%s': '%s' has no such %s", what, rm->name,
                        f->base_name, what);
            continue;
        }
        if (list->items[pos].removed_by) {
            merge_error(g, i, rm->name_start, rm->name_end, "%s '%s' is removed twice", what,
                        rm->name);
            continue;
        }
        list->items[pos].removed_by = i + 1;
    }
}

static int apply_definitions(merger *g, uint32_t i, const bool *dup)
{
    const acc_file *f = g->files[i];
    for (uint32_t d = 0; d < f->n_decls; d++) {
        const ast_decl *decl = &f->decls[d];
        acc_merge_list *list = &g->m->decls[decl->kind];
        uint32_t pos;
        if (dup[d])
            continue;
        if (acc_names_get(&list->index, decl->name, &pos) && !list->items[pos].removed_by) {
            list->items[pos].decl = decl;   /* a replacement keeps its place */
            list->items[pos].source = i;
            continue;
        }
        if (reserve(&list->items, list->n, &list->cap, sizeof *list->items) != ACC_OK ||
            acc_names_put(&list->index, decl->name, list->n) != ACC_OK)
            return ACC_ENOMEM;
        list->items[list->n++] = (acc_merge_entry){ decl, i, 0 };
    }
    return ACC_OK;
}

int acc_merge(acc_merged *m, acc_file *const *files, size_t n, const acc_diag_sink *sink)
{
    merger g = { .m = m, .files = files, .sink = sink };
    acc_names accords = { 0 };
    bool *dup = NULL;
    int status = ACC_OK;
    for (uint32_t i = 0; i < n && status == ACC_OK; i++) {
        const acc_file *f = files[i];
        acc_free(dup);
        dup = acc_calloc(f->n_decls, sizeof *dup);
        if (!dup) {
            status = ACC_ENOMEM;
            break;
        }
        if ((status = merge_header(&g, i, &accords)) != ACC_OK ||
            (status = merge_members(&g, i)) != ACC_OK ||
            (status = collect_definitions(&g, i, dup)) != ACC_OK)
            break;
        apply_removals(&g, i);
        status = apply_definitions(&g, i, dup);
    }
    acc_free(dup);
    acc_names_free(&accords);
    for (unsigned k = 0; k < AST_DECL_KINDS; k++)
        acc_names_free(&g.seen[k]);
    return status;
}

void acc_merge_free(acc_merged *m)
{
    acc_diag_buffer *limit = m->limit;
    for (unsigned k = 0; k < AST_DECL_KINDS; k++) {
        acc_free(m->decls[k].items);
        acc_names_free(&m->decls[k].index);
    }
    for (unsigned e = 0; e < AST_ENUM_COUNT; e++)
        acc_free(m->members[e].items);
    acc_names_free(&m->member_index);
    *m = (acc_merged){ .limit = limit };
}
