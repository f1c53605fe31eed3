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

/* The collected findings, one per line: "code line:col seq=N id=X rule=R". */
static inline char *findings_text(const acc_audit_result *r, bool with_messages);

/*
 * acc_audit_run with opt.threads as given when it is set; when it is 0 (automatic), the
 * audit runs on one thread AND on two, the two results are asserted to be the same
 * (status, counts, every finding with its message, verdict changes), and the
 * two-thread result is returned.
 */
static inline int audit_run_both(acc_audit_result **out, acc_audit_options opt,
                                 const acc_audit_source *src, size_t n)
{
    if (opt.threads != 0)
        return acc_audit_run(out, &opt, src, n, NULL);
    acc_audit_result *one = NULL;
    opt.threads = 1;
    int st1 = acc_audit_run(&one, &opt, src, n, NULL);
    opt.threads = 2;
    int st2 = acc_audit_run(out, &opt, src, n, NULL);
    CU_ASSERT_EQUAL(st1, st2);
    if (one && *out) {
        const acc_audit_result *a = one, *b = *out;
        CU_ASSERT_EQUAL(a->entries, b->entries);
        CU_ASSERT_EQUAL(a->judged, b->judged);
        CU_ASSERT_EQUAL(a->permitted, b->permitted);
        CU_ASSERT_EQUAL(a->n_findings_total, b->n_findings_total);
        CU_ASSERT_EQUAL(a->n_changes_total, b->n_changes_total);
        CU_ASSERT_EQUAL(a->stopped, b->stopped);
        CU_ASSERT_EQUAL(a->malformed, b->malformed);
        CU_ASSERT_EQUAL(a->chain, b->chain);
        CU_ASSERT_STRING_EQUAL(a->last_digest, b->last_digest);
        for (size_t i = 0; i < a->n_files && i < b->n_files; i++) {
            CU_ASSERT_EQUAL(a->files[i].entries, b->files[i].entries);
            CU_ASSERT_EQUAL(a->files[i].complete, b->files[i].complete);
        }
        char *ta = findings_text(a, true), *tb = findings_text(b, true);
        CU_ASSERT_PTR_NOT_NULL(ta);
        CU_ASSERT_PTR_NOT_NULL(tb);
        if (ta && tb)
            CU_ASSERT_STRING_EQUAL(ta, tb);
        free(ta);
        free(tb);
        for (size_t i = 0; i < a->n_changes && i < b->n_changes; i++) {
            CU_ASSERT_EQUAL(a->changes[i].line, b->changes[i].line);
            CU_ASSERT_EQUAL(a->changes[i].new_permitted, b->changes[i].new_permitted);
        }
    } else {
        CU_ASSERT_PTR_EQUAL(one, *out);
    }
    acc_audit_result_free(one);
    return st2;
}

/* Audits `n` in-memory logs named "a.xml", "b.xml", ... with `opt` (rules default to
   TISA-2014, collect forced on), on one thread and on two (audit_run_both). Returns NULL
   when the audit itself failed. */
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
    if (audit_run_both(&r, opt, src, n) != ACC_OK)
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
