"""The host section of a loaded document, written in bulk.

`load exec=true` runs one command per host, interface, alias, group and
attribute: at ten thousand hosts that is tens of thousands of commands. Here
every host that certainly passes what `add host`, `add host interface`,
`add host interface alias`, `add host group` and `set host attr` would check
is written with a handful of bulk inserts; any host this module is not sure
of (an unusual value, a clash, a missing appliance ...) is left to those
commands, which apply it or say why not. So the fast path never accepts
what the commands would refuse, and errors keep the commands' texts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from stacki import errors
from stacki.framework.command import str2bool
from stacki.inventory import attrs, validation
from stacki.inventory import models as m
from stacki.inventory.groups import Membership
from stacki.inventory.models import Group
from stacki.inventory.validation import valid_host_name
from stacki.inventory.values import is_ipv4, is_null, parse_mac

# The scoped lists of a host written by their commands, not here (rare in dumps).
BY_COMMAND = ("controller", "partition", "firewall", "route")
BATCH = 500


class Unsure(Exception):
    """This host goes through the commands."""


class HostLoader:
    """What the checks need, read once; then `load(hosts)`."""

    def __init__(self) -> None:
        self.appliances = dict(m.Appliance.objects.values_list("name", "id"))
        self.boxes = {b.name: b for b in m.Box.objects.all()}
        self.environments = dict(m.Environment.objects.values_list("name", "id"))
        self.actions = set(m.BootAction.objects.values_list(
            "bootname__name", "bootname__type", "os_id"))
        self.networks = {name.lower(): pk for pk, name in m.Network.objects.order_by("-id")
                         .values_list("id", "name")}
        self.groups = dict(Group.objects.values_list("name", "id"))
        self.names = {n.lower() for n in m.Host.objects.values_list("name", flat=True)}
        self.aliases = {a.lower() for a in m.Alias.objects.values_list("name", flat=True)}
        self.addresses = set(m.Interface.objects.exclude(ip=None).exclude(network=None)
                             .values_list("network_id", "ip"))

    def load(self, hosts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Write the hosts it is sure of; returns the others, in order."""
        sure: list[tuple[m.Host, dict[str, Any], list, list, list]] = []
        others = []
        for host in hosts:
            try:
                sure.append(self.plan(host))
            except (Unsure, errors.StackError, ValueError, TypeError, AttributeError):
                self.claim(host)
                others.append(host)
        rows = [s[0] for s in sure]
        m.Host.objects.bulk_create(rows, batch_size=BATCH)
        nics = []
        for row, _, planned_nics, _, _ in sure:
            for nic, _ in planned_nics:
                nic.host_id = row.id
                nics.append(nic)
        m.Interface.objects.bulk_create(nics, batch_size=BATCH)
        m.Alias.objects.bulk_create(
            [m.Alias(interface_id=nic.id, name=alias) for _, _, planned, _, _ in sure
             for nic, aliases in planned for alias in aliases], batch_size=BATCH)
        Membership.objects.bulk_create(
            [Membership(host_id=row.id, group_id=self.groups[g]) for row, _, _, groups, _ in sure
             for g in groups], batch_size=BATCH)
        m.Attribute.objects.bulk_create(
            [m.Attribute(scope="host", host_id=row.id, name=k, value=v, shadow=False)
             for row, _, _, _, pairs in sure for k, v in pairs], batch_size=BATCH)
        return others

    def claim(self, host: dict[str, Any]) -> None:
        """A host left to the commands still holds its name, addresses and
        aliases: a later host that clashes with it goes to the commands too,
        which then meet them in the document's order."""
        self.names.add(str(host.get("name")).lower())
        for nic in host.get("interface") or [] if isinstance(host.get("interface"), list) else []:
            if not isinstance(nic, dict):
                continue
            network = self.networks.get(str(nic.get("network")).lower())
            if network is not None and nic.get("ip") is not None:
                self.addresses.add((network, str(nic["ip"])))
            self.aliases.update(str(a).lower() for a in nic.get("alias") or []
                                if isinstance(nic.get("alias"), list))

    # --- the checks ------------------------------------------------------------------
    def plan(self, host: dict[str, Any]) -> tuple[m.Host, dict, list, list, list]:
        name = text(host.get("name"))
        if name != name.lower() or not valid_host_name(name) or name in self.names:
            raise Unsure
        box = self.boxes.get(text(host.get("box") or "default"))
        appliance = self.appliances.get(text(host.get("appliance")))
        if box is None or appliance is None or host.get("rack") is None \
                or host.get("rank") is None:
            raise Unsure
        environment = host.get("environment")
        if environment is not None and text(environment) not in self.environments:
            raise Unsure
        actions = {}
        for kind, key in (("os", "osaction"), ("install", "installaction")):
            action = text(host.get(key) or "default")
            if not ((action, kind, box.os_id) in self.actions or (action, kind, None) in self.actions):
                raise Unsure
            actions[key] = action
        comment, metadata = host.get("comment"), host.get("metadata")
        if comment is not None and (not comment or is_null(text(comment)) or len(comment) > 140):
            raise Unsure
        if metadata is not None and (not metadata or is_null(text(metadata))):
            raise Unsure
        groups = [text(g) for g in host.get("group") or []]
        if any(g not in self.groups for g in groups) or len(set(groups)) != len(groups):
            raise Unsure
        row = m.Host(name=name, appliance_id=appliance, box_id=box.id, rack=str(host["rack"]),
                     rank=str(host["rank"]), environment_id=self.environments.get(environment),
                     comment=comment, metadata=metadata, boot="os", **actions)
        validation.check_instance(row)
        nics = self.interfaces(name, host.get("interface") or [])
        pairs = self.attributes(host.get("attr") or [])
        self.names.add(name)
        for nic, aliases in nics:
            if nic.ip is not None and nic.network_id is not None:
                self.addresses.add((nic.network_id, nic.ip))
            self.aliases.update(a.lower() for a in aliases)
        return row, host, nics, groups, pairs

    def interfaces(self, host: str, nics: list[dict[str, Any]]) -> list[tuple[m.Interface, list]]:
        planned: list[tuple[m.Interface, list]] = []
        devices, macs, addresses, aliases = set(), set(), set(), set()
        if sum(1 for nic in nics if str2bool(nic.get("default") or False)) > 1:
            raise Unsure  # the last default wins over the others: the commands know how
        for nic in nics:
            device, mac = optional(nic.get("interface")), optional(nic.get("mac"))
            if (device is None and mac is None) or device in devices or mac in macs:
                raise Unsure
            if mac is not None and parse_mac(mac) != mac:
                raise Unsure
            network = None
            if nic.get("network") is not None:
                network = self.networks.get(text(nic["network"]).lower())
                if network is None:
                    raise Unsure
            ip = optional(nic.get("ip"))
            if ip is not None:
                if str(ipaddress.IPv4Address(ip)) != ip:
                    raise Unsure
                key = (network, ip)
                if network is not None and (key in self.addresses or key in addresses):
                    raise Unsure
                addresses.add(key)
            name = optional(nic.get("name"))
            if name is not None and "." in name:
                raise Unsure
            vlan = nic.get("vlan")
            if vlan is not None and (not isinstance(vlan, int) or isinstance(vlan, bool)
                                     or not 1 <= vlan <= 4094):
                raise Unsure
            nic_aliases = [text(a) for a in nic.get("alias") or []]
            for alias in nic_aliases:
                lowered = alias.lower()
                if (device is None or lowered in self.names or lowered == host
                        or alias.isdigit() or is_ipv4(alias) or lowered in self.aliases
                        or lowered in aliases):
                    raise Unsure
                validation.check_label(alias, "alias name")
                aliases.add(lowered)
            interface = m.Interface(
                device=device, mac=mac, ip=ip, name=name, network_id=network,
                module=optional(nic.get("module")), vlan=vlan,
                options=optional(nic.get("options")), channel=optional(nic.get("channel")),
                default=str2bool(nic.get("default") or False))
            validation.check_instance(interface)
            devices.add(device)
            macs.add(mac)
            planned.append((interface, nic_aliases))
        devices.discard(None)
        return planned

    def attributes(self, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
        pairs = []
        for row in rows:
            value = row.get("value")
            if value in (None, ""):
                continue  # `set host attr value=` would not store it either
            name = text(row.get("name"))
            if row.get("shadow") or not attrs.is_plain(name) or not isinstance(value, str):
                raise Unsure
            validation.check_text(value, "attribute value", multiline=True)
            pairs.append((name, value))
        if len({name for name, _ in pairs}) != len(pairs):
            raise Unsure
        return pairs


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Unsure
    validation.check_text(value, "value")
    return value


def optional(value: Any) -> str | None:
    """A dumped value that commands would take as given (None: absent)."""
    if value is None:
        return None
    value = text(value)
    if value == "" or is_null(value):
        raise Unsure  # the commands read these as "no value": let them
    return value


