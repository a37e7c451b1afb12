"""Storage: RAID controller and partition configuration at every scope, and
the partition table each installed host reports back.

Stacki's encodings are kept, so that the spreadsheets, dumps and listings
read the same: in a controller row -1 is "any" (adapter, enclosure), "*"
(slot) or a hot spare (raidlevel "-1"); arrayid -1 is "global" and -2 "*".
A partition's size -1 is "recommended" and -2 "hibernation"; partid 0 is
"none".
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from stacki.inventory.models import SCOPES, Host, Scoped, unique_per_scope


class StorageController(Scoped):
    adapter = models.IntegerField(default=-1)
    enclosure = models.IntegerField(default=-1)
    slot = models.IntegerField()
    raidlevel = models.CharField(max_length=32)
    arrayid = models.IntegerField()
    options = models.TextField(default="")

    class Meta:
        db_table = "storage_controller"
        constraints = unique_per_scope("storage_controller", "adapter", "enclosure", "slot")


def _unique_mountpoints() -> list[models.UniqueConstraint]:
    """A (device, mountpoint) pair once per target; partitions without a
    mountpoint (LVM physical volumes, RAID members) may repeat."""
    named = Q(mountpoint__isnull=False)
    constraints = [models.UniqueConstraint("device", "mountpoint", condition=Q(scope="global") & named,
                                           name="storage_partition_global_unique")]
    for scope in SCOPES[1:]:
        constraints.append(models.UniqueConstraint(
            scope, "device", "mountpoint", condition=Q(scope=scope) & named,
            name=f"storage_partition_{scope}_unique"))
    return constraints


class StoragePartition(Scoped):
    device = models.CharField(max_length=255)
    mountpoint = models.CharField(max_length=255, null=True)
    size = models.BigIntegerField()
    fstype = models.CharField(max_length=64, null=True)
    options = models.TextField(default="")
    partid = models.IntegerField(default=0)

    class Meta:
        db_table = "storage_partition"
        constraints = _unique_mountpoints()


class HostPartition(models.Model):
    """One partition (or whole disk) as an installed host reported it."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=255)
    mountpoint = models.CharField(max_length=255, default="")
    uuid = models.CharField(max_length=255, default="")
    sectorstart = models.CharField(max_length=64, default="0")
    size = models.CharField(max_length=64, default="0")
    partid = models.CharField(max_length=64, default="")
    fstype = models.CharField(max_length=64, default="")
    partitionflags = models.TextField(default="")
    formatflags = models.TextField(default="")

    class Meta:
        db_table = "host_partition"
        constraints = [models.UniqueConstraint("host", "device", name="host_partition_unique")]
