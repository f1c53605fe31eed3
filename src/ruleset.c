/*
 * ruleset.c - the read-only accessors of a compiled rule set (accord/rules.h) and its
 * release. Building one is resolve.c's job.
 */
#include "ir.h"

#include "alloc.h"

#include <string.h>

void acc_ruleset_free(acc_ruleset *rs)
{
    if (!rs)
        return;
    acc_arena arena = rs->arena;   /* rs itself lives in its arena */
    acc_arena_free(&arena);
}

const char *acc_ruleset_name(const acc_ruleset *rs) { return rs->name; }
const char *acc_ruleset_base_name(const acc_ruleset *rs) { return rs->base_name; }

bool acc_ruleset_accepts_accord(const acc_ruleset *rs, const char *name)
{
    for (uint32_t i = 0; i < rs->n_accords; i++)
        if (strcmp(rs->accords[i], name) == 0)
            return true;
    return false;
}

size_t acc_ruleset_rule_count(const acc_ruleset *rs) { return rs->n_rules; }
const char *acc_ruleset_rule_name(const acc_ruleset *rs, size_t i)
{
    return i < rs->n_rules ? rs->rules[i].name : NULL;
}
size_t acc_ruleset_invariant_count(const acc_ruleset *rs) { return rs->n_invariants; }
const char *acc_ruleset_invariant_name(const acc_ruleset *rs, size_t i)
{
    return i < rs->n_invariants ? rs->invariants[i].name : NULL;
}
size_t acc_ruleset_assumption_count(const acc_ruleset *rs) { return rs->n_assumptions; }
const char *acc_ruleset_assumption_name(const acc_ruleset *rs, size_t i)
{
    return i < rs->n_assumptions ? rs->assumptions[i].name : NULL;
}
size_t acc_ruleset_fact_count(const acc_ruleset *rs) { return rs->n_facts; }
const char *acc_ruleset_fact_name(const acc_ruleset *rs, size_t i)
{
    return i < rs->n_facts ? rs->facts[i].name : NULL;
}

const acc_enum *acc_ruleset_enum(const acc_ruleset *rs, acc_type type)
{
    switch (type) {
    case ACC_TYPE_PARTY: return &rs->parties;
    case ACC_TYPE_TOPIC: return &rs->topics;
    case ACC_TYPE_LEVEL: return &rs->levels;
    default: return NULL;
    }
}

size_t acc_ruleset_member_count(const acc_ruleset *rs, acc_type type)
{
    if (type == ACC_TYPE_DECISION)
        return ACC_DECISION_COUNT;
    const acc_enum *e = acc_ruleset_enum(rs, type);
    return e ? e->n : 0;
}

const char *acc_ruleset_member_name(const acc_ruleset *rs, acc_type type, size_t i)
{
    if (type == ACC_TYPE_DECISION)
        return i < ACC_DECISION_COUNT ? acc_decision_name((acc_decision)i) : NULL;
    const acc_enum *e = acc_ruleset_enum(rs, type);
    return e && i < e->n ? e->names[i] : NULL;
}

int acc_ruleset_member_find(const acc_ruleset *rs, acc_type type, const char *name, size_t len)
{
    if (type == ACC_TYPE_DECISION)
        return acc_decision_from_name(name, len);
    const acc_enum *e = acc_ruleset_enum(rs, type);
    if (!e)
        return -1;
    for (uint32_t i = 0; i < e->n; i++)
        if (strlen(e->names[i]) == len && memcmp(e->names[i], name, len) == 0)
            return (int)i;
    return -1;
}
