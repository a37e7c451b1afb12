"""Virtual machine storage beyond add/list/remove: the storage pools of a
hypervisor (`list vm storage pool`, read through libvirt) and moving, renaming
and relocating a VM's disks (`set vm storage host|name|location`)."""

from __future__ import annotations

from stacki import errors
from stacki.commands.interface import one_host
from stacki.commands.vm import DISK_NAME, HYPERVISOR_APPLIANCES, vms_of
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import attrs
from stacki.inventory import hypervisors as hv
from stacki.inventory import models as m
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk

ONE_VM = (Arg("host", help="The virtual machine the disk is assigned to."),)


def libvirt_uris(hosts: list[m.Host]) -> dict[int, str]:
    """Each hypervisor's libvirt URI: its vm.libvirt.uri attribute, else Stacki's."""
    found = attrs.resolve(hosts, const=False, pattern=hv.URI_ATTR) if hosts else {}
    uris = {}
    for host in hosts:
        value = found.get(host.id, {}).get(hv.URI_ATTR)
        uris[host.id] = hv.uri_of(host.name, str(value.value) if value and value.value else None)
    return uris


def vm_disks(vm: VirtualMachine) -> dict[str, VirtualMachineDisk]:
    return {d.name: d for d in vm.disks.order_by("id")}


def one_vm(cmd: Command, args: list[str]) -> VirtualMachine:
    return vms_of(cmd, [one_host(cmd, args).name])[0]


class ListVmStoragePool(Command):
    """List the storage pools of hypervisors, as libvirt reports them: space
    allocated, available and in all (GB), and whether the pool is active."""

    path = "list vm storage pool"
    args = (Arg("hypervisor", optional=True, repeat=True,
                help="The hypervisors to list the pools of; none lists nothing."),)
    params = (Param("pool", help="Only the pool of this name."),)
    examples = (Example("list vm storage pool hypervisor-0-0",
                        "Lists the storage pools of hypervisor-0-0."),
                Example("list vm storage pool hypervisor-0-0 pool=stacki",
                        "Lists only the pool named stacki of hypervisor-0-0."))
    related = ("sync vm", "list vm storage")

    def run(self, args: list[str], params: Params) -> Table | None:
        if not args:
            return None
        hosts = self.hosts(args)
        for host in hosts:
            if host.appliance.name not in HYPERVISOR_APPLIANCES:
                raise errors.ArgError("hypervisor", f"{host.name} is not a valid hypervisor")
        uris = libvirt_uris(hosts)
        rows = []
        for host in hosts:
            try:
                with hv.Hypervisor(host.name, uris[host.id]) as conn:
                    rows += [(host.name, *pool) for pool in conn.pools(params.value("pool") or "")]
            except hv.HypervisorError as exc:
                raise errors.CommandError(str(exc)) from None
        return Table(["Host", "Name", "Allocated", "Available", "Capacity", "Pool Active"], rows)


class SetVmStorageHost(Command):
    """Assign a disk of a virtual machine to another virtual machine."""

    path = "set vm storage host"
    args = ONE_VM
    params = (Param("disk", optional=False, help="The disk to assign to another VM."),
              Param("newhost", optional=False, help="The VM to assign the disk to."))
    examples = (Example("set vm storage host virtual-backend-0-2 disk=sda "
                        "newhost=virtual-backend-0-1",
                        "Moves sda of virtual-backend-0-2 to virtual-backend-0-1."),)
    related = ("list vm storage", "set vm storage name")

    def run(self, args: list[str], params: Params) -> None:
        vm = one_vm(self, args)
        name, new = params.require("disk"), params.require("newhost")
        target = VirtualMachine.objects.select_related("host").filter(host__name=new).first()
        if target is None:
            raise errors.ParamError("newhost", f"{new} is not a valid virtual host")
        disks = vm_disks(vm)
        if name not in disks:
            raise errors.ParamError("disk", f"Disk {name} not found defined for {vm.host.name}")
        if target.disks.filter(name=name).exists():
            raise errors.ParamError("disk", f"Disk {name} found already defined on {new}")
        VirtualMachineDisk.objects.filter(id=disks[name].id).update(vm=target)


class SetVmStorageName(Command):
    """Rename the device of a virtual machine's disk, found by its backing:
    the image name of a disk or image, or the /dev path of a mountpoint."""

    path = "set vm storage name"
    args = ONE_VM
    params = (Param("name", optional=False, help="The new device name (sdb, vdc, ...)."),
              Param("backing", optional=False,
                    help="The disk's image name or mountpoint (see list vm storage)."))
    examples = (Example("set vm storage name virtual-machine-0-1 name=sdb "
                        "backing=virtual-machine-0-1_disk1.qcow2",
                        "Names the disk backed by virtual-machine-0-1_disk1.qcow2 sdb."),)
    related = ("list vm storage", "set vm storage location")

    def run(self, args: list[str], params: Params) -> None:
        vm = one_vm(self, args)
        name, backing = params.require("name"), params.require("backing")
        disks = list(vm.disks.order_by("id"))
        backed = [d for d in disks if backing in (d.image, d.mountpoint)]
        if not backed:
            raise errors.ParamError("backing", f"{backing} not found for {vm.host.name}, is the "
                                               "backing a defined disk for that host?")
        if not DISK_NAME.match(name):
            raise errors.ParamError("name", "must be a disk device name (sdb, vdc, ...)")
        if any(d.name == name for d in disks):
            raise errors.CommandError(f"Disk with name {name} already exists for {vm.host.name}")
        if len(backed) > 1:
            raise errors.ParamError("backing", f"{backing} backs more than one disk of "
                                               f"{vm.host.name}")
        VirtualMachineDisk.objects.filter(id=backed[0].id).update(name=name)


class SetVmStorageLocation(Command):
    """Set the directory on the hypervisor that holds a disk's image."""

    path = "set vm storage location"
    args = ONE_VM
    params = (Param("disk", optional=False, help="The disk (sda, sdb, ...)."),
              Param("location", optional=False, help="The directory on the hypervisor."))
    examples = (Example("set vm storage location virtual-backend-0-1 disk=sda "
                        "location=/export/pools/stacki",
                        "Keeps the image of sda in /export/pools/stacki."),)
    related = ("list vm storage", "sync vm")

    def run(self, args: list[str], params: Params) -> None:
        vm = one_vm(self, args)
        name, location = params.require("disk"), params.require("location")
        disks = vm_disks(vm)
        if name not in disks:
            raise errors.ParamError("disk", f"{name} is not a valid disk for {vm.host.name}")
        if not location.startswith("/") or len(location) > 255:
            raise errors.ParamError("location", "must be an absolute path")
        VirtualMachineDisk.objects.filter(id=disks[name].id).update(location=location.rstrip("/")
                                                                    or "/")


