"""`dump` and `dump <section>`: the database as one JSON document (commands.md §11).

Every section is read set-based: a query per kind of row for all targets,
whatever the number of hosts. What is stored at a scope is dumped there
(stored `var` attributes only: shadow values never leave the database).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar

from stacki import VERSION, errors
from stacki.commands.firewall import score
from stacki.commands.firmware_dump import firmware
from stacki.commands.switch_dump import switches
from stacki.commands.vm_dump import vms
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Text
from stacki.inventory import models as m
from stacki.inventory import storage
from stacki.inventory.groups import groups_of_hosts
from stacki.inventory.models import Group, User
from stacki.inventory.objects import select_objects
from stacki.inventory.scopes import IN_LIMIT

SCOPED = ("attr", "controller", "partition", "firewall", "route")
FIREWALL = ("service", "network__name", "output_network__name", "chain", "action", "protocol",
            "flags", "comment", "table", "name")
FIREWALL_KEYS = ("service", "network", "output_network", "chain", "action", "protocol", "flags",
                 "comment", "table", "name")
ROUTE = ("address", "gateway", "subnet__name", "netmask", "interface")
ROUTE_KEYS = ("address", "gateway", "subnet", "netmask", "interface")
NETWORK = ("name", "address", "mask", "gateway", "mtu", "zone", "dns", "pxe")
INTERFACE = ("device", "default", "network__name", "mac", "ip", "name", "module", "vlan",
             "options", "channel")
INTERFACE_KEYS = ("interface", "default", "network", "mac", "ip", "name", "module", "vlan",
                  "options", "channel")
Target = Any  # a model instance, or None for the global scope


# --- what is stored at a scope -------------------------------------------------

def _rows(model: Any, scope: str, targets: list[Target]) -> Any:
    rows = model.objects.filter(scope=scope)
    ids = [t.id for t in targets if t is not None]
    if scope != "global" and len(ids) <= IN_LIMIT:
        rows = rows.filter(**{f"{scope}_id__in": ids})
    return rows


def scoped(scope: str, targets: list[Target]) -> dict[int | None, dict[str, list]]:
    """The five scoped lists of each target (None: the global scope), in five queries."""
    key = "id" if scope == "global" else f"{scope}_id"
    lists: dict[int | None, dict[str, list]] = {
        getattr(t, "id", None): {name: [] for name in SCOPED} for t in targets}

    def owner(row_key: int) -> int | None:
        return None if scope == "global" else row_key

    attrs = _rows(m.Attribute, scope, targets).filter(shadow=False).values_list(key, "name", "value")
    for target, name, value in sorted(attrs, key=lambda r: r[1]):
        if owner(target) in lists:
            lists[owner(target)]["attr"].append({"name": name, "value": value})
    rules = _rows(m.FirewallRule, scope, targets).values_list(key, "id", *FIREWALL)
    for target, _, *rule in sorted(rules, key=lambda r: (score(r[10], r[6]), r[1])):
        if owner(target) in lists:
            lists[owner(target)]["firewall"].append(dict(zip(FIREWALL_KEYS, rule)))
    routes = _rows(m.Route, scope, targets).values_list(key, "id", *ROUTE)
    for target, _, *route in sorted(routes, key=lambda r: (r[2], r[1])):
        if owner(target) in lists:
            lists[owner(target)]["route"].append(dict(zip(ROUTE_KEYS, route)))
    ids = [t.id for t in targets if t is not None]
    for target, found in storage.dump_lists(scope, ids if len(ids) <= IN_LIMIT else None).items():
        if target in lists:
            lists[target].update(found)
    return lists


def named_scoped(scope: str, objects: list) -> list[dict[str, Any]]:
    lists = scoped(scope, objects)
    return [{"name": o.name, **lists[o.id]} for o in objects]


# --- sections ------------------------------------------------------------------

def access() -> list[dict[str, Any]]:
    return [{"command": c, "group": g}
            for c, g in m.Access.objects.order_by("id").values_list("command", "group")]


def networks() -> list[dict[str, Any]]:
    return [dict(zip(NETWORK, row))
            for row in m.Network.objects.order_by("id").values_list(*NETWORK)]


def bootactions() -> list[dict[str, Any]]:
    rows = m.BootAction.objects.order_by("id").values_list(
        "bootname__name", "bootname__type", "os__name", "kernel", "ramdisk", "args")
    return [dict(zip(("name", "type", "os", "kernel", "ramdisk", "args"), row)) for row in rows]


def appliances(args: list[str]) -> list[dict[str, Any]]:
    chosen = select_objects(m.Appliance, args, "appliance")
    lists = scoped("appliance", chosen)
    return [{"name": a.name, "public": a.public, **lists[a.id]} for a in chosen]


def groups() -> list[str]:
    return sorted(Group.objects.values_list("name", flat=True))


def hosts(chosen: list[m.Host]) -> list[dict[str, Any]]:
    lists = scoped("host", chosen)
    nics = interfaces(chosen)
    member = groups_of_hosts()
    keys: dict[int, list[str]] = defaultdict(list)
    for host_id, key in m.HostKey.objects.order_by("id").values_list("host_id", "key"):
        keys[host_id].append(key)
    return [{
        "name": h.name, "rack": h.rack, "rank": h.rank, "appliance": h.appliance.name,
        "box": h.box.name, "environment": h.environment.name if h.environment_id else None,
        "osaction": h.osaction, "installaction": h.installaction, "comment": h.comment,
        "metadata": h.metadata, "group": member.get(h.id, []), "interface": nics[h.id],
        "key": keys[h.id], **lists[h.id],
    } for h in chosen]


def interfaces(chosen: list[m.Host]) -> dict[int, list[dict[str, Any]]]:
    """Each host's interfaces (by device) with their aliases, in two queries."""
    ids = {h.id for h in chosen}
    rows = m.Interface.objects.all()
    aliases = m.Alias.objects.order_by("id")
    if len(ids) <= IN_LIMIT:
        rows, aliases = rows.filter(host_id__in=ids), aliases.filter(interface__host_id__in=ids)
    by_interface: dict[int, list[str]] = defaultdict(list)
    for interface_id, name in aliases.values_list("interface_id", "name"):
        by_interface[interface_id].append(name)
    found: dict[int, list[tuple]] = {h: [] for h in ids}
    for row in rows.values_list("host_id", "id", *INTERFACE):
        if row[0] in ids:
            found[row[0]].append(row)
    result = {}
    for host_id, nics in found.items():
        nics.sort(key=lambda r: (r[2] is not None, r[2] or "", r[1]))
        result[host_id] = [{**dict(zip(INTERFACE_KEYS, r[2:])), "alias": by_interface[r[1]]}
                           for r in nics]
    return result


def software() -> dict[str, Any]:
    from stacki.inventory.software import document

    return document()


def api() -> dict[str, Any]:
    group_perms: dict[int, list[str]] = defaultdict(list)
    for group_id, command in m.GroupPerm.objects.values_list("group_id", "command"):
        group_perms[group_id].append(command)
    user_perms: dict[int, list[str]] = defaultdict(list)
    for user_id, command in m.UserPerm.objects.values_list("user_id", "command"):
        user_perms[user_id].append(command)
    user_groups: dict[int, list[str]] = defaultdict(list)
    for user_id, name in User.groups.through.objects.values_list("user_id", "group__name"):
        user_groups[user_id].append(name)
    return {
        "sudo": sorted(m.SudoCommand.objects.values_list("command", flat=True)),
        "blacklist": sorted(m.Blacklist.objects.values_list("command", flat=True)),
        "group": [{"name": name, "perm": sorted(group_perms[pk])}
                  for pk, name in Group.objects.order_by("name").values_list("id", "name")],
        "user": [{"name": name, "admin": admin, "group": sorted(user_groups[pk]),
                  "perm": sorted(user_perms[pk])}
                 for pk, name, admin in User.objects.order_by("username").values_list(
                     "id", "username", "admin")],
    }


def everything(cmd: Command) -> dict[str, Any]:
    top = scoped("global", [None])[None]
    return {
        "version": VERSION, "access": access(), **top, "network": networks(),
        "bootaction": bootactions(), "appliance": appliances([]),
        "environment": named_scoped("environment", list(m.Environment.objects.order_by("name"))),
        "os": named_scoped("os", list(m.OS.objects.order_by("name"))), "group": groups(),
        "host": hosts(cmd.hosts([])), "vm": vms(), "switch": switches(), "software": software(), "api": api(),
        "firmware": firmware(),
    }


def text(document: dict[str, Any]) -> Text:
    return Text(json.dumps(document, indent=8))


# --- commands ------------------------------------------------------------------

class Dump(Command):
    """Print the whole database as one JSON document that `load` takes back.

    Attributes, firewall rules and routes appear at the scope they are
    stored at. Shadow attributes are never dumped.
    """

    path = "dump"
    verbatim = True
    examples = (Example("dump > cluster.json", "Saves the whole cluster as JSON."),)
    related = ("load",)

    def run(self, args: list[str], params: Params) -> Text:
        if args:
            raise errors.ArgNotAllowed(args[0])
        return text(everything(self))


class DumpSection(Command):
    """Base of `dump <section>`: {"version": ..., "<section>": ...}."""

    verbatim = True
    section: ClassVar[str] = ""
    related = ("dump", "load")

    def run(self, args: list[str], params: Params) -> Text:
        if args:
            raise errors.ArgNotAllowed(args[0])
        return text({"version": VERSION, self.section: self.build()})

    def build(self) -> Any:
        raise NotImplementedError


class DumpHost(DumpSection):
    """Print hosts as JSON: their settings, groups, interfaces with aliases,
    and what is stored at each host."""

    path = "dump host"
    section = "host"
    args = (Arg("host", optional=True, repeat=True, help="Host names or selections; none: all."),)
    examples = (Example("dump host backend-0-0", "Prints backend-0-0 as JSON."),)

    def run(self, args: list[str], params: Params) -> Text:
        return text({"version": VERSION, "host": hosts(self.hosts(args))})


class DumpAppliance(DumpSection):
    """Print appliances as JSON, with what is stored at each."""

    path = "dump appliance"
    section = "appliance"
    args = (Arg("appliance", optional=True, repeat=True,
                help="Appliance names (SQL LIKE patterns); none: all."),)
    examples = (Example("dump appliance backend", "Prints the backend appliance as JSON."),)

    def run(self, args: list[str], params: Params) -> Text:
        return text({"version": VERSION, "appliance": appliances(args)})


def section(name: str, words: str, build: Callable[[], Any], doc: str, key: str = "") -> type:
    """A `dump <words>` command printing one section."""
    return type(f"Dump{words.capitalize()}", (DumpSection,), {
        "__module__": __name__, "__doc__": doc, "path": f"dump {words}",
        "section": key or name, "build": staticmethod(build),
        "examples": (Example(f"dump {words}", f"Prints the {words} section as JSON."),),
    })


DumpNetwork = section("network", "network", networks, "Print the networks as JSON.")
DumpBootaction = section("bootaction", "bootaction", bootactions,
                         "Print the boot actions as JSON.")
DumpEnvironment = section(
    "environment", "environment",
    lambda: named_scoped("environment", list(m.Environment.objects.order_by("name"))),
    "Print the environments as JSON, with what is stored at each.")
DumpOs = section("os", "os", lambda: named_scoped("os", list(m.OS.objects.order_by("name"))),
                 "Print the OSes as JSON, with what is stored at each.")
DumpGroup = section("group", "group", groups, "Print the group names as JSON.")
DumpBox = section("software", "box", lambda: {"box": software()["box"]},
                  "Print the boxes as JSON (in a software section).")
DumpPallet = section("software", "pallet", lambda: {"pallet": software()["pallet"]},
                     "Print the pallets and their tags as JSON (in a software section).")
DumpCart = section("software", "cart", lambda: {"cart": software()["cart"]},
                   "Print the carts as JSON (in a software section).")
DumpRepo = section("software", "repo", lambda: {"repo": software()["repo"]},
                   "Print the repositories as JSON (in a software section).")
DumpVm = section("vm", "vm", vms,
                 "Print the virtual machines with their hypervisor, memory, CPUs and disks "
                 "as JSON.")
DumpSwitch = section("switch", "switch", switches,
                     "Print the switches' ports and InfiniBand partitions as JSON.")
DumpApi = section("api", "api", api,
                  "Print the web-service users, groups, permissions, blacklist and sudo list "
                  "as JSON.")
DumpFirmware = section("firmware", "firmware", firmware,
                       "Print the firmware makes, models, implementations, version regexes,"
                       " images and host mappings as JSON.")
