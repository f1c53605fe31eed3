/*
 * fuzz_rules.c - libFuzzer target for the rule-file front end: the fuzzed bytes are one
 * .accord file, parsed (acc_file_parse), built into a rule set (alone when it is a base
 * file, applied to the built-in TISA-2014 when it is an amendment) and, when it builds,
 * evaluated on a few events and exported as SMT-LIB2 (no solver runs here: see
 * fuzz_diff.c). Contracts checked: every status is one the API documents, *out is set
 * exactly on ACC_OK, every diagnostic's strings are readable.
 */
#include "fuzz_common.h"

/* Evaluates every kind once with the first and once with the last member of each type,
 * and every fact once true and once false. */
static void eval_samples(const acc_ruleset *rs)
{
    size_t n_facts = acc_ruleset_fact_count(rs);
    bool *facts = calloc(n_facts ? n_facts : 1, sizeof *facts);
    acc_verdict v;
    if (!facts || acc_verdict_init(&v, rs) != ACC_OK)
        abort();
    size_t parties = acc_ruleset_member_count(rs, ACC_TYPE_PARTY);
    size_t topics = acc_ruleset_member_count(rs, ACC_TYPE_TOPIC);
    size_t levels = acc_ruleset_member_count(rs, ACC_TYPE_LEVEL);
    if (parties == 0 || topics == 0 || levels == 0)
        abort();   /* rule-language.md: a base file declares each, none empty */
    for (int last = 0; last < 2; last++) {
        for (size_t i = 0; i < n_facts; i++)
            facts[i] = last;
        for (int k = 0; k < ACC_KIND_COUNT; k++) {
            acc_event ev = {
                .kind = (acc_kind)k,
                .time = last ? ACC_TIME_MAX : ACC_TIME_MIN,
                .from = last ? (int)parties - 1 : 0,
                .to = 0,
                .topic = last ? (int)topics - 1 : 0,
                .originator = last ? 0 : (int)parties - 1,
                .level = last ? (int)levels - 1 : 0,
                .decision = last ? ACC_DECISION_REVOKED : ACC_DECISION_GRANTED,
                .item = "item", .item_len = 4,
                .facts = facts,
            };
            acc_eval_event(rs, &ev, &v);
            if (v.permitted != acc_eval_permitted(rs, &ev))
                abort();
            if (v.permitted && (v.n_permits == 0 || v.n_forbids != 0))
                abort();
        }
    }
    acc_verdict_fini(&v);
    free(facts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    acc_file *file = NULL;
    int st = acc_file_parse(&file, "fuzz.accord", (const char *)data, size, &fuzz_sink);
    if (st != ACC_OK && st != ACC_EINPUT && st != ACC_ENOMEM)
        abort();
    if ((st == ACC_OK) != (file != NULL))
        abort();
    if (st != ACC_OK)
        return 0;
    if (!acc_file_name(file) || (acc_file_is_amendment(file) && !acc_file_base_name(file)))
        abort();
    acc_ruleset *rs = NULL;
    if (fuzz_build(&rs, file) != ACC_OK)
        return 0;
    for (size_t i = 0; i < acc_ruleset_rule_count(rs); i++)
        fuzz_diag_sum += strlen(acc_ruleset_rule_name(rs, i));
    eval_samples(rs);
    acc_analysis_options opts = { .timeout_ms = 0, .skip_rules_report = false };
    st = acc_smt_write(fuzz_null(), rs, &opts);
    if (st != ACC_OK)
        abort();
    acc_ruleset_free(rs);
    return 0;
}
