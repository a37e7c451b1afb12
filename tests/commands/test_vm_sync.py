"""sync vm and list vm storage pool against libvirt's test driver, and
set vm storage host|name|location.

libvirt's test:///default keeps one state per process while a connection to
it is open: the tests hold one (`libvirt_state`) and read what sync vm did.
Image files go under the test's own STACKI_SYSROOT.
"""

import json
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory.vm_models import VirtualMachineDisk
from tests.commands.test_vm import POOL, error, run, snapshot
from tests.conftest import Result

libvirt = pytest.importorskip("libvirt", reason="libvirt-python is not installed")

HEADER = "VIRTUAL MACHINE HYPERVISOR     ACTION\n"


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path / "root"))
    return tmp_path / "root"


def reset(conn):
    """The test driver's own objects only (a failed test may keep the state alive)."""
    for domain in conn.listAllDomains():
        if domain.name() != "test":
            if domain.isActive():
                domain.destroy()
            domain.undefine()
    for pool in conn.listAllStoragePools():
        if pool.name() != "default-pool":
            if pool.isActive():
                pool.destroy()
            pool.undefine()


@pytest.fixture
def libvirt_state():
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    conn = libvirt.open("test:///default")
    reset(conn)
    yield conn
    reset(conn)
    conn.close()


@pytest.fixture
def cluster(stack, root, tmp_path):
    image = tmp_path / "base.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(image), "1G"], check=True)
    run(stack, "add", "host", "hypervisor-0-1", "appliance=hypervisor", "rack=0", "rank=1")
    run(stack, "set", "host", "attr", "hypervisor-0-1", "attr=vm.libvirt.uri",
        "value=test:///default")
    run(stack, "add", "host", "vm-1-0", "appliance=backend", "rack=1", "rank=0")
    run(stack, "add", "vm", "vm-1-0", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
        "cpu=2", "memory=2048", f"disks=10,{image},/dev/sdb")
    return image


def qemu_info(path):
    done = subprocess.run(["qemu-img", "info", "--output=json", str(path)], capture_output=True,
                          text=True, check=True)
    info = json.loads(done.stdout)
    return info["format"], info["virtual-size"]


def test_sync_makes_storage_defines_starts_and_removes(stack, cluster, root, libvirt_state):
    disk = f"{POOL}/vm-1-0/vm-1-0_disk1.qcow2"
    assert run(stack, "sync", "vm") == Result(0, HEADER + (
        f"vm-1-0          hypervisor-0-1 created pool vm-1-0 ({POOL}/vm-1-0)\n"
        f"vm-1-0          hypervisor-0-1 created disk sda ({disk}, 10 GB)\n"
        f"vm-1-0          hypervisor-0-1 copied image sdb ({cluster} to {POOL}/vm-1-0)\n"
        "vm-1-0          hypervisor-0-1 defined\n"), "")
    assert qemu_info(root / disk.lstrip("/")) == ("qcow2", 10 << 30)
    assert qemu_info(root / f"{POOL}/vm-1-0/base.qcow2".lstrip("/")) == ("qcow2", 1 << 30)
    pool = libvirt_state.storagePoolLookupByName("vm-1-0")
    assert pool.isActive() and pool.autostart()
    assert f"<path>{root}{POOL}/vm-1-0</path>" in pool.XMLDesc()
    domain = libvirt_state.lookupByName("vm-1-0")
    assert not domain.isActive() and domain.autostart()
    # The definition is report vm's.
    bare = run(stack, "report", "vm", "vm-1-0", "bare=true").out
    uuid = bare.split("<uuid>")[1].split("</uuid>")[0]
    assert domain.UUIDString() == uuid and domain.maxMemory() == 2048 * 1024
    assert f"<source file='{disk}'/>" in domain.XMLDesc()

    assert run(stack, "sync", "vm", "autostart=true").out == HEADER + (
        "vm-1-0          hypervisor-0-1 redefined\n"
        "vm-1-0          hypervisor-0-1 started\n")
    assert libvirt_state.lookupByName("vm-1-0").isActive()
    # A running VM is left alone unless forced off.
    assert run(stack, "sync", "vm").out == HEADER + (
        "vm-1-0          hypervisor-0-1 skipped: the VM is on\n")
    run(stack, "set", "vm", "memory", "vm-1-0", "memory=4096")
    assert run(stack, "sync", "vm", "vm-1-0", "force=true").out == HEADER + (
        "vm-1-0          hypervisor-0-1 turned off\n"
        "vm-1-0          hypervisor-0-1 redefined\n")
    domain = libvirt_state.lookupByName("vm-1-0")
    assert not domain.isActive() and domain.maxMemory() == 4096 * 1024

    # Disks marked for removal leave the hypervisor, then the database.
    run(stack, "remove", "vm", "storage", "vm-1-0", "disks=sda")
    assert run(stack, "sync", "vm").out == HEADER + (
        f"vm-1-0          hypervisor-0-1 removed disk sda ({disk})\n"
        "vm-1-0          hypervisor-0-1 redefined\n")
    assert not (root / disk.lstrip("/")).exists()
    assert list(VirtualMachineDisk.objects.values_list("name", flat=True).order_by("name")) == [
        "sdb", "sdc"]
    run(stack, "remove", "vm", "storage", "vm-1-0", "disks=sdb,sdc")
    run(stack, "remove", "vm", "vm-1-0")
    assert run(stack, "sync", "vm").out == HEADER + (
        f"vm-1-0          hypervisor-0-1 removed image sdb ({POOL}/vm-1-0/base.qcow2)\n"
        f"vm-1-0          hypervisor-0-1 removed directory {POOL}/vm-1-0\n"
        "vm-1-0          hypervisor-0-1 removed\n")
    assert "vm-1-0" not in libvirt_state.listDefinedDomains()
    assert "vm-1-0" not in [p.name() for p in libvirt_state.listAllStoragePools()]
    assert not (root / f"{POOL}/vm-1-0".lstrip("/")).exists()
    assert snapshot() == ([], [])
    assert stack("sync", "vm") == Result(0, "", "")


def test_sync_selects_vms_and_hypervisors(stack, cluster, libvirt_state):
    run(stack, "add", "host", "hypervisor-0-2", "appliance=hypervisor", "rack=0", "rank=2")
    run(stack, "add", "host", "vm-1-1", "appliance=backend", "rack=1", "rank=1")
    run(stack, "add", "vm", "vm-1-1", "hypervisor=hypervisor-0-2", "disks=/dev/sdc")
    run(stack, "set", "attr", "attr=vm.libvirt.uri", "value=test:///default")
    assert run(stack, "sync", "vm", "hypervisor=hypervisor-0-2").out == (
        HEADER + "vm-1-1          hypervisor-0-2 defined\n")
    assert libvirt_state.listDefinedDomains() == ["vm-1-1"]
    assert run(stack, "sync", "vm", "vm-1-1").out.endswith(
        "vm-1-1          hypervisor-0-2 redefined\n")
    error(stack("sync", "vm", "backend-0-0"), 'cannot resolve host "backend-0-0"')
    error(stack("sync", "vm", "hypervisor-0-1"), "One or more hosts are not a valid virtual machine")


def test_unreachable_hypervisor_changes_nothing(stack, cluster, root):
    run(stack, "remove", "vm", "storage", "vm-1-0", "disks=sdc")
    run(stack, "remove", "vm", "vm-1-0")
    socket = root / "no-libvirtd.sock"
    run(stack, "set", "host", "attr", "hypervisor-0-1", "attr=vm.libvirt.uri",
        f"value=qemu+unix:///system?socket={socket}")
    before = snapshot()
    error(stack("sync", "vm"), "Failed to connect to hypervisor hypervisor-0-1:\n"
          f"Failed to connect socket to '{socket}': No such file or directory")
    assert snapshot() == before
    assert not (root / "export").exists()
    error(stack("list", "vm", "storage", "pool", "hypervisor-0-1"),
          "Failed to connect to hypervisor hypervisor-0-1:\n"
          f"Failed to connect socket to '{socket}': No such file or directory")


def test_default_uri_is_stackis(stack, cluster):
    run(stack, "remove", "host", "attr", "hypervisor-0-1", "attr=vm.libvirt.uri")
    r = stack("sync", "vm")
    assert r.rc == 255 and r.out == ""
    # libvirt goes over ssh to the hypervisor by name, which does not resolve here.
    assert r.err.startswith("error - Failed to connect to hypervisor hypervisor-0-1:\n")
    assert "hypervisor-0-1" in r.err.split("\n", 1)[1]


def test_list_vm_storage_pool(stack, cluster, root, libvirt_state):
    assert stack("list", "vm", "storage", "pool") == Result(0, "", "")
    assert json.loads(run(stack, "list", "vm", "storage", "pool", "hypervisor-0-1",
                          "output-format=json").out) == [
        {"Host": "hypervisor-0-1", "Name": "default-pool", "Allocated": "0.0 GB",
         "Available": "100.0 GB", "Capacity": "100.0 GB", "Pool Active": True}]
    run(stack, "sync", "vm")
    assert run(stack, "list", "vm", "storage", "pool", "hypervisor-0-1", "pool=vm-1-0").out == (
        "HOST           NAME   ALLOCATED AVAILABLE CAPACITY POOL ACTIVE\n"
        "hypervisor-0-1 vm-1-0 0.0 GB    100.0 GB  100.0 GB True\n")
    error(stack("list", "vm", "storage", "pool", "vm-1-0"),
          '"hypervisor" argument vm-1-0 is not a valid hypervisor',
          "[hypervisor ...] [pool=string]")


def test_list_vm_storage_pool_queries_do_not_grow_with_vms(stack, cluster, libvirt_state):
    counts = []
    for n in range(2):
        for i in range(4 * n, 4 * n + 4):
            run(stack, "add", "host", f"vm-2-{i}", "appliance=backend", "rack=2", f"rank={i}")
            run(stack, "add", "vm", f"vm-2-{i}", "hypervisor=hypervisor-0-1",
                f"storage_pool={POOL}", "disks=10,/dev/sdb")
        for words in (("list", "vm", "storage", "pool", "hypervisor-0-1"), ("dump", "vm")):
            with CaptureQueriesContext(connection) as queries:
                run(stack, *words)
            counts.append(len(queries))
    assert counts[:2] == counts[2:], counts


# --- set vm storage host|name|location ---------------------------------------------------

@pytest.fixture
def two(stack, cluster):
    run(stack, "add", "host", "vm-1-1", "appliance=backend", "rack=1", "rank=1")
    run(stack, "add", "vm", "vm-1-1", "hypervisor=hypervisor-0-1", "disks=/dev/sdc")


def disks(stack):
    return [(d["Virtual Machine"], d["Name"], d["Location"], d["Image Name"], d["Mountpoint"])
            for d in json.loads(run(stack, "list", "vm", "storage", "output-format=json").out)]


def test_set_vm_storage(stack, two, cluster):
    run(stack, "set", "vm", "storage", "host", "vm-1-0", "disk=sdc", "newhost=vm-1-1")
    run(stack, "set", "vm", "storage", "name", "vm-1-1", "name=vdb", "backing=/dev/sdb")
    run(stack, "set", "vm", "storage", "location", "vm-1-0", "disk=sda", "location=/srv/vms/")
    assert disks(stack) == [
        ("vm-1-0", "sda", "/srv/vms", "vm-1-0_disk1.qcow2", None),
        ("vm-1-0", "sdb", f"{POOL}/vm-1-0", str(cluster), None),
        ("vm-1-1", "vdb", f"{POOL}/vm-1-0", None, "/dev/sdb"),
        ("vm-1-1", "sda", None, None, "/dev/sdc")]


HOST_USAGE = "{host} {disk=string} {newhost=string}"
NAME_USAGE = "{host} {backing=string} {name=string}"
LOCATION_USAGE = "{host} {disk=string} {location=string}"


@pytest.mark.parametrize("words, text, usage", [
    (("host", "vm-1-0", "disk=sdz", "newhost=vm-1-1"),
     '"disk" parameter Disk sdz not found defined for vm-1-0', HOST_USAGE),
    (("host", "vm-1-0", "disk=sda", "newhost=hypervisor-0-1"),
     '"newhost" parameter hypervisor-0-1 is not a valid virtual host', HOST_USAGE),
    (("host", "vm-1-1", "disk=sda", "newhost=vm-1-0"),
     '"disk" parameter Disk sda found already defined on vm-1-0', HOST_USAGE),
    (("host", "vm-1-0", "disk=sda"), '"newhost" parameter is required', HOST_USAGE),
    (("host", "hypervisor-0-1", "disk=sda", "newhost=vm-1-1"),
     "One or more hosts are not a valid virtual machine", None),
    (("name", "vm-1-0", "name=sdq", "backing=/dev/sdq"),
     '"backing" parameter /dev/sdq not found for vm-1-0, is the backing a defined disk for '
     'that host?', NAME_USAGE),
    (("name", "vm-1-0", "name=sdb", "backing=/dev/sdb"),
     "Disk with name sdb already exists for vm-1-0", None),
    (("name", "vm-1-0", "name=SD/1", "backing=/dev/sdb"),
     '"name" parameter must be a disk device name (sdb, vdc, ...)', NAME_USAGE),
    (("location", "vm-1-0", "disk=sdq", "location=/srv"),
     '"disk" parameter sdq is not a valid disk for vm-1-0', LOCATION_USAGE),
    (("location", "vm-1-0", "disk=sda", "location=srv"),
     '"location" parameter must be an absolute path', LOCATION_USAGE),
    (("location", "vm-1-0", "vm-1-1", "disk=sda", "location=/srv"),
     '"host" argument must be unique', LOCATION_USAGE),
])
def test_set_vm_storage_errors_change_nothing(stack, two, words, text, usage):
    before = snapshot()
    error(stack("set", "vm", "storage", *words), text, usage)
    assert snapshot() == before


def test_add_vm_storage_name_and_image(stack, cluster):
    run(stack, "add", "vm", "storage", "vm-1-0", "disks=5", f"storage_pool={POOL}", "name=vdc",
        "image=scratch.qcow2")
    assert disks(stack)[-1] == ("vm-1-0", "vdc", f"{POOL}/vm-1-0", "scratch.qcow2", None)
    usage = "{host} {disks=string} [image=string] [name=string] [storage_pool=string]"
    for params, text in (
            (("disks=5,6", "name=vdd"), '"disks" parameter must be a single disk with name or image'),
            (("disks=5", "name=vdc"), "Disk with name vdc already exists for vm-1-0"),
            (("disks=/dev/sdd", "image=x.qcow2"), '"image" parameter only names the image of a new disk'),
            (("disks=5", "image=../x.qcow2"), '"image" parameter must be a file name ending in .qcow2'),
            (("disks=5", "image=scratch.qcow2"), '"image" parameter scratch.qcow2 is already a disk of vm-1-0')):
        before = snapshot()
        r = stack("add", "vm", "storage", "vm-1-0", f"storage_pool={POOL}", *params)
        error(r, text, None if text.startswith("Disk with") else usage)
        assert snapshot() == before


def test_a_failed_action_is_printed_and_the_rest_goes_on(stack, cluster, root, libvirt_state):
    run(stack, "add", "host", "vm-1-1", "appliance=backend", "rack=1", "rank=1")
    run(stack, "add", "vm", "vm-1-1", "hypervisor=hypervisor-0-1", "disks=/dev/sdc")
    cluster.unlink()  # vm-1-0's image disk is gone from the frontend
    r = stack("sync", "vm")
    assert (r.rc, r.err) == (1, "")
    assert r.out == HEADER + (
        f"vm-1-0          hypervisor-0-1 created pool vm-1-0 ({POOL}/vm-1-0)\n"
        f"vm-1-0          hypervisor-0-1 created disk sda ({POOL}/vm-1-0/vm-1-0_disk1.qcow2, "
        "10 GB)\n"
        f"vm-1-0          hypervisor-0-1 error: File {cluster} not found to transfer\n"
        "vm-1-1          hypervisor-0-1 defined\n")
    assert libvirt_state.listDefinedDomains() == ["vm-1-1"]
