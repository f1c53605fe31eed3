/*
 * test_sarif.c - the SARIF renderers (format_sarif.c) on results built by hand: exact
 * rule ids and indexes, levels, messages, URIs and regions, and fingerprints that follow
 * the finding rather than its line. tests/sarif_validate.sh checks real CLI output
 * against the schema and the SARIF Multitool.
 */
#include "format_support.h"

RENDERER(acc_sarif_write_check, acc_check_result)
RENDERER(acc_sarif_write_diff, acc_diff_result)
RENDERER(acc_sarif_write_lint, acc_lint_result)
RENDERER(acc_sarif_write_audit, acc_audit_result)

#include <stdlib.h>
#include <string.h>

/* Renders with `fn` into a malloc'd string; the status goes to *status. */
#define RENDER(fn, result, opts, status) render_with(fn##_any, (result), (opts), (status))

/* Not inlined: gcc 12 at -O2 then mistakes the memstream buffer for a dangling local. */
__attribute__((noinline))
static char *render_with(render_fn fn, const void *result, const acc_report_options *opts,
                         int *status)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    *status = fn(mem, result, opts);
    fclose(mem);
    return text;
}

/* Number of occurrences of `needle` in `hay`. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The text of the result object that contains `marker`: from the "ruleId" before it to
 * the "partialFingerprints" value after it (copied into buf). */
static const char *result_around(const char *doc, const char *marker, char *buf, size_t size)
{
    const char *at = strstr(doc, marker);
    if (!at)
        return "";
    const char *start = at;
    while (start > doc && strncmp(start, "\"ruleId\"", 8) != 0)
        start--;
    const char *end = strstr(at, "\"accordFingerprint/v1\"");
    end = end ? end + 44 : at + strlen(at);
    size_t n = (size_t)(end - start) < size - 1 ? (size_t)(end - start) : size - 1;
    memcpy(buf, start, n);
    buf[n] = '\0';
    return buf;
}

/* The fingerprint of the first result containing `marker`. */
static void fingerprint_of(const char *doc, const char *marker, char out[17])
{
    char buf[8192];
    const char *r = result_around(doc, marker, buf, sizeof buf);
    const char *fp = strstr(r, "\"accordFingerprint/v1\": \"");
    out[0] = '\0';
    if (fp) {
        memcpy(out, fp + 25, 16);
        out[16] = '\0';
    }
}

/* ---- a check result ---------------------------------------------------------------------- */

static acc_rule_ref relay_ref = { "art3-relay", NULL, false, { "./rules/x.accord", 12, 6 } };
static acc_witness_fact witness_facts[] = { { "requested", true }, { "approved", false } };

static acc_witness direct_witness = {
    .kind = ACC_KIND_TRANSFER, .time = 1420070400, .from = "KR", .to = "JP",
    .topic = "nk-nuclear", .item = "item-1", .originator = "KR", .level = "SECRET",
    .facts = witness_facts, .n_facts = 2, .permitted_by = &relay_ref, .n_permitted_by = 1,
};

static acc_invariant_result check_invariants[] = {
    { .name = "scope", .citation = "\"only nuclear and missile\"", .kind = ACC_KIND_TRANSFER,
      .loc = { "./rules/x.accord", 20, 11 }, .status = ACC_INV_PROVEN },
    { .name = "no-direct", .citation = NULL, .kind = ACC_KIND_TRANSFER,
      .loc = { "./rules/x.accord", 24, 11 }, .status = ACC_INV_VIOLATED,
      .witness = &direct_witness },
};

static acc_rule_result check_rules[] = {
    { .rule = { "art2-requests", NULL, false, { "./rules/x.accord", 8, 6 } },
      .kind = ACC_KIND_REQUEST, .status = ACC_RULE_OK },
    { .rule = { "art9-never", NULL, true, { "./rules/x.accord", 30, 6 } },
      .kind = ACC_KIND_TRANSFER, .status = ACC_RULE_DEAD },
};

static const char *check_files[] = { "./rules/x.accord" };

static acc_check_result make_check(void)
{
    return (acc_check_result){ .rules = "X-2020", .files = check_files, .n_files = 1,
                               .invariants = check_invariants, .n_invariants = 2,
                               .rules_report = check_rules, .n_rules_report = 2,
                               .n_proven = 1, .n_violated = 1, .n_dead = 1 };
}

static void test_sarif__check_lists_every_invariant_and_rule_as_a_descriptor(void)
{
    acc_check_result r = make_check();
    int status;
    char *doc = RENDER(acc_sarif_write_check, &r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"version\": \"2.1.0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"name\": \"accord\""));
    /* Descriptors in result order: invariants, then rules. */
    const char *a = strstr(doc, "\"id\": \"invariant/scope\"");
    const char *b = strstr(doc, "\"id\": \"invariant/no-direct\"");
    const char *c = strstr(doc, "\"id\": \"rule/art2-requests\"");
    const char *d = strstr(doc, "\"id\": \"rule/art9-never\"");
    CU_ASSERT_TRUE(a && b && c && d && a < b && b < c && c < d);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"name\": \"InvariantNoDirect\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"text\": \"Invariant 'no-direct' must hold\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"text\": \"Every event that the rules permit must "
                                       "satisfy the invariant 'scope'. The accord cites: "
                                       "\\\"only nuclear and missile\\\"\""));
    CU_ASSERT_EQUAL(count(doc, "\"defaultConfiguration\""), 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"id\": \"accord/check/\""));
    free(doc);
}

static void test_sarif__check_gives_a_result_per_violated_invariant_and_dead_rule(void)
{
    acc_check_result r = make_check();
    int status;
    char *doc = RENDER(acc_sarif_write_check, &r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    /* Results only for the violated invariant and the dead rule. */
    CU_ASSERT_EQUAL(count(doc, "\"ruleId\""), 2);
    char buf[8192];
    const char *inv = result_around(doc, "\"ruleId\": \"invariant/no-direct\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"ruleIndex\": 1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"level\": \"error\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv,
        "\"text\": \"invariant 'no-direct' on transfer does not hold: the rules permit "
        "transfer time=2015-01-01T00:00:00Z from=KR to=JP topic=nk-nuclear item=item-1 "
        "originator=KR level=SECRET requested=true approved=false (permitted by art3-relay).\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"uri\": \"rules/x.accord\",\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"uriBaseId\": \"%SRCROOT%\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"startLine\": 24,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"startColumn\": 11\n"));
    /* The permit rule that lets the witness through is a related location. */
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"text\": \"Let through by permit rule 'art3-relay'.\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(inv, "\"startLine\": 12,"));
    const char *dead = result_around(doc, "\"ruleId\": \"rule/art9-never\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(dead, "\"ruleIndex\": 3,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(dead, "\"level\": \"warning\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(dead, "\"text\": \"rule 'art9-never' is dead: its condition "
                                        "never holds on an event of its kind.\""));
    free(doc);
}

static void test_sarif__strict_makes_a_dead_rule_an_error(void)
{
    acc_check_result r = make_check();
    acc_report_options opts = { .format = ACC_FORMAT_SARIF, .strict = true };
    int status;
    char *doc = RENDER(acc_sarif_write_check, &r, &opts, &status);
    char buf[8192];
    const char *dead = result_around(doc, "\"ruleId\": \"rule/art9-never\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(dead, "\"level\": \"error\""));
    free(doc);
}

static void test_sarif__fingerprint_follows_the_invariant_not_its_line(void)
{
    acc_check_result r = make_check();
    int status;
    char *before = RENDER(acc_sarif_write_check, &r, NULL, &status);
    check_invariants[1].loc.line = 40;    /* lines inserted above it */
    char *moved = RENDER(acc_sarif_write_check, &r, NULL, &status);
    check_invariants[1].name = "no-direct-2";
    char *renamed = RENDER(acc_sarif_write_check, &r, NULL, &status);
    check_invariants[1].loc.line = 24;
    check_invariants[1].name = "no-direct";
    char a[17], b[17], c[17];
    fingerprint_of(before, "\"ruleId\": \"invariant/no-direct\"", a);
    fingerprint_of(moved, "\"ruleId\": \"invariant/no-direct\"", b);
    fingerprint_of(renamed, "\"ruleId\": \"invariant/no-direct-2\"", c);
    CU_ASSERT_EQUAL(strlen(a), 16);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    CU_ASSERT_PTR_NOT_NULL(strstr(moved, "\"startLine\": 40,"));
    free(before);
    free(moved);
    free(renamed);
}

/* ---- audit ------------------------------------------------------------------------------- */

static acc_finding audit_findings[] = {
    { .code = ACC_FINDING_FORBIDDEN, .severity = ACC_SEV_ERROR, .file = "logs/q.xml",
      .line = 12, .column = 3, .has_entry = true, .seq = 5, .id = "T-15-003",
      .kind = ACC_KIND_TRANSFER, .rule = "art1-scope", .message = "topic other is out of scope" },
    { .code = ACC_FINDING_NOT_PERMITTED, .severity = ACC_SEV_ERROR, .file = "logs/q.xml",
      .line = 12, .column = 3, .has_entry = true, .seq = 5, .id = "T-15-003",
      .kind = ACC_KIND_TRANSFER, .message = "no permit rule matched" },
    { .code = ACC_FINDING_CHAIN_BREAK, .severity = ACC_SEV_ERROR, .file = "/tmp/abs dir/q.xml",
      .line = 0, .column = 0, .has_entry = false, .kind = -1,
      .message = "the last digest differs from --chain-head" },
};

static acc_audit_rule_count audit_by_rule[] = { { ACC_FINDING_FORBIDDEN, "art1-scope", 1 } };
static acc_audit_file audit_files[] = { { "logs/q.xml", 7, true } };

static acc_audit_result make_audit(void)
{
    return (acc_audit_result){ .rules = "TISA-2014", .files = audit_files, .n_files = 1,
                               .entries = 7, .n_findings_total = 3,
                               .by_rule = audit_by_rule, .n_by_rule = 1,
                               .findings = audit_findings, .n_findings = 3 };
}

static void test_sarif__audit_has_every_code_then_named_rules(void)
{
    acc_audit_result r = make_audit();
    int status;
    char *doc = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    /* 11 finding codes, then the forbid rule with findings. */
    CU_ASSERT_EQUAL(count(doc, "\"defaultConfiguration\""), 12);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"id\": \"malformed\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"id\": \"rule/art1-scope\""));
    char buf[8192];
    const char *fb = result_around(doc, "\"ruleId\": \"rule/art1-scope\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(fb, "\"ruleIndex\": 11,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fb, "\"text\": \"[forbidden] topic other is out of scope "
                                      "(seq 5, id T-15-003, rule art1-scope).\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(fb, "\"uri\": \"logs/q.xml\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(fb, "\"startLine\": 12,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fb, "\"startColumn\": 3\n"));
    const char *np = result_around(doc, "\"ruleId\": \"not-permitted\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(np, "\"ruleIndex\": 1,"));
    free(doc);
}

static void test_sarif__audit_finding_without_line_has_file_only(void)
{
    acc_audit_result r = make_audit();
    int status;
    char *doc = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    char buf[8192];
    const char *cb = result_around(doc, "\"ruleId\": \"chain-break\"", buf, sizeof buf);
    /* An absolute path is a file URI (percent-encoded) without a base; no region. */
    CU_ASSERT_PTR_NOT_NULL(strstr(cb, "\"uri\": \"file:///tmp/abs%20dir/q.xml\"\n"));
    CU_ASSERT_PTR_NULL(strstr(cb, "uriBaseId"));
    CU_ASSERT_PTR_NULL(strstr(cb, "\"region\""));
    free(doc);
}

static void test_sarif__audit_fingerprint_uses_entry_id_not_line(void)
{
    acc_audit_result r = make_audit();
    int status;
    char *before = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    audit_findings[1].line = 99;
    char *moved = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    audit_findings[1].id = "T-15-004";
    char *other = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    audit_findings[1].line = 12;
    audit_findings[1].id = "T-15-003";
    char a[17], b[17], c[17], d[17];
    fingerprint_of(before, "\"ruleId\": \"not-permitted\"", a);
    fingerprint_of(moved, "\"ruleId\": \"not-permitted\"", b);
    fingerprint_of(other, "\"ruleId\": \"not-permitted\"", c);
    fingerprint_of(before, "\"ruleId\": \"rule/art1-scope\"", d);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_STRING_NOT_EQUAL(a, c);
    CU_ASSERT_STRING_NOT_EQUAL(a, d);   /* same entry, another finding */
    free(before);
    free(moved);
    free(other);
}

static void test_sarif__audit_truncation_is_a_notification(void)
{
    acc_audit_result r = make_audit();
    r.findings_truncated = true;
    r.n_findings_total = 10;
    int status;
    char *doc = RENDER(acc_sarif_write_audit, &r, NULL, &status);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"text\": \"Only the first 3 of 10 findings are listed "
                                       "(--max-findings).\""));
    free(doc);
}

/* ---- lint -------------------------------------------------------------------------------- */

static void test_sarif__lint_diagnostic_column_counts_utf16_units(void)
{
    acc_lint_result *lint = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_lint_new(&lint), ACC_OK);
    /* "é" is 2 bytes and 1 UTF-16 unit: byte column 15 ("CN") is unit column 13. */
    static const char line[] = "  topic \xc3\xa9t\xc3\xa9 CN;";
    acc_diag d = { .severity = ACC_SEV_ERROR, .file = "././rules//bad.accord", .line = 3,
                   .column = 15, .span_len = 2, .message = "unknown party 'CN'",
                   .source_line = line, .source_line_len = sizeof line - 1 };
    CU_ASSERT_EQUAL(acc_lint_add_diag(lint, &d), ACC_OK);
    CU_ASSERT_EQUAL(acc_lint_add_diag(lint, &d), ACC_OK);
    int status;
    char *doc = RENDER(acc_sarif_write_lint, lint, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    char buf[8192];
    const char *r = result_around(doc, "\"ruleId\": \"diagnostic\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"uri\": \"rules/bad.accord\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"startColumn\": 13,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"endColumn\": 15\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"text\": \"unknown party 'CN'.\""));
    /* Two identical diagnostics get different fingerprints (their order tells them apart). */
    const char *second = strstr(doc, "\"ruleId\": \"diagnostic\"");
    second = second ? strstr(second + 1, "\"ruleId\": \"diagnostic\"") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    char a[17], b[17];
    fingerprint_of(doc, "\"ruleId\": \"diagnostic\"", a);
    fingerprint_of(second, "\"ruleId\": \"diagnostic\"", b);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    free(doc);
    acc_lint_result_free(lint);
}

/* ---- diff -------------------------------------------------------------------------------- */

static acc_rule_ref gsomia_ref = { "gsomia-direct", NULL, false,
                                   { "rules/amendments/gsomia-2016.accord", 9, 6 } };
static const char *party_kr[] = { "KR" };
static const char *party_jp[] = { "JP" };
static acc_class_field direct_fields[] = {
    { .field = ACC_FIELD_FROM, .values = party_kr, .n_values = 1 },
    { .field = ACC_FIELD_TO, .values = party_jp, .n_values = 1 },
};

static acc_diff_result make_diff(acc_diff_class *cls)
{
    *cls = (acc_diff_class){ .kind = ACC_KIND_TRANSFER, .fields = direct_fields, .n_fields = 2,
                             .witness = direct_witness, .rules = &gsomia_ref, .n_rules = 1 };
    cls->witness.permitted_by = &gsomia_ref;
    return (acc_diff_result){ .old_name = "TISA-2014", .new_name = "GSOMIA-2016",
                              .newly_permitted = cls, .n_newly_permitted = 1 };
}

static void test_sarif__diff_new_permit_is_an_error_only_with_the_gate(void)
{
    acc_diff_class cls;
    acc_diff_result r = make_diff(&cls);
    int status;
    char *plain = RENDER(acc_sarif_write_diff, &r, NULL, &status);
    CU_ASSERT_EQUAL(status, ACC_OK);
    acc_report_options gate = { .format = ACC_FORMAT_SARIF, .deny_new_permits = true };
    char *gated = RENDER(acc_sarif_write_diff, &r, &gate, &status);
    char buf[8192];
    const char *p = result_around(plain, "\"ruleId\": \"newly-permitted\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"level\": \"warning\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"text\": \"newly permitted: transfer with from=KR to=JP; "
                                     "e.g. transfer time=2015-01-01T00:00:00Z from=KR to=JP "
                                     "topic=nk-nuclear item=item-1 originator=KR level=SECRET "
                                     "requested=true approved=false; permitted by "
                                     "gsomia-direct.\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"uri\": \"rules/amendments/gsomia-2016.accord\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"startLine\": 9,"));
    p = result_around(gated, "\"ruleId\": \"newly-permitted\"", buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"level\": \"error\""));
    free(plain);
    free(gated);
}

static void test_sarif__write_error_is_reported(void)
{
    acc_check_result check = make_check();
    acc_audit_result audit = make_audit();
    CU_ASSERT_EQUAL(render_to_full_device(acc_sarif_write_check_any, &check), ACC_EIO);
    CU_ASSERT_EQUAL(render_to_full_device(acc_sarif_write_audit_any, &audit), ACC_EIO);
}

/* Every allocation of the renderer may fail: the result is ACC_ENOMEM, never a crash or a
 * leak (ASan checks), and with no failure it is ACC_OK. */
static void test_sarif__every_allocation_failure_is_reported(void)
{
    acc_audit_result audit = make_audit();
    acc_check_result check = make_check();
    CU_ASSERT_TRUE(sweep_allocation_failures(acc_sarif_write_audit_any, &audit) >= 1);
    CU_ASSERT_TRUE(sweep_allocation_failures(acc_sarif_write_check_any, &check) >= 1);
}

int main(void)
{
    static const test_case tests[] = {
        { "check_lists_every_invariant_and_rule_as_a_descriptor",
          test_sarif__check_lists_every_invariant_and_rule_as_a_descriptor },
        { "check_gives_a_result_per_violated_invariant_and_dead_rule",
          test_sarif__check_gives_a_result_per_violated_invariant_and_dead_rule },
        { "strict_makes_a_dead_rule_an_error", test_sarif__strict_makes_a_dead_rule_an_error },
        { "fingerprint_follows_the_invariant_not_its_line",
          test_sarif__fingerprint_follows_the_invariant_not_its_line },
        { "audit_has_every_code_then_named_rules",
          test_sarif__audit_has_every_code_then_named_rules },
        { "audit_finding_without_line_has_file_only",
          test_sarif__audit_finding_without_line_has_file_only },
        { "audit_fingerprint_uses_entry_id_not_line",
          test_sarif__audit_fingerprint_uses_entry_id_not_line },
        { "audit_truncation_is_a_notification", test_sarif__audit_truncation_is_a_notification },
        { "lint_diagnostic_column_counts_utf16_units",
          test_sarif__lint_diagnostic_column_counts_utf16_units },
        { "diff_new_permit_is_an_error_only_with_the_gate",
          test_sarif__diff_new_permit_is_an_error_only_with_the_gate },
        { "write_error_is_reported", test_sarif__write_error_is_reported },
        { "every_allocation_failure_is_reported",
          test_sarif__every_allocation_failure_is_reported },
        { NULL, NULL },
    };
    return test_run_suite("sarif", tests);
}
