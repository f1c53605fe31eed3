/*
 * audit_helpers.h - helpers shared by the audit suites (test_audit.c, test_hostile_xml.c):
 * compile the shipped rules, audit logs held in strings, and print findings in a compact
 * exact form ("code line:col seq=N id=X rule=R") for comparisons.
 *
 * Header-only (static functions) so that each suite stays one executable.
 */
#ifndef ACCORD_AUDIT_HELPERS_H
#define ACCORD_AUDIT_HELPERS_H

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The start of a TISA-2014 log; close it with LOG_END. */
#define LOG_HEAD "<exchange-log xmlns=\"urn:accord:exchange-log:1\" accord=\"TISA-2014\">\n"
#define LOG_END "</exchange-log>\n"

/* The shipped TISA-2014 rule set (compiled once per process, never freed: tests only). */
static inline acc_ruleset *tisa(void)
{
    static acc_ruleset *rs;
    if (!rs) {
        test_diags d = { 0 };
        const char *path = "rules/tisa-2014.accord";
        rs = test_compile_files(&path, 1, &d);
        test_diags_free(&d);
    }
    return rs;
}

/* Audits `n` in-memory logs named "a.xml", "b.xml", ... with `opt` (rules default to
   TISA-2014, collect forced on). Returns NULL when the audit itself failed. */
static inline acc_audit_result *audit_texts_opt(const char *const *texts, size_t n,
                                                acc_audit_options opt)
{
    static const char *const names[] = { "a.xml", "b.xml", "c.xml", "d.xml" };
    acc_audit_source src[4];
    if (n > 4)
        return NULL;
    for (size_t i = 0; i < n; i++)
        src[i] = (acc_audit_source){ names[i], texts[i], strlen(texts[i]) };
    if (!opt.rules)
        opt.rules = tisa();
    opt.collect = true;
    acc_audit_result *r = NULL;
    if (acc_audit_run(&r, &opt, src, n, NULL) != ACC_OK)
        return NULL;
    return r;
}

static inline acc_audit_result *audit_text(const char *text)
{
    acc_audit_options opt;
    acc_audit_options_init(&opt);
    return audit_texts_opt(&text, 1, opt);
}

/* The collected findings, one per line: "code line:col seq=N id=X rule=R". */
static inline char *findings_text(const acc_audit_result *r, bool with_messages)
{
    size_t cap = 256 + r->n_findings * 1400;
    char *s = malloc(cap);
    size_t len = 0;
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < r->n_findings; i++) {
        const acc_finding *f = &r->findings[i];
        char seq[32] = "-";
        if (f->seq)
            snprintf(seq, sizeof seq, "%lld", (long long)f->seq);
        len += (size_t)snprintf(s + len, cap - len, "%s %u:%u seq=%s id=%s rule=%s%s%s\n",
                                acc_finding_code_name(f->code), f->line, f->column, seq,
                                f->id ? f->id : "-", f->rule ? f->rule : "-",
                                with_messages ? " | " : "", with_messages ? f->message : "");
    }
    return s;
}

/* Asserts that the findings of `r` are exactly `expected` (findings_text without
   messages); prints both on a mismatch. */
#define ASSERT_FINDINGS(r, expected)                                                    \
    do {                                                                                \
        char *got_ = (r) ? findings_text((r), false) : NULL;                            \
        CU_ASSERT_PTR_NOT_NULL_FATAL(got_);                                             \
        if (strcmp(got_, (expected)) != 0)                                              \
            fprintf(stderr, "\n--- expected\n%s--- got\n%s", (expected), got_);         \
        CU_ASSERT_STRING_EQUAL(got_, (expected));                                       \
        free(got_);                                                                     \
    } while (0)

#endif
