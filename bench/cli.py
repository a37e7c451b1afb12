"""CLI start-up and `list host` at scale, as whole `stack` processes.

    .venv/bin/python bench/cli.py [--runs N] [--sizes 1000,10000]

Prints the median wall and CPU time of each command next to the floors
`python -c pass` and `python -c "import django.db.models"` measured in the
same run (all commands take turns, run by run), with the ratio to the
Django floor (CPU ratio in brackets).
Targets: `stack list host` at 10,000 hosts <= 1.0 s; a small command <= 1.3 x
the Django import floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, STACK, add_hosts, fresh_home, interleaved  # noqa: E402

FLOORS = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "python -c 'import django.db.models'": [PYTHON, "-c", "import django.db.models"],
}
COMMANDS = ("list host frontend-0-0", "list appliance", "help", "list host",
            "list host a:backend")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1000,10000")
    opts = parser.parse_args()
    for size in [int(s) for s in opts.sizes.split(",")]:
        with fresh_home() as env:
            add_hosts(env, size)
            runs = {name: argv for name, argv in FLOORS.items()}
            runs.update({f"stack {words}": STACK + words.split() for words in COMMANDS})
            figures = interleaved(runs, env, opts.runs)
            floor = figures["python -c 'import django.db.models'"]
            print(f"{size} hosts (+ frontend), median of {opts.runs} runs: wall ms, cpu ms, "
                  "x django floor (cpu)")
            for name, f in figures.items():
                print(f"  {name:<40} {f.wall * 1000:8.1f} {f.cpu * 1000:8.1f}  "
                      f"{f.wall / floor.wall:5.2f} ({f.cpu / floor.cpu:4.2f})")


if __name__ == "__main__":
    main()
