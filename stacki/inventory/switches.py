"""Queries over switch ports: set-based, a fixed number of queries whatever
the number of switches, ports or hosts."""

from __future__ import annotations

from collections.abc import Iterable

from stacki.inventory import models as m

SWITCH_APPLIANCE = "switch"
# Past this many ids, read every row and pick in Python rather than send a
# long IN list (no engine's parameter limit is ever near).
IN_LIMIT = 500

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
