"""The console's pages at 10,000 hosts, through a real `stacki-ws`.

    .venv/bin/python bench/console.py [--hosts 10000] [--runs 15]

A fresh STACKI_HOME gets the hosts (backend-<rack>-<rank>, 100 per rack,
an interface each); one gunicorn worker serves it; a logged-in client asks
for pages of the hosts table (first, middle, last; filtered by rack,
appliance and free text) and, once each, the rack and network views.
Printed: median and slowest wall time per page, end to end over HTTP, and
the worker's CPU time per page (steadier on a busy machine).
Target: every hosts-table page under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api import cpu_seconds, start, workers_of  # noqa: E402
from common import add_hosts, fresh_home  # noqa: E402


def timed(session: requests.Session, url: str, runs: int, pids: list[int]
          ) -> tuple[float, float, float, int]:
    """Median and slowest wall time, the worker's CPU time per request, rows."""
    times, rows = [], 0
    cpu = cpu_seconds(pids)
    for _ in range(runs):
        started = time.perf_counter()
        response = session.get(url, timeout=120)
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        rows = response.text.count("<tr>") - 1
    cpu = (cpu_seconds(pids) - cpu) / runs
    return statistics.median(times), max(times), cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    with fresh_home() as env:
        add_hosts(env, options.hosts, interfaces=True)
        server, port = start(env, 1)
        try:
            base = f"http://127.0.0.1:{port}"
            import json

            key = json.loads((Path(env["HOME"]) / "stacki-ws.cred").read_text())[0]["key"]
            session = requests.Session()
            session.get(base + "/", timeout=30)
            login = session.post(base + "/stack/login",
                                 data={"USERNAME": "admin", "PASSWORD": key},
                                 headers={"X-CSRFToken": session.cookies["csrftoken"]})
            login.raise_for_status()
            last = -(-(options.hosts + 1) // 50)
            pages = {
                "hosts, page 1": "/console/hosts",
                f"hosts, page {last // 2}": f"/console/hosts?page={last // 2}",
                f"hosts, page {last} (last)": f"/console/hosts?page={last}",
                "hosts, rack=42": "/console/hosts?rack=42",
                "hosts, appliance=backend, page 7": "/console/hosts?appliance=backend&page=7",
                "hosts, text 'backend-7'": "/console/hosts?q=backend-7",
            }
            session.get(base + "/console/hosts", timeout=120)  # warm the worker
            print(f"{options.hosts} hosts, 1 worker, {options.runs} runs per page")
            pids = workers_of(server.pid)
            print(f"  {'page':<36} {'median':>9} {'slowest':>9} {'cpu':>9} {'rows':>5}")
            for name, path in pages.items():
                median, slowest, cpu, rows = timed(session, base + path, options.runs, pids)
                print(f"  {name:<36} {median * 1000:7.1f} ms {slowest * 1000:7.1f} ms "
                      f"{cpu * 1000:6.1f} ms {rows:5d}")
            for name, path in {"rack view": "/console/racks",
                               "network view": "/console/networks"}.items():
                median, slowest, cpu, _ = timed(session, base + path, 3, pids)
                print(f"  {name:<36} {median * 1000:7.1f} ms {slowest * 1000:7.1f} ms "
                      f"{cpu * 1000:6.1f} ms")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
