/*
 * accord/core.h - status codes, diagnostics, event kinds and fields, and UTC time values
 * shared by every stage of libaccord.
 *
 * Diagnostics go to a sink (a callback plus its payload) that the caller installs; the
 * library never prints. A diagnostic's strings live only for the duration of the callback.
 */
#ifndef ACCORD_CORE_H
#define ACCORD_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by every fallible function. ORDER: acc_status_text(). */
typedef enum acc_status {
    ACC_OK = 0,
    ACC_ENOMEM,     /* an allocation failed */
    ACC_EIO,        /* a file could not be read or written */
    ACC_EINPUT,     /* the input is unusable: syntax/type errors, malformed XML (see sink) */
    ACC_EUSAGE,     /* the caller passed an invalid combination of arguments */
    ACC_ESOLVER,    /* Z3 reported an error */
    ACC_EUNKNOWN,   /* a solver query returned unknown or timed out */
    ACC_EINTERNAL   /* an internal consistency check failed (e.g. a witness re-check) */
} acc_status;

/* A static English description of a status code. */
const char *acc_status_text(int status);

/* The library version, "MAJOR.MINOR.PATCH". */
const char *acc_version(void);

typedef enum acc_severity {
    ACC_SEV_NOTE = 0,
    ACC_SEV_WARNING,
    ACC_SEV_ERROR
} acc_severity;

/* ORDER: acc_severity_name(). "note", "warning", "error". */
const char *acc_severity_name(acc_severity sev);

/*
 * One diagnostic about an input file. `line` and `column` are 1-based (column counts
 * bytes); both are 0 when the diagnostic has no location (an I/O error, say).
 * `source_line` is the text of that line without its newline (not NUL-terminated:
 * use `source_line_len`), `span_len` the number of bytes to underline from `column`
 * (at least 1 when there is a location).
 */
typedef struct acc_diag {
    acc_severity severity;
    const char *file;          /* path as given by the caller, or NULL */
    unsigned line, column, span_len;
    const char *message;
    const char *source_line;
    size_t source_line_len;
} acc_diag;

typedef void (*acc_diag_fn)(void *payload, const acc_diag *diag);

/* Where diagnostics go. A NULL sink or NULL fn discards them. */
typedef struct acc_diag_sink {
    acc_diag_fn fn;
    void *payload;
} acc_diag_sink;

/* The kinds of event. ORDER: acc_kind_name(), acc_kind_from_name(). */
typedef enum acc_kind {
    ACC_KIND_REQUEST = 0,
    ACC_KIND_APPROVAL,
    ACC_KIND_TRANSFER,
    ACC_KIND_COUNT
} acc_kind;

/* Fields of events. ORDER: acc_field_name(), acc_field_type(). */
typedef enum acc_field {
    ACC_FIELD_TIME = 0,
    ACC_FIELD_FROM,
    ACC_FIELD_TO,
    ACC_FIELD_TOPIC,
    ACC_FIELD_ITEM,
    ACC_FIELD_ORIGINATOR,
    ACC_FIELD_LEVEL,
    ACC_FIELD_DECISION,
    ACC_FIELD_COUNT
} acc_field;

/* Value types of the rule language. ORDER: acc_type_name(). */
typedef enum acc_type {
    ACC_TYPE_BOOL = 0,
    ACC_TYPE_TIME,
    ACC_TYPE_PARTY,
    ACC_TYPE_TOPIC,
    ACC_TYPE_LEVEL,
    ACC_TYPE_DECISION,
    ACC_TYPE_ITEM
} acc_type;

/* Built-in decisions. ORDER: acc_decision_name(). */
typedef enum acc_decision {
    ACC_DECISION_GRANTED = 0,
    ACC_DECISION_DENIED,
    ACC_DECISION_REVOKED,
    ACC_DECISION_COUNT
} acc_decision;

const char *acc_kind_name(acc_kind kind);
/* Returns the kind named by the first `len` bytes of `name`, or -1. */
int acc_kind_from_name(const char *name, size_t len);
const char *acc_field_name(acc_field field);
/* Returns the field named by the first `len` bytes of `name`, or -1. */
int acc_field_from_name(const char *name, size_t len);
acc_type acc_field_type(acc_field field);
const char *acc_type_name(acc_type type);
const char *acc_decision_name(acc_decision d);
/* Returns the decision named by the first `len` bytes of `name`, or -1. */
int acc_decision_from_name(const char *name, size_t len);
/* True when events of `kind` carry `field` (the table in rule-language.md). */
bool acc_kind_has_field(acc_kind kind, acc_field field);

/*
 * Times are seconds since 1970-01-01T00:00:00Z (negative before), proleptic Gregorian,
 * years 0001..9999. ACC_TIME_TEXT_LEN is the length of "YYYY-MM-DDTHH:MM:SSZ".
 */
#define ACC_TIME_TEXT_LEN 20
#define ACC_TIME_MIN (-62135596800LL)  /* 0001-01-01T00:00:00Z */
#define ACC_TIME_MAX 253402300799LL    /* 9999-12-31T23:59:59Z */

/* Parses exactly "YYYY-MM-DDTHH:MM:SSZ" (len must be 20) with range checks. */
bool acc_time_parse(const char *text, size_t len, int64_t *out);
/* Parses exactly "YYYY-MM-DD" (len must be 10) as midnight UTC. */
bool acc_date_parse(const char *text, size_t len, int64_t *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ" and a NUL into buf (at least 21 bytes). */
void acc_time_format(int64_t t, char buf[ACC_TIME_TEXT_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif
