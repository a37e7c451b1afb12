"""The stacki inventory plugin at scale: `ansible-inventory` over N hosts
(each with an interface), through the local `stack` command and the web service.

    .venv/bin/python bench/ansible_inventory.py [--runs N] [--sizes 1000,10000]

Builds and installs the collection from ansible/, then prints the median wall
time of `ansible-inventory --graph` (the inventory built) and `--list` (built
and every host's variables printed), and of a second `--graph` read from the
inventory cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, add_hosts, fresh_home, time_process  # noqa: E402

BIN = Path(PYTHON).parent


def install_collection(where: Path) -> Path:
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path",
                    str(where), str(ROOT / "ansible")], check=True, capture_output=True)
    [tarball] = where.glob("stacki-stacki-*.tar.gz")
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "-p",
                    str(where / "path"), str(tarball)], check=True, capture_output=True)
    return where / "path"


def start_ws(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    import socket

    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([PYTHON, "-m", "stacki.ws.server", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/stack"
    for _ in range(600):
        try:
            requests.get(url, timeout=2)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("stacki-ws did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000")
    opts = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stacki-bench-ansible-"))
    try:
        collections = install_collection(tmp)
        for size in [int(s) for s in opts.sizes.split(",")]:
            with fresh_home() as env:
                add_hosts(env, size, interfaces=True)
                env = dict(env, ANSIBLE_COLLECTIONS_PATH=str(collections),
                           ANSIBLE_INVENTORY_ENABLED="stacki.stacki.stacki",
                           STACKI_COMMAND=f"{PYTHON} -m stacki.cli",
                           PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
                ws, url = start_ws(env)
                try:
                    web = dict(env, STACKI_URL=url,
                               STACKI_CREDENTIALS=str(Path(env["HOME"]) / "stacki-ws.cred"))
                    cache = tmp / f"cache-{size}"
                    cached = dict(env, ANSIBLE_INVENTORY_CACHE="true",
                                  ANSIBLE_INVENTORY_CACHE_PLUGIN="ansible.builtin.jsonfile",
                                  ANSIBLE_INVENTORY_CACHE_CONNECTION=str(cache))
                    inventory = [str(BIN / "ansible-inventory"), "-i", "@stacki"]
                    subprocess.run(inventory + ["--graph"], env=cached, check=True,
                                   stdout=subprocess.DEVNULL)
                    print(f"{size} hosts (+ frontend), median of {opts.runs} runs, wall s:")
                    for name, argv, environ in (
                        ("local  --graph", inventory + ["--graph"], env),
                        ("local  --list", inventory + ["--list"], env),
                        ("web    --graph", inventory + ["--graph"], web),
                        ("web    --list", inventory + ["--list"], web),
                        ("cached --graph", inventory + ["--graph"], cached),
                    ):
                        print(f"  ansible-inventory {name:<16} "
                              f"{time_process(argv, environ, opts.runs):7.2f}", flush=True)
                finally:
                    ws.terminate()
                    ws.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
