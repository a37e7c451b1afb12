"""Who may run which command from the command line: the access table
(cli.md §4, §7).

A row pairs a command pattern (a shell glob over the command's words, `list *`)
with a Unix group. A process may run a command when one of its groups (its
own gid or a supplementary one) has a row whose pattern matches; root always
may. The process's identity is what counts, so the check holds the same in a
plain `stack` process and in a fork-server child that took on its caller's
identity.
"""

from __future__ import annotations

import grp
import os
from fnmatch import fnmatchcase

from stacki.inventory import models as m

# With no rows at all (a table emptied by hand) Stacki falls back on its
# per-command rule: only root and apache change anything.
UNRESTRICTED_USERS = ("root", "apache")
READ_ONLY_VERBS = ("list", "report", "help", "load")


def group_name(gid: int) -> str:
    """A gid's name, or the gid itself when this machine does not name it."""
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def process_groups() -> set[str]:
    """The names (and gids) of this process's groups."""
    gids = set(os.getgroups())
    gids.add(os.getgid())
    gids.add(os.getegid())
    return {group_name(g) for g in gids} | {str(g) for g in gids}


def allowed(path: str, user: str) -> bool:
    """May this process run the command `path` (`list host`)?"""
    if os.geteuid() == 0:
        return True
    rows = list(m.Access.objects.values_list("command", "group"))
    if not rows:
        return user in UNRESTRICTED_USERS or path.split()[0] in READ_ONLY_VERBS
    groups = process_groups()
    return any(group in groups and fnmatchcase(path, pattern) for pattern, group in rows)


def grant_creator() -> None:
    """Let the group of whoever initialises a home run every command, so that a
    fresh home works for its maker (root's group already has its row)."""
    m.Access.objects.get_or_create(command="*", group=group_name(os.getgid()))
