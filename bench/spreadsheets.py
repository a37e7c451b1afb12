"""Spreadsheets and dump/load at scale, as whole `stack` processes.

    .venv/bin/python bench/spreadsheets.py [--hosts 10000] [--runs 3]

Generates a hostfile of N hosts with two interfaces each on four networks,
then times `stack load hostfile` (new hosts, then the same file again over
existing hosts), `stack report hostfile`, `stack dump`, and `stack load
<dump> exec=true` into a fresh STACKI_HOME, with each process's CPU time and
peak memory. Targets: load <= 20 s, report <= 3 s, peak memory <= 1 GiB.
"""

from __future__ import annotations

import argparse
import ipaddress
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, Measure, fresh_home, in_home, line, measure

NETWORKS = 4
TARGETS = {"load": 20.0, "report": 3.0}
PEAK_TARGET_MIB = 1024


def hostfile(path: Path, hosts: int) -> None:
    """`hosts` backends, eth0 (default) and eth1 on two of four /16 networks."""
    lines = ["name,appliance,rack,rank,ip,mac,interface,network,default"]
    for i in range(hosts):
        name = f"backend-{i // 100}-{i % 100}"
        for nic in range(2):
            net = (i + nic) % NETWORKS
            ip = ipaddress.IPv4Address(f"10.{net}.0.0") + i + 1
            mac = ":".join(f"{b:02x}" for b in (2, nic, i >> 24 & 255, i >> 16 & 255,
                                                 i >> 8 & 255, i & 255))
            host = ("backend", i // 100, i % 100, "True") if nic == 0 else ("", "", "", "")
            lines.append(f"{name},{host[0]},{host[1]},{host[2]},{ip},{mac},eth{nic},"
                         f"net{net},{host[3]}")
    path.write_text("\n".join(lines) + "\n")


def add_networks(env: dict[str, str]) -> None:
    in_home(env, f"""
from stacki.inventory import models as m
m.Network.objects.bulk_create([m.Network(name=f"net{{n}}", address=f"10.{{n}}.0.0",
                                         mask="255.255.0.0") for n in range({NETWORKS})])
""")


def median(runs: list[Measure]) -> Measure:
    return Measure(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
                   max(r.peak for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stacki-bench-sheets-"))
    sheet, dump = work / "hosts.csv", work / "dump.json"
    hostfile(sheet, opts.hosts)
    figures: dict[str, tuple[Measure, float | None]] = {}
    with fresh_home() as env:
        add_networks(env)
        load = STACK + ["load", "hostfile", f"file={sheet}"]
        figures["stack load hostfile (new hosts)"] = (measure(load, env), TARGETS["load"])
        figures["stack load hostfile (same file again)"] = (measure(load, env), TARGETS["load"])
        figures["stack report hostfile"] = (median(
            [measure(STACK + ["report", "hostfile"], env) for _ in range(opts.runs)]),
            TARGETS["report"])
        figures["stack dump"] = (median(
            [measure(STACK + ["dump"], env, stdout=dump) for _ in range(opts.runs)]), None)
    with fresh_home() as env:
        figures["stack load <dump> exec=true (fresh home)"] = (
            measure(STACK + ["load", str(dump), "exec=true"], env), None)
    print(f"{opts.hosts} hosts x 2 interfaces on {NETWORKS} networks "
          f"(report and dump: median of {opts.runs} runs)")
    for name, (figure, target) in figures.items():
        print(line(name, figure, target, width=40))
    peak = max(figure.peak for figure, _ in figures.values())
    print(f"  peak memory {peak:.1f} MiB: target <= {PEAK_TARGET_MIB} MiB: "
          f"{'ok' if peak <= PEAK_TARGET_MIB else 'MISSED'}")


if __name__ == "__main__":
    main()
