"""Start-up of two checkouts of this code side by side (e.g. before and after a
change), interleaved run by run so that the machine's load touches both alike.

    .venv/bin/python bench/cli_compare.py BEFORE_DIR AFTER_DIR [--runs 9]

BEFORE_DIR and AFTER_DIR are checkouts (e.g. `git worktree add /tmp/before main`);
they share one STACKI_HOME with 1,000 hosts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, add_hosts, fresh_home, interleaved  # noqa: E402

COMMANDS = ("list host frontend-0-0", "list appliance", "help", "list host",
            "list host a:backend")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=9)
    opts = parser.parse_args()
    roots = {"before": opts.before, "after": opts.after}
    with fresh_home() as env:
        add_hosts(env, 1000)
        runs = {"python -c 'import django.db.models'": [PYTHON, "-c", "import django.db.models"]}
        for words in COMMANDS:
            for tag, root in roots.items():
                runs[f"{tag:6} stack {words}"] = ["env", f"PYTHONPATH={root}", PYTHON, "-m",
                                                  "stacki.cli", *words.split()]
        figures = interleaved(runs, env, opts.runs)
        floor = figures["python -c 'import django.db.models'"]
        print(f"1000 hosts, median of {opts.runs} interleaved runs: wall ms, cpu ms, "
              "cpu x django floor")
        for name, f in figures.items():
            print(f"  {name:<40} {f.wall * 1000:8.1f} {f.cpu * 1000:8.1f}  {f.cpu / floor.cpu:4.2f}")


if __name__ == "__main__":
    main()
