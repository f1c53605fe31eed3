/*
 * format_sarif.c - SARIF 2.1.0 logs of lint, check, diff and audit results, shaped for
 * GitHub code scanning (report.h).
 *
 * One run per log. Its tool.driver.rules hold a reporting descriptor for every finding
 * code of the command (fixed order, so ruleIndex values stay put between runs), then one
 * per named thing a result is about: each invariant and rule of the analysed rule sets
 * ("invariant/NAME", "rule/NAME"), and for an audit each forbid rule, invariant and
 * assumption with findings ("rule/NAME", "invariant/NAME", "assumption/NAME"). A result
 * about a named thing uses its descriptor; others use their code's.
 *
 * Every result is rendered twice over the same code path: a first pass registers the
 * descriptors the results need, the second writes the descriptors then the results.
 *
 * Locations: paths as given on the command line, as URIs relative to %SRCROOT% (no
 * leading "./", percent-encoded), absolute paths as file:// URIs. Columns are UTF-16 code
 * units where the source line is known (diagnostics), else bytes (the same for ASCII).
 * partialFingerprints["accordFingerprint/v1"] hashes the descriptor id, the file and what
 * identifies the finding (an entry's id and seq, a rule set and a name, a message and its
 * occurrence), never the line alone, so alerts survive edits above them.
 */
#include "accord/report.h"

#include "accord/analysis.h"
#include "accord/audit.h"
#include "alloc.h"
#include "format_common.h"
#include "json.h"

#include <string.h>

#ifndef ACCORD_HOMEPAGE
#define ACCORD_HOMEPAGE "https://accord.invalid/docs/cli.md"
#endif

/* A category of finding: a plain code, or the template of descriptors for named things
 * (then `id` is the prefix of "id/NAME" and the texts have one %s for the name). */
typedef struct code_info {
    const char *id;
    const char *name;          /* PascalCase friendly name (named: its prefix) */
    const char *short_desc;
    const char *full_desc;
    const char *help;
    const char *level;         /* defaultConfiguration.level */
    bool named;
} code_info;

/* Help texts shared by a code and its named descriptors. */
#define FORBIDDEN_HELP                                                                      \
    "Each forbid rule that matches an entry gives one finding, named after the rule. "     \
    "Compare the entry with the rule's condition; if the exchange was legitimate, the "    \
    "rule set needs an amendment, otherwise the exchange is a breach to investigate."
#define ASSUMPTION_HELP                                                                     \
    "The static guarantees of `accord check` hold only for events that satisfy the "       \
    "assumptions; this entry does not, so they say nothing about it."

/* ORDER: acc_finding_code. */
static const code_info audit_codes[ACC_FINDING_COUNT] = {
    { "forbidden", "EntryMatchesForbidRule", "Entry matched a forbid rule",
      "A forbid rule of the accord matched the logged entry: the exchange it records was not "
      "allowed, whatever the permit rules say.",
      FORBIDDEN_HELP, "error", false },
    { "not-permitted", "EntryNotPermitted", "Entry permitted by no rule",
      "No permit rule of the accord matched the logged entry (or a forbid rule overrode the "
      "ones that did), so the exchange it records was not allowed.",
      "An entry is permitted when some permit rule of its kind matches and no forbid rule "
      "does. Check which condition of the closest permit rule the entry fails: a missing "
      "request, approval or earlier delivery shows up as a false fact.", "error", false },
    { "invariant", "EntryBreaksInvariant", "Entry breaks an invariant",
      "The logged entry violates one of the accord's invariants, the principles every "
      "exchange must satisfy.",
      "Invariants state what must hold of every exchange; the finding names the invariant "
      "the entry breaks.", "error", false },
    { "schema", "EntryOutsideLogFormat", "Entry not allowed by the log format",
      "An element, attribute or value of the entry is not allowed by the exchange-log "
      "format.",
      "Fix the program that writes the log: the entry does not follow the exchange-log "
      "format, so it cannot be judged.", "error", false },
    { "unknown-value", "UndeclaredValue", "Value not declared by the rules",
      "The entry names a party, topic or level that the rule set does not declare.",
      "Either the log uses a misspelt or new value, or the accord lacks a declaration for "
      "it: an amendment must declare new parties, topics and levels.", "error", false },
    { "duplicate-id", "DuplicateEntryId", "Duplicate entry id",
      "The entry's id was already used by an earlier entry of the stream.",
      "Entry ids must be unique across every file of the stream; a duplicate suggests a "
      "replayed or copied entry.", "error", false },
    { "seq-gap", "SequenceGap", "Gap in the sequence numbers",
      "The entry's seq is not the previous entry's seq plus one.",
      "Sequence numbers run without gaps across the whole stream; a gap means entries are "
      "missing, reordered or the files were given in the wrong order.", "error", false },
    { "dangling-ref", "DanglingReference", "Reference to no earlier entry",
      "The entry's request or approval attribute names no earlier entry of that kind.",
      "A transfer can only answer a request, and rely on an approval, recorded before it "
      "in the stream.", "error", false },
    { "chain-break", "HashChainBroken", "Hash chain broken",
      "The entry's digest differs from the one recomputed from the previous digest and the "
      "entry, or the digest is missing.",
      "The log's hash chain shows that an entry was altered, removed or inserted after it "
      "was written. Compare with an archived copy of the log.", "error", false },
    { "assumption", "EntryContradictsAssumption", "Entry contradicts an assumption",
      "The logged entry contradicts an assumption the accord's analyses rely on.",
      ASSUMPTION_HELP, "warning", false },
    { "malformed", "MalformedXml", "Malformed XML",
      "The log is not well-formed XML or is truncated; the audit stops at this point.",
      "Repair or re-export the file: entries after the error were not audited.", "error",
      false },
};

static const code_info verdict_changed_code = {
    "verdict-changed", "VerdictChangedFromBaseline", "Verdict changed from the baseline rules",
    "The entry is permitted under one rule set and denied under the other (--baseline).",
    "The amendment under review changes the verdict on an exchange already made: check "
    "that this retroactive effect is intended.", "error", false
};

static const code_info audit_rule_code = {
    "rule", "Rule", "Entry matched forbid rule '%s'",
    "The forbid rule '%s' of the accord matched the logged entry.",
    FORBIDDEN_HELP, "error", true
};

static const code_info audit_invariant_code = {
    "invariant", "Invariant", "Entry breaks invariant '%s'",
    "The logged entry violates the invariant '%s' of the accord.",
    "Invariants state what must hold of every exchange, whatever the rules permit.",
    "error", true
};

static const code_info audit_assumption_code = {
    "assumption", "Assumption", "Entry contradicts assumption '%s'",
    "The logged entry contradicts the assumption '%s' that the accord's analyses rely on.",
    ASSUMPTION_HELP, "warning", true
};

static const code_info diagnostic_code = {
    "diagnostic", "RuleFileDiagnostic", "Rule file does not compile",
    "A syntax, name or type error (or a warning) in a rule file, found by `accord lint`.",
    "The message says what is wrong at the position shown; a rule file with an error "
    "cannot be analysed or used for an audit.", "error", false
};

static const code_info newly_permitted_code = {
    "newly-permitted", "NewlyPermittedEvents", "Events newly permitted",
    "A class of events that the new rules permit and the old ones did not.",
    "Each class is a box of field values with an example event and the rules that permit "
    "it. Run `accord diff --deny-new-permits` to make any new permission fail the gate.",
    "warning", false
};

static const code_info newly_forbidden_code = {
    "newly-forbidden", "NewlyForbiddenEvents", "Events newly forbidden",
    "A class of events that the old rules permitted and the new ones do not.",
    "Each class is a box of field values with an example event, the old rules that "
    "permitted it and the new rules that block it.", "note", false
};

static const code_info invariant_code = {
    "invariant", "Invariant", "Invariant '%s' must hold",
    "Every event that the rules permit must satisfy the invariant '%s'.",
    "accord proves each invariant from the rules with Z3, or gives a witness: an event the "
    "rules permit that breaks it, with the permit rules that let it through. Change those "
    "rules, or revise the invariant if the principle itself changed. A result that could "
    "not be decided (a solver timeout) fails the gate too: raise --timeout.", "error", true
};

static const code_info rule_code = {
    "rule", "Rule", "Rule '%s' must apply and matter",
    "The rule '%s' must be able to apply to some event, and removing it must change a "
    "decision.",
    "A dead rule can never apply (its condition contradicts itself, the assumptions, or "
    "the forbid rules); a redundant rule can be removed without changing any decision. "
    "Both usually mean a mistake in the condition. They fail the gate only with --strict.",
    "warning", true
};

/* One reporting descriptor of the run. */
typedef struct desc {
    const code_info *code;
    const char *name;          /* NULL for a plain code */
    const char *citation;      /* named: the citation of the first one seen, or NULL */
    acc_location loc;          /* named: where it is declared (file NULL when unknown) */
} desc;

typedef struct sarif {
    acc_json j;
    bool writing;              /* false: the first pass, registering descriptors */
    desc *descs;  size_t n_descs, cap;
    acc_strbuf msg, tmp;
    bool nomem;
    bool strict, deny_new_permits;
    const char *label;         /* lint: the rule set a result belongs to, for messages */
} sarif;

/* ---- descriptors ----------------------------------------------------------------------- */

/* The index of (code, name) among the descriptors; registers it in the first pass. */
static size_t desc_index(sarif *s, const code_info *code, const char *name,
                         const char *citation, const acc_location *loc)
{
    for (size_t i = 0; i < s->n_descs; i++) {
        const desc *d = &s->descs[i];
        if (d->code->named == code->named && strcmp(d->code->id, code->id) == 0 &&
            (!name || strcmp(d->name, name) == 0))
            return i;
    }
    if (s->writing)
        return 0;   /* unreachable: the first pass registered every descriptor */
    if (s->n_descs == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        desc *bigger = acc_realloc(s->descs, cap * sizeof *bigger);
        if (!bigger) {
            s->nomem = true;
            return 0;
        }
        s->descs = bigger;
        s->cap = cap;
    }
    s->descs[s->n_descs] = (desc){ code, name, citation,
                                   loc ? *loc : (acc_location){ NULL, 0, 0 } };
    return s->n_descs++;
}

/* "prefix/name" or the code's id, into s->tmp. */
static const char *desc_id(sarif *s, const desc *d)
{
    acc_strbuf_clear(&s->tmp);
    acc_strbuf_add(&s->tmp, d->code->id);
    if (d->name) {
        acc_strbuf_add(&s->tmp, "/");
        acc_strbuf_add(&s->tmp, d->name);
    }
    return acc_strbuf_str(&s->tmp);
}

/* A PascalCase friendly name: the prefix, then `name` with each word capitalised. */
static void pascal_name(acc_strbuf *b, const char *prefix, const char *name)
{
    acc_strbuf_add(b, prefix);
    bool upper = true;
    for (const char *p = name; p && *p; p++) {
        char c = *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum) {
            upper = true;
            continue;
        }
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        acc_strbuf_addn(b, &c, 1);
        upper = false;
    }
}

/* Appends a descriptor text, with its "%s" (named descriptors) replaced by `name`. */
static void template_add(acc_strbuf *b, const char *text, const char *name)
{
    const char *hole = strstr(text, "%s");
    if (!hole || !name) {
        acc_strbuf_add(b, text);
        return;
    }
    acc_strbuf_addn(b, text, (size_t)(hole - text));
    acc_strbuf_add(b, name);
    acc_strbuf_add(b, hole + 2);
}

static void text_object(acc_json *j, const char *key, const char *text)
{
    acc_json_key(j, key);
    acc_json_object_begin(j);
    acc_json_key(j, "text");
    acc_json_string(j, text);
    acc_json_object_end(j);
}

static void write_desc(sarif *s, const desc *d)
{
    acc_json *j = &s->j;
    acc_strbuf *b = &s->msg;
    acc_json_object_begin(j);
    acc_json_key(j, "id");
    acc_json_string(j, desc_id(s, d));
    acc_strbuf_clear(b);
    pascal_name(b, d->code->name, d->name);
    acc_json_key(j, "name");
    acc_json_string(j, acc_strbuf_str(b));

    acc_strbuf_clear(b);
    template_add(b, d->code->short_desc, d->name);
    text_object(j, "shortDescription", acc_strbuf_str(b));

    acc_strbuf_clear(b);
    template_add(b, d->code->full_desc, d->name);
    if (d->citation)
        acc_strbuf_addf(b, " The accord cites: %s", d->citation);
    text_object(j, "fullDescription", acc_strbuf_str(b));

    acc_json_key(j, "help");
    acc_json_object_begin(j);
    acc_strbuf_clear(b);
    acc_strbuf_add(b, d->code->help);
    if (d->loc.file && d->loc.line)
        acc_strbuf_addf(b, " Declared at %s:%u.", d->loc.file, d->loc.line);
    acc_json_key(j, "text");
    acc_json_string(j, acc_strbuf_str(b));
    acc_strbuf_clear(b);
    acc_strbuf_addf(b, "**%s**\n\n", desc_id(s, d));
    template_add(b, d->code->full_desc, d->name);
    if (d->citation)
        acc_strbuf_addf(b, "\n\n> %s", d->citation);
    acc_strbuf_addf(b, "\n\n%s", d->code->help);
    if (d->loc.file && d->loc.line)
        acc_strbuf_addf(b, "\n\nDeclared at `%s:%u`.", d->loc.file, d->loc.line);
    acc_json_key(j, "markdown");
    acc_json_string(j, acc_strbuf_str(b));
    acc_json_object_end(j);

    acc_json_key(j, "defaultConfiguration");
    acc_json_object_begin(j);
    acc_json_key(j, "level");
    acc_json_string(j, d->code->level);
    acc_json_object_end(j);
    acc_json_key(j, "properties");
    acc_json_object_begin(j);
    acc_json_key(j, "tags");
    acc_json_array_begin(j);
    acc_json_string(j, "accord");
    acc_json_string(j, d->code->named ? d->code->id : "finding");
    acc_json_array_end(j);
    acc_json_object_end(j);
    acc_json_object_end(j);
}

/* ---- locations and fingerprints -------------------------------------------------------- */

/* Appends `path` as a URI: relative paths normalised ("./" and empty segments dropped)
 * and percent-encoded, absolute ones as file:// URIs. Returns true for a relative path
 * (which takes a uriBaseId). */
static bool path_uri(acc_strbuf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    bool relative = path[0] != '/';
    if (!relative)
        acc_strbuf_add(b, "file:///");
    bool first = true;
    for (const char *p = path; *p;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (!first)
                acc_strbuf_add(b, "/");
            first = false;
            for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)p[i];
                bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
                if (keep) {
                    acc_strbuf_addn(b, (const char *)&c, 1);
                } else {
                    char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
                    acc_strbuf_addn(b, esc, 3);
                }
            }
        }
        p += n;
        if (*p == '/')
            p++;
    }
    return relative;
}

/* The 1-based column in UTF-16 code units of byte column `col` of `line`. */
static unsigned utf16_column(const char *line, size_t len, unsigned col)
{
    unsigned units = 1;
    for (size_t i = 0; i + 1 < col; i++) {
        unsigned char c = i < len ? (unsigned char)line[i] : 'x';
        if ((c & 0xC0) != 0x80)
            units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

static void artifact_location(sarif *s, const char *file)
{
    acc_json *j = &s->j;
    acc_strbuf_clear(&s->tmp);
    bool relative = path_uri(&s->tmp, file);
    acc_json_key(j, "artifactLocation");
    acc_json_object_begin(j);
    acc_json_key(j, "uri");
    acc_json_string(j, acc_strbuf_str(&s->tmp));
    if (relative) {
        acc_json_key(j, "uriBaseId");
        acc_json_string(j, "%SRCROOT%");
    }
    acc_json_object_end(j);
}

/* A physicalLocation; line 0 gives the file only, column 0 the line only. */
static void physical_location(sarif *s, const char *file, unsigned line, unsigned col,
                              unsigned end_col)
{
    acc_json *j = &s->j;
    acc_json_key(j, "physicalLocation");
    acc_json_object_begin(j);
    artifact_location(s, file);
    if (line) {
        acc_json_key(j, "region");
        acc_json_object_begin(j);
        acc_json_key(j, "startLine");
        acc_json_int(j, line);
        if (col) {
            acc_json_key(j, "startColumn");
            acc_json_int(j, col);
        }
        if (end_col > col) {
            acc_json_key(j, "endColumn");
            acc_json_int(j, end_col);
        }
        acc_json_object_end(j);
    }
    acc_json_object_end(j);
}

/* "locations": one location at (file, line, col), or none when there is no file. */
static void locations(sarif *s, const char *file, unsigned line, unsigned col, unsigned end_col)
{
    if (!file || !*file)
        return;
    acc_json *j = &s->j;
    acc_json_key(j, "locations");
    acc_json_array_begin(j);
    acc_json_object_begin(j);
    physical_location(s, file, line, col, end_col);
    acc_json_object_end(j);
    acc_json_array_end(j);
}

/* "relatedLocations": the declarations of rules, each with a message naming it. */
static void related_rules(sarif *s, const char *label, const acc_rule_ref *r, size_t n)
{
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        shown += r[i].loc.file != NULL;
    if (!shown)
        return;
    acc_json *j = &s->j;
    acc_json_key(j, "relatedLocations");
    acc_json_array_begin(j);
    for (size_t i = 0, id = 1; i < n; i++) {
        if (!r[i].loc.file)
            continue;
        acc_json_object_begin(j);
        acc_json_key(j, "id");
        acc_json_int(j, (int64_t)id++);
        physical_location(s, r[i].loc.file, r[i].loc.line, r[i].loc.column, 0);
        acc_strbuf_clear(&s->msg);
        acc_strbuf_addf(&s->msg, "%s %s rule '%s'.", label, r[i].forbid ? "forbid" : "permit",
                        r[i].name);
        text_object(j, "message", acc_strbuf_str(&s->msg));
        acc_json_object_end(j);
    }
    acc_json_array_end(j);
}

/* FNV-1a, 64 bits, over the parts with a separator between them. */
typedef struct fingerprint {
    uint64_t h;
} fingerprint;

static void fp_init(fingerprint *f)
{
    f->h = 14695981039346656037ULL;
}

static void fp_add(fingerprint *f, const char *part)
{
    for (const unsigned char *p = (const unsigned char *)(part ? part : ""); *p; p++) {
        f->h ^= *p;
        f->h *= 1099511628211ULL;
    }
    f->h ^= 0x1f;
    f->h *= 1099511628211ULL;
}

static void fp_add_int(fingerprint *f, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    fp_add(f, buf);
}

static void fp_write(sarif *s, const fingerprint *f)
{
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)f->h);
    acc_json *j = &s->j;
    acc_json_key(j, "partialFingerprints");
    acc_json_object_begin(j);
    acc_json_key(j, "accordFingerprint/v1");
    acc_json_string(j, hex);
    acc_json_object_end(j);
}

/*
 * Opens a result: ruleId, ruleIndex, level and the message (s->msg, given a final
 * period). The caller writes locations and fingerprint, then closes the object.
 */
static void result_begin(sarif *s, size_t index, const char *level)
{
    acc_json *j = &s->j;
    acc_json_object_begin(j);
    acc_json_key(j, "ruleId");
    acc_json_string(j, desc_id(s, &s->descs[index]));
    acc_json_key(j, "ruleIndex");
    acc_json_int(j, (int64_t)index);
    acc_json_key(j, "level");
    acc_json_string(j, level);
    if (s->msg.len && s->msg.data[s->msg.len - 1] != '.')
        acc_strbuf_add(&s->msg, ".");
    text_object(j, "message", acc_strbuf_str(&s->msg));
}

/* ---- check, diff, lint ----------------------------------------------------------------- */

/* An invariant of a check or diff; `source` is "new"/"old" for diff, NULL for check. */
static void invariant_result(sarif *s, const acc_invariant_result *ir, const char *rule_set,
                             const char *source)
{
    size_t index = desc_index(s, &invariant_code, ir->name, ir->citation, &ir->loc);
    if (!s->writing || ir->status == ACC_INV_PROVEN)
        return;
    acc_strbuf_clear(&s->msg);
    acc_msg_invariant(&s->msg, ir);
    if (source && strcmp(source, "old") == 0)
        acc_strbuf_add(&s->msg, " (an invariant of the old rules that the new ones removed "
                                "or replaced)");
    if (s->label)
        acc_strbuf_addf(&s->msg, " [rule set %s]", s->label);
    bool warn = source && strcmp(source, "old") == 0 && !s->strict;
    result_begin(s, index, warn ? "warning" : "error");
    locations(s, ir->loc.file, ir->loc.line, ir->loc.column, 0);
    if (ir->witness)
        related_rules(s, "Let through by", ir->witness->permitted_by,
                      ir->witness->n_permitted_by);
    fingerprint f;
    fp_init(&f);
    fp_add(&f, "invariant");
    fp_add(&f, ir->name);
    fp_add(&f, ir->loc.file);
    fp_add(&f, rule_set);
    fp_add(&f, source);
    fp_write(s, &f);
    acc_json_key(&s->j, "properties");
    acc_json_object_begin(&s->j);
    acc_json_key(&s->j, "status");
    acc_json_string(&s->j, acc_invariant_status_name(ir->status));
    acc_json_key(&s->j, "ruleSet");
    acc_json_string(&s->j, rule_set);
    if (source) {
        acc_json_key(&s->j, "source");
        acc_json_string(&s->j, source);
    }
    acc_json_object_end(&s->j);
    acc_json_object_end(&s->j);
}

static void rule_result(sarif *s, const acc_rule_result *rr, const char *rule_set)
{
    size_t index = desc_index(s, &rule_code, rr->rule.name, rr->rule.citation, &rr->rule.loc);
    if (!s->writing || rr->status == ACC_RULE_OK)
        return;
    acc_strbuf_clear(&s->msg);
    acc_msg_rule(&s->msg, rr);
    if (s->label)
        acc_strbuf_addf(&s->msg, " [rule set %s]", s->label);
    const char *level = rr->status == ACC_RULE_UNKNOWN || s->strict ? "error" : "warning";
    result_begin(s, index, level);
    locations(s, rr->rule.loc.file, rr->rule.loc.line, rr->rule.loc.column, 0);
    fingerprint f;
    fp_init(&f);
    fp_add(&f, "rule");
    fp_add(&f, rr->rule.name);
    fp_add(&f, rr->rule.loc.file);
    fp_add(&f, rule_set);
    fp_write(s, &f);
    acc_json_key(&s->j, "properties");
    acc_json_object_begin(&s->j);
    acc_json_key(&s->j, "status");
    acc_json_string(&s->j, acc_rule_status_name(rr->status));
    acc_json_key(&s->j, "ruleSet");
    acc_json_string(&s->j, rule_set);
    acc_json_object_end(&s->j);
    acc_json_object_end(&s->j);
}

static void check_results(sarif *s, const acc_check_result *r)
{
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_result(s, &r->invariants[i], r->rules, NULL);
    for (size_t i = 0; i < r->n_rules_report; i++)
        rule_result(s, &r->rules_report[i], r->rules);
}

static void class_result(sarif *s, const acc_diff_class *c, bool newly_permitted,
                         const acc_diff_result *r)
{
    const code_info *code = newly_permitted ? &newly_permitted_code : &newly_forbidden_code;
    size_t index = desc_index(s, code, NULL, NULL, NULL);
    if (!s->writing)
        return;
    acc_strbuf_clear(&s->msg);
    acc_msg_class(&s->msg, c, newly_permitted);
    const char *level = code->level;
    if (newly_permitted && s->deny_new_permits)
        level = "error";
    result_begin(s, index, level);
    /* Where to look: the new rule that permits the class, or the one that now blocks it
     * (else the old rule that used to permit it). */
    const acc_rule_ref *at = NULL;
    if (!newly_permitted && c->witness.n_forbidden_by)
        at = &c->witness.forbidden_by[0];
    else if (c->n_rules)
        at = &c->rules[0];
    else if (c->witness.n_permitted_by)
        at = &c->witness.permitted_by[0];
    if (at)
        locations(s, at->loc.file, at->loc.line, at->loc.column, 0);
    related_rules(s, newly_permitted ? "Permitted by" : "Was permitted by", c->rules, c->n_rules);
    fingerprint f;
    fp_init(&f);
    fp_add(&f, code->id);
    fp_add(&f, r->old_name);
    fp_add(&f, r->new_name);
    acc_strbuf_clear(&s->tmp);
    acc_msg_class_box(&s->tmp, c);
    fp_add(&f, acc_strbuf_str(&s->tmp));
    fp_write(s, &f);
    acc_json_object_end(&s->j);
}

static void diff_results(sarif *s, const acc_diff_result *r)
{
    for (size_t i = 0; i < r->n_invariants; i++)
        invariant_result(s, &r->invariants[i], r->new_name,
                         r->invariants[i].from_old ? "old" : "new");
    for (size_t i = 0; i < r->n_newly_permitted; i++)
        class_result(s, &r->newly_permitted[i], true, r);
    for (size_t i = 0; i < r->n_newly_forbidden; i++)
        class_result(s, &r->newly_forbidden[i], false, r);
}

static const char *severity_level(acc_severity sev)
{
    return sev == ACC_SEV_ERROR ? "error" : sev == ACC_SEV_WARNING ? "warning" : "note";
}

static void diag_result(sarif *s, const acc_lint_result *r, size_t i)
{
    size_t index = desc_index(s, &diagnostic_code, NULL, NULL, NULL);
    if (!s->writing)
        return;
    const acc_diag *d = &r->diags[i];
    /* Identical messages in one file are told apart by their order, not their line. */
    size_t occurrence = 0;
    for (size_t k = 0; k < i; k++) {
        const acc_diag *e = &r->diags[k];
        occurrence += strcmp(e->message, d->message) == 0 &&
                      (e->file == d->file || (e->file && d->file && !strcmp(e->file, d->file)));
    }
    acc_strbuf_clear(&s->msg);
    acc_strbuf_add(&s->msg, d->message);
    result_begin(s, index, severity_level(d->severity));
    unsigned col = 0, end = 0;
    if (d->line && d->column) {
        col = d->source_line ? utf16_column(d->source_line, d->source_line_len, d->column)
                             : d->column;
        if (d->span_len > 1)
            end = d->source_line ? utf16_column(d->source_line, d->source_line_len,
                                                d->column + d->span_len)
                                 : d->column + d->span_len;
    }
    locations(s, d->file, d->line, col, end);
    fingerprint f;
    fp_init(&f);
    fp_add(&f, "diagnostic");
    fp_add(&f, d->file);
    fp_add(&f, d->message);
    fp_add_int(&f, (int64_t)occurrence);
    fp_write(s, &f);
    acc_json_object_end(&s->j);
}

static void lint_results(sarif *s, const acc_lint_result *r)
{
    for (size_t i = 0; i < r->n_diags; i++)
        diag_result(s, r, i);
    for (size_t i = 0; i < r->n_rule_sets; i++) {
        s->label = r->n_rule_sets > 1 ? r->rule_sets[i]->rules : NULL;
        check_results(s, r->rule_sets[i]);
    }
    s->label = NULL;
}

/* ---- audit ----------------------------------------------------------------------------- */

static const code_info *finding_category(const acc_finding *f)
{
    if (f->rule) {
        if (f->code == ACC_FINDING_FORBIDDEN)
            return &audit_rule_code;
        if (f->code == ACC_FINDING_INVARIANT)
            return &audit_invariant_code;
        if (f->code == ACC_FINDING_ASSUMPTION)
            return &audit_assumption_code;
    }
    return &audit_codes[f->code];
}

static void finding_result(sarif *s, const acc_finding *f)
{
    const code_info *code = finding_category(f);
    size_t index = desc_index(s, code, code->named ? f->rule : NULL, NULL, NULL);
    if (!s->writing)
        return;
    acc_strbuf_clear(&s->msg);
    acc_msg_finding(&s->msg, f);
    result_begin(s, index, severity_level(f->severity));
    locations(s, f->file, f->line, f->column, 0);
    fingerprint fp;
    fp_init(&fp);
    fp_add(&fp, acc_finding_code_name(f->code));
    fp_add(&fp, f->rule);
    fp_add(&fp, f->file);
    if (f->has_entry) {
        fp_add(&fp, f->id);
        fp_add_int(&fp, f->seq);
    } else {
        fp_add_int(&fp, f->line);   /* a finding of no entry has nothing else to go by */
    }
    fp_write(s, &fp);
    acc_json *j = &s->j;
    acc_json_key(j, "properties");
    acc_json_object_begin(j);
    acc_json_key(j, "code");
    acc_json_string(j, acc_finding_code_name(f->code));
    if (f->has_entry) {
        acc_json_key(j, "seq");
        acc_json_int(j, f->seq);
        acc_json_key(j, "id");
        acc_json_string(j, f->id);
        acc_json_key(j, "kind");
        acc_json_string(j, f->kind >= 0 ? acc_kind_name((acc_kind)f->kind) : NULL);
    }
    acc_json_object_end(j);
    acc_json_object_end(j);
}

static void change_result(sarif *s, const acc_verdict_change *c)
{
    size_t index = desc_index(s, &verdict_changed_code, NULL, NULL, NULL);
    if (!s->writing)
        return;
    acc_strbuf_clear(&s->msg);
    acc_msg_verdict_change(&s->msg, c);
    result_begin(s, index, "error");
    locations(s, c->file, c->line, c->column, 0);
    fingerprint fp;
    fp_init(&fp);
    fp_add(&fp, verdict_changed_code.id);
    fp_add(&fp, c->file);
    fp_add(&fp, c->id);
    fp_add_int(&fp, c->seq);
    fp_write(s, &fp);
    acc_json_object_end(&s->j);
}

static void audit_results(sarif *s, const acc_audit_result *r)
{
    if (!s->writing) {
        /* Every code has a descriptor, at a fixed index; then the named ones. */
        for (int c = 0; c < ACC_FINDING_COUNT; c++)
            desc_index(s, &audit_codes[c], NULL, NULL, NULL);
        if (r->baseline)
            desc_index(s, &verdict_changed_code, NULL, NULL, NULL);
        for (size_t i = 0; i < r->n_by_rule; i++) {
            acc_finding f = { .code = r->by_rule[i].code, .rule = r->by_rule[i].rule };
            const code_info *code = finding_category(&f);
            desc_index(s, code, code->named ? f.rule : NULL, NULL, NULL);
        }
    }
    for (size_t i = 0; i < r->n_findings; i++)
        finding_result(s, &r->findings[i]);
    for (size_t i = 0; i < r->n_changes; i++)
        change_result(s, &r->changes[i]);
}

/* ---- the log --------------------------------------------------------------------------- */

typedef enum command { CMD_CHECK, CMD_DIFF, CMD_LINT, CMD_AUDIT } command;

static const char *const command_names[] = { "check", "diff", "lint", "audit" };

static void run_results(sarif *s, command cmd, const void *r)
{
    switch (cmd) {
    case CMD_CHECK:
        check_results(s, r);
        break;
    case CMD_DIFF:
        diff_results(s, r);
        break;
    case CMD_LINT:
        lint_results(s, r);
        break;
    case CMD_AUDIT:
        audit_results(s, r);
        break;
    }
}

/* A notification of the invocation (e.g. findings not listed), or NULL. */
static const char *run_notification(sarif *s, command cmd, const void *r)
{
    acc_strbuf_clear(&s->msg);
    if (cmd == CMD_AUDIT) {
        const acc_audit_result *a = r;
        if (a->findings_truncated)
            acc_strbuf_addf(&s->msg, "Only the first %zu of %llu findings are listed "
                                     "(--max-findings).", a->n_findings,
                            (unsigned long long)a->n_findings_total);
        if (a->stopped)
            acc_strbuf_addf(&s->msg, "%sThe audit stopped early: %s.", s->msg.len ? " " : "",
                            a->malformed ? "malformed XML" : "an unusable log root");
    }
    return s->msg.len ? acc_strbuf_str(&s->msg) : NULL;
}

static void write_log(sarif *s, command cmd, const void *r)
{
    acc_json *j = &s->j;
    acc_json_object_begin(j);
    acc_json_key(j, "$schema");
    acc_json_string(j, "https://json.schemastore.org/sarif-2.1.0.json");
    acc_json_key(j, "version");
    acc_json_string(j, "2.1.0");
    acc_json_key(j, "runs");
    acc_json_array_begin(j);
    acc_json_object_begin(j);

    acc_json_key(j, "tool");
    acc_json_object_begin(j);
    acc_json_key(j, "driver");
    acc_json_object_begin(j);
    acc_json_key(j, "name");
    acc_json_string(j, "accord");
    acc_json_key(j, "version");
    acc_json_string(j, acc_version());
    acc_json_key(j, "semanticVersion");
    acc_json_string(j, acc_version());
    acc_json_key(j, "informationUri");
    acc_json_string(j, ACCORD_HOMEPAGE);
    acc_json_key(j, "rules");
    acc_json_array_begin(j);
    for (size_t i = 0; i < s->n_descs; i++)
        write_desc(s, &s->descs[i]);
    acc_json_array_end(j);
    acc_json_object_end(j);
    acc_json_object_end(j);

    /* The category of the upload, so that lint and audit alerts do not replace each
     * other on GitHub. */
    acc_json_key(j, "automationDetails");
    acc_json_object_begin(j);
    acc_json_key(j, "id");
    acc_strbuf_clear(&s->msg);
    acc_strbuf_addf(&s->msg, "accord/%s/", command_names[cmd]);
    acc_json_string(j, acc_strbuf_str(&s->msg));
    acc_json_object_end(j);

    acc_json_key(j, "originalUriBaseIds");
    acc_json_object_begin(j);
    acc_json_key(j, "%SRCROOT%");
    acc_json_object_begin(j);
    text_object(j, "description", "The directory accord was run from (the repository root "
                                  "in CI); relative paths are as given on its command line.");
    acc_json_object_end(j);
    acc_json_object_end(j);
    acc_json_key(j, "columnKind");
    acc_json_string(j, "utf16CodeUnits");

    acc_json_key(j, "results");
    acc_json_array_begin(j);
    run_results(s, cmd, r);
    acc_json_array_end(j);

    acc_json_key(j, "invocations");
    acc_json_array_begin(j);
    acc_json_object_begin(j);
    acc_json_key(j, "executionSuccessful");
    acc_json_bool(j, true);
    const char *note = run_notification(s, cmd, r);
    if (note) {
        acc_json_key(j, "toolExecutionNotifications");
        acc_json_array_begin(j);
        acc_json_object_begin(j);
        text_object(j, "message", note);
        acc_json_key(j, "level");
        acc_json_string(j, "warning");
        acc_json_object_end(j);
        acc_json_array_end(j);
    }
    acc_json_object_end(j);
    acc_json_array_end(j);

    acc_json_object_end(j);
    acc_json_array_end(j);
    acc_json_object_end(j);
    acc_json_finish(j);
}

static int sarif_write(FILE *out, command cmd, const void *r, const acc_report_options *opts)
{
    sarif s = { .strict = opts && opts->strict,
                .deny_new_permits = opts && opts->deny_new_permits };
    acc_strbuf_init(&s.msg);
    acc_strbuf_init(&s.tmp);
    int status = ACC_OK;
    if (!out || !r) {
        status = ACC_EUSAGE;
        goto done;
    }
    /* First pass: descriptors only; nothing is written. */
    run_results(&s, cmd, r);
    if (s.nomem) {
        status = ACC_ENOMEM;
        goto done;
    }
    s.writing = true;
    acc_json_init(&s.j, out, 2);
    write_log(&s, cmd, r);
    if (s.msg.failed || s.tmp.failed)
        status = ACC_ENOMEM;
    else if (fflush(out) != 0 || ferror(out))
        status = ACC_EIO;
done:
    acc_free(s.descs);
    acc_strbuf_fini(&s.msg);
    acc_strbuf_fini(&s.tmp);
    return status;
}

int acc_sarif_write_check(FILE *out, const acc_check_result *r, const acc_report_options *opts)
{
    return sarif_write(out, CMD_CHECK, r, opts);
}

int acc_sarif_write_diff(FILE *out, const acc_diff_result *r, const acc_report_options *opts)
{
    return sarif_write(out, CMD_DIFF, r, opts);
}

int acc_sarif_write_lint(FILE *out, const acc_lint_result *r, const acc_report_options *opts)
{
    return sarif_write(out, CMD_LINT, r, opts);
}

int acc_sarif_write_audit(FILE *out, const acc_audit_result *r, const acc_report_options *opts)
{
    return sarif_write(out, CMD_AUDIT, r, opts);
}
