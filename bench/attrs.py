"""`list host attr` at scale, as whole `stack` processes.

    .venv/bin/python bench/attrs.py [--runs N] [--hosts 1000]

A fresh STACKI_HOME gets 1,000 backends in four environments and 50
attribute names spread over every scope: each name is set globally and
again at one other scope for every target there (10 names per appliance,
per OS, per environment and per host: 10,000 host-scope rows), so every
host resolves all 50 through overrides. Prints median wall times next to
`python -c pass`, the Django import and a small command. Targets: all-host
`list host attr` <= 2 s; `list host attr backend-0-0` <= 1.2 x the small
command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import STACK, add_hosts, floors, fresh_home, in_home, time_process

NAMES = 50

SPREAD = f"""
from stacki.inventory import models as m
envs = [m.Environment.objects.create(name=f"env{{i}}") for i in range(4)]
hosts = list(m.Host.objects.filter(name__startswith="backend-").order_by("id"))
for n, host in enumerate(hosts):
    host.environment = envs[n % 4]
m.Host.objects.bulk_update(hosts, ["environment"], batch_size=2000)
targets = {{"appliance": list(m.Appliance.objects.all()), "os": list(m.OS.objects.all()),
            "environment": envs, "host": hosts}}
scopes = list(targets)
rows = []
for i in range({NAMES}):
    name = f"bench.attr{{i:02d}}"
    rows.append(m.Attribute(scope="global", name=name, value=f"global-{{i}}"))
    scope = scopes[i % 4]
    rows += [m.Attribute(scope=scope, name=name, value=f"{{scope}}-{{t.name}}-{{i}}",
                         **{{scope: t}}) for t in targets[scope]]
m.Attribute.objects.bulk_create(rows, batch_size=5000)
print(f"  {{len(rows)}} attribute rows, {{m.Attribute.objects.count()}} in all")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=1000)
    opts = parser.parse_args()
    with fresh_home() as env:
        add_hosts(env, opts.hosts)
        in_home(env, SPREAD)
        figures = floors(env, opts.runs)
        small = ["list", "appliance"]
        commands = (small, ["list", "host", "attr"], ["list", "host", "attr", "backend-0-0"])
        for words in commands:
            figures["stack " + " ".join(words)] = time_process(STACK + words, env, opts.runs)
        print(f"{opts.hosts} hosts (+ frontend) x {NAMES} attributes, "
              f"median of {opts.runs} runs")
        for name, seconds in figures.items():
            print(f"  {name:<40} {seconds * 1000:8.1f} ms")
        everyone = figures["stack list host attr"]
        single = figures["stack list host attr backend-0-0"] / figures["stack list appliance"]
        print(f"  all hosts: {everyone:.2f} s (target <= 2 s) "
              f"{'ok' if everyone <= 2 else 'OVER'}")
        print(f"  one host: {single:.2f} x the small command (target <= 1.2) "
              f"{'ok' if single <= 1.2 else 'OVER'}")


if __name__ == "__main__":
    main()
