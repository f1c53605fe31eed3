/*
 * test_junit.c - the JUnit XML renderers (format_junit.c) on results built by hand: the
 * exact document of a check, stable case names, which cases fail (and when --strict or
 * --deny-new-permits changes that), errors for unknown answers, and XML escaping.
 * tests/junit_validate.sh checks real CLI output against tests/schemas/junit.xsd.
 */
#include "format_support.h"

RENDERER(acc_junit_write_check, acc_check_result)
RENDERER(acc_junit_write_diff, acc_diff_result)
RENDERER(acc_junit_write_lint, acc_lint_result)
RENDERER(acc_junit_write_audit, acc_audit_result)

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Renders with `fn` (SOURCE_DATE_EPOCH=86400) into a malloc'd string. */
static char *render(render_fn fn, const void *result, const acc_report_options *opts)
{
    char *text = NULL;
    size_t len = 0;
    setenv("SOURCE_DATE_EPOCH", "86400", 1);
    FILE *mem = open_memstream(&text, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    CU_ASSERT_EQUAL(fn(mem, result, opts), ACC_OK);
    fclose(mem);
    return text;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static acc_rule_ref relay_ref = { "art3-relay", NULL, false, { "rules/x.accord", 12, 6 } };

static acc_witness direct_witness = {
    .kind = ACC_KIND_TRANSFER, .time = 1420070400, .from = "KR", .to = "JP",
    .topic = "nk-nuclear", .item = "item-1", .originator = "KR", .level = "SECRET",
    .permitted_by = &relay_ref, .n_permitted_by = 1,
};

static acc_invariant_result check_invariants[] = {
    { .name = "scope", .kind = ACC_KIND_TRANSFER, .loc = { "rules/x.accord", 20, 11 },
      .status = ACC_INV_PROVEN },
    { .name = "no-direct", .citation = "no <direct> exchange & no relay", .kind = ACC_KIND_TRANSFER,
      .loc = { "rules/x.accord", 24, 11 }, .status = ACC_INV_VIOLATED,
      .witness = &direct_witness },
};

static acc_rule_result check_rules[] = {
    { .rule = { "art9-never", NULL, true, { "rules/x.accord", 30, 6 } },
      .kind = ACC_KIND_TRANSFER, .status = ACC_RULE_DEAD },
};

static const char *check_files[] = { "rules/x.accord" };

static acc_check_result make_check(void)
{
    return (acc_check_result){ .rules = "X-2020", .files = check_files, .n_files = 1,
                               .invariants = check_invariants, .n_invariants = 2,
                               .rules_report = check_rules, .n_rules_report = 1,
                               .n_proven = 1, .n_violated = 1, .n_dead = 1 };
}

static void test_junit__check_document_is_exact(void)
{
    acc_check_result r = make_check();
    char *doc = render(acc_junit_write_check_any, &r, NULL);
    char host[256] = "localhost";
    if (gethostname(host, sizeof host) != 0 || !host[0])
        strcpy(host, "localhost");
    host[sizeof host - 1] = '\0';
    char expected[4096];
    snprintf(expected, sizeof expected,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites>\n"
        "  <testsuite name=\"accord.check.X-2020\" package=\"accord.check\" id=\"0\" "
        "timestamp=\"1970-01-02T00:00:00\" hostname=\"%s\" tests=\"3\" failures=\"1\" "
        "errors=\"0\" skipped=\"0\" time=\"0\">\n"
        "    <properties>\n"
        "      <property name=\"accord.version\" value=\"%s\"/>\n"
        "      <property name=\"rules\" value=\"X-2020\"/>\n"
        "      <property name=\"files\" value=\"rules/x.accord\"/>\n"
        "    </properties>\n"
        "    <testcase name=\"invariant scope\" classname=\"accord.check.X-2020\" time=\"0\"/>\n"
        "    <testcase name=\"invariant no-direct\" classname=\"accord.check.X-2020\" time=\"0\">\n"
        "      <failure message=\"invariant 'no-direct' on transfer does not hold: the rules "
        "permit transfer time=2015-01-01T00:00:00Z from=KR to=JP topic=nk-nuclear item=item-1 "
        "originator=KR level=SECRET (permitted by art3-relay)\" type=\"violated\">"
        "rules/x.accord:24:11: invariant 'no-direct' on transfer does not hold: the rules "
        "permit transfer time=2015-01-01T00:00:00Z from=KR to=JP topic=nk-nuclear item=item-1 "
        "originator=KR level=SECRET (permitted by art3-relay)\n"
        "citation: no &lt;direct&gt; exchange &amp; no relay\n"
        "witness: transfer time=2015-01-01T00:00:00Z from=KR to=JP topic=nk-nuclear "
        "item=item-1 originator=KR level=SECRET\n"
        "permitted by:\n"
        "  art3-relay (rules/x.accord:12:6)</failure>\n"
        "    </testcase>\n"
        "    <testcase name=\"rule art9-never\" classname=\"accord.check.X-2020\" time=\"0\"/>\n"
        "    <system-out>warning: rules/x.accord:30:6: rule 'art9-never' is dead: its "
        "condition never holds on an event of its kind\n"
        "X-2020: 1 invariants proven, 1 violated, 0 unknown; 1 dead rules, 0 redundant\n"
        "</system-out>\n"
        "    <system-err></system-err>\n"
        "  </testsuite>\n"
        "</testsuites>\n", host, acc_version());
    CU_ASSERT_STRING_EQUAL(doc, expected);
    free(doc);
}

static void test_junit__strict_fails_a_dead_rule(void)
{
    acc_check_result r = make_check();
    acc_report_options strict = { .format = ACC_FORMAT_JUNIT, .strict = true };
    char *doc = render(acc_junit_write_check_any, &r, &strict);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "tests=\"3\" failures=\"2\" errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<failure message=\"rule 'art9-never' is dead: its "
                                       "condition never holds on an event of its kind\" "
                                       "type=\"dead\">"));
    free(doc);
}

static void test_junit__unknown_invariant_is_an_error(void)
{
    acc_check_result r = make_check();
    acc_invariant_result inv = { .name = "slow", .kind = ACC_KIND_TRANSFER,
                                 .loc = { "rules/x.accord", 40, 11 },
                                 .status = ACC_INV_UNKNOWN, .reason = "timeout" };
    r.invariants = &inv;
    r.n_invariants = 1;
    char *doc = render(acc_junit_write_check_any, &r, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "tests=\"2\" failures=\"0\" errors=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<error message=\"invariant 'slow' on transfer could "
                                       "not be decided (timeout)\" type=\"unknown\">"));
    free(doc);
}

/* ---- audit ------------------------------------------------------------------------------- */

static acc_finding audit_findings[] = {
    { .code = ACC_FINDING_SCHEMA, .severity = ACC_SEV_ERROR, .file = "logs/a.xml",
      .file_index = 0, .line = 7, .column = 3, .has_entry = true, .seq = 2, .id = "R-1",
      .kind = ACC_KIND_REQUEST, .message = "unexpected attribute 'x' on <request> & more" },
    { .code = ACC_FINDING_SCHEMA, .severity = ACC_SEV_ERROR, .file = "logs/a.xml",
      .file_index = 0, .line = 9, .column = 3, .has_entry = true, .seq = 3, .id = "R-\xff\x01",
      .kind = ACC_KIND_REQUEST, .message = "bad id" },
    { .code = ACC_FINDING_ASSUMPTION, .severity = ACC_SEV_WARNING, .file = "logs/a.xml",
      .file_index = 0, .line = 12, .column = 3, .has_entry = true, .seq = 4, .id = "T-1",
      .kind = ACC_KIND_TRANSFER, .rule = "held", .message = "approved but not received" },
};

static acc_audit_file audit_files[] = {
    { "logs/a.xml", 4, true }, { "logs/b.xml", 3, true }, { "logs/c.xml", 0, false },
};

static acc_audit_result make_audit(void)
{
    return (acc_audit_result){ .rules = "TISA-2014", .files = audit_files, .n_files = 3,
                               .entries = 7, .n_findings_total = 3,
                               .findings = audit_findings, .n_findings = 3 };
}

static void test_junit__audit_has_a_suite_per_file_and_a_case_per_code(void)
{
    acc_audit_result r = make_audit();
    char *doc = render(acc_junit_write_audit_any, &r, NULL);
    CU_ASSERT_EQUAL(count(doc, "<testsuite "), 3);
    /* logs/a.xml: schema fails (2 findings), assumption (a warning) passes. */
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "name=\"accord.audit.logs/a.xml\" package=\"accord.audit\" "
                                       "id=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc,
        "<testcase name=\"schema\" classname=\"accord.audit.logs/a.xml\" time=\"0\">\n"
        "      <failure message=\"2 findings\" type=\"schema\">logs/a.xml:7:3: error: [schema] "
        "unexpected attribute 'x' on &lt;request&gt; &amp; more (seq 2, id R-1)\n"
        "logs/a.xml:9:3: error: [schema] bad id (seq 3, id R-\xef\xbf\xbd\xef\xbf\xbd)</failure>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<testcase name=\"assumption\" "
                                       "classname=\"accord.audit.logs/a.xml\" time=\"0\"/>"));
    /* logs/b.xml is clean; logs/c.xml was never reached. */
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<testcase name=\"clean\" classname=\"accord.audit.logs/b.xml\" "
                                       "time=\"0\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc,
        "<testcase name=\"clean\" classname=\"accord.audit.logs/c.xml\" time=\"0\">\n"
        "      <skipped message=\"not audited: the audit stopped before this file\"/>"));
    free(doc);
}

static void test_junit__strict_fails_an_assumption_finding(void)
{
    acc_audit_result r = make_audit();
    acc_report_options strict = { .format = ACC_FORMAT_JUNIT, .strict = true };
    char *doc = render(acc_junit_write_audit_any, &r, &strict);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "<failure message=\"1 finding\" type=\"assumption\">"
                                       "logs/a.xml:12:3: warning: [assumption] approved but not "
                                       "received (seq 4, id T-1, rule held)</failure>"));
    free(doc);
}

/* ---- diff -------------------------------------------------------------------------------- */

static const char *party_kr[] = { "KR" };
static acc_class_field kr_fields[] = {
    { .field = ACC_FIELD_FROM, .values = party_kr, .n_values = 1 },
};

static void test_junit__diff_new_permits_fail_only_with_the_gate(void)
{
    acc_diff_class cls = { .kind = ACC_KIND_TRANSFER, .fields = kr_fields, .n_fields = 1,
                           .witness = direct_witness, .rules = &relay_ref, .n_rules = 1 };
    acc_invariant_result old_inv = check_invariants[1];
    old_inv.from_old = true;
    acc_diff_result r = { .old_name = "OLD-1", .new_name = "NEW-2",
                          .newly_permitted = &cls, .n_newly_permitted = 1,
                          .invariants = &old_inv, .n_invariants = 1 };
    char *plain = render(acc_junit_write_diff_any, &r, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "name=\"accord.diff.OLD-1_to_NEW-2\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "tests=\"3\" failures=\"0\" errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "<testcase name=\"invariant no-direct (old)\" "
                                         "classname=\"accord.diff.OLD-1_to_NEW-2\" time=\"0\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "<testcase name=\"newly permitted\" "
                                         "classname=\"accord.diff.OLD-1_to_NEW-2\" time=\"0\"/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "<testcase name=\"newly forbidden\" "
                                         "classname=\"accord.diff.OLD-1_to_NEW-2\" time=\"0\"/>"));
    acc_report_options gate = { .format = ACC_FORMAT_JUNIT, .deny_new_permits = true,
                                .strict = true };
    char *gated = render(acc_junit_write_diff_any, &r, &gate);
    CU_ASSERT_PTR_NOT_NULL(strstr(gated, "tests=\"3\" failures=\"2\" errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(gated, "<failure message=\"1 class of events newly permitted "
                                         "by NEW-2\" type=\"newly-permitted\">newly permitted: "
                                         "transfer with from=KR; e.g. transfer "));
    free(plain);
    free(gated);
}

/* ---- lint -------------------------------------------------------------------------------- */

static void test_junit__lint_has_a_case_per_file(void)
{
    acc_lint_result *lint = NULL;
    CU_ASSERT_EQUAL_FATAL(acc_lint_new(&lint), ACC_OK);
    acc_diag d = { .severity = ACC_SEV_ERROR, .file = "rules/bad.accord", .line = 3,
                   .column = 9, .span_len = 2, .message = "unknown party 'CN'" };
    CU_ASSERT_EQUAL(acc_lint_add_diag(lint, &d), ACC_OK);
    char *doc = render(acc_junit_write_lint_any, lint, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc, "name=\"accord.lint.files\" package=\"accord.lint\" id=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(doc,
        "<testcase name=\"rules/bad.accord\" classname=\"accord.lint.files\" time=\"0\">\n"
        "      <failure message=\"1 error, 0 warnings\" type=\"error\">rules/bad.accord:3:9: "
        "error: unknown party 'CN'</failure>"));
    free(doc);
    acc_lint_result_free(lint);
}

static void test_junit__write_error_is_reported(void)
{
    acc_check_result check = make_check();
    acc_audit_result audit = make_audit();
    CU_ASSERT_EQUAL(render_to_full_device(acc_junit_write_check_any, &check), ACC_EIO);
    CU_ASSERT_EQUAL(render_to_full_device(acc_junit_write_audit_any, &audit), ACC_EIO);
}

/* Every allocation of the renderer may fail: ACC_ENOMEM, never a crash or a leak. */
static void test_junit__every_allocation_failure_is_reported(void)
{
    acc_audit_result audit = make_audit();
    acc_check_result check = make_check();
    CU_ASSERT_TRUE(sweep_allocation_failures(acc_junit_write_audit_any, &audit) >= 1);
    CU_ASSERT_TRUE(sweep_allocation_failures(acc_junit_write_check_any, &check) >= 1);
}

int main(void)
{
    static const test_case tests[] = {
        { "check_document_is_exact", test_junit__check_document_is_exact },
        { "strict_fails_a_dead_rule", test_junit__strict_fails_a_dead_rule },
        { "unknown_invariant_is_an_error", test_junit__unknown_invariant_is_an_error },
        { "audit_has_a_suite_per_file_and_a_case_per_code",
          test_junit__audit_has_a_suite_per_file_and_a_case_per_code },
        { "strict_fails_an_assumption_finding", test_junit__strict_fails_an_assumption_finding },
        { "diff_new_permits_fail_only_with_the_gate",
          test_junit__diff_new_permits_fail_only_with_the_gate },
        { "lint_has_a_case_per_file", test_junit__lint_has_a_case_per_file },
        { "write_error_is_reported", test_junit__write_error_is_reported },
        { "every_allocation_failure_is_reported",
          test_junit__every_allocation_failure_is_reported },
        { NULL, NULL },
    };
    return test_run_suite("junit", tests);
}
