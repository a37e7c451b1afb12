"""Storage spreadsheets at scale, as whole `stack` processes.

    .venv/bin/python bench/storage.py [--hosts 10000] [--runs 3]

Makes N backends, then times `stack load storage_partition` with a sheet
giving every host its own four partitions (one row each, the NAME repeated
on the first row only), `stack load storage_controller` with a RAID 1 pair
and a hot spare per host, the same partition sheet loaded again over the
stored rows, `stack report storage_partition`, and `stack list host storage
partition` resolving every host. Each figure is the process's wall time,
CPU time and peak memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, Measure, add_hosts, fresh_home, line, measure, median

TARGET_LOAD = 20.0  # seconds, as for a hostfile of the same hosts


def names(hosts: int) -> list[str]:
    return [f"backend-{i // 100}-{i % 100}" for i in range(hosts)]


def partition_sheet(path: Path, hosts: int) -> None:
    rows = ["NAME,DEVICE,PARTID,MOUNTPOINT,SIZE,TYPE,OPTIONS"]
    for name in names(hosts):
        rows += [f"{name},sda,1,/,20000,xfs,", ",sda,2,swap,recommended,swap,",
                 ",sda,3,/var,8000,xfs,", ",sdb,4,/export,0,xfs,"]
    path.write_text("\n".join(rows) + "\n")


def controller_sheet(path: Path, hosts: int) -> None:
    rows = ["NAME,SLOT,RAID LEVEL,ARRAY ID,ENCLOSURE,ADAPTER,OPTIONS"]
    for name in names(hosts):
        rows += [f"{name},0,1,1,,,", ",1,1,1,,,", ",2,hotspare,1,,,"]
    path.write_text("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stacki-bench-storage-"))
    partitions, controllers = work / "partition.csv", work / "controller.csv"
    partition_sheet(partitions, opts.hosts)
    controller_sheet(controllers, opts.hosts)
    figures: dict[str, tuple[Measure, float | None]] = {}
    with fresh_home() as env:
        add_hosts(env, opts.hosts)
        load = STACK + ["load", "storage_partition", f"file={partitions}"]
        figures["stack load storage_partition"] = (measure(load, env), TARGET_LOAD)
        figures["stack load storage_controller"] = (measure(
            STACK + ["load", "storage_controller", f"file={controllers}"], env), TARGET_LOAD)
        figures["stack load storage_partition (again)"] = (measure(load, env), TARGET_LOAD)
        for words in (["report", "storage_partition"], ["list", "host", "storage", "partition"]):
            figures["stack " + " ".join(words)] = (median(
                [measure(STACK + words, env) for _ in range(opts.runs)]), None)
    print(f"{opts.hosts} hosts: {4 * opts.hosts} partition rows, {3 * opts.hosts} controller "
          f"rows (report and list: median of {opts.runs} runs)")
    for name, (figure, target) in figures.items():
        print(line(name, figure, target))


if __name__ == "__main__":
    main()
