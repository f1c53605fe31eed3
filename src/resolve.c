/*
 * resolve.c - from parsed files to a compiled rule set: merging amendments (amend.c),
 * name resolution and type checking, and building the IR of ir.h (acc_ruleset_build).
 *
 * Every check of the spec's type rules lives here, each with its own message: fields a
 * kind lacks, comparisons across types, ordering of anything but levels and times, names
 * that are not declared, `item` outside a fact's bindings, facts used on the wrong kind
 * or inside `has`. Resolution goes on after an error so that one run reports them all.
 *
 * The rule set is allocated in its own arena (see struct acc_ruleset): the first
 * allocation is the acc_ruleset itself, and from then on everything goes through
 * rs->arena.
 */
#include "ir.h"

#include "alloc.h"
#include "amend.h"
#include "ast.h"
#include "diag.h"
#include "diag_buffer.h"

#include <string.h>

typedef struct resolver {
    acc_ruleset *rs;
    acc_file *const *files;
    const acc_diag_sink *sink;
    acc_merged merged;
    acc_names facts;            /* fact name -> index in rs->facts */
    unsigned errors;
    bool oom;
} resolver;

/* Where an expression is checked: the kind whose fields it reads, and what it may use. */
typedef struct scope {
    acc_kind kind;
    uint32_t source;
    bool in_has;                /* inside a fact's `has`: no facts */
    bool in_binding;            /* the value of a fact binding: `item` allowed */
} scope;

static void rerror(resolver *r, uint32_t source, uint32_t start, uint32_t end,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void rerror(resolver *r, uint32_t source, uint32_t start, uint32_t end,
                   const char *fmt, ...)
{
    va_list ap;
    r->errors++;
    va_start(ap, fmt);
    acc_diag_buffer_verror(r->merged.limit, r->sink, &r->rs->sources[source], start, end, fmt,
                           ap);
    va_end(ap);
}

static void *ralloc(resolver *r, size_t n)
{
    void *p = acc_arena_alloc(&r->rs->arena, n);
    if (!p)
        r->oom = true;
    return p;
}

static const char *rstrdup(resolver *r, const char *s)
{
    if (!s)
        return NULL;
    char *copy = acc_arena_strdup(&r->rs->arena, s);
    if (!copy)
        r->oom = true;
    return copy;
}

static acc_span span(const scope *sc, uint32_t start, uint32_t end)
{
    return (acc_span){ sc->source, start, end };
}

/* Plural type names, for "'<' needs levels or times, not parties". ORDER: acc_type. */
static const char *type_plural(acc_type t)
{
    static const char *const names[] = { "booleans", "times", "parties", "topics", "levels",
                                         "decisions", "items" };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* "a" or "an" before a type name ("an item"). */
static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

static const char *cmp_text(acc_cmp_op op)
{
    switch (op) {
    case ACC_CMP_EQ: return "==";
    case ACC_CMP_NE: return "!=";
    case ACC_CMP_LT: return "<";
    case ACC_CMP_LE: return "<=";
    case ACC_CMP_GT: return ">";
    case ACC_CMP_GE: return ">=";
    }
    return "?";
}

/* The source text of a term, for messages. */
static int term_len(const ast_term *t)
{
    return (int)(t->end - t->start > 60 ? 60 : t->end - t->start);
}

static const char *term_text(const resolver *r, const scope *sc, const ast_term *t)
{
    return r->rs->sources[sc->source].text + t->start;
}

/* A member of parties, topics or levels: its type and index, or false. */
static bool find_member(const resolver *r, const char *name, acc_type *type, int64_t *index)
{
    uint32_t v;
    if (!acc_names_get(&r->merged.member_index, name, &v))
        return false;
    *type = (acc_type)(ACC_TYPE_PARTY + (v >> ACC_MEMBER_SHIFT));
    *index = v & ACC_MEMBER_MASK;
    return true;
}

static bool resolve_term(resolver *r, const scope *sc, const ast_term *t, acc_term *out)
{
    *out = (acc_term){ .span = span(sc, t->start, t->end) };
    switch (t->kind) {
    case AST_TERM_FIELD:
        if (!acc_kind_has_field(sc->kind, t->field)) {
            rerror(r, sc->source, t->start, t->end, "field '%s' does not exist on %s events",
                   acc_field_name(t->field), acc_kind_name(sc->kind));
            return false;
        }
        if (t->field == ACC_FIELD_ITEM && !sc->in_binding) {
            rerror(r, sc->source, t->start, t->end,
                   "'item' may only appear in a fact's bindings");
            return false;
        }
        out->is_field = true;
        out->field = t->field;
        out->type = acc_field_type(t->field);
        return true;
    case AST_TERM_DECISION:
        out->type = ACC_TYPE_DECISION;
        out->value = t->value;
        return true;
    case AST_TERM_TIME:
        out->type = ACC_TYPE_TIME;
        out->value = t->value;
        return true;
    case AST_TERM_NAME: {
        uint32_t fact;
        if (find_member(r, t->name, &out->type, &out->value))
            return true;
        if (acc_names_get(&r->facts, t->name, &fact))
            rerror(r, sc->source, t->start, t->end,
                   "fact '%s' is a condition, not a value to compare", t->name);
        else
            rerror(r, sc->source, t->start, t->end,
                   "'%s' is not a declared party, topic, level, fact or decision", t->name);
        return false;
    }
    }
    return false;
}

static acc_expr *new_expr(resolver *r, acc_expr_op op, const scope *sc, const ast_expr *e)
{
    acc_expr *x = ralloc(r, sizeof *x);
    if (x) {
        x->op = op;
        x->span = span(sc, e->start, e->end);
    }
    return x;
}

static acc_expr *resolve_expr(resolver *r, const scope *sc, const ast_expr *e);

static acc_expr *resolve_comparison(resolver *r, const scope *sc, const ast_expr *e)
{
    acc_term l, rt;
    bool lok = resolve_term(r, sc, &e->l, &l);
    bool rok = resolve_term(r, sc, &e->r, &rt);
    if (!lok || !rok)
        return NULL;
    if (l.type != rt.type) {
        rerror(r, sc->source, e->start, e->end, "cannot compare %s with %s",
               acc_type_name(l.type), acc_type_name(rt.type));
        return NULL;
    }
    if (e->cmp != ACC_CMP_EQ && e->cmp != ACC_CMP_NE && l.type != ACC_TYPE_LEVEL &&
        l.type != ACC_TYPE_TIME) {
        rerror(r, sc->source, e->start, e->end, "'%s' needs levels or times, not %s",
               cmp_text(e->cmp), type_plural(l.type));
        return NULL;
    }
    acc_expr *x = new_expr(r, ACC_X_CMP, sc, e);
    if (x) {
        x->u.cmp.op = e->cmp;
        x->u.cmp.l = l;
        x->u.cmp.r = rt;
    }
    return x;
}

static acc_expr *resolve_in(resolver *r, const scope *sc, const ast_expr *e)
{
    acc_term l;
    bool left_ok = resolve_term(r, sc, &e->l, &l), ok = left_ok;
    acc_term *set = ralloc(r, (size_t)e->n_set * sizeof *set);
    if (!set)
        return NULL;
    for (uint32_t i = 0; i < e->n_set; i++) {
        const ast_term *t = &e->set[i];
        if (!resolve_term(r, sc, t, &set[i])) {
            ok = false;
        } else if (left_ok && set[i].type != l.type) {
            rerror(r, sc->source, t->start, t->end, "set member '%.*s' is %s %s, not %s %s",
                   term_len(t), term_text(r, sc, t), article(acc_type_name(set[i].type)),
                   acc_type_name(set[i].type), article(acc_type_name(l.type)),
                   acc_type_name(l.type));
            ok = false;
        }
    }
    acc_expr *x = ok ? new_expr(r, ACC_X_IN, sc, e) : NULL;
    if (x) {
        x->u.in.l = l;
        x->u.in.set = set;
        x->u.in.n = e->n_set;
        x->u.in.negated = e->negated;
    }
    return x;
}

static acc_expr *resolve_fact_use(resolver *r, const scope *sc, const ast_expr *e)
{
    uint32_t index;
    acc_type type;
    int64_t member;
    if (!acc_names_get(&r->facts, e->name, &index)) {
        if (find_member(r, e->name, &type, &member))
            rerror(r, sc->source, e->start, e->end, "'%s' is %s %s, not a condition", e->name,
                   article(acc_type_name(type)), acc_type_name(type));
        else
            rerror(r, sc->source, e->start, e->end, "'%s' is not a declared fact", e->name);
        return NULL;
    }
    if (sc->in_has) {
        rerror(r, sc->source, e->start, e->end,
               "fact '%s' cannot be used inside 'has' (facts are not computed for earlier "
               "entries)", e->name);
        return NULL;
    }
    const acc_fact *f = &r->rs->facts[index];
    if (f->on != sc->kind) {
        rerror(r, sc->source, e->start, e->end, "fact '%s' is on %s events, not %s events",
               e->name, acc_kind_name(f->on), acc_kind_name(sc->kind));
        return NULL;
    }
    acc_expr *x = new_expr(r, ACC_X_FACT, sc, e);
    if (x)
        x->u.fact = index;
    return x;
}

static acc_expr *resolve_expr(resolver *r, const scope *sc, const ast_expr *e)
{
    switch (e->kind) {
    case AST_TRUE: return new_expr(r, ACC_X_TRUE, sc, e);
    case AST_FALSE: return new_expr(r, ACC_X_FALSE, sc, e);
    case AST_NOT: {
        acc_expr *a = resolve_expr(r, sc, e->a);
        acc_expr *x = a ? new_expr(r, ACC_X_NOT, sc, e) : NULL;
        if (x)
            x->u.bin.a = a;
        return x;
    }
    case AST_AND: case AST_OR: case AST_IMPLIES: {
        /* Both sides are checked even when the first fails: every error in one run. */
        acc_expr *a = resolve_expr(r, sc, e->a);
        acc_expr *b = resolve_expr(r, sc, e->b);
        acc_expr_op op = e->kind == AST_AND ? ACC_X_AND : e->kind == AST_OR ? ACC_X_OR
                                                                            : ACC_X_IMPLIES;
        acc_expr *x = a && b ? new_expr(r, op, sc, e) : NULL;
        if (x) {
            x->u.bin.a = a;
            x->u.bin.b = b;
        }
        return x;
    }
    case AST_CMP: return resolve_comparison(r, sc, e);
    case AST_IN: return resolve_in(r, sc, e);
    case AST_FACT: return resolve_fact_use(r, sc, e);
    }
    return NULL;
}

static void resolve_enums(resolver *r)
{
    acc_enum *targets[AST_ENUM_COUNT] = { &r->rs->parties, &r->rs->topics, &r->rs->levels };
    for (unsigned e = 0; e < AST_ENUM_COUNT && !r->oom; e++) {
        const acc_merge_members *list = &r->merged.members[e];
        acc_enum *out = targets[e];
        out->names = ralloc(r, ((size_t)list->n + 1) * sizeof *out->names);
        out->descriptions = ralloc(r, ((size_t)list->n + 1) * sizeof *out->descriptions);
        if (!out->names || !out->descriptions)
            return;
        for (uint32_t i = 0; i < list->n; i++) {
            out->names[i] = rstrdup(r, list->items[i].member->name);
            out->descriptions[i] = rstrdup(r, list->items[i].member->description);
        }
        out->n = list->n;
    }
}

static void resolve_bindings(resolver *r, const acc_merge_entry *en, acc_fact *f)
{
    const ast_decl *d = en->decl;
    scope cur = { .kind = d->on, .source = en->source, .in_binding = true };
    bool bound[ACC_FIELD_COUNT] = { false };
    f->bindings = ralloc(r, ((size_t)d->n_bindings + 1) * sizeof *f->bindings);
    if (!f->bindings)
        return;
    for (uint32_t i = 0; i < d->n_bindings; i++) {
        const ast_binding *b = &d->bindings[i];
        acc_field field = b->field.field;
        acc_term value;
        bool field_ok = acc_kind_has_field(d->src, field);
        if (!field_ok)
            rerror(r, en->source, b->field.start, b->field.end,
                   "field '%s' does not exist on %s events", acc_field_name(field),
                   acc_kind_name(d->src));
        else if (bound[field]) {
            rerror(r, en->source, b->field.start, b->field.end, "field '%s' is bound twice",
                   acc_field_name(field));
            field_ok = false;
        }
        if (field_ok)
            bound[field] = true;
        if (!resolve_term(r, &cur, &b->value, &value) || !field_ok)
            continue;
        if (value.type != acc_field_type(field)) {
            rerror(r, en->source, b->value.start, b->value.end,
                   "cannot bind %s field '%s' to %s %s", acc_type_name(acc_field_type(field)),
                   acc_field_name(field), article(acc_type_name(value.type)),
                   acc_type_name(value.type));
            continue;
        }
        f->bindings[f->n_bindings++] = (acc_binding){ field, value };
    }
}

static void resolve_facts(resolver *r)
{
    const acc_merge_list *list = &r->merged.decls[AST_DECL_FACT];
    acc_ruleset *rs = r->rs;
    rs->facts = ralloc(r, ((size_t)list->n + 1) * sizeof *rs->facts);
    if (!rs->facts)
        return;
    /* Names first: a fact used before its declaration is fine. */
    for (uint32_t i = 0; i < list->n && !r->oom; i++) {
        const acc_merge_entry *en = &list->items[i];
        if (en->removed_by)
            continue;
        acc_fact *f = &rs->facts[rs->n_facts];
        const ast_decl *d = en->decl;
        *f = (acc_fact){
            .name = rstrdup(r, d->name), .on = d->on, .latest = d->latest, .src = d->src,
            .has_within = d->has_within, .within = d->within,
            .span = { en->source, d->start, d->end },
            .name_span = { en->source, d->name_start, d->name_end },
        };
        if (acc_names_put(&r->facts, d->name, rs->n_facts) != ACC_OK)
            r->oom = true;
        rs->n_facts++;
    }
    for (uint32_t i = 0, k = 0; i < list->n && !r->oom; i++) {
        const acc_merge_entry *en = &list->items[i];
        if (en->removed_by)
            continue;
        acc_fact *f = &rs->facts[k++];
        resolve_bindings(r, en, f);
        if (en->decl->expr) {
            scope earlier = { .kind = en->decl->src, .source = en->source, .in_has = true };
            f->has = resolve_expr(r, &earlier, en->decl->expr);
        }
    }
}

static void resolve_rules(resolver *r)
{
    const acc_merge_list *list = &r->merged.decls[AST_DECL_RULE];
    acc_ruleset *rs = r->rs;
    rs->rules = ralloc(r, ((size_t)list->n + 1) * sizeof *rs->rules);
    for (uint32_t i = 0; rs->rules && i < list->n && !r->oom; i++) {
        const acc_merge_entry *en = &list->items[i];
        const ast_decl *d = en->decl;
        if (en->removed_by)
            continue;
        scope sc = { .kind = d->on, .source = en->source };
        rs->rules[rs->n_rules++] = (acc_rule){
            .name = rstrdup(r, d->name), .citation = rstrdup(r, d->citation),
            .forbid = d->forbid, .kind = d->on,
            .cond = d->expr ? resolve_expr(r, &sc, d->expr) : NULL,
            .span = { en->source, d->start, d->end },
            .name_span = { en->source, d->name_start, d->name_end },
        };
    }
}

/* Invariants and assumptions: `on KIND: EXPR`. */
static void resolve_props(resolver *r, ast_decl_kind kind, acc_prop **out, uint32_t *n)
{
    const acc_merge_list *list = &r->merged.decls[kind];
    *out = ralloc(r, ((size_t)list->n + 1) * sizeof **out);
    for (uint32_t i = 0; *out && i < list->n && !r->oom; i++) {
        const acc_merge_entry *en = &list->items[i];
        const ast_decl *d = en->decl;
        if (en->removed_by)
            continue;
        scope sc = { .kind = d->on, .source = en->source };
        (*out)[(*n)++] = (acc_prop){
            .name = rstrdup(r, d->name), .citation = rstrdup(r, d->citation), .kind = d->on,
            .expr = resolve_expr(r, &sc, d->expr),
            .span = { en->source, d->start, d->end },
            .name_span = { en->source, d->name_start, d->name_end },
        };
    }
}

/* Name, title, effective date, the accords applied and copies of every source. */
static void resolve_header(resolver *r, size_t n)
{
    acc_ruleset *rs = r->rs;
    const acc_file *last = r->files[n - 1];
    rs->sources = ralloc(r, n * sizeof *rs->sources);
    rs->accords = ralloc(r, n * sizeof *rs->accords);
    if (!rs->sources || !rs->accords)
        return;
    for (size_t i = 0; i < n; i++) {
        const acc_file *f = r->files[i];
        char *text = acc_arena_alloc(&rs->arena, f->src.len + 1);
        if (!text) {
            r->oom = true;
            return;
        }
        memcpy(text, f->src.text, f->src.len);
        rs->sources[i] = (acc_source_text){ rstrdup(r, f->src.path), text, f->src.len };
        rs->accords[i] = rstrdup(r, f->name);
    }
    rs->n_sources = rs->n_accords = (uint32_t)n;
    rs->name = rstrdup(r, last->name);
    rs->title = rstrdup(r, last->title);
    rs->effective = last->effective;
    rs->base_name = rstrdup(r, r->files[0]->name);
}

int acc_ruleset_build(acc_ruleset **out, acc_file *const *files, size_t n,
                      const acc_diag_sink *sink)
{
    int status = ACC_ENOMEM;
    acc_arena arena;
    acc_diag_buffer held;
    acc_diag_sink held_sink;
    resolver r = { .files = files };
    *out = NULL;
    if (!files || n == 0 || n > UINT32_MAX)
        return ACC_EUSAGE;
    for (size_t i = 0; i < n; i++)
        if (!files[i])
            return ACC_EUSAGE;
    /* Merging and resolving find errors pass by pass: deliver them in source order. */
    const char **paths = acc_calloc(n, sizeof *paths);
    if (!paths)
        return ACC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        paths[i] = files[i]->src.path;
    acc_diag_buffer_init(&held, paths, n);
    held_sink = acc_diag_buffer_sink(&held);
    r.sink = &held_sink;
    r.merged.limit = &held;
    acc_arena_init(&arena);
    r.rs = acc_arena_alloc(&arena, sizeof *r.rs);
    if (!r.rs) {
        acc_arena_free(&arena);
        goto done;
    }
    r.rs->arena = arena;   /* from now on, allocate through rs->arena */
    resolve_header(&r, n);
    if (r.oom || acc_merge(&r.merged, files, n, &held_sink) != ACC_OK)
        goto done;
    r.errors += r.merged.errors;
    resolve_enums(&r);
    if (!r.oom)
        resolve_facts(&r);
    if (!r.oom)
        resolve_rules(&r);
    if (!r.oom)
        resolve_props(&r, AST_DECL_INVARIANT, &r.rs->invariants, &r.rs->n_invariants);
    if (!r.oom)
        resolve_props(&r, AST_DECL_ASSUME, &r.rs->assumptions, &r.rs->n_assumptions);
    if (!r.oom)
        status = r.errors ? ACC_EINPUT : ACC_OK;
done:
    if (acc_diag_buffer_flush(&held, sink) != ACC_OK)
        status = ACC_ENOMEM;
    acc_free(paths);
    acc_merge_free(&r.merged);
    acc_names_free(&r.facts);
    if (status != ACC_OK) {
        acc_ruleset_free(r.rs);
        return status;
    }
    *out = r.rs;
    return ACC_OK;
}
