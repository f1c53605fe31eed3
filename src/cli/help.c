/*
 * help.c - `accord --help`, `accord help COMMAND` and `accord COMMAND --help`.
 * The texts here and docs/cli.md and the man page describe the same options.
 */
#include "cli.h"

#include <string.h>

static const char general_help[] =
"usage: accord COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Formal verifier and audit-log analyzer for intelligence-sharing accords.\n"
"\n"
"Commands:\n"
"  lint [RULES...]              parse and type-check rule files, then analyse as check does\n"
"  check [RULES]                prove each invariant, or show a witness; dead/redundant rules\n"
"  diff OLD NEW                 what NEW newly permits or forbids, with classes and examples\n"
"  audit [-r RULES] LOG...      check recorded XML exchange logs entry by entry\n"
"  smt [RULES]                  print the SMT-LIB2 encoding of the analyses\n"
"  help COMMAND                 show the help of one command\n"
"\n"
"RULES is a rule file, or a base rule file followed by amendment files applied in order.\n"
"Without RULES the built-in TISA-2014 rule set (rules/tisa-2014.accord) is used.\n"
"\n"
"Common options:\n"
"  --format text|json|sarif|junit|html   output format (default text; html: audit only)\n"
"  -o, --output FILE             write the report to FILE (atomically; '-' is stdout)\n"
"  --color auto|always|never     colour in text output (default auto: only on a terminal,\n"
"                                never when NO_COLOR is set; --colour is the same)\n"
"  --timeout MS                  limit for each solver query in milliseconds\n"
"  -q, --quiet                   only the summary and errors\n"
"  --strict                      warnings fail the run too\n"
"  -h, --help                    show help;  --version  show the version\n"
"  --                            end of options: what follows are file names\n"
"Command options: --deny-new-permits (diff); -r/--rules, --baseline, --chain-head,\n"
"--max-findings (audit). See 'accord help COMMAND' and 'man accord'.\n"
"\n"
"Exit codes: 0 clean, 1 findings, 2 unusable input or bad usage, 3 inconclusive\n"
"(a solver query returned unknown or timed out).\n";

static const struct {
    const char *name;
    const char *text;
} command_help[] = {
    { "lint",
"usage: accord lint [OPTIONS] [RULES...]\n"
"\n"
"Parses, resolves and type-checks every rule file given (an amendment is checked applied\n"
"to its base, which must be among the files given or the built-in TISA-2014), reporting\n"
"every error with file:line:column and a caret. Each rule set that compiles is then\n"
"analysed as `accord check` does.\n"
"\n"
"Options: --format text|json|sarif|junit, -o FILE, --timeout MS, --strict, --color, -q\n"
"Exit: 0 clean; 1 an invariant violated (or, with --strict, a dead or redundant rule);\n"
"2 a syntax or type error, an unreadable file, a missing base; 3 inconclusive.\n" },
    { "check",
"usage: accord check [OPTIONS] [RULES]\n"
"\n"
"Proves each invariant of the rule set from its rules with Z3, or shows a witness event\n"
"that the rules permit and the invariant forbids, with the rules that let it through.\n"
"Reports dead rules (can never apply) and redundant rules (removing one changes nothing)\n"
"as warnings. Every witness is re-checked by the concrete evaluator before it is shown.\n"
"\n"
"Options: --format text|json|sarif|junit, -o FILE, --timeout MS, --strict, --color, -q\n"
"Exit: 0 every invariant proven; 1 an invariant violated (with --strict, also a warning);\n"
"2 unusable rules; 3 a query returned unknown or timed out.\n" },
    { "diff",
"usage: accord diff [OPTIONS] OLD NEW\n"
"\n"
"Change impact of NEW against OLD: the events newly permitted and newly forbidden, per\n"
"kind, as classes (field -> values) with a witness and the rules responsible; every\n"
"invariant of NEW re-checked; every invariant of OLD that NEW replaced or removed checked\n"
"under NEW's rules. NEW may be an amendment of OLD (its `to` must name OLD).\n"
"\n"
"Options: --deny-new-permits (fail when anything is newly permitted), --strict (fail when\n"
"a replaced invariant of OLD no longer holds), --format text|json|sarif|junit, -o FILE,\n"
"--timeout MS, --color, -q\n"
"Exit: 0 nothing breaks an invariant of NEW; 1 something does (or the gates above);\n"
"2 unusable rules; 3 inconclusive.\n" },
    { "audit",
"usage: accord audit [OPTIONS] [-r RULES]... LOG...\n"
"       accord audit -r NEW --baseline OLD LOG...\n"
"\n"
"Streams the XML exchange logs, in the order given, as one stream: every entry is checked\n"
"against the rules (permitted, not forbidden), the invariants, the assumptions, and the\n"
"integrity checks (schema, declared values, seq, unique ids, references, hash chain).\n"
"Each finding gives file, line and column of the entry's start tag.\n"
"\n"
"Options:\n"
"  -r, --rules FILE        rule file (repeat: base then amendments; default TISA-2014)\n"
"  --baseline FILE         also evaluate with this rule set and list changed verdicts\n"
"  --chain-head HEX        compare the last entry's digest with a published value\n"
"  --max-findings N        list at most N findings (all are still counted)\n"
"  --threads N             1: one thread; 2 or more: parse on a second thread (default:\n"
"                          2 when the machine has more than one processor)\n"
"  --format text|json|sarif|junit|html, -o FILE, --color, -q, --strict\n"
"Exit: 0 no finding of severity error; 1 findings (or changed verdicts with --baseline);\n"
"2 malformed XML, a wrong root, an unreadable file or unusable rules.\n" },
    { "smt",
"usage: accord smt [OPTIONS] [RULES]\n"
"\n"
"Prints the SMT-LIB2 encoding of the rule set and of each analysis query (named\n"
"assertions, one push/check-sat/pop per query), so that z3 or cvc5 can re-check any\n"
"answer of `accord check`: `accord smt rules/x.accord | z3 -in`.\n"
"\n"
"Options: -o FILE\n"
"Exit: 0 written; 2 unusable rules.\n" },
    { "help",
"usage: accord help [COMMAND]\n"
"\n"
"Shows the help of COMMAND (lint, check, diff, audit, smt), as 'accord COMMAND --help'\n"
"does, or the general help. The manual page is 'man accord'.\n" },
};

bool cli_print_help(FILE *fp, const char *command)
{
    if (!command) {
        fputs(general_help, fp);
        return true;
    }
    for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++) {
        if (strcmp(command_help[i].name, command) == 0) {
            fputs(command_help[i].text, fp);
            return true;
        }
    }
    return false;
}
