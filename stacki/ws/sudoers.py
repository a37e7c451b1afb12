"""The sudoers file through which Stacki's web service ran the admin-only
("sudo") commands as root. Kept for compatibility with Stacki tooling: the
service here runs every command in-process, so the file is informative."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from stacki import home

SUDOERS = "/etc/sudoers.d/stacki_ws"
STACK_BIN = "/opt/stack/bin/stack"


def sudoers_lines(patterns: Iterable[str]) -> list[str]:
    """The sudoers entries letting the web service run the sudo list as root."""
    entries = []
    for pattern in patterns:
        text = " ".join(w for w in re.split(r"[.\s]+", pattern) if w)
        entries.append(f"{STACK_BIN} {text if text.endswith('*') else text + ' *'}")
    if not entries:
        return []
    alias = (", \\\n\t".join(entries)).split("\n")
    return ["# Stacki - SUDO Access to run commands as Apache",
            f"Cmnd_Alias STACK_CMDS = {alias[0]}", *alias[1:],
            "Defaults!STACK_CMDS !requiretty", "apache ALL = (root) NOPASSWD:STACK_CMDS"]


def write_sudoers(patterns: Iterable[str]) -> None:
    path = home.system_path(SUDOERS)
    lines = sudoers_lines(patterns)
    if not lines:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
    with os.fdopen(fd, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(temp, path)
