"""Host interfaces in the inventory: reading them per host, naming clashes
in Stacki's words, writing changes, free addresses of a network.

MACs are stored lower-case in colon form. Uniqueness of a device and of a MAC
per host is held by database constraints; the checks here only give a clash
Stacki's wording, before or after the write. An IP address may be shared, as
in Stacki (HA service addresses, a VM given its hypervisor's address): it only
draws a warning naming the other holders (`Siblings.shared_ips`).
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory.batches import batches
from stacki.inventory.scopes import IN_LIMIT
from stacki.inventory.values import normal_mac

CLASH_FIELDS = ("device", "mac")
# Above this many distinct new values, bulk_update's CASE statements beat an UPDATE each.
FEW_VALUES = 20
# Ids or addresses per IN list when reading or writing interfaces.
CHUNK = 5000


def check_name(name: str) -> None:
    if "." in name:
        raise errors.ParamType("name", "non-FQDN (base hostname)")


def find_network(name: str) -> m.Network:
    network = m.Network.objects.filter(name__iexact=name).first()
    if network is None:
        raise errors.CommandError(f'network "{name}" does not exist')
    return network


def device_key(iface: Any) -> tuple:
    return (iface.device is not None, iface.device or "", iface.id or 0)


def for_hosts(queryset, hosts: Iterable[m.Host], field: str = "host_id",
              key: Callable[[Any], Any] | None = None) -> list:
    """The rows of `queryset` that belong to `hosts`, in one query whatever their number.

    `key` reads the host id of a row (default: the attribute path `field`).
    """
    ids = {h.id for h in hosts}
    if len(ids) <= IN_LIMIT:
        queryset = queryset.filter(**{f"{field}__in": ids})
    key = key or (lambda row: _attr(row, field))
    return [row for row in queryset if key(row) in ids]


def _attr(row: object, dotted: str) -> object:
    for part in dotted.split("__"):
        row = getattr(row, part)
    return row


def interfaces_of(hosts: list[m.Host]) -> dict[int, list[m.Interface]]:
    """Each host's interfaces, sorted by device (interfaces without a device first)."""
    by_host: dict[int, list[m.Interface]] = {h.id: [] for h in hosts}
    for iface in for_hosts(m.Interface.objects.select_related("network"), hosts):
        by_host[iface.host_id].append(iface)
    for ifaces in by_host.values():
        ifaces.sort(key=device_key)
    return by_host


class Siblings:
    """The interfaces of some hosts as they will be after a change, to name clashes."""

    def __init__(self, hosts: list[m.Host], by_host: dict[int, list[m.Interface]]):
        self.names = {h.id: h.name for h in hosts}
        self.by_host = by_host

    def clash(self, changed: list[m.Interface], fields: Iterable[str] = CLASH_FIELDS) -> str | None:
        """Stacki's `... exists on H` for the first clash `changed` would cause."""
        fields = set(fields)
        for iface in changed:
            others = [o for o in self.by_host[iface.host_id] if o is not iface]
            name = self.names[iface.host_id]
            if "device" in fields and iface.device is not None and any(
                    o.device == iface.device for o in others):
                return f"interface {iface.device} exists on {name}"
            if "mac" in fields and iface.mac is not None and any(
                    o.mac == iface.mac for o in others):
                return f"mac {iface.mac} exists on {name}"
        return None

    def shared_ips(self, changed: list[m.Interface]) -> list[str]:
        """`ip X exists on H interface D` for each address of `changed` that another
        interface on the same network holds (or another of `changed` takes)."""
        firsts: dict[tuple[int, str], m.Interface] = {}
        found: list[str] = []
        for iface in changed:
            if iface.ip is None or iface.network_id is None:
                continue
            key = (iface.network_id, iface.ip)
            if key in firsts:
                found.append(_shared(iface.ip, self.names[firsts[key].host_id],
                                     firsts[key].device))
            else:
                firsts[key] = iface
        changed_ids = {i.id for i in changed}
        networks = {n for n, _ in firsts}
        for ips in batches(sorted({ip for _, ip in firsts}), CHUNK):
            rows = (m.Interface.objects.filter(network_id__in=networks, ip__in=ips)
                    .order_by("host__name", F("device").asc(nulls_first=True), "id")
                    .values_list("id", "network_id", "ip", "host__name", "device"))
            for iface_id, network_id, ip, host, device in rows:
                if iface_id not in changed_ids and (network_id, ip) in firsts:
                    found.append(_shared(ip, host, device))
        return found

    def check(self, changed: list[m.Interface], fields: Iterable[str] = CLASH_FIELDS) -> None:
        message = self.clash(changed, fields)
        if message is not None:
            raise errors.CommandError(message)

    def save(self, changed: list[m.Interface], fields: list[str] | None = None) -> None:
        """Write `changed` (insert new ones); a constraint refusal becomes Stacki's text."""
        try:
            with transaction.atomic():
                if fields is None:
                    for iface in changed:
                        iface.save()
                else:
                    update(changed, fields)
        except IntegrityError:
            message = self.clash(changed)
            if message is None:
                raise
            raise errors.CommandError(message) from None


def _shared(ip: str, host: str, device: str | None) -> str:
    where = f"{host} interface {device}" if device else host
    return f"ip {ip} exists on {where}"


def update(changed: list[m.Interface], fields: list[str]) -> None:
    """Write `fields` of `changed`: one UPDATE per distinct value where values are few
    (the usual case: one value for every selected interface), else CASE statements."""
    columns = [m.Interface._meta.get_field(f).attname for f in fields]  # type: ignore[union-attr]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for iface in changed:
        groups[tuple(getattr(iface, c) for c in columns)].append(iface.id)
    if len(groups) > FEW_VALUES:
        m.Interface.objects.bulk_update(changed, fields, batch_size=500)
        return
    for values, ids in groups.items():
        for part in batches(ids, CHUNK):
            m.Interface.objects.filter(id__in=part).update(**dict(zip(columns, values)))


def free_ips(network: m.Network, count: int) -> list[str]:
    """The first `count` unused host addresses of a network (its gateway counts as used)."""
    used = set(m.Interface.objects.filter(network=network, ip__isnull=False)
               .values_list("ip", flat=True))
    used.add(network.gateway)
    space = ipaddress.IPv4Network(f"{network.address}/{network.mask}", strict=False)
    found: list[str] = []
    for address in space.hosts():
        if str(address) not in used:
            found.append(str(address))
            if len(found) == count:
                return found
    raise errors.CommandError("no free ip addresses left in the network")


def same_device(iface: m.Interface, device: str) -> bool:
    return iface.device is not None and iface.device.lower() == device.lower()


def same_mac(iface: m.Interface, mac: str | None) -> bool:
    if iface.mac is None or mac is None:
        return False
    return iface.mac.lower() == (normal_mac(mac) or mac.lower())


def same_network(iface: m.Interface, network: str) -> bool:
    return iface.network is not None and iface.network.name.lower() == network.lower()
