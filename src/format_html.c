/*
 * format_html.c - the auditor's report as one self-contained HTML page (report.h).
 *
 * The page needs no network and no other file: CSS, JavaScript and SVG are inline, the
 * fonts are the system's. It reads top to bottom as an auditor works:
 *   1. the verdict and the summary: entries, period, findings by code and by rule, the
 *      hash chain;
 *   2. the exchange flow: parties as nodes, transfers as arrows whose width grows with
 *      their count, red where a transfer broke a rule, with any direct Korea-Japan
 *      exchange called out (the first principle of the TISA accord);
 *   3. a timeline of findings (by day, month or year, whichever the period suits);
 *   4. every collected finding in a table filtered and paged by a small script, from a
 *      JSON block, so that 100,000 findings stay responsive (only one page is in the DOM).
 * Parts 1-3 are static HTML and SVG written here; only the table needs JavaScript.
 *
 * Hostile input: ids, messages and file names come from logs and the command line. In
 * HTML they go through html_text (the five special characters become entities, control
 * characters U+FFFD); in the JSON block acc_json escapes them and every '<' is written as
 * \u003c, so neither "</script>" nor "<!--" can end or change the block; the script puts
 * them in the page with textContent only, never as markup.
 */
#include "accord/audit.h"

#include "alloc.h"
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400
#define PI 3.14159265358979323846
/* Findings per JSON piece: each piece is built in memory, then escaped into the page. */
#define JSON_PIECE 2000
/* Verdict changes listed in the page (the JSON output has all of them). */
#define MAX_CHANGES_SHOWN 1000

/* The two parties whose direct exchange the report calls out (spec README, principle 1:
 * "No direct Korea-Japan exchange"), by their names in the shipped rules. */
static const char *const WATCHED_PAIR[2] = { "KR", "JP" };

/* ---- Escaping and numbers ---- */

/* Writes s as HTML text or attribute value: & < > " ' as entities, C0 controls other
 * than tab and newline as U+FFFD (they are not allowed in HTML). */
static void html_text(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\t': case '\n': fputc(*p, out); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                fputs("\xEF\xBF\xBD", out);
            else
                fputc(*p, out);
        }
    }
}

/* 1234567 as "1,234,567". */
static size_t format_count(char buf[32], uint64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[len++] = ',';
        buf[len++] = digits[i];
    }
    buf[len] = '\0';
    return len;
}

static void put_count(FILE *out, uint64_t v)
{
    char buf[32];
    format_count(buf, v);
    fputs(buf, out);
}

/* "1 error" / "2 errors". */
static void put_counted(FILE *out, uint64_t v, const char *one, const char *many)
{
    put_count(out, v);
    fprintf(out, " %s", v == 1 ? one : many);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Year and month (1-12) of a time. */
static void year_month(int64_t t, int *year, int *month)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(t, buf);
    *year = (buf[0] - '0') * 1000 + (buf[1] - '0') * 100 + (buf[2] - '0') * 10 + (buf[3] - '0');
    *month = (buf[5] - '0') * 10 + (buf[6] - '0');
}

/* "YYYY-MM-DD" of a time. */
static void put_date(FILE *out, int64_t t)
{
    char buf[ACC_TIME_TEXT_LEN + 1];
    acc_time_format(t, buf);
    fprintf(out, "%.10s", buf);
}

/* ---- The page around the sections ---- */

/* The style sheet and the script are tables of lines: C99 promises string literals of
 * 4095 bytes only. */
static void put_lines(FILE *out, const char *const *lines)
{
    for (; *lines; lines++)
        fputs(*lines, out);
}

static const char *const STYLE[] = {
    ":root{--fg:#1c2330;--muted:#5f6b7c;--bg:#f3f5f8;--card:#fff;--line:#dde2ea;",
    "--red:#c62828;--red-bg:#fdecea;--amber:#a86400;--amber-bg:#fff4e0;--green:#2e7d32;",
    "--green-bg:#e8f5e9;--blue:#1f5fa8;--edge:#8a96a8}\n",
    "*{box-sizing:border-box}\n",
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',",
    "Arial,sans-serif;color:var(--fg);background:var(--bg)}\n",
    "code,.mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,'DejaVu Sans Mono',",
    "monospace;font-size:12.5px}\n",
    ".wrap{max-width:1320px;margin:0 auto;padding:0 24px}\n",
    "header.top{background:#1c2330;color:#fff;padding:18px 0 16px}\n",
    "header.top h1{margin:0;font-size:22px;font-weight:650}\n",
    "header.top .brand{font-size:12px;letter-spacing:.12em;text-transform:uppercase;",
    "color:#9fb3d1}\n",
    "header.top .sub{margin:4px 0 0;color:#c9d3e2}\n",
    "main.wrap{padding-top:20px;padding-bottom:32px}\n",
    "section{background:var(--card);border:1px solid var(--line);border-radius:8px;",
    "padding:16px 20px;margin:0 0 18px}\n",
    "h2{font-size:17px;margin:0 0 12px}h3{font-size:14px;margin:16px 0 8px}\n",
    ".verdict{border-radius:8px;padding:12px 18px;margin:0 0 18px;font-size:15px;",
    "border:1px solid}\n",
    ".verdict.pass{background:var(--green-bg);border-color:#a5d6a7;color:#1b5e20}\n",
    ".verdict.fail{background:var(--red-bg);border-color:#f5b7b1;color:#8e1c1c}\n",
    ".verdict.stop{background:var(--amber-bg);border-color:#f0cf95;color:#6d4100}\n",
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}\n",
    ".card{border:1px solid var(--line);border-radius:6px;padding:10px 14px}\n",
    ".card .k{color:var(--muted);font-size:11.5px;text-transform:uppercase;",
    "letter-spacing:.06em}\n",
    ".card .v{font-size:22px;font-weight:650;margin:2px 0}\n",
    ".card .v.period{font-size:17px;line-height:1.9}\n",
    ".card .d{color:var(--muted);font-size:12.5px}\n",
    ".cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));",
    "gap:0 28px}\n",
    "table{border-collapse:collapse;width:100%}\n",
    "th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);",
    "vertical-align:top}\n",
    "th{font-size:12px;color:var(--muted);font-weight:600;background:#f8f9fb}\n",
    ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
    "tr.zero td{color:#a3acb9}\n",
    "a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}\n",
    ".sev{display:inline-block;padding:0 7px;border-radius:9px;font-size:11.5px;",
    "font-weight:600}\n",
    ".sev-error{background:var(--red-bg);color:var(--red)}\n",
    ".sev-warning{background:var(--amber-bg);color:var(--amber)}\n",
    ".sev-note{background:#e8f0fb;color:var(--blue)}\n",
    ".bad{color:var(--red);font-weight:600}.warn{color:var(--amber);font-weight:600}",
    ".good{color:var(--green);font-weight:600}\n",
    ".note{color:var(--muted);margin:6px 0}\n",
    ".flow-grid{display:grid;grid-template-columns:minmax(320px,560px) 1fr;gap:20px;",
    "align-items:start}\n",
    "@media (max-width:900px){.flow-grid{grid-template-columns:1fr}}\n",
    "svg{max-width:100%;height:auto;display:block}\n",
    "svg text{font-family:inherit}\n",
    ".callout{border-left:4px solid var(--red);background:var(--red-bg);padding:8px 12px;",
    "margin:12px 0;border-radius:0 6px 6px 0}\n",
    ".callout.clear{border-color:var(--green);background:var(--green-bg)}\n",
    ".legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:12.5px;",
    "margin-top:6px}\n",
    ".legend i{display:inline-block;width:22px;height:4px;border-radius:2px;",
    "vertical-align:middle;margin-right:5px}\n",
    ".filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;margin:0 0 10px}\n",
    ".filters label{font-size:12.5px;color:var(--muted)}\n",
    ".filters select,.filters input{font:inherit;font-size:13px;padding:3px 6px;",
    "margin-left:4px;border:1px solid #c5ccd8;border-radius:4px;background:#fff;",
    "color:var(--fg)}\n",
    ".filters select{max-width:240px}\n",
    "#f-count{margin-left:auto;font-weight:600}\n",
    "#findings-table{table-layout:fixed;min-width:980px}\n",
    "#findings-table td{font-size:13px;overflow-wrap:anywhere}\n",
    "#findings-table td .sub{display:block;color:var(--muted)}\n",
    ".tscroll{overflow-x:auto}\n",
    ".pager{display:flex;gap:8px;align-items:center;justify-content:flex-end;margin-top:10px}\n",
    ".pager button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #c5ccd8;",
    "border-radius:4px;background:#fff;cursor:pointer}\n",
    ".pager button:disabled{color:#a3acb9;cursor:default}\n",
    "footer{color:var(--muted);font-size:12px;padding:0 0 24px}\n",
    NULL
};

/* The findings table: filters, paging, rendering with textContent only. ORDER: the
 * columns of a finding row in write_findings_json. */
static const char *const SCRIPT[] = {
    "(function () {\n",
    "  'use strict';\n",
    "  var $ = function (id) { return document.getElementById(id); };\n",
    "  var D = JSON.parse($('findings-data').textContent);\n",
    "  var F = D.findings, PAGE = 100;\n",
    "  var C_CODE = 0, C_SEV = 1, C_FILE = 2, C_LINE = 3, C_COL = 4, C_SEQ = 5, C_ID = 6,\n",
    "      C_KIND = 7, C_RULE = 8, C_FROM = 9, C_TO = 10, C_TIME = 11, C_MSG = 12;\n",
    "  var fCode = $('f-code'), fRule = $('f-rule'), fParty = $('f-party'),\n",
    "      fText = $('f-text'), body = $('findings-body'), count = $('f-count');\n",
    "  var fmt = function (n) { return n.toLocaleString('en-US'); };\n",
    "  function tally(cols, size) {\n",
    "    var c = new Array(size).fill(0);\n",
    "    F.forEach(function (f) {\n",
    "      var seen = -1;\n",
    "      cols.forEach(function (k) {\n",
    "        if (f[k] !== null && f[k] !== seen) { c[f[k]]++; seen = f[k]; }\n",
    "      });\n",
    "    });\n",
    "    return c;\n",
    "  }\n",
    "  function options(sel, names, counts) {\n",
    "    names.forEach(function (name, i) {\n",
    "      if (!counts[i]) return;\n",
    "      var o = document.createElement('option');\n",
    "      o.value = String(i);\n",
    "      o.textContent = name + ' (' + fmt(counts[i]) + ')';\n",
    "      sel.appendChild(o);\n",
    "    });\n",
    "  }\n",
    "  options(fCode, D.codes, tally([C_CODE], D.codes.length));\n",
    "  options(fRule, D.rules, tally([C_RULE], D.rules.length));\n",
    "  options(fParty, D.parties, tally([C_FROM, C_TO], D.parties.length));\n",
    "  if (!D.parties.length) fParty.parentNode.hidden = true;\n",
    "  var rows = [], page = 0;\n",
    "  function filter() {\n",
    "    var c = Number(fCode.value), r = Number(fRule.value), p = Number(fParty.value);\n",
    "    var q = fText.value.trim().toLowerCase();\n",
    "    rows = [];\n",
    "    for (var i = 0; i < F.length; i++) {\n",
    "      var f = F[i];\n",
    "      if (c >= 0 && f[C_CODE] !== c) continue;\n",
    "      if (r >= 0 && f[C_RULE] !== r) continue;\n",
    "      if (p >= 0 && f[C_FROM] !== p && f[C_TO] !== p) continue;\n",
    "      if (q && (f[C_MSG] + ' ' + (f[C_ID] || '')).toLowerCase().indexOf(q) < 0)\n",
    "        continue;\n",
    "      rows.push(i);\n",
    "    }\n",
    "    page = 0;\n",
    "    draw();\n",
    "  }\n",
    "  function cell(tr, text, cls) {\n",
    "    var td = document.createElement('td');\n",
    "    td.textContent = text;\n",
    "    if (cls) td.className = cls;\n",
    "    tr.appendChild(td);\n",
    "    return td;\n",
    "  }\n",
    "  function draw() {\n",
    "    var pages = Math.max(1, Math.ceil(rows.length / PAGE));\n",
    "    page = Math.min(Math.max(page, 0), pages - 1);\n",
    "    var frag = document.createDocumentFragment();\n",
    "    var end = Math.min(rows.length, (page + 1) * PAGE);\n",
    "    for (var k = page * PAGE; k < end; k++) {\n",
    "      var f = F[rows[k]], tr = document.createElement('tr');\n",
    "      var sev = D.severities[f[C_SEV]];\n",
    "      tr.dataset.code = D.codes[f[C_CODE]];\n",
    "      cell(tr, fmt(rows[k] + 1), 'n');\n",
    "      var s = document.createElement('span');\n",
    "      s.className = 'sev sev-' + sev;\n",
    "      s.textContent = sev;\n",
    "      var code = cell(tr, ' ' + D.codes[f[C_CODE]]);\n",
    "      code.insertBefore(s, code.firstChild);\n",
    "      cell(tr, f[C_RULE] === null ? '' : D.rules[f[C_RULE]]);\n",
    "      cell(tr, D.files[f[C_FILE]] + ':' + f[C_LINE] + (f[C_COL] ? ':' + f[C_COL] : ''),\n",
    "           'mono');\n",
    "      var entry = f[C_KIND] === null ? '' : D.kinds[f[C_KIND]];\n",
    "      if (f[C_SEQ] !== null) entry += ' #' + f[C_SEQ];\n",
    "      if (f[C_ID] !== null) entry += ' ' + f[C_ID];\n",
    "      var td = cell(tr, entry, 'mono');\n",
    "      if (f[C_TIME] !== null) {\n",
    "        var t = document.createElement('span');\n",
    "        t.className = 'sub';\n",
    "        t.textContent = f[C_TIME].replace('T', ' ').replace('Z', '');\n",
    "        td.appendChild(t);\n",
    "      }\n",
    "      cell(tr, f[C_FROM] === null && f[C_TO] === null ? '' :\n",
    "           (f[C_FROM] === null ? '?' : D.parties[f[C_FROM]]) + ' \\u2192 ' +\n",
    "           (f[C_TO] === null ? '?' : D.parties[f[C_TO]]));\n",
    "      cell(tr, f[C_MSG], 'msg');\n",
    "      frag.appendChild(tr);\n",
    "    }\n",
    "    if (!rows.length) {\n",
    "      var tr0 = document.createElement('tr');\n",
    "      var td0 = cell(tr0, F.length ? 'No finding matches these filters.' :\n",
    "                          'No findings.');\n",
    "      td0.colSpan = 7;\n",
    "      frag.appendChild(tr0);\n",
    "    }\n",
    "    body.textContent = '';\n",
    "    body.appendChild(frag);\n",
    "    count.dataset.count = String(rows.length);\n",
    "    count.textContent = fmt(rows.length) + (rows.length === 1 ? ' finding' : ' findings');\n",
    "    $('p-info').textContent = rows.length ? 'Rows ' + fmt(page * PAGE + 1) + '\\u2013' +\n",
    "      fmt(end) + ' of ' + fmt(rows.length) + ' \\u00b7 page ' + (page + 1) + ' of ' +\n",
    "      fmt(pages) : '';\n",
    "    $('p-first').disabled = $('p-prev').disabled = page === 0;\n",
    "    $('p-next').disabled = $('p-last').disabled = page >= pages - 1;\n",
    "  }\n",
    "  function go(to) { return function () { page = to(); draw(); }; }\n",
    "  $('p-first').addEventListener('click', go(function () { return 0; }));\n",
    "  $('p-prev').addEventListener('click', go(function () { return page - 1; }));\n",
    "  $('p-next').addEventListener('click', go(function () { return page + 1; }));\n",
    "  $('p-last').addEventListener('click', go(function () { return Infinity; }));\n",
    "  [fCode, fRule, fParty].forEach(function (s) { s.addEventListener('change', filter); });\n",
    "  var timer = 0;\n",
    "  fText.addEventListener('input', function () {\n",
    "    clearTimeout(timer);\n",
    "    timer = setTimeout(filter, 150);\n",
    "  });\n",
    "  document.querySelectorAll('a[data-filter]').forEach(function (a) {\n",
    "    a.addEventListener('click', function () {\n",
    "      var sel = $('f-' + a.dataset.filter);\n",
    "      [fCode, fRule, fParty].forEach(function (s) { s.value = '-1'; });\n",
    "      fText.value = '';\n",
    "      sel.value = a.dataset.value;\n",
    "      filter();\n",
    "    });\n",
    "  });\n",
    "  filter();\n",
    "})();\n",
    NULL
};

/* ---- Summary ---- */

static void write_verdict(FILE *out, const acc_audit_result *r, bool strict)
{
    int code = acc_audit_exit_code(r, strict);
    const char *cls = code == 0 ? "pass" : code == 1 ? "fail" : "stop";
    fprintf(out, "<div id=\"verdict\" class=\"verdict %s\" data-exit=\"%d\"><strong>", cls,
            code);
    if (code == 0)
        fputs("Clean.</strong> ", out);
    else if (code == 1)
        fputs("Findings.</strong> ", out);
    else if (r->malformed)
        fputs("Audit stopped:</strong> a log is not well-formed XML; the findings up to "
              "that point are below. ", out);
    else
        fputs("Audit stopped:</strong> a log's root is not an exchange log of this "
              "accord; the findings up to that point are below. ", out);
    put_counted(out, r->by_severity[ACC_SEV_ERROR], "error", "errors");
    fputs(", ", out);
    put_counted(out, r->by_severity[ACC_SEV_WARNING], "warning", "warnings");
    fputs(" in ", out);
    put_counted(out, r->entries, "entry", "entries");
    if (r->n_changes_total) {
        fputs(", ", out);
        put_counted(out, r->n_changes_total, "verdict change", "verdict changes");
    }
    fprintf(out, " &middot; exit code %d</div>\n", code);
}

static void write_cards(FILE *out, const acc_audit_result *r)
{
    fputs("<div class=\"cards\">\n", out);

    fprintf(out, "<div class=\"card\"><div class=\"k\">Entries</div>"
                 "<div class=\"v\" id=\"sum-entries\" data-value=\"%" PRIu64 "\">",
            r->entries);
    put_count(out, r->entries);
    fputs("</div><div class=\"d\">", out);
    put_count(out, r->judged);
    fputs(" judged, ", out);
    put_count(out, r->permitted);
    fputs(" permitted</div></div>\n", out);

    fputs("<div class=\"card\"><div class=\"k\">Period</div>", out);
    if (r->has_period) {
        char a[ACC_TIME_TEXT_LEN + 1], b[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(r->period_min, a);
        acc_time_format(r->period_max, b);
        int64_t days = floor_div(r->period_max, SECONDS_PER_DAY) -
                       floor_div(r->period_min, SECONDS_PER_DAY) + 1;
        fprintf(out, "<div class=\"v period\" id=\"sum-period\" data-min=\"%s\" data-max=\"%s\">"
                     "%.10s &ndash; %.10s</div><div class=\"d\">",
                a, b, a, b);
        put_counted(out, (uint64_t)days, "day", "days");
        fputs(" covered</div></div>\n", out);
    } else {
        fputs("<div class=\"v\" id=\"sum-period\">none</div>"
              "<div class=\"d\">no entry has a valid time</div></div>\n", out);
    }

    fprintf(out, "<div class=\"card\"><div class=\"k\">Findings</div>"
                 "<div class=\"v\" id=\"sum-findings\" data-value=\"%" PRIu64 "\">",
            r->n_findings_total);
    put_count(out, r->n_findings_total);
    fputs("</div><div class=\"d\"><span class=\"bad\">", out);
    put_counted(out, r->by_severity[ACC_SEV_ERROR], "error", "errors");
    fputs("</span> &middot; <span class=\"warn\">", out);
    put_counted(out, r->by_severity[ACC_SEV_WARNING], "warning", "warnings");
    fputs("</span></div></div>\n", out);

    static const char *const chain_names[] = { "absent", "verified", "broken" };
    static const char *const chain_class[] = { "", "good", "bad" };
    fprintf(out, "<div class=\"card\"><div class=\"k\">Hash chain</div>"
                 "<div class=\"v %s\" id=\"sum-chain\" data-chain=\"%s\">%s</div>"
                 "<div class=\"d\" id=\"sum-head\">",
            chain_class[r->chain], chain_names[r->chain], chain_names[r->chain]);
    if (r->chain == ACC_CHAIN_ABSENT)
        fputs("no entry carries a digest; ", out);
    if (r->chain_head_checked)
        fprintf(out, "head checked: <span class=\"%s\">%s</span>",
                r->chain_head_matched ? "good" : "bad",
                r->chain_head_matched ? "matches" : "does not match");
    else
        fputs("head not checked", out);
    if (r->last_digest[0])
        fprintf(out, "<br>last digest <code title=\"%s\">%.12s&hellip;</code>", r->last_digest,
                r->last_digest);
    fputs("</div></div>\n</div>\n", out);
}

static void write_by_code(FILE *out, const acc_audit_result *r)
{
    fputs("<div><h3>Findings by code</h3>\n<table id=\"by-code\"><thead><tr><th>Code</th>"
          "<th>Severity</th><th class=\"n\">Findings</th></tr></thead><tbody>\n", out);
    for (int c = 0; c < ACC_FINDING_COUNT; c++) {
        const char *name = acc_finding_code_name((acc_finding_code)c);
        const char *sev = acc_severity_name(acc_finding_code_severity((acc_finding_code)c));
        uint64_t n = r->by_code[c];
        fprintf(out, "<tr data-code=\"%s\"%s><td>", name, n ? "" : " class=\"zero\"");
        if (n)
            fprintf(out, "<a href=\"#findings\" data-filter=\"code\" data-value=\"%d\">%s</a>",
                    c, name);
        else
            fputs(name, out);
        fprintf(out, "</td><td>%s</td><td class=\"n\">", sev);
        put_count(out, n);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

/* Rule names of the findings table: by_rule's names first (rule set order), then any
 * other name a collected finding carries, each once. */
typedef struct name_table {
    const char **names;
    size_t n, cap;
} name_table;

/* The index of `name` in the table, added when missing; -1 when out of memory. */
static long name_table_index(name_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0)
            return (long)i;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        const char **names = acc_realloc(t->names, cap * sizeof *names);
        if (!names)
            return -1;
        t->names = names;
        t->cap = cap;
    }
    t->names[t->n] = name;
    return (long)t->n++;
}

static void write_by_rule(FILE *out, const acc_audit_result *r, const name_table *rules)
{
    fputs("<div><h3>Findings by rule</h3>\n", out);
    if (!r->n_by_rule) {
        fputs("<p class=\"note\" id=\"by-rule\">No rule, invariant or assumption was "
              "broken.</p></div>\n", out);
        return;
    }
    fputs("<table id=\"by-rule\"><thead><tr><th>Rule</th><th>Code</th>"
          "<th class=\"n\">Findings</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < r->n_by_rule; i++) {
        const acc_audit_rule_count *rc = &r->by_rule[i];
        const char *code = acc_finding_code_name(rc->code);
        fprintf(out, "<tr data-rule=\"");
        html_text(out, rc->rule);
        fprintf(out, "\" data-code=\"%s\"><td>", code);
        long idx = -1;
        for (size_t k = 0; k < rules->n; k++)
            if (strcmp(rules->names[k], rc->rule) == 0)
                idx = (long)k;
        if (idx >= 0)
            fprintf(out, "<a href=\"#findings\" data-filter=\"rule\" data-value=\"%ld\">", idx);
        html_text(out, rc->rule);
        fprintf(out, "%s</td><td>%s</td><td class=\"n\">", idx >= 0 ? "</a>" : "", code);
        put_count(out, rc->count);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table></div>\n", out);
}

static void write_files(FILE *out, const acc_audit_result *r)
{
    fputs("<h3>Logs</h3>\n<table id=\"files\"><thead><tr><th>File</th>"
          "<th class=\"n\">Entries</th><th>Read</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < r->n_files; i++) {
        fputs("<tr><td class=\"mono\">", out);
        html_text(out, r->files[i].file);
        fputs("</td><td class=\"n\">", out);
        put_count(out, r->files[i].entries);
        fprintf(out, "</td><td>%s</td></tr>\n",
                r->files[i].complete ? "complete" : "<span class=\"bad\">incomplete</span>");
    }
    fputs("</tbody></table>\n", out);
}

static void write_summary(FILE *out, const acc_audit_result *r, const name_table *rules)
{
    fputs("<section id=\"summary\"><h2>Summary</h2>\n", out);
    write_cards(out, r);
    if (r->findings_truncated) {
        fputs("<p class=\"note\" id=\"truncated\">Only the first ", out);
        put_count(out, r->n_findings);
        fputs(" findings were kept (--max-findings): the counts above cover all ", out);
        put_count(out, r->n_findings_total);
        fputs(", the diagram, timeline and table only those kept.</p>\n", out);
    }
    fputs("<div class=\"cols\">\n", out);
    write_by_code(out, r);
    write_by_rule(out, r, rules);
    fputs("</div>\n", out);
    write_files(out, r);
    fputs("</section>\n", out);
}

/* ---- The exchange flow ---- */

#define FLOW_W 560.0
#define FLOW_CX 280.0
#define FLOW_CY 240.0

typedef struct point {
    double x, y;
} point;

static bool is_watched_edge(const acc_flow *flow, const acc_flow_edge *e)
{
    const char *a = flow->parties[e->from].name, *b = flow->parties[e->to].name;
    return (strcmp(a, WATCHED_PAIR[0]) == 0 && strcmp(b, WATCHED_PAIR[1]) == 0) ||
           (strcmp(a, WATCHED_PAIR[1]) == 0 && strcmp(b, WATCHED_PAIR[0]) == 0);
}

static const char *edge_class(const acc_flow_edge *e)
{
    return e->violations ? "violation" : e->other_errors ? "problem" : "clean";
}

/* Where the diagram draws each party. */
typedef struct flow_layout {
    point *pos;
    uint64_t *volume;      /* transfers in and out */
    double node_r;
    point center;          /* of the circle the nodes sit on */
    double height;         /* of the drawing: the nodes' extent plus margins */
} flow_layout;

/* Every declared party is drawn (idle ones dashed); the undeclared node only when some
 * transfer reached it. */
static bool party_shown(const acc_flow *flow, const flow_layout *l, size_t i)
{
    return flow->parties[i].declared || l->volume[i] > 0;
}

/*
 * Node positions on a circle: the party with the most transfers on top (the hub of a
 * relay accord, the US for TISA), the others in declaration order counter-clockwise, so
 * that KR and JP sit at the bottom and a direct edge between them runs along the base.
 */
static int layout_nodes(const acc_flow *flow, flow_layout *l)
{
    size_t n = flow->n_parties, shown = 0;
    l->pos = acc_calloc(n ? n : 1, sizeof *l->pos);
    l->volume = acc_calloc(n ? n : 1, sizeof *l->volume);
    if (!l->pos || !l->volume)
        return ACC_ENOMEM;
    for (size_t i = 0; i < flow->n_edges; i++) {
        l->volume[flow->edges[i].from] += flow->edges[i].transfers;
        l->volume[flow->edges[i].to] += flow->edges[i].transfers;
    }
    size_t hub = 0;
    for (size_t i = 0; i < n; i++) {
        shown += party_shown(flow, l, i);
        if (l->volume[i] > l->volume[hub])
            hub = i;
    }
    double radius = shown <= 4 ? 165.0 : 185.0;
    l->node_r = shown <= 4 ? 36.0
                           : fmax(14.0, fmin(30.0, radius * sin(PI / (double)shown) * 0.55));
    for (size_t k = 0, slot = 0; k < n; k++) {
        size_t i = k == 0 ? hub : (k <= hub ? k - 1 : k);
        if (!party_shown(flow, l, i))
            continue;
        double angle = -PI / 2 - 2 * PI * (double)slot++ / (double)shown;
        l->pos[i] = shown == 1 ? (point){ FLOW_CX, FLOW_CY }
                               : (point){ FLOW_CX + radius * cos(angle),
                                          FLOW_CY + radius * sin(angle) };
    }
    /* Fit the drawing's height to the nodes (a triangle leaves the bottom empty), with room
     * for the descriptions under or over the nodes and for loops. */
    bool loops = false;
    for (size_t i = 0; i < flow->n_edges; i++)
        loops |= flow->edges[i].from == flow->edges[i].to;
    double min_y = FLOW_CY, max_y = FLOW_CY, margin = l->node_r + (loops ? 80 : 40);
    for (size_t i = 0; i < n; i++)
        if (party_shown(flow, l, i)) {
            min_y = fmin(min_y, l->pos[i].y);
            max_y = fmax(max_y, l->pos[i].y);
        }
    double shift = margin - min_y;
    for (size_t i = 0; i < n; i++)
        l->pos[i].y += shift;
    l->center = (point){ FLOW_CX, FLOW_CY + shift };
    l->height = max_y - min_y + 2 * margin;
    return ACC_OK;
}

static point along(point from, point to, double dist)
{
    double dx = to.x - from.x, dy = to.y - from.y, len = hypot(dx, dy);
    if (len < 1e-9)
        return from;
    return (point){ from.x + dx / len * dist, from.y + dy / len * dist };
}

/* "12" or "12 · 3 bad"; returns its length in characters. */
static size_t edge_label_text(char buf[80], const acc_flow_edge *e)
{
    size_t len = format_count(buf, e->transfers);
    if (!e->violations)
        return len;
    char bad[32];
    size_t n = format_count(bad, e->violations);
    snprintf(buf + len, 80 - len, " \xC2\xB7 %s bad", bad);
    return len + 3 + n + 4;
}

/* A pill on the curve's middle: labels beside the curves would collide inside a
 * triangle, where one direction of every pair bends. About 7 px per character. */
static void write_edge_label(FILE *out, point at, const acc_flow_edge *e, bool watched)
{
    char text[80];
    size_t chars = edge_label_text(text, e) + (watched ? 9 : 0);
    double half_w = 3.6 * (double)chars + 9;
    fprintf(out, "<rect class=\"pill\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" "
                 "rx=\"10\"/><text class=\"elabel\" x=\"%.1f\" y=\"%.1f\" "
                 "text-anchor=\"middle\">%s%s</text>\n",
            at.x - half_w, at.y - 10, 2 * half_w, at.x, at.y + 4.5,
            watched ? "DIRECT \xC2\xB7 " : "", text);
}

static void write_edge(FILE *out, const acc_flow *flow, const acc_flow_edge *e,
                       const flow_layout *l, double max_transfers)
{
    const point *pos = l->pos;
    double node_r = l->node_r;
    bool watched = is_watched_edge(flow, e);
    double width = 1.5 + 7.0 * sqrt((double)e->transfers / max_transfers);
    point p = pos[e->from], q = pos[e->to], label;
    char d[160];
    if (e->from == e->to) {
        /* A loop on the node's outer side, turned off the radius where the party's
         * description sits. */
        point u = along(l->center, p, 1.0);
        double ux = u.x - l->center.x, uy = u.y - l->center.y;
        if (fabs(ux) + fabs(uy) < 1e-9)
            ux = 0, uy = -1;
        double a = atan2(uy, ux) + 1.1;
        point s = { p.x + node_r * cos(a - 0.5), p.y + node_r * sin(a - 0.5) };
        point t = { p.x + node_r * cos(a + 0.5), p.y + node_r * sin(a + 0.5) };
        point c1 = { p.x + (node_r + 60) * cos(a - 0.7), p.y + (node_r + 60) * sin(a - 0.7) };
        point c2 = { p.x + (node_r + 60) * cos(a + 0.7), p.y + (node_r + 60) * sin(a + 0.7) };
        snprintf(d, sizeof d, "M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", s.x, s.y, c1.x, c1.y,
                 c2.x, c2.y, t.x, t.y);
        label = (point){ p.x + (node_r + 52) * cos(a), p.y + (node_r + 52) * sin(a) };
    } else {
        /* A curve bent to its right, so that a->b and b->a do not overlap. */
        double dx = q.x - p.x, dy = q.y - p.y;
        point c = { (p.x + q.x) / 2 - dy * 0.16, (p.y + q.y) / 2 + dx * 0.16 };
        point s = along(p, c, node_r + 2), t = along(q, c, node_r + 8);
        snprintf(d, sizeof d, "M%.1f %.1fQ%.1f %.1f %.1f %.1f", s.x, s.y, c.x, c.y, t.x, t.y);
        label = (point){ 0.25 * s.x + 0.5 * c.x + 0.25 * t.x, 0.25 * s.y + 0.5 * c.y + 0.25 * t.y };
    }
    const char *cls = edge_class(e);
    fprintf(out, "<g class=\"edge %s%s\" data-from=\"", cls, watched ? " direct" : "");
    html_text(out, flow->parties[e->from].name);
    fputs("\" data-to=\"", out);
    html_text(out, flow->parties[e->to].name);
    fprintf(out, "\" data-transfers=\"%" PRIu64 "\" data-violations=\"%" PRIu64 "\"><title>",
            e->transfers, e->violations);
    html_text(out, flow->parties[e->from].name);
    fputs(" \xE2\x86\x92 ", out);
    html_text(out, flow->parties[e->to].name);
    fputs(": ", out);
    put_counted(out, e->transfers, "transfer", "transfers");
    if (e->violations) {
        fputs(", ", out);
        put_count(out, e->violations);
        fputs(" breaking a rule", out);
    }
    if (e->other_errors) {
        fputs(", ", out);
        put_count(out, e->other_errors);
        fputs(" with integrity or format errors", out);
    }
    fputs("</title>\n", out);
    if (watched)
        fprintf(out, "<path class=\"halo\" d=\"%s\"/>\n", d);
    fprintf(out, "<path class=\"line\" d=\"%s\" stroke-width=\"%.1f\" "
                 "marker-end=\"url(#arrow-%s)\"/>\n",
            d, width, cls);
    write_edge_label(out, label, e, watched);
    fputs("</g>\n", out);
}

static void write_node(FILE *out, const acc_flow *flow, const flow_layout *l, size_t i)
{
    point at = l->pos[i];
    double r = l->node_r;
    bool active = l->volume[i] > 0;
    const acc_flow_party *party = &flow->parties[i];
    fprintf(out, "<g class=\"node%s%s\" data-party=\"", active ? "" : " idle",
            party->declared ? "" : " undeclared");
    html_text(out, party->name);
    fputs("\"><title>", out);
    html_text(out, party->name);
    if (party->description) {
        fputs(": ", out);
        html_text(out, party->description);
    }
    fprintf(out, "</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>"
                 "<text class=\"pname\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            at.x, at.y, r, at.x, at.y + 5);
    html_text(out, party->name);
    fputs("</text>", out);
    if (party->description) {
        /* Below a node in the lower half, above one in the upper half. */
        double y = at.y >= l->center.y - 1 ? at.y + r + 16 : at.y - r - 8;
        fprintf(out, "<text class=\"pdesc\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                at.x, y);
        html_text(out, party->description);
        fputs("</text>", out);
    }
    fputs("</g>\n", out);
}

static void write_flow_svg(FILE *out, const acc_flow *flow, const flow_layout *l)
{
    fprintf(out, "<svg id=\"flow-diagram\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
                 "height=\"%.0f\" role=\"img\" aria-label=\"Transfers between parties\" "
                 "xmlns=\"http://www.w3.org/2000/svg\">\n", FLOW_W, l->height, FLOW_W, l->height);
    fputs("<style>"
          ".edge .line{fill:none;stroke:#8a96a8}"
          ".edge.violation .line{stroke:#c62828}"
          ".edge.problem .line{stroke:#d08a00}"
          ".edge .halo{fill:none;stroke:#c62828;stroke-opacity:.18;stroke-width:18;"
          "stroke-linecap:round}"
          ".elabel{font-size:12.5px;font-weight:600;fill:#37414f}"
          ".pill{fill:#fff;stroke:#8a96a8;stroke-width:1.2}"
          ".violation .elabel{fill:#b71c1c}.violation .pill{stroke:#c62828}"
          ".problem .pill{stroke:#d08a00}"
          ".direct .pill{fill:#c62828}.direct .elabel{fill:#fff}"
          ".node circle{fill:#fff;stroke:#1c2330;stroke-width:2}"
          ".node.idle circle{stroke:#a3acb9;stroke-dasharray:4 3}"
          ".node.undeclared circle{fill:#f3f5f8;stroke:#a86400;stroke-dasharray:4 3}"
          ".pname{font-size:15px;font-weight:700;fill:#1c2330}"
          ".pdesc{font-size:12px;fill:#5f6b7c}"
          "</style>\n<defs>\n", out);
    static const char *const arrows[][2] = {
        { "clean", "#8a96a8" }, { "violation", "#c62828" }, { "problem", "#d08a00" }
    };
    for (size_t i = 0; i < 3; i++)
        fprintf(out, "<marker id=\"arrow-%s\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" "
                     "markerUnits=\"userSpaceOnUse\" markerWidth=\"13\" markerHeight=\"13\" "
                     "orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"%s\"/></marker>\n",
                arrows[i][0], arrows[i][1]);
    fputs("</defs>\n", out);
    uint64_t max = 1;
    for (size_t i = 0; i < flow->n_edges; i++)
        if (flow->edges[i].transfers > max)
            max = flow->edges[i].transfers;
    /* Clean edges first, so that red ones are drawn on top. */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < flow->n_edges; i++) {
            const acc_flow_edge *e = &flow->edges[i];
            int rank = e->violations ? 2 : e->other_errors ? 1 : 0;
            if (rank == pass)
                write_edge(out, flow, e, l, (double)max);
        }
    for (size_t i = 0; i < flow->n_parties; i++)
        if (party_shown(flow, l, i))
            write_node(out, flow, l, i);
    fputs("</svg>\n", out);
}

static void write_edge_table(FILE *out, const acc_flow *flow)
{
    fputs("<table id=\"edges\"><thead><tr><th>From</th><th>To</th>"
          "<th class=\"n\">Transfers</th><th class=\"n\">Breaking a rule</th>"
          "<th class=\"n\">Other errors</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < flow->n_edges; i++) {
        const acc_flow_edge *e = &flow->edges[i];
        fprintf(out, "<tr class=\"%s\"><td>", edge_class(e));
        html_text(out, flow->parties[e->from].name);
        fputs("</td><td>", out);
        html_text(out, flow->parties[e->to].name);
        fputs("</td><td class=\"n\">", out);
        put_count(out, e->transfers);
        fprintf(out, "</td><td class=\"n%s\">", e->violations ? " bad" : "");
        put_count(out, e->violations);
        fprintf(out, "</td><td class=\"n%s\">", e->other_errors ? " warn" : "");
        put_count(out, e->other_errors);
        fputs("</td></tr>\n", out);
    }
    if (!flow->n_edges)
        fputs("<tr><td colspan=\"5\">No transfer.</td></tr>\n", out);
    fputs("</tbody></table>\n", out);
}

/* The call-out on direct exchanges between the watched pair, when the rules declare it. */
static bool watched_pair_declared(const acc_flow *flow)
{
    bool declared[2] = { false, false };
    for (size_t i = 0; i < flow->n_parties; i++)
        for (int k = 0; k < 2; k++)
            declared[k] |= flow->parties[i].declared &&
                           strcmp(flow->parties[i].name, WATCHED_PAIR[k]) == 0;
    return declared[0] && declared[1];
}

static void write_callout(FILE *out, const acc_flow *flow)
{
    if (!watched_pair_declared(flow))
        return;
    uint64_t transfers = 0, violations = 0;
    for (size_t i = 0; i < flow->n_edges; i++)
        if (is_watched_edge(flow, &flow->edges[i])) {
            transfers += flow->edges[i].transfers;
            violations += flow->edges[i].violations;
        }
    fprintf(out, "<div id=\"direct-exchange\" class=\"callout%s\" data-transfers=\"%" PRIu64
                 "\">", transfers ? "" : " clear", transfers);
    if (!transfers) {
        fprintf(out, "<strong>No direct %s&ndash;%s transfer.</strong> Every exchange "
                     "between them went through a third party.</div>\n",
                WATCHED_PAIR[0], WATCHED_PAIR[1]);
        return;
    }
    fprintf(out, "<strong>&#9888; Direct %s&ndash;%s exchange:</strong> ", WATCHED_PAIR[0],
            WATCHED_PAIR[1]);
    put_counted(out, transfers, "transfer", "transfers");
    fputs(" went straight between them (", out);
    bool first = true;
    for (size_t i = 0; i < flow->n_edges; i++) {
        const acc_flow_edge *e = &flow->edges[i];
        if (!is_watched_edge(flow, e))
            continue;
        fprintf(out, "%s%s &rarr; %s: ", first ? "" : "; ", flow->parties[e->from].name,
                flow->parties[e->to].name);
        put_count(out, e->transfers);
        first = false;
    }
    fputs("); ", out);
    put_count(out, violations);
    fputs(" of them broke a rule.</div>\n", out);
}

static int write_flow(FILE *out, const acc_flow *flow)
{
    fputs("<section id=\"flow\"><h2>Exchange flow</h2>\n", out);
    if (!flow) {
        fputs("<p class=\"note\">The exchange flow was not collected.</p></section>\n", out);
        return ACC_OK;
    }
    flow_layout layout = { 0 };
    if (layout_nodes(flow, &layout) != ACC_OK) {
        acc_free(layout.pos);
        acc_free(layout.volume);
        return ACC_ENOMEM;
    }
    fputs("<p class=\"note\">Transfers between parties: one arrow per direction, wider for "
          "more transfers. Counts cover every transfer read; &ldquo;breaking a rule&rdquo; "
          "counts transfers with a kept finding of code forbidden, not-permitted or "
          "invariant.</p>\n<div class=\"flow-grid\"><div>\n", out);
    write_flow_svg(out, flow, &layout);
    acc_free(layout.pos);
    acc_free(layout.volume);
    fputs("<div class=\"legend\"><span><i style=\"background:#8a96a8\"></i>clean</span>"
          "<span><i style=\"background:#c62828\"></i>breaks a rule</span>"
          "<span><i style=\"background:#d08a00\"></i>integrity or format errors</span>", out);
    if (watched_pair_declared(flow))
        fprintf(out, "<span><i style=\"background:#c62828;opacity:.25;height:10px\"></i>direct "
                     "%s&ndash;%s</span>", WATCHED_PAIR[0], WATCHED_PAIR[1]);
    fputs("</div>\n</div><div>\n", out);
    write_callout(out, flow);
    write_edge_table(out, flow);
    fputs("<p class=\"note\" id=\"flow-counts\">", out);
    put_counted(out, flow->transfers, "transfer", "transfers");
    fputs(" read", out);
    if (flow->unattributed) {
        fputs("; ", out);
        put_count(out, flow->unattributed);
        fputs(" without a from or a to, not drawn", out);
    }
    fputs(".</p>\n</div></div></section>\n", out);
    return ACC_OK;
}

/* ---- The timeline ---- */

typedef enum bin_unit { BIN_DAY, BIN_MONTH, BIN_YEAR } bin_unit;

typedef struct timeline {
    bin_unit unit;
    int64_t origin;        /* day number, month number (year * 12 + month - 1) or year */
    int64_t step;          /* years per bin (BIN_YEAR) */
    size_t n;
    uint64_t *errors, *warnings;
    uint64_t untimed;      /* kept findings without an entry time */
} timeline;

static int64_t month_number(int64_t t)
{
    int y, m;
    year_month(t, &y, &m);
    return (int64_t)y * 12 + m - 1;
}

/* Days for a period of up to three months, months up to 25 years, else years in at
 * most 100 bins. */
static void timeline_bins(timeline *tl, int64_t min, int64_t max)
{
    int64_t days = floor_div(max, SECONDS_PER_DAY) - floor_div(min, SECONDS_PER_DAY) + 1;
    int64_t months = month_number(max) - month_number(min) + 1;
    tl->step = 1;
    if (days <= 92) {
        tl->unit = BIN_DAY;
        tl->origin = floor_div(min, SECONDS_PER_DAY);
        tl->n = (size_t)days;
    } else if (months <= 300) {
        tl->unit = BIN_MONTH;
        tl->origin = month_number(min);
        tl->n = (size_t)months;
    } else {
        int64_t years = months / 12 + 2;
        tl->unit = BIN_YEAR;
        tl->origin = month_number(min) / 12;
        tl->step = (years + 99) / 100;
        tl->n = (size_t)((month_number(max) / 12 - tl->origin) / tl->step + 1);
    }
}

static int64_t timeline_bin_of(const timeline *tl, int64_t t)
{
    switch (tl->unit) {
    case BIN_DAY: return floor_div(t, SECONDS_PER_DAY) - tl->origin;
    case BIN_MONTH: return month_number(t) - tl->origin;
    case BIN_YEAR: return (month_number(t) / 12 - tl->origin) / tl->step;
    }
    return -1;
}

static void timeline_label(FILE *out, const timeline *tl, size_t i)
{
    switch (tl->unit) {
    case BIN_DAY:
        put_date(out, (tl->origin + (int64_t)i) * SECONDS_PER_DAY);
        break;
    case BIN_MONTH: {
        int64_t m = tl->origin + (int64_t)i;
        fprintf(out, "%04d-%02d", (int)(m / 12), (int)(m % 12) + 1);
        break;
    }
    case BIN_YEAR: {
        int64_t y = tl->origin + (int64_t)i * tl->step;
        if (tl->step > 1)
            fprintf(out, "%04d&ndash;%04d", (int)y, (int)(y + tl->step - 1));
        else
            fprintf(out, "%04d", (int)y);
        break;
    }
    }
}

/* The top of the y axis: the smallest of 1, 2, 4, 6, 8, 10, 20, 40... that is >= v, so
 * that the quarter lines fall on round values and the bars fill most of the height. */
static uint64_t nice_ceiling(uint64_t v)
{
    uint64_t base = 1;
    for (;;) {
        static const uint64_t steps[] = { 1, 2, 4, 6, 8 };
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
            if (v <= steps[i] * base)
                return steps[i] * base;
        base *= 10;
    }
}

#define TL_W 1100.0
#define TL_H 250.0
#define TL_LEFT 58.0
#define TL_RIGHT 14.0
#define TL_TOP 14.0
#define TL_BOTTOM 42.0

static void write_timeline_svg(FILE *out, const timeline *tl)
{
    static const char *const unit_names[] = { "day", "month", "year" };
    uint64_t max = 1;
    for (size_t i = 0; i < tl->n; i++)
        if (tl->errors[i] + tl->warnings[i] > max)
            max = tl->errors[i] + tl->warnings[i];
    uint64_t top = nice_ceiling(max);
    double pw = TL_W - TL_LEFT - TL_RIGHT, ph = TL_H - TL_TOP - TL_BOTTOM;
    double bw = pw / (double)tl->n, gap = bw > 4 ? (bw > 12 ? 2.0 : 1.0) : 0.0;
    fprintf(out, "<svg id=\"timeline\" style=\"width:100%%\" data-unit=\"%s\" data-bins=\"%zu\" "
                 "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
                 "aria-label=\"Findings per %s\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            unit_names[tl->unit], tl->n, TL_W, TL_H, TL_W, TL_H, unit_names[tl->unit]);
    fputs("<style>.grid{stroke:#e3e7ee}.axis{stroke:#9aa4b2}.tick{font-size:11.5px;"
          "fill:#5f6b7c}.b-err{fill:#d84343}.b-warn{fill:#f0a830}</style>\n", out);
    for (int k = 0; k <= 4; k++) {
        double y = TL_TOP + ph - ph * k / 4.0;
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                TL_LEFT, TL_W - TL_RIGHT, y, y, TL_LEFT - 6, y + 4);
        if (top * (uint64_t)k % 4 == 0)
            put_count(out, top * (uint64_t)k / 4);
        fputs("</text>\n", out);
    }
    for (size_t i = 0; i < tl->n; i++) {
        uint64_t e = tl->errors[i], w = tl->warnings[i];
        if (!e && !w)
            continue;
        double x = TL_LEFT + bw * (double)i + gap / 2, hw = bw - gap;
        double he = ph * (double)e / (double)top, hwarn = ph * (double)w / (double)top;
        fputs("<g><title>", out);
        timeline_label(out, tl, i);
        fputs(": ", out);
        put_counted(out, e, "error", "errors");
        fputs(", ", out);
        put_counted(out, w, "warning", "warnings");
        fputs("</title>", out);
        if (e)
            fprintf(out, "<rect class=\"b-err\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                         "height=\"%.2f\"/>", x, TL_TOP + ph - he, hw, he);
        if (w)
            fprintf(out, "<rect class=\"b-warn\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                         "height=\"%.2f\"/>", x, TL_TOP + ph - he - hwarn, hw, hwarn);
        fputs("</g>\n", out);
    }
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
            TL_LEFT, TL_W - TL_RIGHT, TL_TOP + ph, TL_TOP + ph);
    /* At most about ten labels, at evenly spaced bins. */
    size_t every = (tl->n + 9) / 10;
    for (size_t i = 0; i < tl->n; i += every) {
        double x = TL_LEFT + bw * ((double)i + 0.5);
        fprintf(out, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>"
                     "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                x, x, TL_TOP + ph, TL_TOP + ph + 4, x, TL_TOP + ph + 18);
        timeline_label(out, tl, i);
        fputs("</text>\n", out);
    }
    fputs("</svg>\n", out);
}

static int write_timeline(FILE *out, const acc_audit_result *r, const acc_flow *flow)
{
    fputs("<section id=\"timeline-section\"><h2>Findings over time</h2>\n", out);
    if (!flow || !r->has_period) {
        fprintf(out, "<p class=\"note\">%s</p></section>\n",
                !flow ? "The entries' times were not collected."
                      : "No entry has a valid time.");
        return ACC_OK;
    }
    timeline tl = { 0 };
    timeline_bins(&tl, r->period_min, r->period_max);
    tl.errors = acc_calloc(tl.n, sizeof *tl.errors);
    tl.warnings = acc_calloc(tl.n, sizeof *tl.warnings);
    if (!tl.errors || !tl.warnings) {
        acc_free(tl.errors);
        acc_free(tl.warnings);
        return ACC_ENOMEM;
    }
    uint64_t timed = 0;
    for (size_t i = 0; i < r->n_findings && i < flow->n_findings; i++) {
        const acc_flow_finding *ff = &flow->findings[i];
        int64_t bin = ff->linked && ff->has_time ? timeline_bin_of(&tl, ff->time) : -1;
        if (bin < 0 || (size_t)bin >= tl.n) {
            tl.untimed++;
            continue;
        }
        timed++;
        if (r->findings[i].severity == ACC_SEV_ERROR)
            tl.errors[bin]++;
        else
            tl.warnings[bin]++;
    }
    static const char *const per[] = { "day", "month", "year" };
    fputs("<p class=\"note\">Findings per ", out);
    if (tl.step > 1)
        fprintf(out, "%" PRId64 " years", tl.step);
    else
        fputs(per[tl.unit], out);
    fputs(", by the time of their entry: <span style=\"color:#d84343\">&#9632;</span> "
          "errors, <span style=\"color:#f0a830\">&#9632;</span> warnings.", out);
    if (tl.untimed) {
        fputs(" <span id=\"untimed\">", out);
        put_counted(out, tl.untimed, "finding has", "findings have");
        fputs(" no time (no entry, or an entry without a valid time): not shown.</span>",
              out);
    }
    fputs("</p>\n", out);
    if (timed)
        write_timeline_svg(out, &tl);
    acc_free(tl.errors);
    acc_free(tl.warnings);
    fputs("</section>\n", out);
    return ACC_OK;
}

/* ---- The findings table and its data ---- */

/* Copies a JSON piece into the page, with every '<' as \u003c (in JSON, '<' can only
 * appear inside a string, where the escape means the same character). */
static void copy_script_safe(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<')
            fputs("\\u003c", out);
        else
            fputc(s[i], out);
    }
}

/* Points j at a fresh in-memory stream (the previous piece must have been flushed). */
static int piece_open(acc_json *j, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *m = open_memstream(buf, len);
    if (!m)
        return ACC_ENOMEM;
    j->out = m;
    return ACC_OK;
}

/* Closes the current piece and copies it into the page. The buffer is libc's (from
 * open_memstream), so it is released with free(). */
static int piece_flush(acc_json *j, FILE *out, char **buf, size_t *len)
{
    if (fclose(j->out) != 0) {
        free(*buf);
        *buf = NULL;
        j->out = NULL;
        return ACC_ENOMEM;
    }
    j->out = NULL;
    copy_script_safe(out, *buf, *len);
    free(*buf);
    *buf = NULL;
    return ACC_OK;
}

static void json_index_or_null(acc_json *j, bool present, int64_t v)
{
    if (present)
        acc_json_int(j, v);
    else
        acc_json_null(j);
}

/* One finding: [code, severity, file, line, column, seq, id, kind, rule, from, to, time,
 * message] with indexes into the tables (ORDER: the C_* columns of SCRIPT). */
static int write_finding_json(acc_json *j, const acc_finding *f, const acc_flow_finding *ff,
                              name_table *rules)
{
    long rule = -1;
    if (f->rule && (rule = name_table_index(rules, f->rule)) < 0)
        return ACC_ENOMEM;
    acc_json_array_begin(j);
    acc_json_int(j, f->code);
    acc_json_int(j, f->severity);
    acc_json_int(j, (int64_t)f->file_index);
    acc_json_int(j, f->line);
    acc_json_int(j, f->column);
    json_index_or_null(j, f->has_entry && f->seq > 0, f->seq);
    acc_json_string(j, f->has_entry ? f->id : NULL);
    json_index_or_null(j, f->has_entry && f->kind >= 0, f->kind);
    json_index_or_null(j, rule >= 0, rule);
    bool linked = ff && ff->linked;
    json_index_or_null(j, linked && ff->from >= 0, linked ? ff->from : 0);
    json_index_or_null(j, linked && ff->to >= 0, linked ? ff->to : 0);
    if (linked && ff->has_time) {
        char t[ACC_TIME_TEXT_LEN + 1];
        acc_time_format(ff->time, t);
        acc_json_string(j, t);
    } else {
        acc_json_null(j);
    }
    acc_json_string(j, f->message);
    acc_json_array_end(j);
    return ACC_OK;
}

static void write_name_array(acc_json *j, const char *key, const char *const *names,
                             size_t n)
{
    acc_json_key(j, key);
    acc_json_array_begin(j);
    for (size_t i = 0; i < n; i++)
        acc_json_string(j, names[i]);
    acc_json_array_end(j);
}

/*
 * The data block. The tables come first, then the findings in pieces of JSON_PIECE
 * rows; the rule table is written last because rows may add to it.
 */
static int write_findings_json(FILE *out, const acc_audit_result *r, const acc_flow *flow,
                               name_table *rules)
{
    acc_json j;
    char *buf = NULL;
    size_t len = 0;
    acc_json_init(&j, NULL, 0);
    int status = piece_open(&j, &buf, &len);
    if (status != ACC_OK)
        return status;
    acc_json_object_begin(&j);
    const char *codes[ACC_FINDING_COUNT];
    for (int c = 0; c < ACC_FINDING_COUNT; c++)
        codes[c] = acc_finding_code_name((acc_finding_code)c);
    write_name_array(&j, "codes", codes, ACC_FINDING_COUNT);
    const char *severities[] = { acc_severity_name(ACC_SEV_NOTE),
                                 acc_severity_name(ACC_SEV_WARNING),
                                 acc_severity_name(ACC_SEV_ERROR) };
    write_name_array(&j, "severities", severities, 3);
    const char *kinds[ACC_KIND_COUNT];
    for (int k = 0; k < ACC_KIND_COUNT; k++)
        kinds[k] = acc_kind_name((acc_kind)k);
    write_name_array(&j, "kinds", kinds, ACC_KIND_COUNT);
    acc_json_key(&j, "files");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_files; i++)
        acc_json_string(&j, r->files[i].file);
    acc_json_array_end(&j);
    acc_json_key(&j, "parties");
    acc_json_array_begin(&j);
    for (size_t i = 0; flow && i < flow->n_parties; i++)
        acc_json_string(&j, flow->parties[i].name);
    acc_json_array_end(&j);
    acc_json_key(&j, "findings");
    acc_json_array_begin(&j);
    for (size_t i = 0; i < r->n_findings; i++) {
        if (i % JSON_PIECE == 0 && i > 0) {
            if ((status = piece_flush(&j, out, &buf, &len)) != ACC_OK ||
                (status = piece_open(&j, &buf, &len)) != ACC_OK)
                return status;
        }
        const acc_flow_finding *ff = flow && i < flow->n_findings ? &flow->findings[i] : NULL;
        if ((status = write_finding_json(&j, &r->findings[i], ff, rules)) != ACC_OK) {
            piece_flush(&j, out, &buf, &len);
            return status;
        }
    }
    acc_json_array_end(&j);
    write_name_array(&j, "rules", rules->names, rules->n);
    acc_json_object_end(&j);
    return piece_flush(&j, out, &buf, &len);
}

static int write_findings(FILE *out, const acc_audit_result *r, const acc_flow *flow,
                          name_table *rules)
{
    fputs("<section id=\"findings\"><h2>Findings</h2>\n", out);
    if (r->findings_truncated) {
        fputs("<p class=\"note\">The first ", out);
        put_count(out, r->n_findings);
        fputs(" of ", out);
        put_count(out, r->n_findings_total);
        fputs(" findings (--max-findings).</p>\n", out);
    }
    fputs("<div class=\"filters\">"
          "<label>Code<select id=\"f-code\"><option value=\"-1\">all codes</option>"
          "</select></label>"
          "<label>Rule<select id=\"f-rule\"><option value=\"-1\">all rules</option>"
          "</select></label>"
          "<label>Party<select id=\"f-party\"><option value=\"-1\">all parties</option>"
          "</select></label>"
          "<label>Search<input id=\"f-text\" type=\"search\" placeholder=\"id or message\">"
          "</label><span id=\"f-count\"></span></div>\n"
          "<div class=\"tscroll\"><table id=\"findings-table\"><colgroup>"
          "<col style=\"width:56px\"><col style=\"width:165px\"><col style=\"width:120px\">"
          "<col style=\"width:200px\"><col style=\"width:180px\"><col style=\"width:105px\">"
          "<col></colgroup><thead><tr><th class=\"n\">#</th><th>Finding</th><th>Rule</th>"
          "<th>Location</th><th>Entry (time UTC)</th><th>Parties</th><th>Message</th></tr></thead>"
          "<tbody id=\"findings-body\">"
          "</tbody></table></div>\n"
          "<div class=\"pager\"><span id=\"p-info\"></span>"
          "<button id=\"p-first\" type=\"button\">&laquo; First</button>"
          "<button id=\"p-prev\" type=\"button\">&lsaquo; Previous</button>"
          "<button id=\"p-next\" type=\"button\">Next &rsaquo;</button>"
          "<button id=\"p-last\" type=\"button\">Last &raquo;</button></div>\n"
          "<noscript><p class=\"note\">The findings table needs JavaScript; the summary, "
          "the diagram and the timeline above do not. <code>accord audit --format "
          "json</code> gives the same findings.</p></noscript>\n"
          "<script type=\"application/json\" id=\"findings-data\">", out);
    int status = write_findings_json(out, r, flow, rules);
    fputs("</script>\n</section>\n", out);
    return status;
}

/* ---- Verdict changes (--baseline) ---- */

static void write_changes(FILE *out, const acc_audit_result *r)
{
    if (!r->baseline)
        return;
    fputs("<section id=\"changes\"><h2>Verdict changes against ", out);
    html_text(out, r->baseline);
    fputs("</h2>\n<p class=\"note\">", out);
    put_counted(out, r->n_changes_total, "entry whose verdict differs",
                "entries whose verdict differs");
    fputs(" between the baseline and ", out);
    html_text(out, r->rules);
    fputs(".", out);
    if (r->n_changes > MAX_CHANGES_SHOWN) {
        fprintf(out, " The first %d are listed; <code>--format json</code> lists all.",
                MAX_CHANGES_SHOWN);
    }
    fputs("</p>\n", out);
    if (!r->n_changes) {
        fputs("</section>\n", out);
        return;
    }
    fputs("<table id=\"changes-table\"><thead><tr><th>Location</th><th>Entry</th>"
          "<th>Old</th><th>New</th></tr></thead><tbody>\n", out);
    for (size_t i = 0; i < r->n_changes && i < MAX_CHANGES_SHOWN; i++) {
        const acc_verdict_change *c = &r->changes[i];
        fputs("<tr><td class=\"mono\">", out);
        html_text(out, c->file);
        fprintf(out, ":%u:%u</td><td class=\"mono\">%s", c->line, c->column,
                acc_kind_name(c->kind));
        if (c->seq > 0)
            fprintf(out, " #%" PRId64, c->seq);
        if (c->id) {
            fputc(' ', out);
            html_text(out, c->id);
        }
        fprintf(out, "</td><td>%s</td><td class=\"%s\">%s</td></tr>\n",
                c->old_permitted ? "permitted" : "denied", c->new_permitted ? "good" : "bad",
                c->new_permitted ? "permitted" : "denied");
    }
    fputs("</tbody></table>\n</section>\n", out);
}

/* ---- The page ---- */

int acc_html_write_audit(FILE *out, const acc_audit_result *r, const acc_flow *flow,
                         const acc_report_options *opt)
{
    name_table rules = { 0 };
    int status = ACC_OK;
    /* The rule filter lists rules in rule set order, as the summary does. */
    for (size_t i = 0; i < r->n_by_rule; i++)
        if (name_table_index(&rules, r->by_rule[i].rule) < 0) {
            status = ACC_ENOMEM;
            goto done;
        }

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", out);
    fprintf(out, "<meta name=\"generator\" content=\"accord %s\">\n<title>Audit report: ",
            acc_version());
    html_text(out, r->rules);
    fputs(" &mdash; accord</title>\n<style>\n", out);
    put_lines(out, STYLE);
    fputs("</style>\n</head>\n<body>\n", out);

    fputs("<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">accord "
          "&middot; audit</div><h1>Audit report: ", out);
    html_text(out, r->rules);
    fputs("</h1><p class=\"sub\">", out);
    put_counted(out, r->n_files, "log", "logs");
    fputs(" audited as one stream against the rules of <strong>", out);
    html_text(out, r->rules);
    fputs("</strong>", out);
    if (r->baseline) {
        fputs(", compared with <strong>", out);
        html_text(out, r->baseline);
        fputs("</strong>", out);
    }
    fputs("</p></div></header>\n<main class=\"wrap\">\n", out);

    write_verdict(out, r, opt && opt->strict);
    write_summary(out, r, &rules);
    if ((status = write_flow(out, flow)) != ACC_OK ||
        (status = write_timeline(out, r, flow)) != ACC_OK)
        goto done;
    write_changes(out, r);
    if ((status = write_findings(out, r, flow, &rules)) != ACC_OK)
        goto done;
    fprintf(out, "</main>\n<footer class=\"wrap\">Written by accord %s. This page is "
                 "self-contained: it loads nothing from the network.</footer>\n<script>\n",
            acc_version());
    put_lines(out, SCRIPT);
    fputs("</script>\n</body>\n</html>\n", out);
    if (ferror(out))
        status = ACC_EIO;
done:
    acc_free(rules.names);
    return status;
}
