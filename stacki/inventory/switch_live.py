"""What the commands that talk to switches read from the inventory: each
switch's address (its first interface with an IP), its model and the SSH
credentials in its attributes, the host interfaces behind MAC addresses,
and the partitions a subnet manager should carry. A fixed number of queries
whatever the number of switches.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from typing import Any, NamedTuple

from stacki import errors
from stacki.inventory import models as m
from stacki.inventory.attrs import resolve
from stacki.inventory.switch_console import Target
from stacki.inventory.switch_makes import MAKES, Partition

USERNAME, PASSWORD, SSH_PORT, MODEL = ("switch_username", "switch_password", "switch_ssh_port",
                                       "component.model")
# Stacki's default login of its switch drivers.
DEFAULT_USERNAME = "admin"
PING = ("ping", "-c", "1", "-W", "1")
PING_WAIT = 5.0


class LiveSwitch(NamedTuple):
    host: m.Host
    model: str | None  # lower case, None when not a supported model
    address: str | None
    attrs: dict[str, Any]

    @property
    def name(self) -> str:
        return self.host.name

    def attr(self, name: str) -> str | None:
        found = self.attrs.get(name)
        return None if found is None or found.value in (None, "") else str(found.value)

    def target(self) -> Target:
        """Where to log in; Stacki's error when the switch has no address."""
        if not self.address:
            raise errors.CommandError(f'"{self.name}" has no address to connect to.')
        text = self.attr(SSH_PORT) or "22"
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise errors.CommandError(
                f'switch "{self.name}": attribute {SSH_PORT} must be a port number, not "{text}"')
        return Target(self.name, self.address, int(text), self.attr(USERNAME) or DEFAULT_USERNAME,
                      self.attr(PASSWORD) or "")


def live_switches(switches: list[m.Host], shadow: bool = True) -> list[LiveSwitch]:
    """The switches with their model, address and attributes (the shadow ones
    too when `shadow`: the password is one; a caller who may not read it
    logs in without it)."""
    attrs = resolve(switches, shadow=shadow, const=False, pattern="*")
    addresses: dict[int, str] = {}
    rows = (m.Interface.objects.filter(host__in=switches, ip__isnull=False).exclude(ip="")
            .order_by("device", "id").values_list("host_id", "ip"))
    for host_id, ip in rows:
        addresses.setdefault(host_id, ip)
    found = []
    for s in switches:
        mine = attrs[s.id]
        model = mine.get(MODEL)
        name = str(model.value).lower() if model is not None and model.value else None
        found.append(LiveSwitch(s, name if name in MAKES else None, addresses.get(s.id), mine))
    return found


def interfaces_by_mac(macs: Iterable[str]) -> dict[str, tuple[int, str, int, str | None]]:
    """(host id, host name, interface id, device) of each known MAC, one query."""
    wanted = sorted({mac.lower() for mac in macs})
    found: dict[str, tuple[int, str, int, str | None]] = {}
    if not wanted:
        return found
    rows = (m.Interface.objects.filter(mac__in=wanted).order_by("id")
            .values_list("mac", "host_id", "host__name", "id", "device"))
    for mac, host_id, host, iface, device in rows:
        found.setdefault(mac.lower(), (host_id, host, iface, device))
    return found


def network_addresses(switch: m.Host) -> list[str]:
    """The IPs of the other hosts' interfaces on the networks of the switch's
    own interfaces (what `pinghosts=` pings)."""
    networks = m.Interface.objects.filter(host=switch, network__isnull=False).values("network_id")
    rows = (m.Interface.objects.filter(network_id__in=networks, ip__isnull=False)
            .exclude(host=switch).exclude(ip="").exclude(host__appliance__name="switch")
            .order_by("id").values_list("ip", flat=True))
    return list(dict.fromkeys(rows))


def ping(addresses: list[str]) -> bool:
    """One ping to each address at once, waiting a few seconds at most, so the
    switch has seen their MACs. False when there is no ping to run."""
    procs = []
    try:
        for ip in addresses:
            procs.append(subprocess.Popen([*PING, ip], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
    except FileNotFoundError:
        return False
    finally:
        for proc in procs:
            try:
                proc.wait(timeout=PING_WAIT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return True


def guid(mac: str) -> str:
    """A member's GUID as the switch names it: the last 8 bytes of the
    interface's MAC (a GID's too), lower case."""
    return mac[-23:].lower()


def wanted_partitions(switch: m.Host) -> dict[str, Partition]:
    """The switch's partitions in the database, with their members."""
    parts = {p.id: (p.name, p.pkey, p.options) for p in
             m.IBPartition.objects.filter(switch=switch).order_by("id")}
    members: dict[int, dict[str, str]] = {pid: {} for pid in parts}
    rows = (m.IBMembership.objects.filter(partition_id__in=list(parts), interface__mac__isnull=False)
            .order_by("id").values_list("partition_id", "interface__mac", "membership"))
    for pid, mac, membership in rows:
        members[pid][guid(mac)] = membership
    wanted = {}
    for pid, (name, pkey, options) in parts.items():
        opts = dict(w.split("=", 1) for w in options.split() if "=" in w)
        wanted[name] = Partition(pkey, opts.get("ipoib") == "True", opts.get("defmember"),
                                 members[pid])
    return wanted


def interfaces_by_guid(guids: set[str]) -> dict[str, tuple[str, str | None]]:
    """(host name, device) of the interface whose MAC ends with each GUID, one query."""
    from django.db.models import Q

    wanted = {g.lower() for g in guids if g.lower() != "all"}
    if not wanted:
        return {}
    query = Q()
    for g in wanted:
        query |= Q(mac__iendswith=g)
    found: dict[str, tuple[str, str | None]] = {}
    for mac, host, device in (m.Interface.objects.filter(query).order_by("id")
                              .values_list("mac", "host__name", "device")):
        found.setdefault(guid(mac), (host, device))
    return found
