"""CLI start-up and `list host` at scale, as whole `stack` processes.

    .venv/bin/python bench/cli.py [--runs N] [--sizes 1000,10000]

Prints the median wall time of each command next to the floors `python -c
pass` and `python -c "import django.db.models"` measured in the same run.
Targets: `stack list host` at 10,000 hosts <= 1.0 s; a small command <= 1.3 x
the Django import floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, add_hosts, floors, fresh_home, report, time_process  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1000,10000")
    opts = parser.parse_args()
    for size in [int(s) for s in opts.sizes.split(",")]:
        with fresh_home() as env:
            add_hosts(env, size)
            base = floors(env, opts.runs)
            django_floor = base["python -c 'import django.db.models'"]
            figures = dict(base)
            for words in (["list", "host", "frontend-0-0"], ["list", "appliance"],
                          ["list", "host"], ["list", "host", "a:backend"]):
                figures["stack " + " ".join(words)] = time_process(STACK + words, env, opts.runs)
            report(f"{size} hosts (+ frontend), median of {opts.runs} runs", figures, django_floor)


if __name__ == "__main__":
    main()
