"""The partition tables installed hosts report back: add/list/remove host
partition. A host's rows go with the host."""

from __future__ import annotations

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory import storage

# Parameter, stored field and default, in Stacki's listing order.
FIELDS = (("device", "device", None), ("mountpoint", "mountpoint", ""), ("uuid", "uuid", ""),
          ("sectorstart", "sectorstart", "0"), ("size", "size", "0"), ("partid", "partid", ""),
          ("fs", "fstype", ""), ("partitionflags", "partitionflags", ""),
          ("formatflags", "formatflags", ""))
HEADER = ("host", "device", "mountpoint", "uuid", "start", "size", "id", "type", "flags",
          "formatflags")


class AddHostPartition(Command):
    """Record a partition (or disk) of hosts, as the installer found it.

    A device reported again replaces what was recorded for it.
    """

    path = "add host partition"
    args = (Arg("host", repeat=True, help="Host names or selections."),)
    params = (
        Param("device", help="The device, e.g. sdb or sdb1 (required)."),
        Param("mountpoint", help="Where it is mounted, e.g. /var."),
        Param("uuid", help="UUID of the partition."),
        Param("sectorstart", help="First sector of the partition."),
        Param("size", help="Size of the partition."),
        Param("partid", help="Partition number."),
        Param("fs", help="File system, e.g. ext4 or xfs."),
        Param("partitionflags", help="Flags the partition was made with."),
        Param("formatflags", help="Flags the file system was made with."),
    )
    examples = (Example("add host partition backend-0-0 device=sda1 mountpoint=/ size=10240 "
                        "fs=xfs", "Records backend-0-0's root partition."),)
    related = ("list host partition", "remove host partition")

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("host")
        hosts = self.hosts(args, required=True)
        device = params.require("device")
        values = {field: params.get(name, default)
                  for name, field, default in FIELDS[1:]}
        ids = [h.id for h in hosts]
        for start in range(0, len(ids), 500):
            m.HostPartition.objects.filter(host_id__in=ids[start:start + 500],
                                           device=device).delete()
        m.HostPartition.objects.bulk_create(
            [m.HostPartition(host_id=i, device=device, **values) for i in ids], batch_size=500)


class ListHostPartition(Command):
    """List the partitions hosts reported, by device."""

    path = "list host partition"
    args = (Arg("host", optional=True, repeat=True, help="Host names or selections; none: all."),)
    examples = (Example("list host partition backend-0-0", "Lists backend-0-0's partitions."),
                Example("list host partition", "Lists every host's partitions."))
    related = ("add host partition", "remove host partition")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        found = storage.discovered(hosts, tuple(field for _, field, _ in FIELDS))
        return Table(list(HEADER), [(h.name, *row) for h in hosts for row in found.get(h.id, ())])


class RemoveHostPartition(Command):
    """Remove the recorded partitions of hosts: all of them, or those
    matching partition= (a mountpoint), device= and uuid=."""

    path = "remove host partition"
    args = (Arg("host", repeat=True, help="Host names or selections."),)
    params = (Param("device", help="Only this device."),
              Param("partition", help="Only the partition mounted here."),
              Param("uuid", help="Only the partition with this UUID."))
    examples = (Example("remove host partition backend-0-0", "Forgets backend-0-0's partitions."),
                Example("remove host partition backend-0-0 partition=/export",
                        "Forgets only its /export partition."))
    related = ("add host partition", "list host partition")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args) if args else []
        if not hosts:
            raise errors.ArgRequired("host")
        match = {field: params[name] for name, field in (
            ("uuid", "uuid"), ("partition", "mountpoint"), ("device", "device"))
            if params.value(name)}
        ids = [h.id for h in hosts]
        for start in range(0, len(ids), 500):
            m.HostPartition.objects.filter(host_id__in=ids[start:start + 500], **match).delete()
