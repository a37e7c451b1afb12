"""The web service on SQLite and on PostgreSQL, with one server and with two
servers sharing the database: `list host` over 1,000 hosts and a write
(`set host attr`).

    .venv/bin/python bench/engines.py [--hosts 1000] [--clients 4] [--requests 150]
                                      [--workers 2] [--engines sqlite,postgresql]

Each configuration starts 1 or 2 `stacki-ws` servers (--workers gunicorn
workers each) on loopback ports of one fresh database, then --clients client
processes (the concurrency: requests in flight at once), each logged in once
and sending --requests requests one after the other, spread evenly over the
servers. Printed: requests per second over all clients, p50/p99 latency.
Each write sets an attribute on another host.

PostgreSQL: a database made (and dropped) on the server named by
BENCH_DATABASE_URL (a role that may create databases), or else on a private
throw-away server (scripts/pg-server, Debian's `postgresql` package).
Target: PostgreSQL's read throughput within 1.5x of SQLite's.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api import login, percentile, post, start
from common import ROOT, add_hosts, fresh_home

READ_TARGET = 1.5


@contextmanager
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server (BENCH_DATABASE_URL or a private one)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
        return
    tmp = Path(tempfile.mkdtemp(prefix="stacki-bench-pg-"))
    script = str(ROOT / "scripts" / "pg-server")
    try:
        url = subprocess.run([script, "start", str(tmp)], check=True, capture_output=True,
                             text=True).stdout.strip()
        yield url
    finally:
        subprocess.run([script, "stop", str(tmp)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def database(engine: str, server: str | None) -> Iterator[dict[str, str]]:
    """An initialised home on `engine`, with its environment."""
    if engine == "sqlite":
        os.environ.pop("STACKI_DATABASE_URL", None)
        with fresh_home() as env:
            yield env
        return
    import psycopg

    name = f"stacki_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["STACKI_DATABASE_URL"] = urlsplit(server)._replace(path="/" + name).geturl()
    try:
        with fresh_home() as env:
            yield env
    finally:
        os.environ.pop("STACKI_DATABASE_URL")
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def client(port: int, headers: dict[str, str], bodies: list[bytes],
           out: multiprocessing.Queue) -> None:
    post(port, headers, bodies[0])  # warm-up: connections and caches of this worker
    latencies = []
    for body in bodies:
        started = time.perf_counter()
        post(port, headers, body)
        latencies.append(time.perf_counter() - started)
    out.put(latencies)


def bodies(op: str, client_no: int, count: int, hosts: int) -> list[bytes]:
    if op == "read":
        return [json.dumps({"cmd": "list host"}).encode()] * count
    out = []
    for n in range(count):
        h = (client_no * count + n) % (hosts - 1)
        out.append(json.dumps({"cmd": f"set host attr backend-{h // 100}-{h % 100} "
                                      f"attr=bench value={n}"}).encode())
    return out


def measure(ports: list[int], env: dict[str, str], op: str, opts) -> tuple[float, list[float]]:
    """Requests per second and latencies of --clients processes over `ports`."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    clients = []
    for c in range(opts.clients):
        port = ports[c % len(ports)]
        headers = login(port, Path(env["HOME"]))
        clients.append(multiprocessing.Process(target=client, args=(
            port, headers, bodies(op, c, opts.requests, opts.hosts), queue)))
    started = time.perf_counter()
    for c in clients:
        c.start()
    latencies = [t for _ in clients for t in queue.get(timeout=900)]
    wall = time.perf_counter() - started
    for c in clients:
        c.join(timeout=60)
    return len(latencies) / wall, latencies


def run_engine(engine: str, server: str | None, opts) -> dict[tuple[int, str], float]:
    rates = {}
    with database(engine, server) as env:
        add_hosts(env, opts.hosts - 1)  # plus the frontend
        for count in (1, 2):
            servers = [start(env, opts.workers) for _ in range(count)]
            try:
                for op in ("read", "write"):
                    rate, latencies = measure([port for _, port in servers], env, op, opts)
                    rates[count, op] = rate
                    what = "list host" if op == "read" else "set host attr"
                    print(f"  {engine:<10} {count} server(s) x {opts.workers} workers  "
                          f"{what:<13} {rate:7.1f} req/s  "
                          f"p50 {percentile(latencies, .5) * 1000:7.2f} ms  "
                          f"p99 {percentile(latencies, .99) * 1000:7.2f} ms", flush=True)
            finally:
                for process, _ in servers:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=60)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--requests", type=int, default=150, help="per client, per figure")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--engines", default="sqlite,postgresql")
    opts = parser.parse_args()
    engines = opts.engines.split(",")
    print(f"{opts.hosts} hosts, {opts.clients} concurrent clients x {opts.requests} requests, "
          f"{opts.workers} workers per server, {os.cpu_count()} CPUs")
    rates = {}
    with postgres_server() if "postgresql" in engines else nullcontext() as server:
        for engine in engines:
            rates[engine] = run_engine(engine, server, opts)
    if {"sqlite", "postgresql"} <= rates.keys():
        for count in (1, 2):
            ratio = rates["sqlite"][count, "read"] / rates["postgresql"][count, "read"]
            verdict = "ok" if ratio <= READ_TARGET else "MISSED"
            print(f"  read throughput SQLite / PostgreSQL, {count} server(s): {ratio:.2f}x "
                  f"(target <= {READ_TARGET}x: {verdict})")
    print(f"  load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
