/*
 * gen_log.c - the command line of the exchange-log generator (loggen.h).
 *
 *   gen_log [-n ENTRIES] [--seed N] [--rate P] [--codes CODE,...] [--chain] [--assume]
 *           [--truncate] [--no-wrap] [--notes N] [--flows N] [--first-seq N]
 *           [--items N] [-o LOG] [--truth FILE] [--stats]
 *
 * Writes the log to LOG (default stdout) and the ground truth to FILE; --stats prints
 * what was written ("entries 1000000", "bytes ...", "fact_keys ...", one per line) to
 * stderr. Exit status 0, 1 on a write error, 2 on bad usage.
 */
#define _POSIX_C_SOURCE 200809L
#include "loggen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int usage(const char *why)
{
    fprintf(stderr, "gen_log: %s\n"
            "usage: gen_log [-n ENTRIES] [--seed N] [--rate P] [--codes CODE,...] [--chain]\n"
            "               [--assume] [--truncate] [--no-wrap] [--notes N] [--flows N]\n"
            "               [--first-seq N] [--items N] [-o LOG] [--truth FILE] [--stats]\n",
            why);
    return 2;
}

static bool number(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool codes(const char *list, uint32_t *mask)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    *mask = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int c = loggen_code_from_name(t);
        if (c < 0)
            return false;
        *mask |= 1u << c;
    }
    return *mask != 0;
}

int main(int argc, char **argv)
{
    loggen_options opt;
    loggen_options_init(&opt);
    const char *out_path = NULL, *truth_path = NULL;
    bool stats = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (strcmp(a, "--chain") == 0) {
            opt.chain = true;
        } else if (strcmp(a, "--assume") == 0) {
            opt.assume = true;
        } else if (strcmp(a, "--truncate") == 0) {
            opt.truncate = true;
        } else if (strcmp(a, "--no-wrap") == 0) {
            opt.wrap = false;
        } else if (strcmp(a, "--stats") == 0) {
            stats = true;
        } else if (!v) {
            return usage("missing value or unknown option");
        } else if (strcmp(a, "-n") == 0 && number(v, &n)) {
            opt.entries = n, i++;
        } else if (strcmp(a, "--seed") == 0 && number(v, &n)) {
            opt.seed = n, i++;
        } else if (strcmp(a, "--notes") == 0 && number(v, &n)) {
            opt.notes = (unsigned)n, i++;
        } else if (strcmp(a, "--flows") == 0 && number(v, &n) && n > 0 && n < 1000000) {
            opt.open_flows = (unsigned)n, i++;
        } else if (strcmp(a, "--items") == 0 && number(v, &n) && n > 0 && n < 100000000) {
            opt.items = (uint32_t)n, i++;
        } else if (strcmp(a, "--first-seq") == 0 && number(v, &n) && n > 0) {
            opt.first_seq = n, i++;
        } else if (strcmp(a, "--rate") == 0) {
            char *end;
            opt.rate = strtod(v, &end);
            if (*end || end == v || opt.rate < 0 || opt.rate > 1)
                return usage("--rate needs a probability in [0, 1]");
            i++;
        } else if (strcmp(a, "--codes") == 0) {
            if (!codes(v, &opt.codes))
                return usage("--codes needs finding codes of cli.md, comma-separated");
            i++;
        } else if (strcmp(a, "-o") == 0) {
            out_path = v, i++;
        } else if (strcmp(a, "--truth") == 0) {
            truth_path = v, i++;
        } else {
            return usage("unknown option or bad value");
        }
    }
    FILE *out = out_path ? fopen(out_path, "wb") : stdout;
    FILE *truth = truth_path ? fopen(truth_path, "w") : NULL;
    if (!out || (truth_path && !truth)) {
        perror("gen_log");
        return 1;
    }
    loggen_stats st;
    int rc = loggen_write(&opt, out, truth, &st);
    if (out != stdout && fclose(out) != 0)
        rc = -1;
    if (truth && fclose(truth) != 0)
        rc = -1;
    if (rc != 0) {
        perror("gen_log: writing failed");
        return 1;
    }
    if (stats) {
        fprintf(stderr, "entries %llu\nbytes %llu\nflows %llu\ninjected %llu\nfindings %llu\n"
                "ids %llu\nfact_keys %llu\n", (unsigned long long)st.entries,
                (unsigned long long)st.bytes, (unsigned long long)st.flows,
                (unsigned long long)st.injected, (unsigned long long)st.findings,
                (unsigned long long)st.ids, (unsigned long long)st.fact_keys);
        for (int c = 0; c < LOGGEN_CODE_COUNT; c++)
            if (st.by_code[c])
                fprintf(stderr, "injected.%s %llu\n", loggen_code_name((loggen_code)c),
                        (unsigned long long)st.by_code[c]);
    }
    return 0;
}
