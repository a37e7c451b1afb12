"""Values as users type them: booleans, hardware and IPv4 addresses, VLANs.

Parsing and normalising only; no database. The command framework converts
declared parameters with these, and the inventory checks stored values.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stacki import errors

if TYPE_CHECKING:
    import ipaddress

TRUE_WORDS = frozenset(("on", "yes", "y", "true", "1"))

MAC_SEPARATED = re.compile(r"^[0-9a-f]{1,2}(?P<sep>[:-])[0-9a-f]{1,2}(?:(?P=sep)[0-9a-f]{1,2})*$")
MAC_DOTTED = re.compile(r"^[0-9a-f]{4}(?:\.[0-9a-f]{4})+$")
MAC_BARE = re.compile(r"^(?:[0-9a-f]{2})+$")
# Ethernet, EUI-64 and IP-over-InfiniBand hardware addresses.
MAC_OCTETS = (6, 8, 20)


def str2bool(value: object) -> bool:
    """Stacki's boolean parsing: a few true words, everything else is false."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_WORDS


def bool2str(value: bool) -> str:
    return "yes" if value else "no"


def normal_mac(text: str) -> str | None:
    """A hardware address in lower-case colon form, or None if it is not one."""
    text = text.strip().lower()
    if MAC_SEPARATED.match(text):
        octets = [o.zfill(2) for o in re.split("[:-]", text)]
    elif MAC_DOTTED.match(text) or MAC_BARE.match(text):
        digits = text.replace(".", "")
        octets = [digits[i:i + 2] for i in range(0, len(digits), 2)]
    else:
        return None
    return ":".join(octets) if len(octets) in MAC_OCTETS else None


def parse_mac(text: str, param: str = "mac") -> str:
    mac = normal_mac(text)
    if mac is None:
        raise errors.ParamValue(param, "a valid MAC address")
    return mac


def is_null(value: str | None) -> bool:
    return value is not None and value.upper() == "NULL"


def nullable(value: str | None) -> str | None:
    """`NULL` (any case) and absence both mean no value."""
    return None if value is None or is_null(value) else value


def parse_vlan(value: str, param: str = "vlan") -> int | None:
    """A VLAN id 0-4094; 0 means none."""
    try:
        vlan = int(value)
    except ValueError:
        raise errors.ParamType(param, "integer") from None
    if not 0 <= vlan <= 4094:
        raise errors.ParamValue(param, "an integer between 0 and 4094")
    return vlan or None


# ipaddress is imported where used: every `stack` start imports this module.
def ipv4_network(address: str, mask: str) -> ipaddress.IPv4Network:
    """The network address/mask names; host bits may not be set."""
    import ipaddress

    try:
        return ipaddress.IPv4Network(f"{address}/{mask}")
    except ValueError:
        raise errors.CommandError(
            f"{address}/{mask} is not a valid network address and subnet mask combination"
        ) from None


def ipv4_address(value: str, param: str) -> str:
    """`value` as a normalised IPv4 address, else a usage error naming `param`."""
    import ipaddress

    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise errors.ParamValue(param, "a valid IP address") from None


def is_ipv4(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True
