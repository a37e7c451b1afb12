"""The vm section of `dump` and the commands `load` makes of it: each virtual
machine (Stacki's name, hypervisor, memory, cpu and disks, plus whether it or
a disk is marked for removal). It comes after the hosts: it names them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath
from typing import Any

from stacki.commands.load_script import Line, items, required
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk

DISK = ("name", "type", "location", "size", "image", "mountpoint", "pending")
DISK_KEYS = ("disk_name", "disk_type", "location", "size", "image_name", "mountpoint", "pending")


def vms() -> list[dict[str, Any]]:
    """Every VM by host name, its disks in the order they were added (two queries)."""
    disks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for vm_id, *disk in VirtualMachineDisk.objects.order_by("id").values_list("vm_id", *DISK):
        disks[vm_id].append(dict(zip(DISK_KEYS, disk)))
    rows = VirtualMachine.objects.order_by("host__name").values_list(
        "id", "host__name", "hypervisor__name", "memory", "cpu", "pending")
    return [{"name": name, "hypervisor": hypervisor, "memory": memory, "cpu": cpu,
             "pending": pending, "disks": disks[pk]}
            for pk, name, hypervisor, memory, cpu, pending in rows]


def vm_lines(document: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    for vm in items(document, "vm"):
        name = required(vm, "vm")
        # disks= empty: no default disk; the document's disks follow one by one.
        lines.append(Line("add vm", [name], [("hypervisor", vm.get("hypervisor")),
                                            ("cpu", vm.get("cpu")), ("memory", vm.get("memory")),
                                            ("disks", "")]))
        for disk in items(vm, "disks"):
            lines += disk_lines(name, disk)
        pending = [str(d.get("disk_name")) for d in items(vm, "disks") if d.get("pending")]
        if pending:
            lines.append(Line("remove vm storage", [name], [("disks", ",".join(pending))]))
        if vm.get("pending"):
            lines.append(Line("remove vm", [name]))
    return lines


def disk_lines(vm: str, disk: dict[str, Any]) -> list[Line]:
    """`add vm storage` for one disk, then its directory where `storage_pool/VM`
    cannot say it (set with `set vm storage location`)."""
    kind = disk.get("disk_type")
    spec = {"disk": disk.get("size"), "image": disk.get("image_name"),
            "mountpoint": disk.get("mountpoint")}.get(str(kind))
    location = disk.get("location")
    where = PurePosixPath(str(location)) if location else None
    pool = str(where.parent) if where is not None and where.name == vm else location
    lines = [Line("add vm storage", [vm], [
        ("disks", spec), ("storage_pool", pool), ("name", disk.get("disk_name")),
        ("image", disk.get("image_name") if kind == "disk" else None)])]
    if where is not None and where.name != vm:
        lines.append(Line("set vm storage location", [vm], [
            ("disk", disk.get("disk_name")), ("location", location)]))
    return lines
