"""Generated files at scale: report dhcpd / host / zones and sync config as
whole `stack` processes.

    .venv/bin/python bench/reports.py [--runs N] [--hosts 10000]

Builds a cluster of HOSTS backends with two interfaces each on four networks
(two pxe, all four in DNS, an alias per second interface) through the ORM in
a fresh STACKI_HOME, then prints each command's median wall time and its
peak resident memory (and its CPU time, steadier on a busy machine).
Targets: each <= 3 s, peak <= 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, fresh_home, in_home

COMMANDS = (["report", "dhcpd"], ["report", "host"], ["report", "zones"], ["sync", "config"])
TARGET_SECONDS = 3.0
TARGET_BYTES = 1 << 30


def build_cluster(env: dict[str, str], count: int) -> None:
    """Four /16 networks, the frontend on each, `count` hosts with eth0 on one
    of the pxe networks and eth1 (aliased) on one of the others."""
    in_home(env, f"""
from stacki.inventory import models as m
nets = [m.Network.objects.create(name=f"net{{k}}", address=f"10.{{k}}.0.0", mask="255.255.0.0",
                                 gateway=f"10.{{k}}.255.254", zone=f"zone{{k}}.example",
                                 dns=True, pxe=k < 2) for k in range(4)]
fe = m.Host.objects.get(appliance__name="frontend")
m.Interface.objects.bulk_create([
    m.Interface(host=fe, device=f"eth{{k + 2}}", ip=f"10.{{k}}.255.1", network=net,
                mac="52:54:00:00:01:%02x" % k) for k, net in enumerate(nets)])
app = m.Appliance.objects.get(name="backend")
box = m.Box.objects.get(name="default")
hosts = m.Host.objects.bulk_create(
    [m.Host(name=f"backend-{{i // 100}}-{{i % 100}}", appliance=app, box=box, rack=str(i // 100),
            rank=str(i % 100), osaction="default", installaction="default", boot="os")
     for i in range({count})], batch_size=2000)
hosts = m.Host.objects.filter(appliance=app).order_by("id")

def address(k, i):
    return f"10.{{k}}.{{i // 250}}.{{i % 250 + 2}}"

def mac(side, i):
    return "02:%02x:00:%02x:%02x:%02x" % (side, (i >> 16) & 255, (i >> 8) & 255, i & 255)

nics = []
for i, h in enumerate(hosts):
    a, b = i % 2, 2 + i % 2
    nics.append(m.Interface(host=h, device="eth0", mac=mac(0, i), ip=address(a, i),
                            network=nets[a], default=True, name=h.name))
    nics.append(m.Interface(host=h, device="eth1", mac=mac(1, i), ip=address(b, i),
                            network=nets[b], name=h.name))
m.Interface.objects.bulk_create(nics, batch_size=2000)
eth1 = m.Interface.objects.filter(device="eth1", host__appliance=app).values_list("id", "host__name")
m.Alias.objects.bulk_create([m.Alias(interface_id=i, name=f"{{name}}-data") for i, name in eth1],
                            batch_size=2000)
""")


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time, CPU time and peak resident memory (bytes) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=10000)
    opts = parser.parse_args()
    with fresh_home() as env:
        start = time.perf_counter()
        build_cluster(env, opts.hosts)
        print(f"{opts.hosts} hosts x 2 interfaces on 4 networks "
              f"(built in {time.perf_counter() - start:.1f} s), median of {opts.runs} runs")
        failed = False
        for words in COMMANDS:
            runs = [measure(STACK + words, env) for _ in range(opts.runs)]
            seconds = statistics.median(t for t, _, _ in runs)
            cpu = statistics.median(c for _, c, _ in runs)
            peak = max(p for _, _, p in runs)
            ok = seconds <= TARGET_SECONDS and peak <= TARGET_BYTES
            failed |= not ok
            print(f"  stack {' '.join(words):<15} {seconds:6.2f} s  (cpu {cpu:5.2f} s)"
                  f"   peak {peak / 2**20:7.1f} MiB   {'ok' if ok else 'OVER TARGET'}")
        written = sum(f.stat().st_size for f in Path(env["STACKI_SYSROOT"]).rglob("*")
                      if f.is_file())
        print(f"  sync config wrote {written / 2**20:.1f} MiB under STACKI_SYSROOT")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
