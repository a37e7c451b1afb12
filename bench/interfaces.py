"""`stack list host interface` at scale, as whole `stack` processes.

    .venv/bin/python bench/interfaces.py [--runs N] [--hosts 10000]

Bulk-creates the hosts, one interface each, through the ORM in a throw-away
STACKI_HOME, then prints the median wall time of each listing next to the
floors `python -c pass` and `python -c "import django.db.models"`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, add_hosts, floors, fresh_home, report, time_process

LISTINGS = (
    ["list", "host", "interface"],
    ["list", "host", "interface", "expanded=true"],
    ["list", "host", "interface", "output-format=json"],
    ["list", "host", "interface", "backend-0-0"],
    ["list", "host", "interface", "a:backend"],
)


def check_rows(env: dict[str, str], hosts: int) -> None:
    """The listing really holds every interface (header + frontend + one per host)."""
    out = subprocess.run(STACK + ["list", "host", "interface"], env=env, check=True,
                         capture_output=True, text=True).stdout
    lines = out.count("\n")
    if lines != hosts + 2:
        raise SystemExit(f"expected {hosts + 2} lines from list host interface, got {lines}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--hosts", type=int, default=10000)
    opts = parser.parse_args()
    with fresh_home() as env:
        add_hosts(env, opts.hosts, interfaces=True)
        check_rows(env, opts.hosts)
        figures = floors(env, opts.runs)
        django_floor = figures["python -c 'import django.db.models'"]
        for words in LISTINGS:
            figures["stack " + " ".join(words)] = time_process(STACK + words, env, opts.runs)
        report(f"{opts.hosts} hosts with an interface each (+ frontend), "
               f"median of {opts.runs} runs", figures, django_floor)


if __name__ == "__main__":
    main()
