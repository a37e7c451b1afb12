"""The switch section of `dump` and the commands `load` makes of it: each
switch's ports (the host interfaces on them) and InfiniBand partitions with
their members. It comes after the hosts: it names their interfaces."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from stacki.commands.load_script import Line, items, required
from stacki.commands.switch import select_switches
from stacki.inventory import models as m
from stacki.inventory import switches as sw


def switches() -> list[dict[str, Any]]:
    """Every switch, in cluster order, with its ports and partitions (a few queries)."""
    chosen = select_switches([])
    ports: dict[int, list[dict]] = defaultdict(list)
    for r in sw.port_rows():
        ports[r[0]].append({"port": r[1], "host": r[3], "interface": r[5]})
    members: dict[int, list[dict]] = defaultdict(list)
    for part_id, host, device, mac, membership in (
            m.IBMembership.objects.order_by("interface__host__name", "interface__device", "id")
            .values_list("partition_id", "interface__host__name", "interface__device",
                         "interface__mac", "membership")):
        members[part_id].append({"host": host, "interface": device, "guid": mac,
                                 "membership": membership})
    parts: dict[int, list[dict]] = defaultdict(list)
    for pk, switch_id, name, options in m.IBPartition.objects.order_by("id").values_list(
            "id", "switch_id", "name", "options"):
        parts[switch_id].append({"name": name, "options": options, "member": members[pk]})
    return [{"name": s.name, "port": ports[s.id], "partition": parts[s.id]} for s in chosen]


def switch_lines(document: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    for switch in items(document, "switch"):
        name = required(switch, "switch")
        for port in items(switch, "port"):
            lines.append(Line("add switch host", [name], [
                ("host", port.get("host")), ("interface", port.get("interface")),
                ("port", port.get("port"))]))
        for part in items(switch, "partition"):
            partition = required(part, "partition")
            lines.append(Line("add switch partition", [name], [
                ("name", partition), ("options", part.get("options") or None)]))
            for member in items(part, "member"):
                # A member is named by host and device where it has one, else by its GUID.
                who = ([("member", member.get("host")), ("interface", member.get("interface"))]
                       if member.get("interface") else [("guid", member.get("guid"))])
                lines.append(Line("add switch partition member", [name], [
                    ("name", partition), *who, ("membership", member.get("membership"))]))
    return lines
