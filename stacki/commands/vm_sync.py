"""`sync vm`: make each hypervisor define what the database says about its
virtual machines (Stacki's sync vm and its hypervisor, storage and config
plugins, in one pass per VM)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import PurePosixPath

from stacki import errors
from stacki.commands.vm import SOME_VMS, vms_of
from stacki.commands.vm_storage import libvirt_uris
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import hypervisors as hv
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk, disks_by_vm


class SyncVm(Command):
    """Define virtual machines on their hypervisors through libvirt.

    Until this runs no VM is defined or changed on a hypervisor. For each VM:
    its new disk images are made (qcow2, qemu-img) in a storage pool named
    after the VM, its existing images copied there, its definition replaced
    by `report vm`'s and set to start with the hypervisor. Disks and VMs
    marked for removal are taken off the hypervisor, then out of the
    database. A running VM is left alone unless force=true, which turns it
    off first. The hypervisor is reached at its vm.libvirt.uri attribute,
    by default qemu+ssh://HYPERVISOR/system. Prints what was done.
    """

    path = "sync vm"
    args = SOME_VMS
    params = (
        Param("hypervisor", help="Only the VMs of this hypervisor."),
        Param("force", "boolean", help="Turn running VMs off to sync them. Default false."),
        Param("autostart", "boolean", help="Start the VMs after syncing them. Default false."),
    )
    examples = (
        Example("sync vm virtual-machine-0-1",
                "Defines virtual-machine-0-1 on its hypervisor and makes its storage."),
        Example("sync vm hypervisor=hypervisor-0-1 autostart=true",
                "Syncs the VMs of hypervisor-0-1 and starts them."),
    )
    related = ("report vm", "list vm storage pool", "remove vm")

    def prepare(self, args: list[str], params: Params) -> Sync | None:
        # The hypervisors' work (image copies take minutes) is done before the
        # transaction that deletes the rows of what was removed: no other
        # writer waits behind SQLite's write lock meanwhile, and a retried
        # transaction does not redo it.
        vms = vms_of(self, args, params.value("hypervisor"))
        if not vms:
            return None
        hypervisors = {vm.hypervisor_id: vm.hypervisor for vm in vms}
        uris = libvirt_uris(list(hypervisors.values()))
        disks = disks_by_vm(vms)
        xml = self.definitions([vm for vm in vms if not vm.pending])
        sync = Sync(params.flag("force"), params.flag("autostart"))
        with ExitStack() as opened:
            try:
                # Every hypervisor is reached before anything changes anywhere.
                for pk, host in hypervisors.items():
                    sync.connect(pk, opened.enter_context(hv.Hypervisor(host.name, uris[pk])))
            except hv.HypervisorError as exc:
                raise errors.CommandError(str(exc)) from None
            for vm in vms:
                sync.vm(vm, disks[vm.id], xml.get(vm.host.name, ""))
        return sync

    def run(self, args: list[str], params: Params) -> Table | None:
        sync = self.prepared
        if sync is None:
            return None
        VirtualMachineDisk.objects.filter(id__in=sync.gone_disks).delete()
        VirtualMachine.objects.filter(id__in=sync.gone_vms).delete()
        table = Table(["virtual machine", "hypervisor", "action"], sync.rows)
        table.status = 1 if sync.failed else 0
        return table

    def definitions(self, vms: list[VirtualMachine]) -> dict[str, str]:
        """`report vm bare=true` of the VMs, one XML document each."""
        if not vms:
            return {}
        found: dict[str, list[str]] = {}
        for owner, line in self.call(["report", "vm", *(vm.host.name for vm in vms),
                                      "bare=true"]).rows:
            found.setdefault(owner, []).append(line)
        return {name: "\n".join(lines) + "\n" for name, lines in found.items()}


class Sync:
    """The work on the hypervisors; what to delete from the database after."""

    def __init__(self, force: bool, autostart: bool):
        self.force, self.autostart = force, autostart
        self.conns: dict[int, hv.Hypervisor] = {}
        self.guests: dict[int, dict[str, str]] = {}
        self.rows: list[tuple[str, str, str]] = []
        self.gone_disks: list[int] = []
        self.gone_vms: list[int] = []
        self.failed = False

    def connect(self, pk: int, conn: hv.Hypervisor) -> None:
        self.conns[pk] = conn
        self.guests[pk] = conn.guests()

    def vm(self, vm: VirtualMachine, disks: list[VirtualMachineDisk], xml: str) -> None:
        conn = self.conns[vm.hypervisor_id]
        name = vm.host.name

        def done(action: str) -> None:
            self.rows.append((name, conn.name, action))

        try:
            status = self.guests[vm.hypervisor_id].get(name, "undefined")
            if status == "on":
                if not self.force:
                    done("skipped: the VM is on")
                    return
                conn.stop(name)
                done("turned off")
            self.storage(vm, disks, conn, done)
            if status != "undefined":
                # libvirt cannot replace a definition in place: undefine, then define.
                conn.undefine(name)
            if vm.pending:
                self.gone_vms.append(vm.id)
                done("removed")
                return
            conn.define(xml)
            conn.autostart(name)
            done("defined" if status == "undefined" else "redefined")
            if self.autostart:
                conn.start(name)
                done("started")
        except hv.HypervisorError as exc:
            self.failed = True
            done(f"error: {exc}")

    def storage(self, vm: VirtualMachine, disks: list[VirtualMachineDisk],
                conn: hv.Hypervisor, report: Callable[[str], None]) -> None:
        """Pending disks off the hypervisor; the others made or copied there
        (not for a VM that is going)."""
        kept = 0
        pools = set()
        for disk in disks:
            where = disk.location or ""
            if disk.type != "mountpoint" and where:
                pools.add(where)
            if disk.pending:
                file = f"{where}/{PurePosixPath(disk.image or '').name}"
                if disk.type != "mountpoint" and conn.files.remove(file):
                    report(f"removed {disk.type} {disk.name} ({file})")
                    # libvirt lists a pool's volumes as of its last refresh.
                    conn.refresh_pool(PurePosixPath(where).name)
                self.gone_disks.append(disk.id)
                continue
            kept += 1
            if vm.pending:
                continue
            if disk.type == "disk":
                pool = PurePosixPath(where).name
                if conn.add_pool(pool, where):
                    report(f"created pool {pool} ({where})")
                if conn.files.create_image(f"{where}/{disk.image}", disk.size or 1):
                    report(f"created disk {disk.name} ({where}/{disk.image}, {disk.size} GB)")
                conn.refresh_pool(pool)
            elif disk.type == "image" and conn.files.copy_image(disk.image or "", where):
                report(f"copied image {disk.name} ({disk.image} to {where})")
        if disks and not kept:
            # Nothing left for the VM: its own pool and directory (named after
            # it, as add vm makes them) go too; shared ones stay.
            for where in sorted(pools):
                if PurePosixPath(where).name == vm.host.name:
                    conn.remove_pool(vm.host.name)
            for where in sorted({d.location for d in disks if d.location}):
                if PurePosixPath(where).name == vm.host.name and conn.files.remove_empty_dir(where):
                    report(f"removed directory {where}")
