"""Restoring a whole dump: `load <dump> exec=true` with every section of `dump`.

A whole dump describes the entire cluster, built-in objects included (boot
actions, appliances, boxes, OSes, networks, global attributes, firewall
rules, routes, the access table and the API lists). Loading one with
exec=true makes the database say exactly that: what the document does not
hold is removed first, and the document's commands then add everything back,
so a changed built-in comes back changed and a removed one stays removed.

Two things a dump does not carry stay as they are: shadow attributes at the
global, OS scopes (secrets are never dumped) and the keys of API users the
document names (keys do not travel; such a user keeps its keys and gets the
document's admin flag, groups and perms).
"""

from __future__ import annotations

from typing import Any

from stacki.commands.load_script import items, names
from stacki.inventory import models as m
from stacki.inventory.groups import Membership
from stacki.inventory.models import Group, User, UserPerm
from stacki.inventory.vm_models import VirtualMachine

# The sections `dump` prints: a document holding all of them is a whole dump.
SECTIONS = ("access", "attr", "firewall", "route", "network", "bootaction", "appliance",
            "environment", "os", "group", "host", "software", "api")


def is_whole(document: dict[str, Any]) -> bool:
    return all(section in document for section in SECTIONS)


def clear(document: dict[str, Any]) -> frozenset[str]:
    """Remove what the document will bring back; returns the API users kept."""
    Membership.objects.all().delete()
    # Before the hosts: a hypervisor with guests cannot be removed.
    VirtualMachine.objects.all().delete()
    m.Alias.objects.all().delete()
    m.Interface.objects.all().delete()
    m.Host.objects.all().delete()
    m.Attribute.objects.filter(shadow=False).delete()
    m.FirewallRule.objects.all().delete()
    m.Route.objects.all().delete()
    m.StorageController.objects.all().delete()
    m.StoragePartition.objects.all().delete()
    m.SwitchPort.objects.all().delete()
    m.IBPartition.objects.all().delete()
    if "firmware" in document:
        # Image files stay in the tree: loading adds each image again over its file.
        for model in (m.FirmwareMapping, m.Firmware, m.FirmwareModel, m.FirmwareMake,
                      m.FirmwareImp, m.FirmwareVersionRegex):
            model.objects.all().delete()
    m.Network.objects.all().delete()
    m.BootName.objects.all().delete()
    m.Appliance.objects.all().delete()
    m.Environment.objects.all().delete()
    m.Box.objects.all().delete()
    # There is no `add os`: the OSes the document names are kept, the others go.
    m.OS.objects.exclude(name__in=[str(o.get("name")) for o in items(document, "os")]).delete()
    m.Access.objects.all().delete()
    m.Blacklist.objects.all().delete()
    m.SudoCommand.objects.all().delete()
    api = document.get("api") or {}
    users = [str(u.get("name")) for u in items(api, "user")] if isinstance(api, dict) else []
    User.objects.exclude(username__in=users).delete()
    UserPerm.objects.all().delete()
    User.groups.through.objects.all().delete()
    Group.objects.all().delete()
    return frozenset(User.objects.values_list("username", flat=True))


# Written from the document as they are: their commands check against this
# machine (Unix groups, the commands this product has), a restore does not.
DIRECT = ("set access", "add api sudo command", "add api blacklist command")


def direct(document: dict[str, Any]) -> None:
    """The access table and the API's sudo list and blacklist, as dumped."""
    m.Access.objects.bulk_create([m.Access(command=str(a.get("command")), group=str(a.get("group")))
                                  for a in items(document, "access")])
    api = document.get("api") or {}
    if isinstance(api, dict):
        m.SudoCommand.objects.bulk_create([m.SudoCommand(command=c) for c in names(api, "sudo")])
        m.Blacklist.objects.bulk_create([m.Blacklist(command=c) for c in names(api, "blacklist")])


def empty_attributes(document: dict[str, Any]) -> None:
    """Attributes stored with an empty value, which `set attr value=` cannot
    make (it removes): written as they are, at their targets."""
    rows = [m.Attribute(scope="global", name=str(a.get("name")), value="", shadow=False)
            for a in items(document, "attr") if a.get("value") == ""]
    for section, model in (("os", m.OS), ("appliance", m.Appliance),
                           ("environment", m.Environment), ("host", m.Host)):
        targets = dict(model.objects.values_list("name", "id"))
        for entry in items(document, section):
            target = targets.get(str(entry.get("name")))
            if target is None:
                continue
            rows += [m.Attribute(scope=section, name=str(a.get("name")), value="", shadow=False,
                                 **{f"{section}_id": target})
                     for a in items(entry, "attr") if a.get("value") == ""]
    m.Attribute.objects.bulk_create(rows, batch_size=500)


def extra_attributes(document: dict[str, Any]) -> None:
    """Attributes a command made on its own (`add appliance` gives a new
    appliance its default attributes) that the document does not hold."""
    for section, model in (("appliance", m.Appliance), ("environment", m.Environment),
                           ("os", m.OS)):
        targets = dict(model.objects.values_list("name", "id"))
        for entry in items(document, section):
            target = targets.get(str(entry.get("name")))
            wanted = [str(a.get("name")) for a in items(entry, "attr")]
            if target is not None:
                m.Attribute.objects.filter(scope=section, shadow=False, **{f"{section}_id": target}
                                           ).exclude(name__in=wanted).delete()


def empty_network_fields(document: dict[str, Any]) -> None:
    """`add network zone=` gives a network its name as zone: an empty zone
    (or gateway) in the document is written as it is."""
    for network in items(document, "network"):
        empty = {k: "" for k in ("zone", "gateway") if network.get(k) == ""}
        if empty:
            m.Network.objects.filter(name=str(network.get("name"))).update(**empty)


def finish(document: dict[str, Any], kept: frozenset[str]) -> None:
    """What commands cannot say (empty values); the kept API users get the
    document's admin flag and groups."""
    extra_attributes(document)
    empty_attributes(document)
    empty_network_fields(document)
    api = document.get("api") or {}
    groups = dict(Group.objects.values_list("name", "id"))
    for user in items(api, "user") if isinstance(api, dict) else []:
        name = str(user.get("name"))
        if name not in kept:
            continue
        row = User.objects.get(username=name)
        row.admin = bool(user.get("admin"))
        row.save(update_fields=["admin"])
        wanted = [g for g in names(user, "group") if g in groups]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=row.id, group_id=groups[g]) for g in wanted])
