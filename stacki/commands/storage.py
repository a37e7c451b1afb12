"""Storage controllers and partitions at every scope: add/list/remove
storage controller|partition and their os, appliance, environment and host
wrappers, and `report host storage controller|partition`.

The parsing of a controller or partition specification lives here once:
the spreadsheet loader (storagefile.py) checks its rows with it too.
"""

from __future__ import annotations

from typing import Any

from stacki import errors
from stacki.commands.scoped import (
    GLOBAL,
    SCOPES,
    Scope,
    ScopedCommand,
    delete_rows,
    derive,
    holders,
    scoped_rows,
    target_fields,
    target_ids,
)
from stacki.framework import types
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory import storage

SIZE_WORDS = {"recommended": -1, "hibernation": -2}

# Stacki's usage lines call these integers, but they also take `*`, lists
# and words (recommended, hibernation): the commands read them themselves.
WORDS = types.Type("text", "integer")


def natural(name: str, value: str) -> int:
    """A whole number >= 0."""
    try:
        number = int(value)
    except ValueError:
        raise errors.ParamType(name, "integer") from None
    if number < 0:
        raise errors.ParamValue(name, ">= 0")
    return number


def slot_list(name: str, value: str | None, wildcard: Any = None) -> list:
    """Comma-separated slots; `*` becomes `wildcard` (when allowed)."""
    found: list = []
    for word in (value or "").split(",") if value else []:
        slot = wildcard if word == "*" and wildcard is not None else natural(name, word)
        if slot in found:
            raise errors.ParamError(name, f'"{word}" is listed twice')
        found.append(slot)
    return found


# --- controllers ---------------------------------------------------------------

def controller_spec(params: Params) -> list[dict[str, Any]]:
    """The rows `add storage controller` stores, checked in Stacki's order.

    raidlevel=hotspare makes the slots hot spares: a dump lists hot spares
    that way, and loads them back with it."""
    arrayid = params.require("arrayid")
    slot, hotspare = params.value("slot"), params.value("hotspare")
    raidlevel = params.value("raidlevel")
    if not hotspare and not slot:
        raise errors.ParamRequired(["slot", "hotspare"])
    if not raidlevel and (arrayid != "global" or slot):
        raise errors.ParamRequired("raidlevel")
    adapter = natural("adapter", params["adapter"]) if params.value("adapter") else -1
    enclosure = natural("enclosure", params["enclosure"]) if params.value("enclosure") else -1
    slots = slot_list("slot", slot, wildcard=-1)
    spares = slot_list("hotspare", hotspare)
    if raidlevel == "hotspare":
        slots, spares = [], slots + spares
    for spare in spares:
        if spare in slots or spares.count(spare) > 1:
            raise errors.ParamError("hotspare", f'"{spare}" is listed in slots')
    array = array_id(arrayid)
    if array == -1 and not spares:
        raise errors.ParamError("arrayid", 'is "global" with no hotspares')
    options = params.get("options") or ""
    level = raidlevel or ""
    common = {"adapter": adapter, "enclosure": enclosure, "arrayid": array, "options": options}
    return ([{**common, "slot": s, "raidlevel": level} for s in slots]
            + [{**common, "slot": s, "raidlevel": storage.HOTSPARE} for s in spares])


def array_id(value: str) -> int:
    if value in ("global", "*"):
        return -1 if value == "global" else -2
    try:
        number = int(value)
    except ValueError:
        raise errors.ParamType("arrayid", "integer") from None
    if number < 1:
        raise errors.ParamValue("arrayid", ">= 1")
    return number


def taken(model: type, scope: Scope, targets: list, rows: list[dict[str, Any]],
          keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The first of `rows` whose `keys` some target already holds."""
    wanted = {tuple(row[k] for k in keys): row for row in rows}
    for queryset in scoped_rows(model, scope, targets):
        for found in queryset.filter(**{f"{keys[-1]}__in": {r[keys[-1]] for r in rows}}
                                     ).values_list(*keys):
            if found in wanted:
                return wanted[found]
    return None


class AddStorageController(ScopedCommand):
    """Add a global storage controller configuration, for every host of the cluster.

    slot and hotspare are comma-separated slot numbers (slot `*`: every
    slot); adapter and enclosure are addresses (none: any). Disks with the
    same arrayid form one array, created in arrayid order; arrayid `global`
    with hotspare= makes global hot spares, and `*` a separate array per
    disk. options= passes controller options through.
    """

    path = "add storage controller"
    params = (
        Param("arrayid", optional=False, help="Array id (>= 1), global or *."),
        Param("adapter", WORDS, help="Adapter address."),
        Param("enclosure", WORDS, help="Enclosure address."),
        Param("hotspare", WORDS, help="Slots of the hot spares of this array."),
        Param("raidlevel", WORDS, help="RAID level: 0, 1, 5, 6, 10, 50, 60."),
        Param("slot", WORDS, help="Slots of the array's disks, or *."),
        # Not in Stacki's usage line, but read: the controller's options.
        Param("options", hidden=True, help="Options for the controller's configuration."),
    )
    examples = (
        Example("add storage controller slot=1 raidlevel=0 arrayid=1",
                "The disk in slot 1 becomes a RAID 0 disk."),
        Example("add storage controller slot=2,3,4,5,6 raidlevel=6 hotspare=7,8 arrayid=2",
                "Slots 2-6 become a RAID 6 with hot spares in slots 7 and 8."),
    )
    related = ("list storage controller", "remove storage controller")
    wrapper_doc = """Add a storage controller configuration for one or more {plural}."""
    wrapper_examples = (Example("add {scope} storage controller {example} slot=1 raidlevel=0 "
                                "arrayid=1", "The disk in slot 1 of {example} becomes RAID 0."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        rows = controller_spec(params)
        clash = taken(m.StorageController, scope, targets, rows, ("adapter", "enclosure", "slot"))
        if clash is not None:
            raise errors.CommandError('disk specification for "{adapter}/{enclosure}/{slot}" '
                                      "already exists".format(**clash))
        m.StorageController.objects.bulk_create(
            m.StorageController(**row, **target_fields(scope, t)) for t in targets for row in rows)


def wildcard_address(params: Params, name: str) -> int | None:
    """An address to match: none given or `*` match any."""
    value = params.value(name)
    return None if value in (None, "*") else natural(name, value)


class RemoveStorageController(ScopedCommand):
    """Remove global storage controller configuration.

    slot is a comma-separated list; `*` for slot, adapter or enclosure (or
    leaving adapter or enclosure out) matches every one. Each target must
    hold a match for every slot.
    """

    path = "remove storage controller"
    params = (
        Param("slot", WORDS, optional=False, help="Slots (comma-separated), or *."),
        Param("adapter", WORDS, help="Adapter address, or *."),
        Param("enclosure", WORDS, help="Enclosure address, or *."),
    )
    examples = (Example("remove storage controller slot=1",
                        "Removes the global configuration of slot 1."),
                Example("remove storage controller adapter=* enclosure=* slot=*",
                        "Removes every global controller configuration."))
    related = ("add storage controller", "list storage controller")
    wrapper_doc = """Remove storage controller configuration of one or more {plural}."""
    wrapper_examples = (Example("remove {scope} storage controller {example} slot=1",
                                "Removes the configuration of slot 1 of {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        adapter, enclosure = wildcard_address(params, "adapter"), wildcard_address(params, "enclosure")
        slots = slot_list("slot", params.require("slot"), wildcard="*")
        matches = []
        for slot in slots:
            match = {k: v for k, v in (("adapter", adapter), ("enclosure", enclosure),
                                       ("slot", slot)) if v not in (None, "*")}
            if holders(m.StorageController, scope, targets, **match) != target_ids(scope, targets):
                shown = ["*" if v in (None, "*") else v for v in (adapter, enclosure, slot)]
                raise errors.CommandError(
                    'disk specification for "{}/{}/{}" doesn\'t exist'.format(*shown))
            matches.append(match)
        for match in matches:
            delete_rows(m.StorageController, scope, targets, **match)


# --- partitions ----------------------------------------------------------------

def partition_spec(params: Params) -> dict[str, Any]:
    """The row `add storage partition` stores, checked in Stacki's order."""
    device = params.require("device")
    size_word = params.require("size")
    mountpoint = params.value("mountpoint")
    return {"device": device, "size": partition_size(size_word, mountpoint),
            "partid": partition_id(params.value("partid")),
            "mountpoint": mountpoint,
            "fstype": params["type"] if params.value("type") else None,
            "options": params.get("options") or ""}


def partition_size(value: str, mountpoint: str | None) -> int:
    """An integer (0: the rest of the disk); swap may be recommended or hibernation."""
    if mountpoint == "swap" and value in SIZE_WORDS:
        return SIZE_WORDS[value]
    return natural("size", value)


def partition_id(value: str | None) -> int:
    if value is None:
        return 0
    try:
        number = int(value)
    except ValueError:
        raise errors.ParamType("partid", "integer") from None
    if number < 1:
        raise errors.ParamValue("partid", ">= 0")  # sic: Stacki's text
    return number


class AddStoragePartition(ScopedCommand):
    """Add a global storage partition configuration, for every host of the cluster.

    size is in megabytes (0: the rest of the disk; a swap mountpoint may
    also be sized recommended or hibernation). type is the file system or
    raid, lvm, volgroup; partitions are created in partid order. A device
    holds a mountpoint once.
    """

    path = "add storage partition"
    params = (
        Param("device", optional=False, help="Disk device, e.g. sda, md0 or a volume group."),
        Param("size", WORDS, optional=False, help="Size in megabytes."),
        Param("mountpoint", help="Mountpoint, or a name for raid/lvm members."),
        Param("options", help="Options for the partitioner, e.g. --name=banktools."),
        Param("partid", WORDS, help="Relative partition id (>= 1)."),
        Param("type", help="File system (ext4, xfs, ...) or raid, lvm, volgroup."),
    )
    examples = (
        Example("add storage partition device=sda mountpoint=/var size=50 type=ext4",
                "An ext4 partition of 50 MB on sda mounted at /var."),
        Example("add storage partition device=sdc mountpoint=pv.01 size=0 type=lvm",
                "An LVM physical volume pv.01 filling sdc."),
        Example("add storage partition device=volgrp01 mountpoint=/banktools size=8192 "
                "type=xfs options=--name=banktools",
                "An xfs logical volume of 8192 MB in volgrp01."),
    )
    related = ("list storage partition", "remove storage partition")
    wrapper_doc = """Add a storage partition configuration for one or more {plural}."""
    wrapper_examples = (Example("add {scope} storage partition {example} device=sda "
                                "mountpoint=/var size=50 type=ext4",
                                "An ext4 /var partition on sda for {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        row = partition_spec(params)
        if row["mountpoint"] is not None and holders(
                m.StoragePartition, scope, targets, device=row["device"],
                mountpoint=row["mountpoint"]):
            raise errors.CommandError(
                f'partition specification for device "{row["device"]}" and mount point '
                f'"{row["mountpoint"]}" already exists')
        m.StoragePartition.objects.bulk_create(
            m.StoragePartition(**row, **target_fields(scope, t)) for t in targets)


class RemoveStoragePartition(ScopedCommand):
    """Remove global storage partition configuration.

    device and mountpoint narrow what is removed (`*` matches every one); at
    the global scope one of them is required, elsewhere leaving both out
    removes all of a target's partitions. Each target must hold a match.
    """

    path = "remove storage partition"
    params = (Param("device", help="Device of the partitions, or *."),
              Param("mountpoint", help="Mountpoint of the partition, or *."))
    examples = (Example("remove storage partition device=sda",
                        "Removes the global partitions of sda."),
                Example("remove storage partition device=sda mountpoint=/var",
                        "Removes the global /var partition of sda."))
    related = ("add storage partition", "list storage partition")
    wrapper_doc = """Remove storage partition configuration of one or more {plural}."""
    wrapper_examples = (Example("remove {scope} storage partition {example} device=*",
                                "Removes every partition configuration of {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        device, mountpoint = params.value("device"), params.value("mountpoint")
        if scope is GLOBAL and not (device or mountpoint):
            raise errors.ParamRequired(["device", "mountpoint"])
        match = {k: v for k, v in (("device", device), ("mountpoint", mountpoint))
                 if v not in (None, "*")}
        if holders(m.StoragePartition, scope, targets, **match) != target_ids(scope, targets):
            raise errors.CommandError(
                f'partition specification for device "{device or "*"}" and mount point '
                f'"{mountpoint or "*"}" doesn\'t exist')
        delete_rows(m.StoragePartition, scope, targets, **match)


# --- listing -------------------------------------------------------------------

class ListStorage(ScopedCommand):
    """What `list storage controller` and `list storage partition` share."""

    model: type = m.StorageController
    columns: tuple[str, ...] = ()
    target_arg = "optional"

    def run(self, args: list[str], params: Params) -> Table:
        scope = self.scope_of(params)
        targets = self.targets(scope, args)
        if scope.name == "host":
            resolved = storage.resolve(self.model, targets)
            rows = [(h.name, *row, SCOPES[resolved[h.id][0]].letter)
                    for h in targets for row in resolved[h.id][1]]
            return Table(["host", *self.columns, "source"], rows)
        ids = None if scope is GLOBAL else [t.id for t in targets]
        stored = storage.stored_at(self.model, scope.name, ids)
        rows = [("" if t is None else t.name, *row)
                for t in targets for row in stored.get(getattr(t, "id", None), ())]
        return Table(["" if scope is GLOBAL else scope.name, *self.columns], rows)


class ListStorageController(ListStorage):
    """List the global storage controller configuration.

    At host scope each host gets the configuration of the most specific
    scope that has one (host > environment > os > appliance > global), all
    of it from that scope; `source` tells which.
    """

    path = "list storage controller"
    model, columns = m.StorageController, storage.CONTROLLER
    examples = (Example("list storage controller", "Lists the global controller configuration."),)
    related = ("add storage controller", "remove storage controller")
    wrapper_doc = ("List the storage controller configuration of {plural}.\n\nAt host scope "
                   "each host's configuration comes whole from the most specific scope that "
                   "has one (host > environment > os > appliance > global); `source` tells which.")
    wrapper_examples = (Example("list {scope} storage controller {example}",
                                "Lists the controller configuration of {example}."),)


class ListStoragePartition(ListStorage):
    """List the global storage partition configuration.

    At host scope each host gets the partitions of the most specific scope
    that has any (host > environment > os > appliance > global), all of
    them from that scope; `source` tells which.
    """

    path = "list storage partition"
    model, columns = m.StoragePartition, storage.PARTITION
    examples = (Example("list storage partition", "Lists the global partition configuration."),)
    related = ("add storage partition", "remove storage partition")
    wrapper_doc = ("List the storage partition configuration of {plural}.\n\nAt host scope "
                   "each host's partitions come whole from the most specific scope that has "
                   "any (host > environment > os > appliance > global); `source` tells which.")
    wrapper_examples = (Example("list {scope} storage partition {example}",
                                "Lists the partition configuration of {example}."),)


# --- reports -------------------------------------------------------------------

class ReportHostStorage(Command):
    """What the two `report host storage` commands share."""

    args = (Arg("host", help="One host name."),)
    model: type = m.StorageController
    columns: tuple[str, ...] = ()
    source = True

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        if len(hosts) != 1:
            raise errors.ArgUnique("host")
        scope, rows = storage.resolve(self.model, hosts)[hosts[0].id]
        extra = {"source": SCOPES[scope].letter} if self.source else {}
        found = [{"host": hosts[0].name, **dict(zip(self.columns, row)), **extra} for row in rows]
        return report([str(found)])


class ReportHostStorageController(ReportHostStorage):
    """Print the storage controller configuration of one host, as the
    installer reads it: a list of Python dictionaries."""

    path = "report host storage controller"
    model, columns = m.StorageController, storage.CONTROLLER
    examples = (Example("report host storage controller backend-0-0",
                        "Prints the controller configuration of backend-0-0."),)
    related = ("list host storage controller",)


class ReportHostStoragePartition(ReportHostStorage):
    """Print the storage partition configuration of one host, as the
    installer reads it: a list of Python dictionaries."""

    path = "report host storage partition"
    model, columns, source = m.StoragePartition, storage.PARTITION, False
    examples = (Example("report host storage partition backend-0-0",
                        "Prints the partition configuration of backend-0-0."),)
    related = ("list host storage partition",)


derive(AddStorageController, globals())
derive(RemoveStorageController, globals())
derive(ListStorageController, globals())
derive(AddStoragePartition, globals())
derive(RemoveStoragePartition, globals())
derive(ListStoragePartition, globals())
