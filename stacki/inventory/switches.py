"""Queries over switch ports: set-based, a fixed number of queries whatever
the number of switches, ports or hosts."""

from __future__ import annotations

from collections.abc import Iterable

from stacki.inventory import models as m
from stacki.inventory.attrs import truthy

SWITCH_APPLIANCE = "switch"
# Past this many ids, read every row and pick in Python rather than send a
# long IN list (no engine's parameter limit is ever near).
IN_LIMIT = 500
# The port column is a 32-bit integer on every engine.
HIGHEST_PORT = 2**31 - 1

PORT_FIELDS = ("switch_id", "port", "interface__host_id", "interface__host__name",
               "interface__mac", "interface__device", "interface__vlan", "interface_id", "id")


def port_rows(switch_ids: Iterable[int] | None = None,
              host_ids: Iterable[int] | None = None) -> list[tuple]:
    """The PORT_FIELDS rows of the given switches and/or hosts (all when None),
    by port, in one query."""
    rows = m.SwitchPort.objects.order_by("port", "id").values_list(*PORT_FIELDS)
    switch_ids = None if switch_ids is None else set(switch_ids)
    host_ids = None if host_ids is None else set(host_ids)
    if switch_ids is not None and len(switch_ids) <= IN_LIMIT:
        rows = rows.filter(switch_id__in=switch_ids)
    if host_ids is not None and len(host_ids) <= IN_LIMIT:
        rows = rows.filter(interface__host_id__in=host_ids)
    return [r for r in rows
            if (switch_ids is None or r[0] in switch_ids)
            and (host_ids is None or r[2] in host_ids)]


def first_network(host_id: int) -> int | None:
    """The network of a host's first interface that has one (Stacki's
    'network of the switch's management interface')."""
    return (m.Interface.objects.filter(host_id=host_id, network__isnull=False)
            .order_by("id").values_list("network_id", flat=True).first())


def interface_named(host_id: int, device: str) -> m.Interface | None:
    return m.Interface.objects.filter(host_id=host_id, device=device).first()


def interface_on_network(host_id: int, network_id: int) -> m.Interface | None:
    """A host's first interface (by device name) on a network."""
    return (m.Interface.objects.filter(host_id=host_id, network_id=network_id)
            .order_by("device", "id").first())


def add_port(switch_id: int, interface_id: int, port: int) -> bool:
    """Record the interface on the port; False when it was already there."""
    _, created = m.SwitchPort.objects.get_or_create(switch_id=switch_id, interface_id=interface_id,
                                                    port=port)
    return created


def add_ports(switch_id: int, pairs: Iterable[tuple[int, int]]) -> int:
    """Record each (interface, port) on the switch that is not recorded yet, in
    two queries; the number added."""
    have = set(m.SwitchPort.objects.filter(switch_id=switch_id)
               .values_list("interface_id", "port"))
    new = [m.SwitchPort(switch_id=switch_id, interface_id=iface, port=port)
           for iface, port in dict.fromkeys(pairs) if (iface, port) not in have]
    m.SwitchPort.objects.bulk_create(new)
    return len(new)


def move_interface(switch_id: int, port: int, host_id: int, interface_id: int) -> None:
    """The host's rows on the port now name `interface_id` (one row left)."""
    rows = m.SwitchPort.objects.filter(switch_id=switch_id, port=port,
                                       interface__host_id=host_id)
    if not rows.filter(interface_id=interface_id).exists():
        m.SwitchPort.objects.create(switch_id=switch_id, port=port, interface_id=interface_id)
    rows.exclude(interface_id=interface_id).delete()


def move_port(switch_id: int, interface_id: int, port: int) -> None:
    """The interface's rows on the switch now say `port` (one row left)."""
    rows = m.SwitchPort.objects.filter(switch_id=switch_id, interface_id=interface_id)
    if not rows.filter(port=port).exists():
        m.SwitchPort.objects.create(switch_id=switch_id, port=port, interface_id=interface_id)
    rows.exclude(port=port).delete()


# --- InfiniBand partitions ----------------------------------------------------

DEFAULT_PARTITION = "Default"
DEFAULT_PKEY = 0x7FFF
LOWEST_PKEY, HIGHEST_PKEY = 0x0001, 0x7FFE
MEMBERSHIPS = ("limited", "full")


def partition_name(name: str) -> tuple[str, int]:
    """A partition's stored name and pkey: `Default` (0x7fff), or a hex pkey
    in 0x0001..0x7ffe named in Stacki's form ('aaa' -> '0x0aaa'). ValueError
    for anything else."""
    if name.lower() == "default":
        return DEFAULT_PARTITION, DEFAULT_PKEY
    pkey = int(name, 16)
    if not LOWEST_PKEY <= pkey <= HIGHEST_PKEY:
        raise ValueError(name)
    return f"0x{pkey:04x}", pkey


def partition_options(text: str) -> str:
    """`ipoib=BOOL` and `defmember=limited|full` in Stacki's stored form
    ("ipoib=True defmember=full"); ValueError naming the words that are not
    options."""
    words = text.split()
    pairs = dict(w.split("=", 1) for w in words if "=" in w)
    parsed = []
    if "ipoib" in pairs:
        parsed.append(f"ipoib={truthy(pairs.pop('ipoib'))}")
    if pairs.get("defmember", "").lower() in MEMBERSHIPS:
        parsed.append(f"defmember={pairs.pop('defmember').lower()}")
    bad = [f"{k}={v}" for k, v in pairs.items()] or [w for w in words if "=" not in w]
    if bad:
        raise ValueError(" ".join(bad))
    return " ".join(parsed)


MEMBER_FIELDS = ("partition__switch_id", "interface__host__name", "interface__device",
                 "interface__mac", "partition__name", "membership", "partition__pkey",
                 "partition__options")


def member_rows(switch_ids: Iterable[int], name: str | None = None) -> list[tuple]:
    """The MEMBER_FIELDS rows of the switches' partitions, in one query."""
    rows = m.IBMembership.objects.filter(partition__switch_id__in=list(switch_ids))
    if name is not None:
        rows = rows.filter(partition__name=name)
    return list(rows.order_by("interface__host__name", "partition__name", "id")
                .values_list(*MEMBER_FIELDS))
