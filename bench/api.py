"""`list host` through the web service next to the same command in-process.

    .venv/bin/python bench/api.py [--hosts 100] [--requests 1000] [--workers 1,2]

A fresh STACKI_HOME gets 100 hosts. `stacki-ws` serves it on 127.0.0.1 with
1 and then 2 gunicorn workers; as many client processes as workers send a
bounded number of logged-in `POST /stack {"cmd": "list host"}` requests
(prepared bytes on a raw socket, so that the load generator takes little of
the CPU the server shares):
requests per second, p50/p99 latency, CPU time of the workers per request.
Then the per-request overhead of the API: batches of requests to one worker
alternate with batches of the same command run in-process (`run_command` +
JSON), so that both see the same load on the machine; printed as the
difference of the p50 latencies and of the CPU times.
Targets on 2 cores: >= 300 req/s, p99 <= 50 ms, overhead <= 3 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import PYTHON, add_hosts, fresh_home

WARMUP = 20
BATCH = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen([PYTHON, "-m", "stacki.ws.server", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers)],
                              # The call log at its default level: part of the cost.
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("stacki-ws did not start")


def login(port: int, home: Path) -> dict[str, str]:
    """The CSRF/login dance; returns the headers of a logged-in request."""
    import requests

    creds = json.loads((home / "stacki-ws.cred").read_text())[0]
    url = f"http://127.0.0.1:{port}/stack"
    session = requests.Session()
    session.get(url)
    token = session.cookies["csrftoken"]
    answer = session.post(url + "/login", headers={"X-CSRFToken": token},
                          data={"USERNAME": creds["username"], "PASSWORD": creds["key"]})
    answer.raise_for_status()
    token, sessionid = session.cookies["csrftoken"], session.cookies["sessionid"]
    return {"X-CSRFToken": token, "Cookie": f"csrftoken={token}; sessionid={sessionid}",
            "Content-Type": "application/json"}


def request_bytes(headers: dict[str, str], body: bytes) -> bytes:
    """One POST /stack, ready to send: the load generator should cost the
    machine (which the server shares) as little as possible."""
    lines = ["POST /stack HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def post(port: int, request: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    reply = b"".join(chunks)
    if not reply.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"unexpected answer: {reply[:300]!r}")


def client(port: int, request: bytes, count: int, out: multiprocessing.Queue) -> None:
    """Send `count` requests one after the other; report their latencies."""
    latencies = []
    for n in range(count + WARMUP):
        started = time.perf_counter()
        post(port, request)
        if n >= WARMUP:
            latencies.append(time.perf_counter() - started)
    out.put(latencies)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def throughput(env: dict[str, str], cmd: str, workers: int,
               count: int) -> tuple[float, float, list[float]]:
    """As many client processes as workers: requests per second, server CPU
    seconds per request, latencies."""
    server, port = start(env, workers)
    try:
        headers = login(port, Path(env["HOME"]))
        queue: multiprocessing.Queue = multiprocessing.Queue()
        request = request_bytes(headers, json.dumps({"cmd": cmd}).encode())
        clients = [multiprocessing.Process(target=client, args=(port, request, count, queue))
                   for _ in range(workers)]
        pids = workers_of(server.pid)
        cpu = cpu_seconds(pids)
        started = time.perf_counter()
        for c in clients:
            c.start()
        latencies = [t for _ in clients for t in queue.get()]
        wall = time.perf_counter() - started
        cpu = cpu_seconds(pids) - cpu
        for c in clients:
            c.join()
        return len(latencies) / wall, cpu / (len(latencies) + WARMUP * workers), latencies
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def timed(call, count: int = BATCH) -> list[float]:
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return latencies


def overhead(env: dict[str, str], cmd: str, count: int) -> dict[str, float]:
    """The API against one worker and the same command in this process, in
    alternating batches so that both see the same load on the machine."""
    os.environ.update(env)
    from stacki import home

    home.setup()
    from stacki.framework.context import Context
    from stacki.framework.output import objects
    from stacki.framework.runner import run_command

    ctx = Context.for_api("admin", True)
    server, port = start(env, 1)
    try:
        request = request_bytes(login(port, Path(env["HOME"])), json.dumps({"cmd": cmd}).encode())
        pids = workers_of(server.pid)
        api: list[float] = []
        local: list[float] = []
        api_cpu = local_cpu = 0.0
        for batch in range(count // BATCH + 1):
            cpu = cpu_seconds(pids)
            api_batch = timed(lambda: post(port, request))
            api_batch_cpu = cpu_seconds(pids) - cpu
            cpu = time.process_time()
            # What the service does with a table: rows as objects, compact JSON.
            local_batch = timed(lambda: json.dumps(objects(run_command(cmd.split(), ctx).result)))
            if batch:  # the first batch warms both up
                api += api_batch
                local += local_batch
                api_cpu += api_batch_cpu
                local_cpu += time.process_time() - cpu
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return {"api p50": percentile(api, .5), "local p50": percentile(local, .5),
            "local p99": percentile(local, .99), "api cpu": api_cpu / len(api),
            "local cpu": local_cpu / len(local)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--requests", type=int, default=1000, help="per client process")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cmd", default="list host", help="the command line to send")
    opts = parser.parse_args()
    with fresh_home() as env:
        add_hosts(env, opts.hosts - 1)  # plus the frontend
        print(f"{opts.cmd}, {opts.hosts} hosts, {os.cpu_count()} CPUs")
        for workers in (int(w) for w in opts.workers.split(",")):
            rate, cpu, latencies = throughput(env, opts.cmd, workers, opts.requests)
            print(f"  API, {workers} worker(s), {workers} client(s): {rate:7.1f} req/s  "
                  f"p50 {percentile(latencies, .5) * 1000:6.2f} ms  "
                  f"p99 {percentile(latencies, .99) * 1000:6.2f} ms  "
                  f"server CPU {cpu * 1000:5.2f} ms/request")
        pair = overhead(env, opts.cmd, opts.requests)
        print(f"  in-process run_command + JSON:  p50 {pair['local p50'] * 1000:6.2f} ms  "
              f"p99 {pair['local p99'] * 1000:6.2f} ms  CPU {pair['local cpu'] * 1000:5.2f} ms/call")
        print(f"  API overhead per request (one worker, alternating batches): "
              f"{(pair['api p50'] - pair['local p50']) * 1000:.2f} ms p50 latency, "
              f"{(pair['api cpu'] - pair['local cpu']) * 1000:.2f} ms CPU")
        print(f"  load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
