"""Attribute resolution (cli.md §6): every scope, shadow and intrinsic
attributes, computed for all requested hosts in one pass."""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections import defaultdict
from typing import Any, Iterable, NamedTuple

from stacki import VERSION
from stacki.inventory import models as m

PLAIN_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.]*$")
# Highest priority first.
PRIORITY = ("host", "environment", "os", "appliance", "global")


class Attr(NamedTuple):
    value: Any
    scope: str
    type: str  # var / shadow / const


def is_plain(name: str) -> bool:
    return bool(PLAIN_NAME.match(name))


def name_matcher(pattern: str | None):
    """Case-sensitive glob match; plain names match exactly."""
    if pattern is None:
        return lambda name: True
    if is_plain(pattern):
        return lambda name: name == pattern
    regex = re.compile(fnmatch.translate(pattern))
    return lambda name: bool(regex.match(name))


def stored(scope: str, target_ids: Iterable[int] | None = None, shadow: bool = True,
           pattern: str | None = None) -> dict[int | None, dict[str, Attr]]:
    """Attributes stored at one scope, by target id (None for global)."""
    qs = m.Attribute.objects.filter(scope=scope)
    if scope != "global" and target_ids is not None:
        qs = qs.filter(**{f"{scope}_id__in": list(target_ids)})
    if not shadow:
        qs = qs.filter(shadow=False)
    if pattern is not None and is_plain(pattern):
        qs = qs.filter(name=pattern)
    match = name_matcher(pattern)
    field = "id" if scope == "global" else f"{scope}_id"
    result: dict[int | None, dict[str, Attr]] = defaultdict(dict)
    for target, name, value, is_shadow in qs.values_list(field, "name", "value", "shadow"):
        if match(name):
            key = None if scope == "global" else target
            result[key][name] = Attr(value, scope, "shadow" if is_shadow else "var")
    return result


def release(os_name: str) -> str:
    return {"sles": "sles12", "ubuntu": "ubuntu18"}.get(os_name, f"{os_name}7")


def global_intrinsics() -> dict[str, Attr]:
    """Kickstart_* facts of the frontend's private/public interfaces, release, version."""
    values: dict[str, Any] = {}
    frontend = (m.Host.objects.filter(appliance__name="frontend")
                .select_related("box__os").order_by("id").first())
    if frontend is not None:
        rows = (m.Interface.objects.filter(host=frontend, network__name__in=("private", "public"))
                .values_list("network__name", "ip", "name", "network__zone",
                             "network__address", "network__mask"))
        for net, ip, ifname, zone, address, mask in rows:
            prefix = ipaddress.IPv4Network(f"{address}/{mask}", strict=False).prefixlen
            if net == "private":
                values.update({
                    "Kickstart_PrivateKickstartHost": ip,
                    "Kickstart_PrivateAddress": ip,
                    "Kickstart_PrivateHostname": ifname or frontend.name,
                    "Kickstart_PrivateDNSDomain": zone,
                    "Kickstart_PrivateNetwork": address,
                    "Kickstart_PrivateNetmask": mask,
                    "Kickstart_PrivateNetmaskCIDR": str(prefix),
                })
            else:
                values.update({
                    "Kickstart_PublicAddress": ip,
                    "Kickstart_PublicHostname": f"{ifname or frontend.name}.{zone}",
                    "Kickstart_PublicDNSDomain": zone,
                    "Kickstart_PublicNetwork": address,
                    "Kickstart_PublicNetmask": mask,
                    "Kickstart_PublicNetmaskCIDR": str(prefix),
                })
        values["release"] = release(frontend.box.os.name)
    values["version"] = VERSION
    return {k: Attr(v, "global", "const") for k, v in values.items()}


def host_intrinsics(hosts: list[m.Host]) -> dict[int, dict[str, Attr]]:
    """The computed `const` attributes of each host (cli.md §6.4)."""
    ids = [h.id for h in hosts]
    defaults: dict[int, tuple] = {}
    for host_id, ip, zone, has_net in (
        m.Interface.objects.filter(host_id__in=ids, default=True)
        .values_list("host_id", "ip", "network__zone", "network_id")
    ):
        defaults.setdefault(host_id, (ip, zone, has_net))
    groups: dict[int, list[str]] = defaultdict(list)
    for host_id, group in m.Host.groups.through.objects.filter(host_id__in=ids).values_list(
        "host_id", "group__name"
    ):
        groups[host_id].append(group)
    result = {}
    for h in hosts:
        values: dict[str, Any] = {
            "hostname": h.name,
            "appliance": h.appliance.name,
            "box": h.box.name,
            "os": h.box.os.name,
            "rack": h.rack,
            "rank": h.rank,
            "pallets": [],
            "carts": [],
            "os.version": None,
            "os.minor_version": None,
        }
        if h.environment_id:
            values["environment"] = h.environment.name
        if h.metadata:
            values["metadata"] = h.metadata
        ip, zone, has_net = defaults.get(h.id, (None, None, None))
        if has_net:
            values["domainname"] = zone
        if ip:
            values["hostaddr"] = ip
        names = sorted(groups.get(h.id, []))
        for g in names:
            values[f"group.{g}"] = "true"
        values["groups"] = " ".join(names)
        result[h.id] = {k: Attr(v, "host", "const") for k, v in values.items()}
    return result


def resolve(hosts: list[m.Host], *, shadow: bool = True, var: bool = True, const: bool = True,
            pattern: str | None = None) -> dict[int, dict[str, Attr]]:
    """Each host's resolved attributes: host > environment > os > appliance >
    global, then intrinsics on top (unless the host's const_overwrite is false).

    `hosts` need appliance, box__os and environment loaded (select_related).
    """
    layers: dict[str, dict] = {}
    if var:
        layers["global"] = stored("global", shadow=shadow, pattern=pattern)
        layers["os"] = stored("os", {h.box.os_id for h in hosts}, shadow, pattern)
        layers["appliance"] = stored("appliance", {h.appliance_id for h in hosts}, shadow, pattern)
        layers["environment"] = stored(
            "environment", {h.environment_id for h in hosts if h.environment_id}, shadow, pattern
        )
    # const_overwrite is read at host scope whatever the pattern asks for.
    host_layer = stored("host", [h.id for h in hosts], shadow) if hosts else {}
    match = name_matcher(pattern)
    consts = host_intrinsics(hosts) if const and hosts else {}
    global_consts = global_intrinsics() if const else {}
    result: dict[int, dict[str, Attr]] = {}
    for h in hosts:
        own = host_layer.get(h.id, {})
        merged: dict[str, Attr] = {}
        if var:
            targets = {"global": None, "appliance": h.appliance_id, "os": h.box.os_id,
                       "environment": h.environment_id, "host": h.id}
            for scope in reversed(PRIORITY):
                if scope == "host":
                    merged.update({k: a for k, a in own.items() if match(k)})
                elif targets[scope] is not None or scope == "global":
                    merged.update(layers[scope].get(targets[scope], {}))
        if const:
            overwrite = own.get("const_overwrite")
            consts_win = overwrite is None or str(overwrite.value).lower() not in (
                "false", "no", "off", "n", "0")
            for source in (global_consts, consts.get(h.id, {})):
                for k, a in source.items():
                    if match(k) and (consts_win or k not in merged):
                        merged[k] = a
        result[h.id] = merged
    return result


def truthy(value: Any) -> bool:
    from stacki.framework.command import str2bool

    return value is not None and str2bool(value)
