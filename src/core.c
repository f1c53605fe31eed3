/*
 * core.c - the tables and small utilities of accord/core.h: names of kinds, fields, types,
 * decisions and statuses; which kinds carry which fields; UTC time parsing and formatting.
 */
#include "accord/core.h"

#include <string.h>

#ifndef ACCORD_VERSION
#define ACCORD_VERSION "0.0.0"
#endif

const char *acc_version(void)
{
    return ACCORD_VERSION;
}

const char *acc_status_text(int status)
{
    /* ORDER: acc_status. */
    static const char *const text[] = {
        "success", "out of memory", "input/output error", "unusable input",
        "invalid usage", "solver error", "solver returned unknown", "internal error",
    };
    if (status < 0 || (size_t)status >= sizeof text / sizeof text[0])
        return "unknown status";
    return text[status];
}

const char *acc_severity_name(acc_severity sev)
{
    switch (sev) {
    case ACC_SEV_NOTE: return "note";
    case ACC_SEV_WARNING: return "warning";
    case ACC_SEV_ERROR: return "error";
    }
    return "error";
}

/* ORDER: acc_kind. */
static const char *const kind_names[ACC_KIND_COUNT] = { "request", "approval", "transfer" };
/* ORDER: acc_field. */
static const char *const field_names[ACC_FIELD_COUNT] = {
    "time", "from", "to", "topic", "item", "originator", "level", "decision",
};
static const acc_type field_types[ACC_FIELD_COUNT] = {
    ACC_TYPE_TIME, ACC_TYPE_PARTY, ACC_TYPE_PARTY, ACC_TYPE_TOPIC, ACC_TYPE_ITEM,
    ACC_TYPE_PARTY, ACC_TYPE_LEVEL, ACC_TYPE_DECISION,
};
/* ORDER: acc_kind x acc_field; the field table of rule-language.md. */
static const bool kind_fields[ACC_KIND_COUNT][ACC_FIELD_COUNT] = {
    /*            time  from  to    topic  item   orig   level  decision */
    /* request */ { 1,  1,    1,    1,     0,     0,     0,     0 },
    /* approval */{ 1,  1,    1,    0,     1,     0,     0,     1 },
    /* transfer */{ 1,  1,    1,    1,     1,     1,     1,     0 },
};
/* ORDER: acc_decision. */
static const char *const decision_names[ACC_DECISION_COUNT] = { "granted", "denied", "revoked" };
/* ORDER: acc_type. */
static const char *const type_names[] = { "boolean", "time", "party", "topic", "level",
                                          "decision", "item" };

static int find_name(const char *const *names, int n, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

const char *acc_kind_name(acc_kind kind)
{
    return (unsigned)kind < ACC_KIND_COUNT ? kind_names[kind] : "?";
}

int acc_kind_from_name(const char *name, size_t len)
{
    return find_name(kind_names, ACC_KIND_COUNT, name, len);
}

const char *acc_field_name(acc_field field)
{
    return (unsigned)field < ACC_FIELD_COUNT ? field_names[field] : "?";
}

int acc_field_from_name(const char *name, size_t len)
{
    return find_name(field_names, ACC_FIELD_COUNT, name, len);
}

acc_type acc_field_type(acc_field field)
{
    return (unsigned)field < ACC_FIELD_COUNT ? field_types[field] : ACC_TYPE_BOOL;
}

const char *acc_type_name(acc_type type)
{
    return (unsigned)type < sizeof type_names / sizeof type_names[0] ? type_names[type] : "?";
}

const char *acc_decision_name(acc_decision d)
{
    return (unsigned)d < ACC_DECISION_COUNT ? decision_names[d] : "?";
}

int acc_decision_from_name(const char *name, size_t len)
{
    return find_name(decision_names, ACC_DECISION_COUNT, name, len);
}

bool acc_kind_has_field(acc_kind kind, acc_field field)
{
    if ((unsigned)kind >= ACC_KIND_COUNT || (unsigned)field >= ACC_FIELD_COUNT)
        return false;
    return kind_fields[kind][field];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool parse_date_part(const char *s, int64_t *days)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    if (d > mdays[m - 1] + (m == 2 && leap(y)))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

bool acc_date_parse(const char *text, size_t len, int64_t *out)
{
    int64_t days;
    if (len != 10 || !parse_date_part(text, &days))
        return false;
    *out = days * 86400;
    return true;
}

bool acc_time_parse(const char *text, size_t len, int64_t *out)
{
    /* The date of the previous call on this thread: the entries of a log come in time
       order, so most share their date with the one before (a memo of a pure function:
       the result is the same with or without it). */
    static _Thread_local char memo_date[10];
    static _Thread_local int64_t memo_days;
    static _Thread_local bool memo_valid;
    int64_t days;
    int hh, mm, ss;
    if (len != ACC_TIME_TEXT_LEN)
        return false;
    if (memo_valid && memcmp(text, memo_date, sizeof memo_date) == 0) {
        days = memo_days;
    } else {
        if (!parse_date_part(text, &days))
            return false;
        memcpy(memo_date, text, sizeof memo_date);
        memo_days = days;
        memo_valid = true;
    }
    if (text[10] != 'T' ||
        !digits(text + 11, 2, &hh) || text[13] != ':' || !digits(text + 14, 2, &mm) ||
        text[16] != ':' || !digits(text + 17, 2, &ss) || text[19] != 'Z')
        return false;
    if (hh > 23 || mm > 59 || ss > 59)
        return false;
    *out = days * 86400 + hh * 3600 + mm * 60 + ss;
    return true;
}

void acc_time_format(int64_t t, char buf[ACC_TIME_TEXT_LEN + 1])
{
    if (t < ACC_TIME_MIN)
        t = ACC_TIME_MIN;
    if (t > ACC_TIME_MAX)
        t = ACC_TIME_MAX;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* Written digit by digit: every field is in range by construction. */
    int parts[6] = { (int)y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60) };
    static const char layout[] = "YYYY-MM-DDTHH:MM:SSZ";
    int pos = ACC_TIME_TEXT_LEN - 1;
    buf[ACC_TIME_TEXT_LEN] = '\0';
    for (int part = 5; pos >= 0; pos--) {
        char c = layout[pos];
        if (c >= 'A' && c <= 'Y' && c != 'T') {
            buf[pos] = (char)('0' + parts[part] % 10);
            parts[part] /= 10;
            if (pos == 0 || layout[pos - 1] < 'A' || layout[pos - 1] == 'T')
                part--;
        } else {
            buf[pos] = c;
        }
    }
}
