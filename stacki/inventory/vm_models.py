"""Virtual machines: hosts that run on a hypervisor host, and their disks."""

from __future__ import annotations

from collections import defaultdict

from django.db import models

from stacki.inventory.models import Host

DISK_TYPES = ("disk", "image", "mountpoint")


class VirtualMachine(models.Model):
    """A host that is a virtual machine. Removal marks it `pending`: the
    hypervisor still defines it until a sync takes it off."""

    host = models.OneToOneField(Host, on_delete=models.CASCADE, related_name="vm")
    # A hypervisor with guests cannot be removed (remove host checks first).
    hypervisor = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="guests")
    memory = models.PositiveIntegerField()  # MB
    cpu = models.PositiveIntegerField()
    pending = models.BooleanField(default=False)

    class Meta:
        db_table = "virtual_machine"


class VirtualMachineDisk(models.Model):
    """A disk of a VM: a new image made on the hypervisor (`disk`, size in GB),
    an existing qcow2/raw image (`image`), or a block device (`mountpoint`)."""

    vm = models.ForeignKey(VirtualMachine, on_delete=models.CASCADE, related_name="disks")
    name = models.CharField(max_length=16)  # sda, sdb, ...
    type = models.CharField(max_length=16, choices=[(t, t) for t in DISK_TYPES])
    location = models.CharField(max_length=255, null=True)
    size = models.PositiveIntegerField(null=True)
    image = models.CharField(max_length=255, null=True)
    mountpoint = models.CharField(max_length=255, null=True)
    pending = models.BooleanField(default=False)

    class Meta:
        db_table = "virtual_machine_disk"
        constraints = [models.UniqueConstraint("vm", "name", name="vm_disk_name_unique")]


def disks_by_vm(vms: list[VirtualMachine]) -> dict[int, list[VirtualMachineDisk]]:
    """The disks of each VM, in the order they were added, in one query."""
    found: dict[int, list[VirtualMachineDisk]] = defaultdict(list)
    for disk in VirtualMachineDisk.objects.filter(vm__in=vms).order_by("id"):
        found[disk.vm_id].append(disk)
    return found
