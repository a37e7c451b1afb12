"""This machine's own network interface, for the first use on a real frontend.

When STACKI_SYSROOT is / the database describes this machine: its frontend
host gets the address, mask and MAC of the interface on the private network
(STACKI_FRONTEND_INTERFACE, else the one holding the default route) instead of
the seeded 192.168.0.2, as `report siteattr` reads them.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import socket
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from stacki import errors

if TYPE_CHECKING:
    from stacki.inventory.defaults import Nic


SIOCGIFADDR = 0x8915
SIOCGIFNETMASK = 0x891B


def _ifreq(sock: socket.socket, request: int, device: str) -> str | None:
    try:
        data = fcntl.ioctl(sock.fileno(), request, struct.pack("256s", device.encode()[:15]))
    except OSError:
        return None
    return socket.inet_ntoa(data[20:24])


def _gateway(device: str) -> str:
    """The default IPv4 gateway (via any device; this one preferred)."""
    found = ""
    try:
        rows = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return found
    for row in rows:
        fields = row.split()
        if len(fields) > 2 and fields[1] == "00000000":
            gateway = socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
            if fields[0] == device:
                return gateway
            found = found or gateway
    return found


def local_nic(device: str) -> dict[str, str]:
    """Address facts of a local network interface."""
    if device not in {name for _, name in socket.if_nameindex()}:
        raise errors.CommandError(f"unkown interface {device}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        ip = _ifreq(sock, SIOCGIFADDR, device)
        mask = _ifreq(sock, SIOCGIFNETMASK, device)
    if ip is None or mask is None:
        raise errors.CommandError(f"interface {device} has no IPv4 address")
    try:
        mac = Path(f"/sys/class/net/{device}/address").read_text().strip()
    except OSError:
        mac = ""
    return {"ip": ip, "mask": mask, "mac": mac, "gateway": _gateway(device)}


def default_route_device(route_table: str) -> str | None:
    """The device of the IPv4 default route in /proc/net/route's text."""
    for row in route_table.splitlines()[1:]:
        fields = row.split()
        if len(fields) > 2 and fields[1] == "00000000":
            return fields[0]
    return None


def chosen_device() -> str | None:
    if os.environ.get("STACKI_FRONTEND_INTERFACE"):
        return os.environ["STACKI_FRONTEND_INTERFACE"]
    try:
        return default_route_device(Path("/proc/net/route").read_text())
    except OSError:
        return None


def frontend_nic(device: str | None = None) -> Nic | None:
    """The interface's facts, or None when it has no IPv4 address (the seeded
    values are used then, and a warning says so)."""
    from stacki.errors import StackError
    from stacki.inventory.defaults import Nic

    device = device or chosen_device()
    if device is None:
        return None
    try:
        facts = local_nic(device)
    except (StackError, OSError):
        return None
    network = ipaddress.IPv4Network(f"{facts['ip']}/{facts['mask']}", strict=False)
    gateway = facts["gateway"]
    if not gateway or ipaddress.IPv4Address(gateway) not in network:
        gateway = ""  # a default route through another network is not this one's
    return Nic(device, facts["ip"], facts["mask"], facts["mac"].lower(), gateway)
