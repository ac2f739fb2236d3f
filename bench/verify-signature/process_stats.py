#!/usr/bin/env python3
"""Whole-process cost of commands, measured side by side for bench.sh.

Usage: process_stats.py RUNS WARMUP NAME CMD [NAME CMD ...]   (CMD is one shell-quoted string)

Runs the commands interleaved (run i of every command before run i+1 of any), so load from
other work on the machine falls on all of them alike. Per run it takes the child's user+system
CPU from wait4() (microsecond resolution, unlike /usr/bin/time's 10 ms) and its wall time.
Children start with posix_spawn (glibc: clone with CLONE_VM|CLONE_VFORK), not fork: a fork of
this Python process copies its page tables and the child then pays copy-on-write faults until
exec, about 2 ms of wall and CPU charged to every measured command (/bin/true: 2.9 ms wall with
fork, 0.9 ms with posix_spawn), which is the harness's cost, not the command's.
Prints one line per command: NAME cpu_median_ms cpu_min_ms wall_median_ms wall_min_ms.
A command that exits nonzero fails the run: a benchmark of a failing command measures nothing.
"""
import os
import shlex
import statistics
import sys
import time


def run_once(argv, devnull):
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"process_stats: '{shlex.join(argv)}' exited {code}")
    return (usage.ru_utime + usage.ru_stime) * 1000, wall * 1000


def main():
    if len(sys.argv) < 5 or len(sys.argv) % 2 != 1:
        sys.exit(__doc__)
    runs, warmup = int(sys.argv[1]), int(sys.argv[2])
    commands = [(sys.argv[i], shlex.split(sys.argv[i + 1])) for i in range(3, len(sys.argv), 2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    cpu = {name: [] for name, _ in commands}
    wall = {name: [] for name, _ in commands}
    for i in range(warmup + runs):
        for name, argv in commands:
            c, w = run_once(argv, devnull)
            if i >= warmup:
                cpu[name].append(c)
                wall[name].append(w)
    for name, _ in commands:
        print(f"{name} {statistics.median(cpu[name]):.3f} {min(cpu[name]):.3f} "
              f"{statistics.median(wall[name]):.3f} {min(wall[name]):.3f}")


if __name__ == "__main__":
    main()
