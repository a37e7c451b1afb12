"""Restoring a dump next to loading the same hosts from a hostfile.

    .venv/bin/python bench/restore.py [--hosts 10000] [--runs 3]

Generates a hostfile of N hosts with two interfaces each on four networks
(as bench/spreadsheets.py does), then, each run in fresh STACKI_HOMEs, times
`stack load hostfile` of it and `stack load <dump> exec=true` of the whole
dump of the result. Target: the restore costs at most twice the hostfile.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, Measure, fresh_home, measure, median
from spreadsheets import NETWORKS, add_networks, hostfile

RATIO = 2.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stacki-bench-restore-"))
    sheet, dump = work / "hosts.csv", work / "dump.json"
    hostfile(sheet, opts.hosts)
    loads: list[Measure] = []
    restores: list[Measure] = []
    for _ in range(opts.runs):
        with fresh_home() as env:
            add_networks(env)
            loads.append(measure(STACK + ["load", "hostfile", f"file={sheet}"], env))
            if not dump.exists():
                measure(STACK + ["dump"], env, stdout=dump)
        with fresh_home() as env:
            restores.append(measure(STACK + ["load", str(dump), "exec=true"], env))
    load, restore = median(loads), median(restores)
    ratio = restore.wall / load.wall
    print(f"{opts.hosts} hosts x 2 interfaces on {NETWORKS} networks, median of {opts.runs} runs")
    print(f"  {'stack load hostfile':<36} {load.wall:7.2f} s wall {load.cpu:7.2f} s cpu "
          f"{load.peak:7.1f} MiB peak")
    print(f"  {'stack load <dump> exec=true':<36} {restore.wall:7.2f} s wall {restore.cpu:7.2f} s cpu "
          f"{restore.peak:7.1f} MiB peak")
    print(f"  restore / hostfile: {ratio:.2f}x (target <= {RATIO:g}x: "
          f"{'ok' if ratio <= RATIO else 'MISSED'})")


if __name__ == "__main__":
    main()
