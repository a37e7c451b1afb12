"""The sudoers file through which Stacki's web service ran the admin-only
("sudo") commands as root. Kept for compatibility with Stacki tooling: the
service here runs every command in-process, so the file is informative."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stacki import home, sysfiles

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
    """Write (or, for an empty list, remove) the file under STACKI_SYSROOT;
    raises CommandError when it cannot be written."""
    lines = sudoers_lines(patterns)
    if not lines:
        home.system_path(SUDOERS).unlink(missing_ok=True)
        return
    sysfiles.write([sysfiles.FileBlock(SUDOERS, lines, perms=0o400)])
