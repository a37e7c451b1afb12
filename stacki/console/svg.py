"""Pictures drawn on the server as SVG: the rack elevation and the address
space of each network. Pure functions from command rows to markup."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

# Distinct colours (a colour-blind-safe palette, then greys for the rest).
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
OTHER = "#d0d0d0"
UNSET = "(none)"

SLOT_W, SLOT_H, GAP, LABEL = 150, 18, 24, 22


def colours(values: list[str]) -> dict[str, str]:
    distinct = sorted(set(values), key=lambda v: (v == UNSET, v))
    return {v: PALETTE[i] if i < len(PALETTE) else OTHER for i, v in enumerate(distinct)}


def _number(text: str | None) -> tuple[int, Any]:
    try:
        return (0, int(text or ""))
    except ValueError:
        return (1, text or "")


@dataclass
class Rack:
    name: str
    hosts: list[dict[str, Any]]


def racks_of(hosts: list[dict[str, Any]]) -> list[Rack]:
    """Racks in numeric order, each with its hosts by rank (the listing's order
    breaks ties)."""
    by_rack: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for host in hosts:
        by_rack[host.get("rack") or ""].append(host)
    return [Rack(name, sorted(members, key=lambda h: _number(h.get("rank"))))
            for name, members in sorted(by_rack.items(), key=lambda item: _number(item[0]))]


def rack_elevation(hosts: list[dict[str, Any]], colour_of: dict[str, str]) -> tuple[str, dict]:
    """The racks side by side, rank 0 at the bottom, one linked box per host
    coloured by `colour_of[host name]`; returns the SVG and the legend."""
    racks = racks_of(hosts)
    legend = colours([colour_of.get(h["host"], UNSET) for h in hosts])
    height = max((len(r.hosts) for r in racks), default=0)
    width = len(racks) * (SLOT_W + GAP) + GAP
    total_h = LABEL + height * SLOT_H + 2 * GAP
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="racks" width="{width}" '
           f'height="{total_h}" viewBox="0 0 {width} {total_h}" role="img" '
           f'aria-label="rack elevation">']
    for i, rack in enumerate(racks):
        x = GAP + i * (SLOT_W + GAP)
        out.append(f'<g class="rack" data-rack="{escape(rack.name)}">'
                   f'<text x="{x + SLOT_W / 2}" y="{LABEL - 6}" text-anchor="middle" '
                   f'class="rack-label">rack {escape(rack.name)}</text>'
                   f'<rect class="frame" x="{x - 3}" y="{LABEL}" width="{SLOT_W + 6}" '
                   f'height="{height * SLOT_H + 6}"/>')
        for slot, host in enumerate(rack.hosts):
            y = LABEL + 3 + (height - 1 - slot) * SLOT_H
            name = escape(host["host"])
            value = colour_of.get(host["host"], UNSET)
            out.append(
                f'<a href="/console/host/{escape(quote(host["host"]))}">'
                f'<g class="host" data-host="{name}">'
                f'<title>{name}: rack {escape(rack.name)}, rank {escape(str(host.get("rank")))}, '
                f'{escape(value)}</title>'
                f'<rect x="{x}" y="{y}" width="{SLOT_W}" height="{SLOT_H - 2}" rx="2" '
                f'fill="{legend[value]}"/>'
                f'<text x="{x + 4}" y="{y + SLOT_H - 6}">{escape(str(host.get("rank")))} '
                f'{name}</text></g></a>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out), legend


@dataclass
class NetworkUse:
    name: str
    space: ipaddress.IPv4Network | None
    size: int
    used: list[tuple[str, str, str]]  # (ip, host, interface) in address order
    outside: int  # interfaces on the network whose address is not in its space

    @property
    def free(self) -> int:
        return max(self.size - len(self.used), 0)


def usable(space: ipaddress.IPv4Network) -> int:
    return space.num_addresses - 2 if space.prefixlen < 31 else space.num_addresses


def network_use(networks: list[dict[str, Any]], interfaces: list[dict[str, Any]]
                ) -> list[NetworkUse]:
    on: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for nic in interfaces:
        if nic.get("network") and nic.get("ip"):
            on[nic["network"]].append(nic)
    result = []
    for net in networks:
        try:
            space = ipaddress.IPv4Network(f"{net['address']}/{net['mask']}", strict=False)
        except ValueError:
            space = None
        used, outside = [], 0
        for nic in on.get(net["network"], []):
            try:
                address = ipaddress.IPv4Address(nic["ip"])
            except ValueError:
                outside += 1
                continue
            if space is None or address not in space:
                outside += 1
                continue
            used.append((address, nic["host"], nic.get("interface") or ""))
        used.sort()
        result.append(NetworkUse(net["network"], space, usable(space) if space else 0,
                                 [(str(a), h, i) for a, h, i in used], outside))
    return result


GRID_MAX = 1024  # networks up to this many addresses get one cell per address
CELL, COLUMNS = 12, 32


def network_picture(use: NetworkUse, gateway: str | None) -> str:
    """One cell per address for small networks (used, free, gateway, reserved),
    else a bar of the used share."""
    if use.space is None:
        return ""
    if use.space.num_addresses <= GRID_MAX:
        taken = {ip: (host, nic) for ip, host, nic in use.used}
        rows = -(-use.space.num_addresses // COLUMNS)
        w, h = COLUMNS * CELL, rows * CELL
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="netgrid" width="{w}" '
               f'height="{h}" viewBox="0 0 {w} {h}" role="img" '
               f'aria-label="addresses of {escape(use.name)}">']
        reserved = {use.space.network_address, use.space.broadcast_address}
        for n, address in enumerate(use.space):
            x, y = (n % COLUMNS) * CELL, (n // COLUMNS) * CELL
            ip = str(address)
            if ip in taken:
                kind, title = "used", f"{ip}: {taken[ip][0]} {taken[ip][1]}"
            elif ip == gateway:
                kind, title = "gateway", f"{ip}: gateway"
            elif address in reserved and use.space.prefixlen < 31:
                kind, title = "reserved", f"{ip}: reserved"
            else:
                kind, title = "free", f"{ip}: free"
            out.append(f'<rect class="{kind}" x="{x}" y="{y}" width="{CELL - 1}" '
                       f'height="{CELL - 1}"><title>{escape(title)}</title></rect>')
        out.append("</svg>")
        return "".join(out)
    share = len(use.used) / use.size if use.size else 0
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="netbar" width="384" height="16" '
            f'role="img" aria-label="use of {escape(use.name)}">'
            f'<rect class="free" width="384" height="16"/>'
            f'<rect class="used" width="{max(share * 384, 1 if use.used else 0):.1f}" '
            f'height="16"/></svg>')
