"""Pallet hooks: scripts a site runs when pallets are added or removed.

Each `pallet_hooks.json` under /opt/stack/pallet_hooks (in STACKI_SYSROOT)
maps a script beside it to its conditions: regular expressions that the
pallet's name, version, rel, arch and os must match in full, and
`operations` (add, remove) of which one must match. Scripts run in name
order, in their directory, with the pallet's fields in their environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from stacki.home import system_path

HOOK_ROOT = "/opt/stack/pallet_hooks"
METADATA = "pallet_hooks.json"
FIELDS = ("name", "version", "rel", "arch", "os")


def hooks(operation: str, pallet: dict[str, str], notify: Callable[[str], None]) -> list[Path]:
    """The scripts to run for `operation` on `pallet` (keys of FIELDS)."""
    root = system_path(HOOK_ROOT)
    if not root.is_dir():
        return []
    found: list[Path] = []
    for metadata in sorted(root.rglob(METADATA)):
        try:
            entries = json.loads(metadata.read_text())
        except (OSError, ValueError) as exc:
            notify(f"{metadata}: cannot read it: {exc}")
            continue
        if not isinstance(entries, dict):
            notify(f"{metadata}: not a JSON object")
            continue
        for script, conditions in entries.items():
            try:
                wanted = (all(re.fullmatch(conditions[k], pallet[k]) for k in FIELDS)
                          and any(re.fullmatch(o, operation) for o in conditions["operations"]))
            except KeyError as exc:
                notify(f"{metadata} is missing the key {exc}")
                continue
            except (re.error, TypeError) as exc:
                notify(f"{metadata}: bad condition for {script}: {exc}")
                continue
            path = (metadata.parent / script).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                notify(f"{script} named in {metadata} not found")
                continue
            if wanted:
                found.append(path)
    return sorted(found, key=lambda p: p.name)


def run_hooks(operation: str, pallet: dict[str, str], notify: Callable[[str], None]) -> None:
    """Run the matching hooks; a failing hook is reported, not fatal (as in Stacki)."""
    env = {**os.environ, **pallet}
    for script in hooks(operation, pallet, notify):
        notify(f"running hook: {script}")
        try:
            done = subprocess.run([str(script)], cwd=script.parent, env=env,
                                  capture_output=True, text=True)
        except OSError as exc:
            notify(f"Unable to run hook {script}: {exc}")
            continue
        if done.returncode != 0:
            notify(f"Unable to run hook {script}: exit {done.returncode}\n"
                   f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
