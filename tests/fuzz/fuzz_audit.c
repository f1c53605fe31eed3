/*
 * fuzz_audit.c - libFuzzer target for the XML log reader and the audit: the fuzzed bytes
 * are one exchange log, audited (acc_audit_run on an in-memory source) twice:
 *   1. alone, under the built-in TISA-2014 rules, findings collected and rendered as text
 *      and JSON;
 *   2. as the second file of a stream whose first file is logs/chained.xml (so seq, ids,
 *      facts and the hash chain carry into the fuzzed part), under TISA-2014 amended by
 *      GSOMIA-2016 with TISA-2014 as the baseline, read in small chunks of a size taken
 *      from the input length (chunk boundaries anywhere).
 * Each audit runs on one thread and on two (the reader on its own thread), and the two
 * results must be the same.
 * Contracts checked: ACC_OK always (sources in memory cannot fail to be read), the exit
 * code agrees with `stopped`, counters agree with the collected findings, one thread and
 * two agree on every count and every finding.
 */
#include "fuzz_common.h"

static acc_ruleset *gsomia_rules(void)
{
    static acc_ruleset *rs;
    if (!rs) {
        size_t len;
        char *text = fuzz_read_source("rules/amendments/gsomia-2016.accord", &len);
        acc_file *files[2] = { NULL, NULL };
        if (acc_file_default(&files[0], NULL) != ACC_OK ||
            acc_file_parse(&files[1], "gsomia-2016.accord", text, len, NULL) != ACC_OK ||
            acc_ruleset_build(&rs, files, 2, NULL) != ACC_OK)
            abort();
        acc_file_free(files[0]);
        acc_file_free(files[1]);
        free(text);
    }
    return rs;
}

static void count_finding(void *payload, const acc_finding *f)
{
    uint64_t *n = payload;
    (*n)++;
    if (!f->message || !f->file || (f->has_entry != (f->kind >= 0)))
        abort();
    fuzz_diag_sum += strlen(f->message);
}

/* Aborts unless two results of the same audit are the same. */
static void same_result(const acc_audit_result *a, const acc_audit_result *b)
{
    if (a->entries != b->entries || a->judged != b->judged || a->permitted != b->permitted ||
        a->n_findings_total != b->n_findings_total || a->n_findings != b->n_findings ||
        a->n_changes_total != b->n_changes_total || a->stopped != b->stopped ||
        a->malformed != b->malformed || a->chain != b->chain ||
        strcmp(a->last_digest, b->last_digest) != 0)
        abort();
    for (size_t i = 0; i < a->n_findings; i++) {
        const acc_finding *x = &a->findings[i], *y = &b->findings[i];
        if (x->code != y->code || x->line != y->line || x->column != y->column ||
            x->seq != y->seq || x->file_index != y->file_index ||
            strcmp(x->message, y->message) != 0 || (!x->id) != (!y->id) ||
            (x->id && strcmp(x->id, y->id) != 0))
            abort();
    }
}

/* Audits on one thread and on two; returns the two-thread result (NULL on ENOMEM). */
static acc_audit_result *audit_both(acc_audit_options *opt, const acc_audit_source *src,
                                    size_t n)
{
    acc_audit_result *one = NULL, *two = NULL;
    opt->threads = 1;
    int st1 = acc_audit_run(&one, opt, src, n, &fuzz_sink);
    opt->threads = 2;
    int st2 = acc_audit_run(&two, opt, src, n, &fuzz_sink);
    if (st1 == ACC_ENOMEM || st2 == ACC_ENOMEM) {
        acc_audit_result_free(one);
        acc_audit_result_free(two);
        return NULL;
    }
    if (st1 != ACC_OK || st2 != ACC_OK || !one || !two)
        abort();
    same_result(one, two);
    acc_audit_result_free(one);
    return two;
}

static void audit(const acc_audit_options *base, const acc_audit_source *src, size_t n,
                  bool render)
{
    acc_audit_options opt = *base;
    uint64_t streamed = 0;
    opt.on_finding = count_finding;
    opt.finding_payload = &streamed;
    acc_audit_result *res = audit_both(&opt, src, n);
    if (!res)
        return;
    streamed /= 2;             /* both runs streamed their findings */
    if (opt.collect && res->n_findings != streamed)
        abort();
    if (opt.max_findings == 0 ? res->n_findings_total != streamed
                              : streamed != (res->n_findings_total < opt.max_findings
                                             ? res->n_findings_total : opt.max_findings))
        abort();
    if ((acc_audit_exit_code(res, false) == 2) != res->stopped)
        abort();
    if (res->n_files != n)
        abort();
    if (render) {
        acc_report_options ro = { .format = ACC_FORMAT_TEXT };
        if (acc_audit_render(fuzz_null(), res, &ro) != ACC_OK)
            abort();
        ro.format = ACC_FORMAT_JSON;
        if (acc_audit_render(fuzz_null(), res, &ro) != ACC_OK)
            abort();
    }
    acc_audit_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *chained;
    static size_t chained_len;
    if (!chained)
        chained = fuzz_read_source("logs/chained.xml", &chained_len);

    acc_audit_options opt;
    acc_audit_options_init(&opt);
    opt.rules = fuzz_default_rules();
    opt.collect = true;
    acc_audit_source one = { "fuzz.xml", (const char *)data, size };
    audit(&opt, &one, 1, true);

    acc_audit_options_init(&opt);
    opt.rules = gsomia_rules();
    opt.baseline = fuzz_default_rules();
    opt.chunk_size = 1 + size % 64;
    opt.max_findings = 5;
    opt.collect = true;
    acc_audit_source two[2] = { { "chained.xml", chained, chained_len },
                                { "fuzz.xml", (const char *)data, size } };
    audit(&opt, two, 2, false);
    return 0;
}
