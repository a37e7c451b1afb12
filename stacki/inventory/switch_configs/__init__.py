"""The configuration Stacki generates for a switch from the inventory, one
module per model (the switch's `component.model` attribute): `x1052` (Dell),
`e1050` (Mellanox/Celestica running Cumulus) and `m7800` (Mellanox
InfiniBand).

Each model's `config(snapshot, switch, nuke)` returns the file's path and its
lines; `report switch` wraps them in a `<stack:file>` block and `sync switch`
can push them. Everything a configuration reads comes from one `Snapshot`,
whose parts are each read in one query the first time a model needs them, so
the cost does not grow with the number of switches, ports or members.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from stacki.inventory import models as m
from stacki.inventory import switches as sw
from stacki.inventory.attrs import Attr, resolve
from stacki.inventory.hostsel import all_hosts, localhost

Config = tuple[str, list[str]]


class Snapshot:
    """The inventory as the configurations of `switches` read it."""

    def __init__(self, switches: list[m.Host], attrs: dict[int, dict[str, Attr]]) -> None:
        self.switches = switches
        self.attrs = attrs

    def attr(self, switch: m.Host, name: str) -> str | None:
        found = self.attrs.get(switch.id, {}).get(name)
        return None if found is None or found.value is None else str(found.value)

    @cached_property
    def ports(self) -> dict[int, list[tuple]]:
        """Each switch's port rows (switches.PORT_FIELDS), by port."""
        by_switch: dict[int, list[tuple]] = {}
        for row in sw.port_rows([s.id for s in self.switches]):
            by_switch.setdefault(row[0], []).append(row)
        return by_switch

    @cached_property
    def hosts(self) -> list[m.Host]:
        """Every host, in cluster order."""
        return all_hosts()

    @cached_property
    def interfaces(self) -> dict[int, list[m.Interface]]:
        """Every host's interfaces with their networks, by device name (as
        `list host interface` shows them)."""
        by_host: dict[int, list[m.Interface]] = {}
        for iface in m.Interface.objects.select_related("network").order_by("device", "id"):
            by_host.setdefault(iface.host_id, []).append(iface)
        return by_host

    def first_interface(self, switch: m.Host) -> m.Interface | None:
        """The switch's own interface: its first by device name."""
        return next(iter(self.interfaces.get(switch.id, ())), None)

    @cached_property
    def frontend(self) -> m.Host | None:
        found = localhost(self.hosts)
        return found[0] if found else None

    @cached_property
    def port_modes(self) -> dict[int, str]:
        """The switch_port_mode attribute of every host on a port."""
        ids = {r[2] for rows in self.ports.values() for r in rows}
        hosts = [h for h in self.hosts if h.id in ids]
        modes = resolve(hosts, pattern="switch_port_mode") if hosts else {}
        return {h: str(a["switch_port_mode"].value) for h, a in modes.items()
                if a.get("switch_port_mode") is not None}

    @cached_property
    def members(self) -> dict[int, list[tuple]]:
        """Each switch's InfiniBand partition members (switches.MEMBER_FIELDS)."""
        by_switch: dict[int, list[tuple]] = {}
        for row in sw.member_rows([s.id for s in self.switches]):
            by_switch.setdefault(row[0], []).append(row)
        return by_switch

    @cached_property
    def partitions(self) -> dict[int, list[tuple[str, int, str]]]:
        """Each switch's partitions: (name, pkey, options), oldest first."""
        by_switch: dict[int, list[tuple[str, int, str]]] = {}
        rows = (m.IBPartition.objects.filter(switch__in=[s.id for s in self.switches])
                .order_by("id").values_list("switch_id", "name", "pkey", "options"))
        for switch_id, name, pkey, options in rows:
            by_switch.setdefault(switch_id, []).append((name, pkey, options))
        return by_switch


def snapshot(switches: list[m.Host]) -> Snapshot:
    """The snapshot of `switches`, their attributes resolved (no shadow values)."""
    return Snapshot(switches, resolve(switches, shadow=False, const=False, pattern="*"))


def _makes() -> dict[str, Callable[[Snapshot, m.Host, bool], Config]]:
    from stacki.inventory.switch_configs import e1050, m7800, x1052

    return {"x1052": x1052.config, "e1050": e1050.config, "m7800": m7800.config}


MODELS = ("x1052", "e1050", "m7800")


def generator(model: str | None) -> Callable[[Snapshot, m.Host, bool], Config] | None:
    """The configuration function of a model (its name in any case), or None."""
    return _makes().get((model or "").lower())
