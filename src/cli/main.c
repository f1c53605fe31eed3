/*
 * main.c - the accord command line: parses the subcommand and options, then hands over to
 * the command's function (cmd_*.c). Usage errors exit 2 with a one-line reason.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("accord: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'accord --help'.\n", stderr);
    return EXIT_UNUSABLE;
}

static bool parse_long(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0)
        return false;
    *out = v;
    return true;
}

/* Appends `value` to a growable array of strings (argv storage, never freed early). */
static bool push_arg(const char ***list, size_t *n, const char *value)
{
    const char **bigger = realloc(*list, (*n + 1) * sizeof **list);
    if (!bigger)
        return false;
    bigger[(*n)++] = value;
    *list = bigger;
    return true;
}

/* Options that take a value: returns it (from "--opt=value" or the next argument). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) == 0 && arg[len] == '=')
        return arg + len + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return strncmp(arg, name, len) == 0 && (arg[len] == '\0' || arg[len] == '=');
}

typedef struct command {
    const char *name;
    int (*run)(const cli_options *);
} command;

static const command commands[] = {
    { "lint", cli_cmd_lint },   { "check", cli_cmd_check }, { "diff", cli_cmd_diff },
    { "audit", cli_cmd_audit }, { "smt", cli_cmd_smt },     { NULL, NULL },
};

static int run(int argc, char **argv, cli_options *o)
{
    if (argc < 2) {
        cli_print_help(stderr, NULL);
        return EXIT_UNUSABLE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        cli_print_help(stdout, NULL);
        return EXIT_CLEAN;
    }
    if (strcmp(name, "--version") == 0) {
        printf("accord %s\n", acc_version());
        return EXIT_CLEAN;
    }
    if (strcmp(name, "help") == 0) {
        if (!cli_print_help(stdout, argc > 2 ? argv[2] : NULL))
            return usage_error("no such command '%s'", argv[2]);
        return EXIT_CLEAN;
    }
    const command *cmd = commands;
    while (cmd->name && strcmp(cmd->name, name) != 0)
        cmd++;
    if (!cmd->name)
        return usage_error("no such command '%s'", name);
    o->command = cmd->name;

    bool only_positional = false;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *v;
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (!push_arg(&o->args, &o->n_args, arg))
                return usage_error("%s", "out of memory");
        } else if (strcmp(arg, "--") == 0) {
            only_positional = true;
        } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            cli_print_help(stdout, cmd->name);
            return EXIT_CLEAN;
        } else if (strcmp(arg, "--version") == 0) {
            printf("accord %s\n", acc_version());
            return EXIT_CLEAN;
        } else if (is_option(arg, "--format")) {
            if (!(v = option_value(argc, argv, &i, "--format")))
                return usage_error("%s needs a value: text, json, sarif, junit or html", arg);
            int f = acc_format_from_name(v);
            if (f < 0)
                return usage_error("unknown format '%s' (text, json, sarif, junit, html)", v);
            o->format = (acc_format)f;
        } else if (strcmp(arg, "-o") == 0 || is_option(arg, "--output")) {
            if (!(v = option_value(argc, argv, &i, "--output")))
                return usage_error("%s needs a file name", arg);
            o->output = v;
        } else if (is_option(arg, "--color") || is_option(arg, "--colour")) {
            if (!(v = option_value(argc, argv, &i, arg[7] == 'u' ? "--colour" : "--color")))
                return usage_error("%s needs a value: auto, always or never", arg);
            if (strcmp(v, "auto") == 0) o->color = -1;
            else if (strcmp(v, "always") == 0) o->color = 1;
            else if (strcmp(v, "never") == 0) o->color = 0;
            else return usage_error("unknown colour mode '%s' (auto, always, never)", v);
        } else if (is_option(arg, "--timeout")) {
            long ms;
            if (!(v = option_value(argc, argv, &i, "--timeout")) || !parse_long(v, &ms) ||
                ms == 0 || ms > 86400000L)
                return usage_error("--timeout needs milliseconds between 1 and 86400000, not '%s'",
                                   v ? v : "");
            o->timeout_ms = (unsigned)ms;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            o->quiet = true;
        } else if (strcmp(arg, "--strict") == 0) {
            o->strict = true;
        } else if (strcmp(arg, "--deny-new-permits") == 0) {
            o->deny_new_permits = true;
        } else if (strcmp(arg, "-r") == 0 || is_option(arg, "--rules")) {
            if (!(v = option_value(argc, argv, &i, "--rules")))
                return usage_error("%s needs a rule file", arg);
            if (!push_arg(&o->rules, &o->n_rules, v))
                return usage_error("%s", "out of memory");
        } else if (is_option(arg, "--baseline")) {
            if (!(v = option_value(argc, argv, &i, "--baseline")))
                return usage_error("%s needs a rule file", arg);
            if (!push_arg(&o->baseline, &o->n_baseline, v))
                return usage_error("%s", "out of memory");
        } else if (is_option(arg, "--chain-head")) {
            if (!(v = option_value(argc, argv, &i, "--chain-head")))
                return usage_error("%s needs a SHA-256 digest (64 hex digits)", arg);
            o->chain_head = v;
        } else if (is_option(arg, "--max-findings")) {
            if (!(v = option_value(argc, argv, &i, "--max-findings")) ||
                !parse_long(v, &o->max_findings))
                return usage_error("--max-findings needs a number, not '%s'", v ? v : "");
        } else if (is_option(arg, "--threads")) {
            long n;
            if (!(v = option_value(argc, argv, &i, "--threads")) || !parse_long(v, &n) ||
                n < 1 || n > 256)
                return usage_error("--threads needs a number between 1 and 256, not '%s'",
                                   v ? v : "");
            o->threads = (unsigned)n;
        } else {
            return usage_error("unknown option '%s'", arg);
        }
    }
    return cmd->run(o);
}

int main(int argc, char **argv)
{
    cli_options o = { .format = ACC_FORMAT_TEXT, .color = -1, .max_findings = -1 };
    int code = run(argc, argv, &o);
    free(o.args);
    free(o.rules);
    free(o.baseline);
    return code;
}
