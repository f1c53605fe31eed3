/*
 * format_common.c - the string buffer and the shared one-line messages of the SARIF and
 * JUnit renderers (format_common.h).
 */
#include "format_common.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void acc_strbuf_init(acc_strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void acc_strbuf_fini(acc_strbuf *b)
{
    acc_free(b->data);
    memset(b, 0, sizeof *b);
}

void acc_strbuf_clear(acc_strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Makes room for n more bytes and a NUL; false (and `failed`) when out of memory. */
static bool reserve(acc_strbuf *b, size_t n)
{
    if (b->failed)
        return false;
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *bigger = acc_realloc(b->data, cap);
    if (!bigger) {
        b->failed = true;
        return false;
    }
    b->data = bigger;
    b->cap = cap;
    return true;
}

void acc_strbuf_addn(acc_strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void acc_strbuf_add(acc_strbuf *b, const char *s)
{
    acc_strbuf_addn(b, s, strlen(s));
}

void acc_strbuf_addf(acc_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *acc_strbuf_str(const acc_strbuf *b)
{
    return b->data ? b->data : "";
}

/* ", "-separated rule names. */
static void rule_names(acc_strbuf *b, const acc_rule_ref *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        acc_strbuf_add(b, i ? ", " : "");
        acc_strbuf_add(b, r[i].name);
    }
}

void acc_msg_witness(acc_strbuf *b, const acc_witness *w)
{
    /* The witness's words belong to analysis_format.c; a memory stream borrows them. The
     * stream's buffer comes from libc and goes back to it with free(). */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        b->failed = true;
        return;
    }
    acc_witness_write_text(mem, w);
    if (fclose(mem) != 0 || !text)
        b->failed = true;
    else
        acc_strbuf_addn(b, text, len);
    free(text);
}

void acc_msg_invariant(acc_strbuf *b, const acc_invariant_result *ir)
{
    acc_strbuf_addf(b, "invariant '%s' on %s ", ir->name, acc_kind_name(ir->kind));
    switch (ir->status) {
    case ACC_INV_PROVEN:
        acc_strbuf_add(b, "holds: every event the rules permit satisfies it");
        break;
    case ACC_INV_VIOLATED:
        acc_strbuf_add(b, "does not hold: the rules permit ");
        if (ir->witness) {
            acc_msg_witness(b, ir->witness);
            if (ir->witness->n_permitted_by) {
                acc_strbuf_add(b, " (permitted by ");
                rule_names(b, ir->witness->permitted_by, ir->witness->n_permitted_by);
                acc_strbuf_add(b, ")");
            }
        } else {
            acc_strbuf_add(b, "an event that breaks it");
        }
        break;
    default:
        acc_strbuf_addf(b, "could not be decided (%s)", ir->reason ? ir->reason : "unknown");
        break;
    }
}

void acc_msg_rule(acc_strbuf *b, const acc_rule_result *rr)
{
    acc_strbuf_addf(b, "rule '%s' ", rr->rule.name);
    switch (rr->status) {
    case ACC_RULE_OK:
        acc_strbuf_add(b, "can apply and is needed");
        break;
    case ACC_RULE_DEAD:
        acc_strbuf_add(b, rr->rule.forbid
                              ? "is dead: its condition never holds on an event of its kind"
                              : "is dead: it never permits an event (its condition never "
                                "holds where no forbid rule matches)");
        break;
    case ACC_RULE_REDUNDANT:
        acc_strbuf_add(b, "is redundant: removing it changes no decision");
        break;
    default:
        acc_strbuf_addf(b, "could not be classified (%s)", rr->reason ? rr->reason : "unknown");
        break;
    }
}

static void time_text(acc_strbuf *b, int64_t t)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(t, buf);
    acc_strbuf_add(b, buf);
}

static void intervals_text(acc_strbuf *b, const acc_time_interval *iv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        acc_strbuf_add(b, i ? " or " : "");
        if (iv[i].has_min && iv[i].has_max && iv[i].min == iv[i].max) {
            acc_strbuf_add(b, "time=");
            time_text(b, iv[i].min);
        } else if (iv[i].has_min && iv[i].has_max) {
            acc_strbuf_add(b, "time in [");
            time_text(b, iv[i].min);
            acc_strbuf_add(b, ", ");
            time_text(b, iv[i].max);
            acc_strbuf_add(b, "]");
        } else if (iv[i].has_min) {
            acc_strbuf_add(b, "time>=");
            time_text(b, iv[i].min);
        } else if (iv[i].has_max) {
            acc_strbuf_add(b, "time<=");
            time_text(b, iv[i].max);
        } else {
            acc_strbuf_add(b, "any time");
        }
    }
}

void acc_msg_class_box(acc_strbuf *b, const acc_diff_class *c)
{
    if (!c->n_fields) {
        acc_strbuf_addf(b, "every %s", acc_kind_name(c->kind));
        return;
    }
    acc_strbuf_addf(b, "%s with", acc_kind_name(c->kind));
    for (size_t i = 0; i < c->n_fields; i++) {
        const acc_class_field *f = &c->fields[i];
        acc_strbuf_add(b, " ");
        if (f->fact) {
            acc_strbuf_addf(b, "%s=%s", f->fact, f->fact_value ? "true" : "false");
        } else if (f->field == ACC_FIELD_TIME) {
            intervals_text(b, f->intervals, f->n_intervals);
        } else {
            acc_strbuf_addf(b, "%s=%s", acc_field_name(f->field), f->n_values == 1 ? "" : "{");
            for (size_t k = 0; k < f->n_values; k++)
                acc_strbuf_addf(b, "%s%s", k ? "," : "", f->values[k]);
            acc_strbuf_add(b, f->n_values == 1 ? "" : "}");
        }
    }
}

void acc_msg_class(acc_strbuf *b, const acc_diff_class *c, bool newly_permitted)
{
    acc_strbuf_add(b, newly_permitted ? "newly permitted: " : "newly forbidden: ");
    acc_msg_class_box(b, c);
    acc_strbuf_add(b, "; e.g. ");
    acc_msg_witness(b, &c->witness);
    if (c->n_rules) {
        acc_strbuf_add(b, newly_permitted ? "; permitted by " : "; was permitted by ");
        rule_names(b, c->rules, c->n_rules);
    }
    if (!newly_permitted && c->witness.n_forbidden_by) {
        acc_strbuf_add(b, "; now blocked by ");
        rule_names(b, c->witness.forbidden_by, c->witness.n_forbidden_by);
    }
}

void acc_msg_finding(acc_strbuf *b, const acc_finding *f)
{
    acc_strbuf_addf(b, "[%s] %s", acc_finding_code_name(f->code), f->message);
    const char *sep = " (";
    if (f->has_entry && f->seq > 0) {
        acc_strbuf_addf(b, "%sseq %lld", sep, (long long)f->seq);
        sep = ", ";
    }
    if (f->id) {
        acc_strbuf_addf(b, "%sid %s", sep, f->id);
        sep = ", ";
    }
    if (f->rule) {
        acc_strbuf_addf(b, "%srule %s", sep, f->rule);
        sep = ", ";
    }
    if (sep[0] == ',')
        acc_strbuf_add(b, ")");
}

void acc_msg_verdict_change(acc_strbuf *b, const acc_verdict_change *c)
{
    acc_strbuf_addf(b, "verdict changed: %s", acc_kind_name(c->kind));
    if (c->seq > 0)
        acc_strbuf_addf(b, " seq %lld", (long long)c->seq);
    if (c->id)
        acc_strbuf_addf(b, " id %s", c->id);
    acc_strbuf_addf(b, " was %s, now %s", c->old_permitted ? "permitted" : "denied",
                    c->new_permitted ? "permitted" : "denied");
}
