"""Writing a checked hostfile Plan, set-based: a few bulk statements for the
whole file instead of one sub-command per host and interface. The effect is
that of the commands Stacki runs (commands.md §10 `load hostfile`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from stacki import errors
from stacki.commands.hostfile_plan import HostPlan, Inventory, Nic, rack_rank_of
from stacki.commands.spreadsheet import update_by_value
from stacki.inventory import models as m
from stacki.inventory.batches import batches
from stacki.inventory.models import Group
from stacki.inventory.values import is_null

Membership = m.Host.groups.through
# The host fields a hostfile may set on an existing host.
HOST_FIELDS = ("appliance_id", "box_id", "rack", "rank", "comment", "osaction", "installaction",
               "boot")


class Writer:
    def __init__(self, hosts: dict[str, HostPlan], inv: Inventory) -> None:
        self.hosts = hosts
        self.inv = inv
        self.ids: dict[str, int] = {}
        # `ip X exists on H interface D` for addresses shared with unlisted hosts.
        self.shared: list[str] = []

    def steps(self) -> list[Callable[[], None]]:
        """The writes, in order (the caller may show progress over them)."""
        return [self.check_addresses, self.add_hosts, self.update_hosts, self.set_groups,
                self.remove_interfaces, self.add_interfaces]

    # --- interfaces: clashes and automatic addresses, checked before writing ----
    def check_addresses(self) -> None:
        """IPs the file shares with hosts it does not list (a warning each, as Stacki
        accepts them), and the `ip=auto` picks, which never take a used address."""
        listed = {self.inv.hosts[name] for name in self.hosts if name in self.inv.hosts}
        names = dict(m.Host.objects.values_list("id", "name")) if self.inv.hosts else {}
        held: dict[tuple[int, str], list[str]] = {}
        for network_id, ip, host_id, device in m.Interface.objects.filter(
                ip__isnull=False, network__isnull=False).order_by("id").values_list(
                    "network_id", "ip", "host_id", "device"):
            if host_id not in listed:
                where = f"{names[host_id]} interface {device}" if device else names[host_id]
                held.setdefault((network_id, ip), []).append(where)
        taken = set(held)
        autos: dict[int, list[Nic]] = {}
        for host in self.hosts.values():
            for nic in host.nics.values():
                network = self.inv.networks.get(nic.network or "")
                if nic.ip == "auto":
                    autos.setdefault(network.id, []).append(nic)
                elif nic.ip and network is not None:
                    self.shared += [f"ip {nic.ip} exists on {where}"
                                    for where in held.get((network.id, nic.ip), ())]
                    taken.add((network.id, nic.ip))
        self.auto_ips = {network_id: free_ips(self.network(network_id), taken, len(nics))
                         for network_id, nics in autos.items()}
        self.autos = autos

    def network(self, network_id: int) -> m.Network:
        return next(n for n in self.inv.networks.values() if n.id == network_id)

    # --- hosts ------------------------------------------------------------------
    def add_hosts(self) -> None:
        new = [h for h in self.hosts.values() if h.name not in self.inv.hosts]
        values = []
        for host in new:
            rack, rank = rack_rank_of(host)
            values.append({
                "name": host.name, "appliance_id": self.inv.appliances[host.appliance].id,
                "box_id": self.inv.boxes[host.box or "default"].id, "rack": rack, "rank": rank,
                "osaction": (host.osaction or "default").lower(),
                "installaction": (host.installaction or "default").lower(),
                "comment": host.comment, "boot": "os"})
        rows = instances(m.Host, values)
        m.Host.objects.bulk_create(rows, batch_size=500)
        self.ids = {h.name: self.inv.hosts[h.name] for h in self.hosts.values()
                    if h.name in self.inv.hosts}
        self.ids.update({row.name: row.id for row in rows})
        self.new = {row.id for row in rows}

    def update_hosts(self) -> None:
        """Existing hosts: the fields the file gives, where they differ."""
        existing = [h for h in self.hosts.values() if self.ids[h.name] not in self.new]
        current = {row[0]: dict(zip(HOST_FIELDS, row[1:])) for batch in batches(
            [self.ids[h.name] for h in existing]) for row in m.Host.objects.filter(
                id__in=batch).values_list("id", *HOST_FIELDS)}
        changes: dict[str, dict[int, Any]] = {f: {} for f in HOST_FIELDS}
        for host in existing:
            pk = self.ids[host.name]
            for field, value in self.wanted(host).items():
                if value is not None and current[pk][field] != value:
                    changes[field][pk] = value
        for field, values in changes.items():
            update_by_value(m.Host, field, values)

    def wanted(self, host: HostPlan) -> dict[str, Any]:
        return {
            "appliance_id": self.inv.appliances[host.appliance].id,
            "box_id": self.inv.boxes[host.box].id if host.box else None,
            "rack": host.rack, "rank": host.rank, "comment": host.comment,
            "osaction": host.osaction.lower() if host.osaction else None,
            "installaction": host.installaction.lower() if host.installaction else None,
            "boot": "os",
        }

    def set_groups(self) -> None:
        """Existing hosts leave their groups; the listed groups (made if missing) get them."""
        old = [self.ids[n] for n in self.hosts if self.ids[n] not in self.new]
        for batch in batches(old):
            Membership.objects.filter(host_id__in=batch).delete()
        wanted = {name: [g for g in h.groups or () if g] for name, h in self.hosts.items()}
        names = {g for groups in wanted.values() for g in groups}
        known = dict(Group.objects.filter(name__in=names).values_list("name", "id")) if names else {}
        missing = sorted(names - set(known))
        Group.objects.bulk_create([Group(name=g) for g in missing])
        if missing:
            known.update(Group.objects.filter(name__in=missing).values_list("name", "id"))
        Membership.objects.bulk_create(
            [Membership(host_id=self.ids[name], group_id=known[g])
             for name, groups in wanted.items() for g in groups], batch_size=500)

    # --- interfaces ---------------------------------------------------------------
    def remove_interfaces(self) -> None:
        old = [self.ids[n] for n in self.hosts if self.ids[n] not in self.new]
        for batch in batches(old):
            m.Alias.objects.filter(interface__host_id__in=batch).delete()
            # Only the ids: the aliases are gone, the rest of each row is not needed.
            m.Interface.objects.filter(host_id__in=batch).only("id").delete()

    def add_interfaces(self) -> None:
        """Every interface of the file; those with ip=auto last, as Stacki adds them."""
        static, auto = [], []
        picks = {network_id: iter(ips) for network_id, ips in self.auto_ips.items()}
        for host in self.hosts.values():
            for nic in host.nics.values():
                values = self.interface(host, nic)
                if nic.ip == "auto":
                    values["ip"] = next(picks[values["network_id"]])
                    auto.append(values)
                else:
                    static.append(values)
        m.Interface.objects.bulk_create(instances(m.Interface, static + auto), batch_size=500)

    def interface(self, host: HostPlan, nic: Nic) -> dict[str, Any]:
        network = self.inv.networks.get(nic.network or "")
        name = nic.ifhostname
        if nic.is_default or is_null(name):
            name = host.name
        return {
            "host_id": self.ids[host.name], "device": nic.device, "mac": nic.mac,
            "ip": None if nic.ip in (None, "auto") else nic.ip, "name": name,
            "network_id": network.id if network else None,
            "module": "bonding" if nic.device.startswith("bond") else None, "vlan": nic.vlan,
            "options": nic.options, "channel": nic.channel, "default": nic.is_default}


def instances(model: Any, rows: list[dict[str, Any]]) -> list:
    """Unsaved model instances, built from positional values: Django's fast
    path, which matters at tens of thousands of rows."""
    fields = model._meta.concrete_fields
    defaults = [(f.attname, f.get_default()) for f in fields]
    return [model(*[row.get(name, default) for name, default in defaults]) for row in rows]


def free_ips(network: m.Network, taken: set[tuple[int, str]], count: int) -> list[str]:
    """The first `count` addresses of a network that nothing takes (nor its gateway)."""
    used = {ip for (network_id, ip) in taken if network_id == network.id}
    used.add(network.gateway)
    space = ipaddress.IPv4Network(f"{network.address}/{network.mask}", strict=False)
    found: list[str] = []
    for address in space.hosts():
        if len(found) == count:
            break
        if str(address) not in used:
            found.append(str(address))
    if len(found) < count:
        raise errors.CommandError("no free ip addresses left in the network")
    return found
