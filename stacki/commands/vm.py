"""Virtual machines: add, list, set and remove VMs and their storage, and
`report vm`, the libvirt domain definition of each.

A VM is a host of the cluster (added first with `add host`) that runs on a
hypervisor: a host whose appliance is `hypervisor` (or `vms`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from collections import defaultdict
from pathlib import Path
from typing import ClassVar
from xml.etree import ElementTree as ET

from stacki import errors
from stacki.commands.interface import one_host, some_hosts
from stacki.commands.report_common import stack_file
from stacki.framework.command import Arg, Command, Example, Param, Params, str2bool
from stacki.framework.output import Table, report
from stacki.inventory import attrs
from stacki.inventory import models as m
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk, disks_by_vm

HYPERVISOR_APPLIANCES = ("hypervisor", "vms")
DEFAULT_CPU, DEFAULT_MEMORY, DEFAULT_DISKS = "1", "3072", "100"
IMAGE_FORMATS = ("qcow2", "raw")
DISK_NAME = re.compile(r"^[a-z][a-z0-9]{1,15}$")
IMAGE_NAME = re.compile(r"^[A-Za-z0-9_.+-]{1,240}\.qcow2$")
CONFIG_DIR = "/etc/libvirt/qemu"
# Stable per VM, so that report vm prints the same definition every time.
UUID_SPACE = uuid.UUID("6c1a0e8e-5b0d-4d4b-9f0e-7a3c2d1b0f57")
ONE_VM = (Arg("host", help="The virtual machine's host name."),)
SOME_VMS = (Arg("host", optional=True, repeat=True,
                help="Virtual machine host names; none means every VM."),)


# --- lookups ------------------------------------------------------------------------

def hypervisor(name: str, cmd: Command) -> m.Host:
    """A host whose appliance hosts virtual machines."""
    host = cmd.hosts([name], required=True, unique=True)[0]
    if host.appliance.name not in HYPERVISOR_APPLIANCES:
        raise errors.ParamError("hypervisor", "has a non valid hypervisor appliance or host")
    return host


def vms_of(cmd: Command, args: list[str], hypervisor_name: str | None = None) -> list[VirtualMachine]:
    """The VMs named by `args` (every VM when none), in cluster order; a named
    host that is not a VM is an error, as in Stacki."""
    hosts = cmd.hosts(args)
    by_host = {vm.host_id: vm for vm in VirtualMachine.objects.select_related("hypervisor").filter(
        host_id__in=[h.id for h in hosts])}
    if args and len(by_host) != len(hosts):
        raise errors.CommandError("One or more hosts are not a valid virtual machine")
    if hypervisor_name:
        host = cmd.hosts([hypervisor_name], required=True, unique=True)[0]
        if host.appliance.name not in HYPERVISOR_APPLIANCES:
            raise errors.ParamError("hypervisor", f"{hypervisor_name} is not a valid hypervisor")
        by_host = {k: vm for k, vm in by_host.items() if vm.hypervisor_id == host.id}
    names = {h.id: h for h in hosts}
    found = []
    for host in hosts:
        vm = by_host.get(host.id)
        if vm is not None:
            vm.host = names[host.id]
            found.append(vm)
    return found


def positive(name: str, value: str | None, default: str) -> int:
    value = default if value in (None, "") else value
    if not value.isdigit() or int(value) < 1:
        raise errors.ParamError(name, "must be a number greater than 0")
    return int(value)


def image_format(path: Path) -> str | None:
    """The format of an existing qcow2 or raw image (qemu-img says which; the
    name must agree, since qemu-img calls any file raw)."""
    suffix = path.suffix.lstrip(".")
    if suffix not in IMAGE_FORMATS or not path.is_file():
        return None
    qemu_img = shutil.which("qemu-img")
    if qemu_img is None:
        return suffix
    done = subprocess.run([qemu_img, "info", "--output=json", str(path)], capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        return None
    found = json.loads(done.stdout).get("format")
    return found if found == suffix else None


def next_disk_name(names: list[str]) -> str:
    """sda, then the letter after the last disk's."""
    return f"sd{chr(ord(names[-1][-1]) + 1)}" if names else "sda"


def add_disks(vm: VirtualMachine, disks: str, pool: str | None, name: str | None = None,
              image: str | None = None) -> None:
    """Disks from a comma list: a number is a new image of that many GB, /dev/...
    a block device, anything else an existing qcow2 or raw image. `name` and
    `image` (for one disk) set its device name and new image's file name."""
    existing = list(vm.disks.order_by("id"))
    names = [d.name for d in existing]
    images = [d.image for d in existing if d.type == "disk" and d.image]
    location = f"{pool.rstrip('/')}/{vm.host.name}" if pool else None
    wanted = [d.strip() for d in disks.split(",") if d.strip()]
    check_given(vm, wanted, names, images, name, image)
    new = []
    for disk in wanted:
        row = VirtualMachineDisk(vm=vm, name=name or next_disk_name(names), location=location)
        if disk.isdigit():
            row.type, row.size = "disk", int(disk)
            row.image = image or f"{vm.host.name}_disk{len(images) + 1}.qcow2"
            images.append(row.image)
        elif disk.startswith("/dev/"):
            row.type, row.mountpoint = "mountpoint", disk
        else:
            if image_format(Path(disk)) is None:
                raise errors.ParamError(
                    "disks", f"Virtual Machine disk {disk} not found or not a qcow2 or raw image")
            row.type, row.image = "image", disk
        if row.type != "mountpoint" and not pool:
            raise errors.ParamError("storage_pool", "needed for defined disks or images")
        names.append(row.name)
        new.append(row)
    VirtualMachineDisk.objects.bulk_create(new)


def check_given(vm: VirtualMachine, disks: list[str], names: list[str], images: list[str],
                name: str | None, image: str | None) -> None:
    """An explicit device name or image file name is for exactly one new disk."""
    if (name or image) and len(disks) != 1:
        raise errors.ParamError("disks", "must be a single disk with name or image")
    if name is not None:
        if not DISK_NAME.match(name):
            raise errors.ParamError("name", "must be a disk device name (sdb, vdc, ...)")
        if name in names:
            raise errors.CommandError(f"Disk with name {name} already exists for {vm.host.name}")
    if image is not None:
        if not disks[0].isdigit():
            raise errors.ParamError("image", "only names the image of a new disk")
        if not IMAGE_NAME.match(image):
            raise errors.ParamError("image", "must be a file name ending in .qcow2")
        if image in images:
            raise errors.ParamError("image", f"{image} is already a disk of {vm.host.name}")


# --- commands -------------------------------------------------------------------------

class AddVm(Command):
    """Make a host a virtual machine on a hypervisor.

    The host must exist (`add host`). disks is a comma list: a number makes a
    new disk image of that many GB in storage_pool/HOST, a /dev/ path passes
    a block device of the hypervisor through, any other path is an existing
    qcow2 or raw image; disks= (empty) adds none. Defaults: 1 CPU, 3072 MB, one
    100 GB disk.
    """

    path = "add vm"
    args = ONE_VM
    params = (
        Param("hypervisor", optional=False, help="The hypervisor host."),
        Param("cpu", help="CPU cores (default 1)."),
        Param("memory", help="Memory in MB (default 3072)."),
        Param("storage_pool", help="The directory on the hypervisor for disk images."),
        Param("disks", help="The disks, comma-separated (default 100)."),
    )
    examples = (Example("add vm virtual-backend-0-1 hypervisor=hypervisor-0-1 cpu=2 memory=4096 "
                        "storage_pool=/export/pool/stacki disks=200,/dev/sdb",
                        "Makes virtual-backend-0-1 a VM with a new 200 GB disk and /dev/sdb."),)
    related = ("list vm", "add vm storage", "report vm", "remove vm")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        on = hypervisor(params.require("hypervisor"), self)
        memory = positive("memory", params.get("memory"), DEFAULT_MEMORY)
        cpu = positive("cpu", params.get("cpu"), DEFAULT_CPU)
        if VirtualMachine.objects.filter(host=host).exists():
            raise errors.CommandError(f"Virtual Machine {host.name} already defined")
        if host.id == on.id:
            raise errors.ParamError("hypervisor", "cannot be the virtual machine itself")
        vm = VirtualMachine.objects.create(host=host, hypervisor=on, memory=memory, cpu=cpu)
        disks = params.get("disks")
        # disks= given empty: a VM without disks (a dump of one loads so).
        add_disks(vm, DEFAULT_DISKS if disks is None else disks, params.value("storage_pool"))


class AddVmStorage(Command):
    """Add disks to a virtual machine (see `add vm` for the kinds of disk)."""

    path = "add vm storage"
    args = ONE_VM
    params = (
        Param("disks", optional=False, help="The disks, comma-separated."),
        Param("storage_pool", help="The directory on the hypervisor for disk images."),
        Param("name", help="The device name of the one disk added (default: the next sdX)."),
        Param("image", help="The file name of the one new disk image (default: "
                            "HOST_diskN.qcow2)."),
    )
    examples = (Example("add vm storage virtual-backend-0-1 storage_pool=/export/pool/stacki "
                        "disks=200", "Adds a new 200 GB disk to virtual-backend-0-1."),)
    related = ("add vm", "list vm storage", "remove vm storage")

    def run(self, args: list[str], params: Params) -> None:
        vm = vms_of(self, [one_host(self, args).name])[0]
        add_disks(vm, params.require("disks"), params.value("storage_pool"),
                  params.value("name"), params.value("image"))


class ListVm(Command):
    """List virtual machines: their hypervisor, memory (MB), CPUs and whether
    they are marked for removal."""

    path = "list vm"
    args = SOME_VMS
    params = (Param("hypervisor", help="Only the VMs of this hypervisor."),)
    examples = (Example("list vm hypervisor=hypervisor-0-1",
                        "Lists the VMs of hypervisor-0-1."),)
    related = ("add vm", "list vm storage")

    def run(self, args: list[str], params: Params) -> Table:
        rows = [(vm.host.name, vm.hypervisor.name, vm.memory, vm.cpu, vm.pending)
                for vm in vms_of(self, args, params.value("hypervisor"))]
        return Table(["virtual machine", "hypervisor", "memory", "cpu", "pending deletion"], rows)


class ListVmStorage(Command):
    """List the disks of virtual machines."""

    path = "list vm storage"
    args = SOME_VMS
    params = (Param("hypervisor", help="Only the VMs of this hypervisor."),)
    examples = (Example("list vm storage virtual-backend-0-0",
                        "Lists the disks of virtual-backend-0-0."),)
    related = ("add vm storage", "remove vm storage")

    def run(self, args: list[str], params: Params) -> Table:
        vms = vms_of(self, args, params.value("hypervisor"))
        disks = disks_by_vm(vms)
        rows = [(vm.host.name, d.name, d.type, d.location, d.size, d.image, None, d.mountpoint,
                 d.pending) for vm in vms for d in disks[vm.id]]
        return Table(["Virtual Machine", "Name", "Type", "Location", "Size", "Image Name",
                      "Image Archive", "Mountpoint", "Pending Deletion"], rows)


class RemoveVm(Command):
    """Mark virtual machines for removal: the hypervisor still has them until
    they are taken off it; `list vm` shows them as pending deletion."""

    path = "remove vm"
    args = (Arg("host", repeat=True, help="Virtual machine host names."),)
    examples = (Example("remove vm virtual-backend-0-0", "Marks virtual-backend-0-0 for removal."),)
    related = ("add vm", "list vm")

    def run(self, args: list[str], params: Params) -> None:
        some_hosts(self, args)
        vms = vms_of(self, args)
        VirtualMachine.objects.filter(id__in=[vm.id for vm in vms]).update(pending=True)


class RemoveVmStorage(Command):
    """Mark disks of a virtual machine for removal, by name (sda, sdb, ...)."""

    path = "remove vm storage"
    args = ONE_VM
    params = (Param("disks", optional=False, help="Disk names, comma-separated."),)
    examples = (Example("remove vm storage virtual-backend-0-0 disks=sdb",
                        "Marks sdb of virtual-backend-0-0 for removal."),)
    related = ("add vm storage", "list vm storage")

    def run(self, args: list[str], params: Params) -> None:
        vm = vms_of(self, [one_host(self, args).name])[0]
        names = [n.strip() for n in params.require("disks").split(",") if n.strip()]
        disks = {d.name: d for d in vm.disks.all()}
        for name in names:
            if name not in disks:
                raise errors.ParamError("disks", f"{name} is not a disk of {vm.host.name}")
        VirtualMachineDisk.objects.filter(id__in=[disks[n].id for n in names]).update(pending=True)


class SetVmField(Command):
    """Base of `set vm cpu|memory|hypervisor`: one value for several VMs."""

    field: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.path:
            cls.args = (Arg("host", repeat=True, help="Virtual machine host names."),)

    def run(self, args: list[str], params: Params) -> None:
        some_hosts(self, args)
        vms = vms_of(self, args)
        value = self.value(params.require(self.field))
        VirtualMachine.objects.filter(id__in=[vm.id for vm in vms]).update(**{self.field: value})

    def value(self, raw: str) -> object:
        return positive(self.field, raw, raw)


class SetVmCpu(SetVmField):
    """Set the number of CPU cores of virtual machines."""

    path = "set vm cpu"
    field = "cpu"
    params = (Param("cpu", optional=False, help="CPU cores."),)
    examples = (Example("set vm cpu virtual-backend-0-0 cpu=4", "Gives the VM four cores."),)


class SetVmMemory(SetVmField):
    """Set the memory of virtual machines, in MB."""

    path = "set vm memory"
    field = "memory"
    params = (Param("memory", optional=False, help="Memory in MB."),)
    examples = (Example("set vm memory virtual-backend-0-0 memory=8192", "Gives the VM 8 GB."),)


class SetVmHypervisor(SetVmField):
    """Move virtual machines to another hypervisor (in the database: the VM
    is defined there at the next sync)."""

    path = "set vm hypervisor"
    field = "hypervisor"
    params = (Param("hypervisor", optional=False, help="The new hypervisor host."),)
    examples = (Example("set vm hypervisor virtual-backend-0-0 hypervisor=hypervisor-0-2",
                        "Moves the VM to hypervisor-0-2."),)

    def value(self, raw: str) -> object:
        return hypervisor(raw, self)


# --- report vm ------------------------------------------------------------------------

class Domain:
    """The libvirt domain XML of VMs, from the database in a few queries."""

    def __init__(self, vms: list[VirtualMachine]):
        self.vms = vms
        ids = {vm.host_id for vm in vms} | {vm.hypervisor_id for vm in vms}
        self.nics: dict[int, list[tuple]] = defaultdict(list)
        for row in m.Interface.objects.filter(host_id__in=ids).order_by("device", "id") \
                .values_list("host_id", "device", "mac", "network_id", "network__pxe"):
            self.nics[row[0]].append(row[1:])
        self.disks: dict[int, list[VirtualMachineDisk]] = defaultdict(list)
        for disk in VirtualMachineDisk.objects.filter(vm__in=vms, pending=False).order_by("name"):
            self.disks[disk.vm_id].append(disk)

    def xml(self, vm: VirtualMachine) -> str:
        domain = ET.Element("domain", type="kvm")
        ET.SubElement(domain, "name").text = vm.host.name
        ET.SubElement(domain, "uuid").text = str(uuid.uuid5(UUID_SPACE, vm.host.name))
        ET.SubElement(domain, "memory", unit="KiB").text = str(vm.memory * 1024)
        ET.SubElement(domain, "vcpu").text = str(vm.cpu)
        os_ = ET.SubElement(domain, "os")
        ET.SubElement(os_, "type", arch="x86_64", machine="pc").text = "hvm"
        features = ET.SubElement(domain, "features")
        ET.SubElement(features, "acpi")
        ET.SubElement(features, "apic")
        devices = ET.SubElement(domain, "devices")
        boot = 1
        for disk in self.disks[vm.id]:
            self.disk(devices, disk, boot)
            boot += 1
        for mac, device, pxe in self.interfaces(vm):
            # macvtap on the hypervisor's own device: no bridge needs setting up.
            nic = ET.SubElement(devices, "interface", type="direct")
            ET.SubElement(nic, "mac", address=mac)
            ET.SubElement(nic, "source", dev=device, mode="bridge")
            ET.SubElement(nic, "model", type="virtio")
            if pxe:
                ET.SubElement(nic, "boot", order=str(boot))
                boot += 1
        ET.SubElement(devices, "serial", type="pty")
        ET.SubElement(devices, "console", type="pty")
        ET.SubElement(devices, "graphics", type="vnc", port="-1", autoport="yes")
        ET.indent(domain, "  ")
        return ET.tostring(domain, encoding="unicode")

    @staticmethod
    def disk(devices: ET.Element, disk: VirtualMachineDisk, boot: int) -> None:
        if disk.type == "mountpoint":
            node = ET.SubElement(devices, "disk", type="block", device="disk")
            ET.SubElement(node, "driver", name="qemu", type="raw")
            ET.SubElement(node, "source", dev=disk.mountpoint or "")
            bus = "virtio"
        else:
            image = Path(disk.image or "")
            kind = image.suffix.lstrip(".") if disk.type == "image" else "qcow2"
            node = ET.SubElement(devices, "disk", type="file", device="disk")
            ET.SubElement(node, "driver", name="qemu", type=kind)
            ET.SubElement(node, "source", file=f"{disk.location}/{image.name}")
            # New images: the installer's partitioning expects sda on SATA.
            bus = "virtio" if disk.type == "image" or disk.name.startswith("vd") else "sata"
        ET.SubElement(node, "target", dev=disk.name, bus=bus)
        ET.SubElement(node, "boot", order=str(boot))

    def interfaces(self, vm: VirtualMachine) -> list[tuple[str, str, bool]]:
        """(mac, the hypervisor's device on the same network, pxe) per VM interface;
        interfaces whose network the hypervisor is not on are left out, as is ipmi."""
        on_network: dict[int, str] = {}
        for device, _, network_id, _ in self.nics[vm.hypervisor_id]:
            if network_id is not None and device:
                on_network.setdefault(network_id, device)
        found = []
        for device, mac, network_id, pxe in self.nics[vm.host_id]:
            if device == "ipmi" or network_id not in on_network or not mac:
                continue
            found.append((mac, on_network[network_id], bool(pxe)))
        return found


class ReportVm(Command):
    """Print the libvirt domain definition of virtual machines, as
    /etc/libvirt/qemu/HOST.xml (a hypervisor attribute vm.config.location
    moves it); bare=true prints the XML alone.

    Disks come first in the boot order, then interfaces on PXE networks. An
    interface is bridged to the hypervisor's device on the same network and
    needs a MAC (`set host interface mac`).
    """

    path = "report vm"
    args = SOME_VMS
    params = (Param("bare", "boolean", help="Only the XML, without file tags."),
              Param("hypervisor", help="Only the VMs of this hypervisor."))
    examples = (Example("report vm virtual-backend-0-0 bare=true",
                        "Prints the libvirt XML of virtual-backend-0-0."),)
    related = ("list vm", "add vm")

    def run(self, args: list[str], params: Params) -> Table:
        vms = vms_of(self, args, params.value("hypervisor"))
        domain = Domain(vms)
        locations = self.locations(vms)
        lines: list[tuple[str, str]] = []
        for vm in vms:
            xml = domain.xml(vm).split("\n")
            if not str2bool(params.get("bare", "")):
                where = locations.get(vm.hypervisor_id) or CONFIG_DIR
                xml = stack_file(f"{where.rstrip('/')}/{vm.host.name}.xml", xml)
            lines += [(vm.host.name, line) for line in xml]
        return report([]) if not lines else Table(None, lines, trim_owner=True, show_header=False)

    def locations(self, vms: list[VirtualMachine]) -> dict[int, str]:
        """Each hypervisor's resolved vm.config.location attribute."""
        hypervisors = self.hosts(sorted({vm.hypervisor.name for vm in vms})) if vms else []
        found = attrs.resolve(hypervisors, const=False, pattern="vm.config.location")
        return {host_id: str(values["vm.config.location"].value)
                for host_id, values in found.items()
                if "vm.config.location" in values and values["vm.config.location"].value}
