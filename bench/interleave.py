#!/usr/bin/env python3
"""bench/interleave.py - time commands side by side, interleaved, and give their ratios.

    interleave.py [--runs N] [--warmup W] [--json FILE] [--ref K] COMMAND...

Runs every COMMAND once per round, N rounds (after W warm-up rounds that are not kept),
each round in a rotated order, so that a slow spell of a shared machine falls on all
commands alike instead of on whichever hyperfine happened to be timing. For each run it
records the wall time and the CPU time (user + system of the child, from wait4).

For each command it prints the median wall and CPU time, and its ratio to the reference
command (index K, 0-based; default 0): the median over the rounds of
reference time / command time, so a ratio above 1 means faster than the reference,
with the lowest and highest round. The ratio of medians and the median of paired ratios
agree on a quiet machine; the paired one is steadier on a noisy one.

Exit status of the commands is ignored (an audit that finds violations exits 1); their
output goes to /dev/null. The JSON file holds every run.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    """Wall and CPU seconds of one run of argv."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--ref", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("--markdown", action="store_true",
                    help="print a Markdown table instead of plain lines")
    ap.add_argument("--strip", action="append", default=[],
                    help="a prefix to remove from the commands shown (repeatable)")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    if a.runs < 1 or not 0 <= a.ref < len(a.commands):
        ap.error("--runs must be positive and --ref the index of a command")
    argvs = [shlex.split(c) for c in a.commands]
    n = len(argvs)
    walls = [[] for _ in argvs]
    cpus = [[] for _ in argvs]
    for r in range(a.warmup + a.runs):
        order = [(r + i) % n for i in range(n)]
        for k in order:
            wall, cpu = run_once(argvs[k])
            if r >= a.warmup:
                walls[k].append(wall)
                cpus[k].append(cpu)
    ref = a.ref
    results = []
    for k, c in enumerate(a.commands):
        paired = [walls[ref][i] / walls[k][i] for i in range(a.runs)]
        # A command can use no measurable CPU time (`true`): no CPU ratio then.
        paired_cpu = [cpus[ref][i] / cpus[k][i] for i in range(a.runs) if cpus[k][i] > 0]
        results.append({
            "command": c,
            "wall": walls[k], "cpu": cpus[k],
            "wall_median": statistics.median(walls[k]),
            "cpu_median": statistics.median(cpus[k]),
            "ratio_wall": statistics.median(paired),
            "ratio_wall_min": min(paired), "ratio_wall_max": max(paired),
            "ratio_cpu": statistics.median(paired_cpu) if paired_cpu else None,
        })
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": a.runs, "reference": ref, "results": results}, f, indent=1)
    def short(c):
        for prefix in a.strip:
            c = c.replace(prefix, "")
        return c
    if a.markdown:
        print("| command | wall (median) | CPU (median) | vs reference: wall (lowest..highest"
              " round) | CPU |")
        print("|---|---|---|---|---|")
    def cpu_ratio(r):
        return "%.2fx" % r["ratio_cpu"] if r["ratio_cpu"] is not None else "n/a"
    for r in results:
        if a.markdown:
            print("| `%s` | %.3f s | %.3f s | %.2fx (%.2f..%.2f) | %s |" % (
                short(r["command"]), r["wall_median"], r["cpu_median"], r["ratio_wall"],
                r["ratio_wall_min"], r["ratio_wall_max"], cpu_ratio(r)))
        else:
            print("%-60s wall %.3f s  cpu %.3f s  ratio %.2fx (%.2f..%.2f)  cpu ratio %s" % (
                short(r["command"])[-60:], r["wall_median"], r["cpu_median"], r["ratio_wall"],
                r["ratio_wall_min"], r["ratio_wall_max"], cpu_ratio(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
