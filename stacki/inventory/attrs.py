"""Resolution of attributes (cli.md §6): stored ones over the scopes of
stacki.inventory.scopes, and the intrinsic ones every host has.

Everything here works on all requested hosts at once: one query per kind of
row, whatever the number of hosts, then one pass in Python.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from django.db.models import Q

from stacki import VERSION
from stacki.inventory import models as m
from stacki.inventory import patterns
from stacki.inventory.prepared import Prepared
from stacki.inventory.scopes import (
    PRIORITY,
    TARGET_FIELDS,
    for_hosts,
    grouped_rows,
    host_targets,
    placement,
    stored_rows,
    wanted_for,
)
from stacki.inventory.values import str2bool

PLAIN_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.]*$")
# Up to this many hosts, resolving a plain name reads only their own host rows.
FEW_HOSTS = 20
ATTR_FIELDS = ("name", "value", "shadow")


class Attr(NamedTuple):
    value: Any
    scope: str
    type: str  # var / shadow / const


def is_plain(name: str) -> bool:
    return bool(PLAIN_NAME.match(name))


def name_matcher(pattern: str | None) -> Callable[[str], bool]:
    """Case-sensitive glob match; plain names match exactly."""
    if pattern is None:
        return lambda name: True
    if is_plain(pattern):
        return lambda name: name == pattern
    return patterns.glob(pattern)


def truthy(value: Any) -> bool:
    return value is not None and str2bool(value)


# --- attributes -----------------------------------------------------------

def _attr_filter(shadow: bool, pattern: str | None, const: bool = True) -> Q | None:
    query = Q() if shadow else Q(shadow=False)
    if pattern is not None and is_plain(pattern):
        query &= _named(pattern, const)
    return query


def _named(name: Any, const: bool) -> Q:
    # const_overwrite steers the consts whatever the pattern asks for.
    return Q(name__in=[name, "const_overwrite"]) if const else Q(name=name)


@functools.cache
def _named_attrs(shadow: bool, const: bool) -> Prepared:
    """The rows `_attr_filter` selects for one plain name, read whole, for
    the resolution of that name over many hosts (`list host`'s
    kickstartable): compiled once (stacki.inventory.prepared)."""
    rows = m.rows_of(m.Attribute, *TARGET_FIELDS, *ATTR_FIELDS)
    if not shadow:
        rows = rows.filter(shadow=False)
    return Prepared(lambda name: rows.filter(_named(name, const)))


def _as_attrs(rows: Iterable[tuple], scope: str) -> dict[str, Attr]:
    return {name: Attr(value, scope, "shadow" if secret else "var")
            for name, value, secret in rows}


def stored(scope: str, target_ids: Iterable[int] | None = None, shadow: bool = True,
           pattern: str | None = None) -> dict[int | None, dict[str, Attr]]:
    """Attributes stored at one scope, by target id (None for global)."""
    ids = None if target_ids is None else set(target_ids)
    grouped = stored_rows(m.Attribute, {scope: ids}, ATTR_FIELDS,
                          _attr_filter(shadow, pattern))
    match = name_matcher(pattern)
    result: dict[int | None, dict[str, Attr]] = {}
    for (_, target), rows in grouped.items():
        attrs = {k: a for k, a in _as_attrs(rows, scope).items() if match(k)}
        if attrs:
            result[target] = attrs
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
                .order_by("id")
                .values_list("network__name", "ip", "name", "network__zone",
                             "network__address", "network__mask"))
        for net, ip, ifname, zone, address, mask in rows:
            values.update(_network_facts(net, ip, ifname or frontend.name, zone, address, mask))
        values["release"] = release(frontend.box.os.name)
    values["version"] = VERSION
    return {k: Attr(v, "global", "const") for k, v in values.items()}


def _network_facts(net: str, ip: str | None, name: str, zone: str, address: str,
                   mask: str) -> dict[str, Any]:
    import ipaddress  # only the frontend's networks need it; keeps start-up light

    try:
        prefix = str(ipaddress.IPv4Network(f"{address}/{mask}", strict=False).prefixlen)
    except ValueError:
        prefix = None
    if net == "private":
        return {
            "Kickstart_PrivateKickstartHost": ip,
            "Kickstart_PrivateAddress": ip,
            "Kickstart_PrivateHostname": name,
            "Kickstart_PrivateDNSDomain": zone,
            "Kickstart_PrivateNetwork": address,
            "Kickstart_PrivateNetmask": mask,
            "Kickstart_PrivateNetmaskCIDR": prefix,
        }
    return {
        "Kickstart_PublicAddress": ip,
        "Kickstart_PublicHostname": f"{name}.{zone}",
        "Kickstart_PublicDNSDomain": zone,
        "Kickstart_PublicNetwork": address,
        "Kickstart_PublicNetmask": mask,
        "Kickstart_PublicNetmaskCIDR": prefix,
    }


def host_intrinsics(hosts: list[m.Host]) -> dict[int, dict[str, Attr]]:
    """The computed `const` attributes of each host (cli.md §6.4)."""
    if not hosts:
        return {}
    interfaces = for_hosts(m.Interface.objects.filter(default=True), hosts)
    memberships = for_hosts(m.Host.groups.through.objects.all(), hosts)
    defaults: dict[int, tuple] = {}
    for host_id, ip, zone, network in interfaces.order_by("id").values_list(
            "host_id", "ip", "network__zone", "network_id"):
        defaults.setdefault(host_id, (ip, zone, network))
    groups: dict[int, list[str]] = defaultdict(list)
    for host_id, group in memberships.values_list("host_id", "group__name"):
        groups[host_id].append(group)
    from stacki.inventory.software import box_facts

    boxes = box_facts({h.box_id for h in hosts})
    return {h.id: _intrinsics(h, defaults.get(h.id), sorted(groups.get(h.id, ())),
                              boxes[h.box_id])
            for h in hosts}


def _intrinsics(host: m.Host, default: tuple | None, groups: list[str],
                software: dict[str, Any]) -> dict[str, Attr]:
    values: dict[str, Any] = {
        "hostname": host.name,
        "appliance": host.appliance.name,
        "box": host.box.name,
        "os": host.box.os.name,
        "rack": host.rack,
        "rank": host.rank,
        # pallets, carts, os.version, os.minor_version: from the host's box
        **software,
    }
    if host.environment_id:
        values["environment"] = host.environment.name
    if host.metadata:
        values["metadata"] = host.metadata
    ip, zone, network = default or (None, None, None)
    if network is not None:
        values["domainname"] = zone
    if ip:
        values["hostaddr"] = ip
    for group in groups:
        values[f"group.{group}"] = "true"
    values["groups"] = " ".join(groups)
    return {k: Attr(v, "host", "const") for k, v in values.items()}


def consts_win(host_attrs: dict[str, Attr]) -> bool:
    """Intrinsics override stored attrs unless the host's own const_overwrite is false."""
    overwrite = host_attrs.get("const_overwrite")
    return overwrite is None or truthy(overwrite.value)


def overlay(merged: dict[str, Attr], consts: dict[str, Attr], win: bool,
            match: Callable[[str], bool] | None = None) -> None:
    """Put intrinsics over stored attrs (`win`) or only where none is stored."""
    if match is None and win:
        merged.update(consts)
        return
    for name, attr in consts.items():
        if match is not None and not match(name):
            continue
        if win or name not in merged:
            merged[name] = attr


def resolve(hosts: list[m.Host], *, shadow: bool = True, var: bool = True, const: bool = True,
            pattern: str | None = None) -> dict[int, dict[str, Attr]]:
    """Each host's resolved attributes: host > environment > os > appliance >
    global, then intrinsics on top (unless the host's const_overwrite is false).

    `hosts` need appliance, box__os and environment loaded (select_related).
    """
    match = None if pattern is None else name_matcher(pattern)
    layers: dict[tuple[str, int | None], dict[str, Attr]] = {}
    if var and hosts:
        plain = pattern is not None and is_plain(pattern)
        # A name has at most one row per target: reading all of them is
        # cheaper than naming every host's targets in the query, and their
        # order decides nothing. Only the rows of a few hosts are picked by
        # id: a name may be stored on each of thousands of hosts.
        wanted = dict.fromkeys(PRIORITY) if plain else wanted_for(hosts)
        if plain and len(hosts) > FEW_HOSTS:
            grouped = grouped_rows(_named_attrs(shadow, const)(pattern), wanted)
        else:
            if plain:
                wanted["host"] = {h.id for h in hosts}
            grouped = stored_rows(m.Attribute, wanted, ATTR_FIELDS,
                                  _attr_filter(shadow, pattern, const), ordered=not plain)
        layers = {key: _as_attrs(rows, key[0]) for key, rows in grouped.items()}
    consts = host_intrinsics(hosts) if const else {}
    global_consts = global_intrinsics() if const and hosts else {}
    result: dict[int, dict[str, Attr]] = {}
    for host, merged, own in _stored_attrs(hosts, layers, match):
        if const:
            win = consts_win(own)
            overlay(merged, global_consts, win, match)
            overlay(merged, consts[host.id], win, match)
        result[host.id] = merged
    return result


def _stored_attrs(hosts: list[m.Host], layers: dict[tuple[str, int | None], dict[str, Attr]],
                  match: Callable[[str], bool] | None
                  ) -> Iterator[tuple[m.Host, dict[str, Attr], dict[str, Attr]]]:
    """Each host with the stored attributes it sees (matching names only) and
    those stored at the host itself (all of them, const_overwrite included).

    Hosts of the same appliance, box and environment see the same global to
    environment layers: those are merged once per combination."""
    below_host: dict[tuple, dict[str, Attr]] = {}
    for host in hosts:
        combination = placement(host)
        shared = below_host.get(combination)
        if shared is None:
            shared = {}
            *scopes, _ = host_targets(host)
            for target in scopes:
                shared.update(layers.get(target, ()))
            shared = below_host[combination] = _matching(shared, match)
        own = layers.get(("host", host.id), {})
        merged = dict(shared)
        if own:
            merged.update(_matching(own, match))
        yield host, merged, own


def _matching(attrs: dict[str, Attr], match: Callable[[str], bool] | None) -> dict[str, Attr]:
    if match is None:
        return attrs
    return {k: a for k, a in attrs.items() if match(k)}


def unresolved(scope: str, targets: list, *, shadow: bool = True, var: bool = True,
               const: bool = True, pattern: str | None = None) -> dict[int | None, dict[str, Attr]]:
    """The attributes stored at one scope for each target (None for global),
    plus that scope's intrinsics: what `list attr` shows without resolving."""
    match = name_matcher(pattern)
    ids = [None] if scope == "global" else [t.id for t in targets]
    grouped = {}
    if ids and (var or scope == "host"):
        wanted = {scope: None if scope == "global" else set(ids)}
        grouped = stored_rows(m.Attribute, wanted, ATTR_FIELDS,
                              _attr_filter(shadow, pattern if var else "const_overwrite"))
    intrinsics: dict[int | None, dict[str, Attr]] = {}
    if const and scope == "global":
        intrinsics = {None: global_intrinsics()}
    elif const and scope == "host":
        intrinsics = host_intrinsics(targets)
    result: dict[int | None, dict[str, Attr]] = {}
    for target in ids:
        mine = _as_attrs(grouped.get((scope, target), ()), scope)
        merged = {k: a for k, a in mine.items() if var and match(k)}
        if target in intrinsics:
            overlay(merged, intrinsics[target], consts_win(mine), match)
        result[target] = merged
    return result
