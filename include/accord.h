/*
 * accord.h - the public API of libaccord, the formal verifier and audit-log analyzer for
 * intelligence-sharing accords.
 *
 * The pipeline, one header per stage:
 *   accord/core.h      status codes, diagnostics sink, kinds and fields, time values
 *   accord/rules.h     rule files (.accord): parse, apply amendments, compile to a rule set
 *   accord/eval.h      the concrete evaluator: one event in, a verdict out
 *   accord/analysis.h  static analyses with Z3: check, diff, SMT-LIB2 export
 *   accord/audit.h     streaming audit of XML exchange logs
 *   accord/report.h    rendering results as text, JSON, SARIF, JUnit and HTML
 *
 * Ownership, once for the whole library: every object returned through an `out`
 * parameter belongs to the caller and is released with its matching *_free function;
 * strings inside a result are owned by that result. The library never prints: it reports
 * through a diagnostic sink or writes to a FILE the caller hands it.
 */
#ifndef ACCORD_H
#define ACCORD_H

#include "accord/core.h"
#include "accord/rules.h"
#include "accord/eval.h"
#include "accord/analysis.h"
#include "accord/audit.h"
#include "accord/report.h"

#endif
