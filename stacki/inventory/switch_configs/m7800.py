"""The Mellanox m7800 (InfiniBand): the switch as subnet manager and the
inventory's partitions, in the commands Stacki's `sync switch` sends to it.

Stacki has no file for this switch; it types the commands over SSH. These are
those commands for a switch that has none of the partitions yet: each
partition with its pkey, its `defmember` and `ipoib` options, then its
members by GUID. As in Stacki, the partitions come from the member list, so
a partition without members is not configured. The `Default` partition asks
for a confirmation when an option is taken away, answered `yes`.
With nukeswitch=true the inventory's partitions are removed instead.
"""

from __future__ import annotations

import re

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory.switch_configs import Config, Snapshot

PATH = "/tmp/{switch}/new_config"
DEFAULT = "Default"
# A member is named by its port GUID (8 bytes): the last 23 characters of
# its interface's MAC, which for a 20-byte GID are the GUID part.
GUID = re.compile(r"([0-9a-f]{2}:){7}[0-9a-f]{2}")


def options(text: str) -> dict[str, str]:
    return dict(w.split("=", 1) for w in text.split() if "=" in w)


def without(partition: str, option: str) -> list[str]:
    line = f"no ib partition {partition} {option}"
    return [line, "yes"] if partition == DEFAULT else [line]


def partition(name: str, pkey: int, opts: dict[str, str]) -> list[str]:
    """A partition and its options, as Stacki adds one."""
    lines = [f"ib partition {name} pkey {hex(pkey)} force"]
    if opts.get("defmember"):
        lines.append(f"ib partition {name} defmember {opts['defmember']} force")
    else:
        lines += without(name, "defmember")
    if opts.get("ipoib") == "True":
        lines.append(f"ib partition {name} ipoib force")
    elif opts.get("ipoib") == "False":
        lines += without(name, "ipoib")
    return lines


def member(name: str, guid: str, membership: str) -> str:
    short = guid[-23:].lower()
    if not GUID.fullmatch(short):
        raise errors.CommandError(f"GUID {short} not valid (a member of partition {name})")
    return f"ib partition {name} member {short} type {membership} force"


def config(snap: Snapshot, switch: m.Host, nuke: bool) -> Config:
    if nuke:
        body = []
        for name, _, _ in snap.partitions.get(switch.id, ()):
            body.append(f"no ib partition {name}")
            if name == DEFAULT:
                body.append("yes")
        return PATH.format(switch=switch.name), body
    # Partitions in the order their first member is listed, members in list order.
    parts: dict[str, tuple[int, str, list[str]]] = {}
    for _, _, _, guid, name, membership, pkey, opts in snap.members.get(switch.id, ()):
        parts.setdefault(name, (pkey, opts, []))[2].append(member(name, guid or "", membership))
    # No `ib sm`: as in Stacki, which switch manages the fabric is `set switch sm`'s
    # choice, made on the switch itself, not the inventory's.
    body = []
    for name, (pkey, opts, members) in parts.items():
        body += partition(name, pkey, options(opts)) + members
    return PATH.format(switch=switch.name), body
