"""Shared helpers of the benchmark scripts: a throw-away STACKI_HOME, bulk
inventory through the ORM, and timing of whole processes."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STACK = [PYTHON, "-m", "stacki.cli"]


@contextmanager
def fresh_home() -> Iterator[dict[str, str]]:
    """An initialised STACKI_HOME in a temporary directory; yields the environment."""
    tmp = Path(tempfile.mkdtemp(prefix="stacki-bench-"))
    env = dict(os.environ, STACKI_HOME=str(tmp / "home"), HOME=str(tmp / "user"),
               STACKI_SYSROOT=str(tmp / "sysroot"), STACKI_FRONTEND_NAME="frontend-0-0",
               PYTHONPATH=str(ROOT))
    # Start-up is measured as installed code runs: from bytecode, not
    # compiling the sources on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "stacki")], env=env, check=True)
    (tmp / "user").mkdir()
    try:
        subprocess.run(STACK + ["list", "host"], env=env, check=True, capture_output=True)
        yield env
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def in_home(env: dict[str, str], code: str) -> None:
    """Run Python code with Django set up against the benchmark's home."""
    prelude = "from stacki import home; home.setup()\n"
    subprocess.run([PYTHON, "-c", prelude + code], env=env, check=True)


def add_hosts(env: dict[str, str], count: int, interfaces: bool = False) -> None:
    """Bulk-create backend hosts backend-<rack>-<rank> (and an eth0 each)."""
    in_home(env, f"""
from stacki.inventory import models as m
app = m.Appliance.objects.get(name="backend")
box = m.Box.objects.get(name="default")
hosts = [m.Host(name=f"backend-{{i // 100}}-{{i % 100}}", appliance=app, box=box,
                rack=str(i // 100), rank=str(i % 100), osaction="default",
                installaction="default", boot="os") for i in range({count})]
m.Host.objects.bulk_create(hosts, batch_size=2000)
if {interfaces!r}:
    import ipaddress
    net = m.Network.objects.create(name="bench", address="10.0.0.0", mask="255.0.0.0")
    base = int(ipaddress.IPv4Address("10.0.0.1"))
    ifs = [m.Interface(host=h, device="eth0", mac="02:00:%02x:%02x:%02x:%02x" % (
               (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255),
               ip=str(ipaddress.IPv4Address(base + n)), network=net, default=True,
               name=h.name)
           for n, h in enumerate(m.Host.objects.filter(name__startswith="backend-"))]
    m.Interface.objects.bulk_create(ifs, batch_size=2000)
""")


def time_process(argv: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of `runs` runs of a whole process, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floors(env: dict[str, str], runs: int) -> dict[str, float]:
    return {
        "python -c pass": time_process([PYTHON, "-c", "pass"], env, runs),
        "python -c 'import django.db.models'": time_process(
            [PYTHON, "-c", "import django.db.models"], env, runs),
    }


def report(title: str, figures: dict[str, float], floor: float) -> None:
    print(title)
    for name, seconds in figures.items():
        print(f"  {name:<45} {seconds * 1000:8.1f} ms  {seconds / floor:5.2f} x django floor")


@dataclass
class Measure:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak: float  # MiB, maximum resident set size


# Runs a command as its only child and reports the child's own figures.
_MEASURE = """
import json, resource, subprocess, sys, time
out = subprocess.DEVNULL if sys.argv[1] == "-" else open(sys.argv[1], "wb")
start = time.perf_counter()
subprocess.run(sys.argv[2:], check=True, stdout=out, stdin=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))
"""


def measure(argv: list[str], env: dict[str, str], stdout: Path | None = None) -> Measure:
    """Wall time, CPU time and peak memory of one run of a whole process
    (its stdout goes to `stdout`, or nowhere)."""
    done = subprocess.run([PYTHON, "-c", _MEASURE, str(stdout or "-"), *argv], env=env,
                          check=True, capture_output=True, text=True)
    wall, cpu, peak_kib = json.loads(done.stdout)
    return Measure(wall, cpu, peak_kib / 1024)


def median(samples: list[Measure]) -> Measure:
    return Measure(*(statistics.median(getattr(s, f) for s in samples)
                     for f in ("wall", "cpu", "peak")))


def line(name: str, figure: Measure, target: float | None = None, width: int = 44) -> str:
    """One figure's line, with whether it met its target (seconds of wall time)."""
    verdict = ""
    if target is not None:
        verdict = f"  target <= {target:g} s: {'ok' if figure.wall <= target else 'MISSED'}"
    return (f"  {name:<{width}} {figure.wall:7.2f} s wall {figure.cpu:7.2f} s cpu "
            f"{figure.peak:7.1f} MiB peak{verdict}")


def median_measure(argv: list[str], env: dict[str, str], runs: int) -> Measure:
    """Median wall time, CPU time and peak memory over `runs` runs. CPU time is
    the steadier figure on a busy machine."""
    return median([measure(argv, env) for _ in range(runs)])


def interleaved(commands: dict[str, list[str]], env: dict[str, str], runs: int
                ) -> dict[str, Measure]:
    """median_measure of several commands, taking turns run by run, so that
    a change of load on the machine touches them all alike (ratios hold)."""
    samples: dict[str, list[Measure]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(measure(argv, env))
    return {name: median(taken) for name, taken in samples.items()}
