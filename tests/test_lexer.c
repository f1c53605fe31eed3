/*
 * test_lexer.c - the lexer on its own: every token kind with its span, reserved words,
 * comments, strings and escapes, numbers, dates and times (valid, impossible and
 * malformed), durations, UTF-8, and that errors are reported with their location while
 * scanning goes on.
 */
#include "test_support.h"

#include "lexer.h"

#include <string.h>

#define MAX_TOKENS 64

/* The tokens of `text` (up to and including EOF) and the rendered diagnostics. */
typedef struct lexed {
    acc_token tokens[MAX_TOKENS];
    size_t n;
    test_diags diags;
} lexed;

static void lex_len(lexed *out, const char *text, size_t len)
{
    acc_source_text src = { "t.accord", text, len };
    acc_lexer lx;
    memset(out, 0, sizeof *out);
    acc_diag_sink sink = test_diags_sink(&out->diags);
    acc_lexer_init(&lx, &src, &sink);
    do {
        acc_lexer_next(&lx, &out->tokens[out->n]);
    } while (out->tokens[out->n++].kind != ACC_TOK_EOF && out->n < MAX_TOKENS);
    CU_ASSERT_EQUAL(lx.errors, (unsigned)out->diags.errors);
}

static void lex(lexed *out, const char *text)
{
    lex_len(out, text, strlen(text));
}

static void assert_token(const lexed *l, size_t i, acc_token_kind kind, uint32_t start,
                         uint32_t end)
{
    CU_ASSERT_TRUE_FATAL(i < l->n);
    CU_ASSERT_EQUAL(l->tokens[i].kind, kind);
    CU_ASSERT_EQUAL(l->tokens[i].start, start);
    CU_ASSERT_EQUAL(l->tokens[i].end, end);
}

static void test_lexer__scans_every_punctuation_and_literal_kind_with_spans(void)
{
    lexed l;
    lex(&l, "x \"s\" 12 2014-12-29 2015-01-05T09:12:00Z == != < <= > >= = , ; : { } ( )");
    static const acc_token_kind kinds[] = {
        ACC_TOK_IDENT, ACC_TOK_STRING, ACC_TOK_INT, ACC_TOK_DATE, ACC_TOK_DATETIME,
        ACC_TOK_EQ, ACC_TOK_NE, ACC_TOK_LT, ACC_TOK_LE, ACC_TOK_GT, ACC_TOK_GE,
        ACC_TOK_ASSIGN, ACC_TOK_COMMA, ACC_TOK_SEMI, ACC_TOK_COLON, ACC_TOK_LBRACE,
        ACC_TOK_RBRACE, ACC_TOK_LPAREN, ACC_TOK_RPAREN, ACC_TOK_EOF,
    };
    static const uint32_t spans[][2] = {
        { 0, 1 }, { 2, 5 }, { 6, 8 }, { 9, 19 }, { 20, 40 }, { 41, 43 }, { 44, 46 },
        { 47, 48 }, { 49, 51 }, { 52, 53 }, { 54, 56 }, { 57, 58 }, { 59, 60 }, { 61, 62 },
        { 63, 64 }, { 65, 66 }, { 67, 68 }, { 69, 70 }, { 71, 72 }, { 72, 72 },
    };
    CU_ASSERT_EQUAL_FATAL(l.n, sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < l.n; i++)
        assert_token(&l, i, kinds[i], spans[i][0], spans[i][1]);
    CU_ASSERT_EQUAL(l.tokens[2].value, 12);
    CU_ASSERT_EQUAL(l.tokens[3].value, 1419811200);          /* 2014-12-29T00:00:00Z */
    CU_ASSERT_EQUAL(l.tokens[4].value, 1420416000 + 9 * 3600 + 12 * 60);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__reserves_every_keyword(void)
{
    static const struct { const char *text; acc_token_kind kind; } words[] = {
        { "accord", ACC_TOK_ACCORD }, { "amendment", ACC_TOK_AMENDMENT }, { "to", ACC_TOK_TO },
        { "title", ACC_TOK_TITLE }, { "effective", ACC_TOK_EFFECTIVE },
        { "parties", ACC_TOK_PARTIES }, { "topics", ACC_TOK_TOPICS },
        { "levels", ACC_TOK_LEVELS }, { "fact", ACC_TOK_FACT }, { "on", ACC_TOK_ON },
        { "once", ACC_TOK_ONCE }, { "latest", ACC_TOK_LATEST }, { "has", ACC_TOK_HAS },
        { "within", ACC_TOK_WITHIN }, { "rule", ACC_TOK_RULE }, { "permit", ACC_TOK_PERMIT },
        { "forbid", ACC_TOK_FORBID }, { "when", ACC_TOK_WHEN },
        { "invariant", ACC_TOK_INVARIANT }, { "assume", ACC_TOK_ASSUME },
        { "remove", ACC_TOK_REMOVE }, { "and", ACC_TOK_AND }, { "or", ACC_TOK_OR },
        { "not", ACC_TOK_NOT }, { "implies", ACC_TOK_IMPLIES }, { "in", ACC_TOK_IN },
        { "true", ACC_TOK_TRUE }, { "false", ACC_TOK_FALSE }, { "request", ACC_TOK_REQUEST },
        { "approval", ACC_TOK_APPROVAL }, { "transfer", ACC_TOK_TRANSFER },
        { "days", ACC_TOK_DAYS }, { "day", ACC_TOK_DAY }, { "hours", ACC_TOK_HOURS },
        { "hour", ACC_TOK_HOUR }, { "minutes", ACC_TOK_MINUTES }, { "minute", ACC_TOK_MINUTE },
        { "time", ACC_TOK_TIME }, { "from", ACC_TOK_FROM }, { "topic", ACC_TOK_TOPIC },
        { "item", ACC_TOK_ITEM }, { "originator", ACC_TOK_ORIGINATOR },
        { "level", ACC_TOK_LEVEL }, { "decision", ACC_TOK_DECISION },
        { "granted", ACC_TOK_GRANTED }, { "denied", ACC_TOK_DENIED },
        { "revoked", ACC_TOK_REVOKED },
    };
    size_t n = sizeof words / sizeof words[0];
    CU_ASSERT_EQUAL(n, ACC_TOK_COUNT - ACC_TOK_FIRST_KEYWORD);
    for (size_t i = 0; i < n; i++) {
        lexed l;
        lex(&l, words[i].text);
        CU_ASSERT_EQUAL(l.n, 2);
        assert_token(&l, 0, words[i].kind, 0, (uint32_t)strlen(words[i].text));
        CU_ASSERT_TRUE(acc_token_is_keyword(l.tokens[0].kind));
        test_diags_free(&l.diags);
    }
    CU_ASSERT_FALSE(acc_token_is_keyword(ACC_TOK_IDENT));
    CU_ASSERT_EQUAL(acc_token_field(ACC_TOK_TO), ACC_FIELD_TO);
    CU_ASSERT_EQUAL(acc_token_field(ACC_TOK_DECISION), ACC_FIELD_DECISION);
    CU_ASSERT_EQUAL(acc_token_field(ACC_TOK_RULE), -1);
    CU_ASSERT_EQUAL(acc_token_event_kind(ACC_TOK_APPROVAL), ACC_KIND_APPROVAL);
    CU_ASSERT_EQUAL(acc_token_decision(ACC_TOK_REVOKED), ACC_DECISION_REVOKED);
    CU_ASSERT_STRING_EQUAL(acc_token_kind_name(ACC_TOK_RULE), "'rule'");
    CU_ASSERT_STRING_EQUAL(acc_token_kind_name(ACC_TOK_LE), "'<='");
    CU_ASSERT_STRING_EQUAL(acc_token_kind_name(ACC_TOK_EOF), "end of file");
}

static void test_lexer__takes_hyphens_and_digits_into_identifiers(void)
{
    lexed l;
    lex(&l, "nk-missile TOP-SECRET art3-relay KR a_b Rule-x days3 TISA-2014");
    assert_token(&l, 0, ACC_TOK_IDENT, 0, 10);
    assert_token(&l, 1, ACC_TOK_IDENT, 11, 21);
    assert_token(&l, 2, ACC_TOK_IDENT, 22, 32);
    assert_token(&l, 3, ACC_TOK_IDENT, 33, 35);
    assert_token(&l, 4, ACC_TOK_IDENT, 36, 39);
    assert_token(&l, 5, ACC_TOK_IDENT, 40, 46);   /* case-sensitive: not the keyword */
    assert_token(&l, 6, ACC_TOK_IDENT, 47, 52);
    assert_token(&l, 7, ACC_TOK_IDENT, 53, 62);
    assert_token(&l, 8, ACC_TOK_EOF, 62, 62);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__skips_comments_to_the_end_of_the_line(void)
{
    lexed l;
    lex(&l, "# a comment: rule \"x\" @\nrule # trailing\n\t; # at the end");
    CU_ASSERT_EQUAL(l.n, 3);
    assert_token(&l, 0, ACC_TOK_RULE, 24, 28);
    assert_token(&l, 1, ACC_TOK_SEMI, 41, 42);
    assert_token(&l, 2, ACC_TOK_EOF, 55, 55);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_bad_characters_and_continues(void)
{
    lexed l;
    lex(&l, "rule @ x\n  $ y ! `");
    CU_ASSERT_EQUAL(l.n, 4);
    assert_token(&l, 0, ACC_TOK_RULE, 0, 4);
    assert_token(&l, 1, ACC_TOK_IDENT, 7, 8);
    assert_token(&l, 2, ACC_TOK_IDENT, 13, 14);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:6: error: unexpected character '@'\n"
                           "t.accord:2:3: error: unexpected character '$'\n"
                           "t.accord:2:7: error: unexpected character '!'\n"
                           "t.accord:2:9: error: unexpected character '`'\n");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_control_characters_and_nul_bytes(void)
{
    lexed l;
    lex_len(&l, "a\001b\0c", 5);
    CU_ASSERT_EQUAL(l.n, 4);
    assert_token(&l, 2, ACC_TOK_IDENT, 4, 5);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:2: error: unexpected control character 0x01\n"
                           "t.accord:1:4: error: unexpected control character 0x00\n");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_unterminated_string_and_resumes_on_the_next_line(void)
{
    lexed l;
    lex(&l, "rule x \"no end\nrule \"at eof");
    CU_ASSERT_EQUAL(l.n, 6);
    assert_token(&l, 2, ACC_TOK_STRING, 7, 14);
    CU_ASSERT_TRUE(l.tokens[2].bad);
    assert_token(&l, 3, ACC_TOK_RULE, 15, 19);
    assert_token(&l, 4, ACC_TOK_STRING, 20, 27);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:8: error: unterminated string\n"
                           "t.accord:2:6: error: unterminated string\n");
    test_diags_free(&l.diags);
}

static void test_lexer__decodes_quote_and_backslash_escapes(void)
{
    const char *text = "\"a\\\"b\\\\c\" \"\"";
    lexed l;
    char buf[16];
    lex(&l, text);
    CU_ASSERT_EQUAL(l.n, 3);
    assert_token(&l, 0, ACC_TOK_STRING, 0, 9);
    assert_token(&l, 1, ACC_TOK_STRING, 10, 12);
    CU_ASSERT_EQUAL(acc_string_decode(text, 0, 9, buf), 5);
    CU_ASSERT_STRING_EQUAL(buf, "a\"b\\c");
    CU_ASSERT_EQUAL(acc_string_decode(text, 10, 12, buf), 0);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__rejects_unknown_escapes(void)
{
    lexed l;
    lex(&l, "\"tab\\t\" x");
    CU_ASSERT_EQUAL(l.n, 3);
    assert_token(&l, 0, ACC_TOK_STRING, 0, 7);
    CU_ASSERT_TRUE(l.tokens[0].bad);
    assert_token(&l, 1, ACC_TOK_IDENT, 8, 9);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:5: error: unknown escape '\\t' in string "
                           "(only \\\" and \\\\ are escapes)\n");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_control_characters_and_raw_escapes_in_strings(void)
{
    lexed l;
    lex(&l, "\"a\tb\001c\\\002\" x");
    CU_ASSERT_EQUAL(l.n, 3);
    assert_token(&l, 0, ACC_TOK_STRING, 0, 9);
    CU_ASSERT_TRUE(l.tokens[0].bad);
    assert_token(&l, 1, ACC_TOK_IDENT, 10, 11);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:5: error: control character 0x01 in string\n"
                           "t.accord:1:7: error: unknown escape in string (only \\\" and \\\\ are "
                           "escapes)\n"
                           "t.accord:1:8: error: control character 0x02 in string\n");
    test_diags_free(&l.diags);
}

static void test_lexer__accepts_valid_dates_including_leap_days(void)
{
    lexed l;
    lex(&l, "2016-02-29 0001-01-01 9999-12-31T23:59:59Z 1970-01-01T00:00:00Z");
    CU_ASSERT_EQUAL(l.n, 5);
    assert_token(&l, 0, ACC_TOK_DATE, 0, 10);
    CU_ASSERT_EQUAL(l.tokens[0].value, 1456704000);
    CU_ASSERT_EQUAL(l.tokens[1].value, ACC_TIME_MIN);
    assert_token(&l, 2, ACC_TOK_DATETIME, 22, 42);
    CU_ASSERT_EQUAL(l.tokens[2].value, ACC_TIME_MAX);
    CU_ASSERT_EQUAL(l.tokens[3].value, 0);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_impossible_dates_with_their_location(void)
{
    lexed l;
    lex(&l, "time < 2014-02-30;\n2015-02-29 2015-13-01 0000-01-01\n"
            "2015-01-05T24:00:00Z 2015-01-05T09:60:00Z;");
    CU_ASSERT_EQUAL(l.n, 11);
    assert_token(&l, 2, ACC_TOK_DATE, 7, 17);
    CU_ASSERT_TRUE(l.tokens[2].bad);
    assert_token(&l, 3, ACC_TOK_SEMI, 17, 18);
    assert_token(&l, 7, ACC_TOK_DATETIME, 52, 72);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:8: error: invalid date '2014-02-30'\n"
                           "t.accord:2:1: error: invalid date '2015-02-29'\n"
                           "t.accord:2:12: error: invalid date '2015-13-01'\n"
                           "t.accord:2:23: error: invalid date '0000-01-01'\n"
                           "t.accord:3:1: error: invalid date and time '2015-01-05T24:00:00Z'\n"
                           "t.accord:3:22: error: invalid date and time '2015-01-05T09:60:00Z'\n");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_malformed_dates_as_one_token(void)
{
    lexed l;
    lex(&l, "2015-1-5 2015-01-05T09:12Z 2015-01-05T09:12:00+01:00 2015-01-05x");
    /* '+' is not a date character: it ends the third date and is a bad character. */
    CU_ASSERT_EQUAL(l.n, 8);
    assert_token(&l, 0, ACC_TOK_DATE, 0, 8);
    assert_token(&l, 1, ACC_TOK_DATE, 9, 26);
    assert_token(&l, 2, ACC_TOK_DATE, 27, 46);
    assert_token(&l, 3, ACC_TOK_INT, 47, 49);
    assert_token(&l, 4, ACC_TOK_COLON, 49, 50);
    assert_token(&l, 6, ACC_TOK_DATE, 53, 64);
    CU_ASSERT_TRUE(l.tokens[6].bad);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
        "t.accord:1:1: error: malformed date '2015-1-5' (write YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, in UTC)\n"
        "t.accord:1:10: error: malformed date '2015-01-05T09:12Z' (write YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, in UTC)\n"
        "t.accord:1:28: error: malformed date '2015-01-05T09:12:00' (write YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, in UTC)\n"
        "t.accord:1:47: error: unexpected character '+'\n"
        "t.accord:1:54: error: malformed date '2015-01-05x' (write YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM:SSZ, in UTC)\n");
    test_diags_free(&l.diags);
}

static void test_lexer__scans_durations_as_number_and_unit(void)
{
    lexed l;
    lex(&l, "180 days 1 day 12 hours 1 hour 30 minutes 1 minute");
    static const acc_token_kind kinds[] = {
        ACC_TOK_INT, ACC_TOK_DAYS, ACC_TOK_INT, ACC_TOK_DAY, ACC_TOK_INT, ACC_TOK_HOURS,
        ACC_TOK_INT, ACC_TOK_HOUR, ACC_TOK_INT, ACC_TOK_MINUTES, ACC_TOK_INT, ACC_TOK_MINUTE,
        ACC_TOK_EOF,
    };
    CU_ASSERT_EQUAL_FATAL(l.n, sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < l.n; i++)
        CU_ASSERT_EQUAL(l.tokens[i].kind, kinds[i]);
    CU_ASSERT_EQUAL(l.tokens[0].value, 180);
    CU_ASSERT_EQUAL(l.tokens[8].value, 30);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_malformed_and_oversized_numbers(void)
{
    lexed l;
    lex(&l, "180days 1000000000000000 1000000000000001 007");
    CU_ASSERT_EQUAL(l.n, 5);
    assert_token(&l, 0, ACC_TOK_INT, 0, 7);
    CU_ASSERT_TRUE(l.tokens[0].bad);
    CU_ASSERT_EQUAL(l.tokens[1].value, ACC_LEX_INT_MAX);
    CU_ASSERT_FALSE(l.tokens[1].bad);
    CU_ASSERT_TRUE(l.tokens[2].bad);
    CU_ASSERT_EQUAL(l.tokens[3].value, 7);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:1: error: malformed number '180days'\n"
                           "t.accord:1:26: error: number '1000000000000001' is too large\n");
    test_diags_free(&l.diags);
}

static void test_lexer__accepts_utf8_in_strings_and_comments_only(void)
{
    lexed l;
    lex(&l, "# café\n\"Японія\" é");
    CU_ASSERT_EQUAL(l.n, 2);
    assert_token(&l, 0, ACC_TOK_STRING, 8, 22);
    CU_ASSERT_STRING_EQUAL(l.diags.text, "t.accord:2:16: error: unexpected character 'é'\n");
    test_diags_free(&l.diags);
}

static void test_lexer__reports_invalid_utf8_bytes(void)
{
    lexed l;
    lex(&l, "\xff x \"a\xc3\" # \xe0\x80\x80\n\xed\xa0\x80");
    CU_ASSERT_EQUAL(l.n, 3);
    assert_token(&l, 0, ACC_TOK_IDENT, 2, 3);
    assert_token(&l, 1, ACC_TOK_STRING, 4, 8);
    CU_ASSERT_STRING_EQUAL(l.diags.text,
                           "t.accord:1:1: error: invalid UTF-8 byte 0xff\n"
                           "t.accord:1:7: error: invalid UTF-8 byte 0xc3 in string\n"
                           "t.accord:1:12: error: invalid UTF-8 byte 0xe0 in comment\n"
                           "t.accord:2:1: error: invalid UTF-8 byte 0xed\n");
    test_diags_free(&l.diags);
}

static void test_lexer__returns_eof_forever(void)
{
    acc_source_text src = { "t.accord", "  ", 2 };
    acc_lexer lx;
    acc_token t;
    acc_lexer_init(&lx, &src, NULL);
    for (int i = 0; i < 3; i++) {
        acc_lexer_next(&lx, &t);
        CU_ASSERT_EQUAL(t.kind, ACC_TOK_EOF);
        CU_ASSERT_EQUAL(t.start, 2);
    }
    CU_ASSERT_EQUAL(lx.errors, 0);
}

int main(void)
{
    static const test_case tests[] = {
        { "scans_every_punctuation_and_literal_kind_with_spans",
          test_lexer__scans_every_punctuation_and_literal_kind_with_spans },
        { "reserves_every_keyword", test_lexer__reserves_every_keyword },
        { "takes_hyphens_and_digits_into_identifiers",
          test_lexer__takes_hyphens_and_digits_into_identifiers },
        { "skips_comments_to_the_end_of_the_line",
          test_lexer__skips_comments_to_the_end_of_the_line },
        { "reports_bad_characters_and_continues",
          test_lexer__reports_bad_characters_and_continues },
        { "reports_control_characters_and_nul_bytes",
          test_lexer__reports_control_characters_and_nul_bytes },
        { "reports_unterminated_string_and_resumes_on_the_next_line",
          test_lexer__reports_unterminated_string_and_resumes_on_the_next_line },
        { "decodes_quote_and_backslash_escapes", test_lexer__decodes_quote_and_backslash_escapes },
        { "rejects_unknown_escapes", test_lexer__rejects_unknown_escapes },
        { "reports_control_characters_and_raw_escapes_in_strings",
          test_lexer__reports_control_characters_and_raw_escapes_in_strings },
        { "accepts_valid_dates_including_leap_days",
          test_lexer__accepts_valid_dates_including_leap_days },
        { "reports_impossible_dates_with_their_location",
          test_lexer__reports_impossible_dates_with_their_location },
        { "reports_malformed_dates_as_one_token", test_lexer__reports_malformed_dates_as_one_token },
        { "scans_durations_as_number_and_unit", test_lexer__scans_durations_as_number_and_unit },
        { "reports_malformed_and_oversized_numbers",
          test_lexer__reports_malformed_and_oversized_numbers },
        { "accepts_utf8_in_strings_and_comments_only",
          test_lexer__accepts_utf8_in_strings_and_comments_only },
        { "reports_invalid_utf8_bytes", test_lexer__reports_invalid_utf8_bytes },
        { "returns_eof_forever", test_lexer__returns_eof_forever },
        { NULL, NULL },
    };
    return test_run_suite("lexer", tests);
}
