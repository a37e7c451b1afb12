"""Virtual machines: add/list/set/remove vm, their storage, and report vm."""

import json
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk
from tests.conftest import Result

ADD_USAGE = "{host} {hypervisor=string} [cpu=string] [disks=string] [memory=string] " \
            "[storage_pool=string]"
STORAGE_USAGE = "{host} {disks=string} [image=string] [name=string] [storage_pool=string]"
POOL = "/export/pools/stacki"


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


def snapshot():
    return (list(VirtualMachine.objects.order_by("id").values()),
            list(VirtualMachineDisk.objects.order_by("id").values()))


@pytest.fixture
def hosts(stack):
    run(stack, "add", "host", "hypervisor-0-1", "appliance=hypervisor", "rack=0", "rank=1")
    run(stack, "add", "host", "interface", "hypervisor-0-1", "interface=eth0",
        "network=private", "ip=192.168.0.20")
    run(stack, "add", "host", "vm-backend-0-3", "appliance=backend", "rack=1", "rank=0")
    run(stack, "add", "host", "interface", "vm-backend-0-3", "interface=eth0", "network=private",
        "mac=52:54:00:11:22:33", "ip=192.168.0.30")
    run(stack, "add", "host", "backend-0-0")


def listed(stack, *words):
    return json.loads(run(stack, "list", *words, "output-format=json").out or "[]")


def test_add_vm_with_defaults_and_all_parameters(stack, hosts):
    run(stack, "add", "vm", "vm-backend-0-3", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}")
    assert listed(stack, "vm") == [{"virtual machine": "vm-backend-0-3",
                                    "hypervisor": "hypervisor-0-1", "memory": 3072, "cpu": 1,
                                    "pending deletion": False}]
    run(stack, "add", "host", "vm-backend-0-4", "appliance=backend", "rack=1", "rank=1")
    run(stack, "add", "vm", "vm-backend-0-4", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
        "memory=4096", "cpu=4", "disks=200,/dev/sdb")
    assert listed(stack, "vm", "vm-backend-0-4") == [{
        "virtual machine": "vm-backend-0-4", "hypervisor": "hypervisor-0-1", "memory": 4096,
        "cpu": 4, "pending deletion": False}]
    assert listed(stack, "vm", "storage") == [
        {"Virtual Machine": "vm-backend-0-3", "Name": "sda", "Type": "disk",
         "Location": f"{POOL}/vm-backend-0-3", "Size": 100,
         "Image Name": "vm-backend-0-3_disk1.qcow2", "Image Archive": None, "Mountpoint": None,
         "Pending Deletion": False},
        {"Virtual Machine": "vm-backend-0-4", "Name": "sda", "Type": "disk",
         "Location": f"{POOL}/vm-backend-0-4", "Size": 200,
         "Image Name": "vm-backend-0-4_disk1.qcow2", "Image Archive": None, "Mountpoint": None,
         "Pending Deletion": False},
        {"Virtual Machine": "vm-backend-0-4", "Name": "sdb", "Type": "mountpoint",
         "Location": f"{POOL}/vm-backend-0-4", "Size": None, "Image Name": None,
         "Image Archive": None, "Mountpoint": "/dev/sdb", "Pending Deletion": False}]


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', ADD_USAGE),
    (("vm-backend-0-3",), '"hypervisor" parameter is required', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=backend-0-0", f"storage_pool={POOL}"),
     '"hypervisor" parameter has a non valid hypervisor appliance or host', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=fake-host-0-0", f"storage_pool={POOL}"),
     'cannot resolve host "fake-host-0-0"', None),
    (("vm-backend-0-3", "hypervisor=hypervisor-0-1", "cpu=2", "memory=3072", "disks=10"),
     '"storage_pool" parameter needed for defined disks or images', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=hypervisor-0-1", "cpu=a", f"storage_pool={POOL}"),
     '"cpu" parameter must be a number greater than 0', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=hypervisor-0-1", "memory=-1", f"storage_pool={POOL}"),
     '"memory" parameter must be a number greater than 0', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=hypervisor-0-1", "cpu=0", f"storage_pool={POOL}"),
     '"cpu" parameter must be a number greater than 0', ADD_USAGE),
    (("vm-backend-0-3", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
      "disks=/nowhere/disk.qcow2"),
     '"disks" parameter Virtual Machine disk /nowhere/disk.qcow2 not found or not a qcow2 or '
     'raw image', ADD_USAGE),
    (("nohost", "hypervisor=hypervisor-0-1"), 'cannot resolve host "nohost"', None),
])
def test_add_vm_errors_change_nothing(stack, hosts, words, text, usage):
    before = snapshot()
    error(stack("add", "vm", *words), text, usage)
    assert snapshot() == before


def test_add_vm_twice_and_storage(stack, hosts, tmp_path):
    run(stack, "add", "vm", "vm-backend-0-3", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}")
    error(stack("add", "vm", "vm-backend-0-3", "hypervisor=hypervisor-0-1",
                f"storage_pool={POOL}"), "Virtual Machine vm-backend-0-3 already defined")
    if shutil.which("qemu-img"):
        image = tmp_path / "base.qcow2"
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(image), "1G"], check=True)
        run(stack, "add", "vm", "storage", "vm-backend-0-3", f"disks=50,{image}",
            f"storage_pool={POOL}")
        assert [(d["Name"], d["Type"], d["Image Name"]) for d in listed(stack, "vm", "storage")] \
            == [("sda", "disk", "vm-backend-0-3_disk1.qcow2"),
                ("sdb", "disk", "vm-backend-0-3_disk2.qcow2"), ("sdc", "image", str(image))]
        # A file qemu-img reads as raw is not an image unless it is named so.
        text = tmp_path / "notes.qcow2"
        text.write_text("not an image\n")
        error(stack("add", "vm", "storage", "vm-backend-0-3", f"disks={text}",
                    f"storage_pool={POOL}"),
              f'"disks" parameter Virtual Machine disk {text} not found or not a qcow2 or raw '
              'image', STORAGE_USAGE)
    error(stack("add", "vm", "storage", "backend-0-0", "disks=10"),
          "One or more hosts are not a valid virtual machine")
    error(stack("list", "vm", "backend-0-0"), "One or more hosts are not a valid virtual machine")
    error(stack("list", "vm", "hypervisor=backend-0-0"),
          '"hypervisor" parameter backend-0-0 is not a valid hypervisor', "[host ...] "
          "[hypervisor=string]")


def test_set_and_remove(stack, hosts):
    run(stack, "add", "host", "hypervisor-0-2", "appliance=hypervisor", "rack=0", "rank=2")
    run(stack, "add", "vm", "vm-backend-0-3", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
        "disks=10,20")
    run(stack, "set", "vm", "cpu", "vm-backend-0-3", "cpu=8")
    run(stack, "set", "vm", "memory", "vm-backend-0-3", "memory=16384")
    run(stack, "set", "vm", "hypervisor", "vm-backend-0-3", "hypervisor=hypervisor-0-2")
    error(stack("set", "vm", "cpu", "vm-backend-0-3", "cpu=x"),
          '"cpu" parameter must be a number greater than 0', "{host ...} {cpu=string}")
    error(stack("set", "vm", "hypervisor", "vm-backend-0-3", "hypervisor=backend-0-0"),
          '"hypervisor" parameter has a non valid hypervisor appliance or host',
          "{host ...} {hypervisor=string}")
    assert listed(stack, "vm", "hypervisor=hypervisor-0-2") == [{
        "virtual machine": "vm-backend-0-3", "hypervisor": "hypervisor-0-2", "memory": 16384,
        "cpu": 8, "pending deletion": False}]
    assert listed(stack, "vm", "hypervisor=hypervisor-0-1") == []
    error(stack("remove", "host", "hypervisor-0-2"),
          "Cannot remove host hypervisor-0-2 with virtual machines assigned")
    run(stack, "remove", "vm", "storage", "vm-backend-0-3", "disks=sdb")
    error(stack("remove", "vm", "storage", "vm-backend-0-3", "disks=sdz"),
          '"disks" parameter sdz is not a disk of vm-backend-0-3', "{host} {disks=string}")
    assert [d["Pending Deletion"] for d in listed(stack, "vm", "storage")] == [False, True]
    run(stack, "remove", "vm", "vm-backend-0-3")
    assert listed(stack, "vm")[0]["pending deletion"] is True
    error(stack("remove", "vm", "backend-0-0"), "One or more hosts are not a valid virtual machine")
    # The VM's host going takes the VM with it, and frees the hypervisor.
    assert stack("remove", "host", "vm-backend-0-3").rc == 0
    assert not VirtualMachine.objects.exists() and not VirtualMachineDisk.objects.exists()
    assert stack("remove", "host", "hypervisor-0-2").rc == 0


def test_report_vm_is_valid_libvirt_xml(stack, hosts, tmp_path):
    run(stack, "add", "vm", "vm-backend-0-3", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
        "memory=2048", "cpu=2", "disks=10,/dev/sdb")
    out = run(stack, "report", "vm", "vm-backend-0-3").out
    assert out.startswith('<stack:file stack:name="/etc/libvirt/qemu/vm-backend-0-3.xml">\n'
                          '<domain type="kvm">\n  <name>vm-backend-0-3</name>\n')
    assert out == run(stack, "report", "vm").out  # stable: the uuid comes from the name
    bare = run(stack, "report", "vm", "vm-backend-0-3", "bare=true").out
    assert "<memory unit=\"KiB\">2097152</memory>\n  <vcpu>2</vcpu>" in bare
    assert ('<source file="/export/pools/stacki/vm-backend-0-3/vm-backend-0-3_disk1.qcow2" />\n'
            '      <target dev="sda" bus="sata" />\n      <boot order="1" />') in bare
    assert ('<interface type="direct">\n      <mac address="52:54:00:11:22:33" />\n'
            '      <source dev="eth0" mode="bridge" />\n      <model type="virtio" />\n'
            '      <boot order="3" />') in bare
    run(stack, "set", "host", "attr", "hypervisor-0-1", "attr=vm.config.location",
        "value=/srv/vms")
    assert run(stack, "report", "vm").out.startswith(
        '<stack:file stack:name="/srv/vms/vm-backend-0-3.xml">\n')
    validate = shutil.which("virt-xml-validate")
    if validate is None:
        pytest.skip("virt-xml-validate is not installed (scripts/apt-packages lists libvirt-clients)")
    path = tmp_path / "domain.xml"
    path.write_text(bare)
    done = subprocess.run([validate, str(path), "domain"], capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr


def test_listing_costs_the_same_queries_for_many_vms(stack, hosts):
    counts = []
    for n in range(2):
        for i in range(5 * n, 5 * n + 5):
            run(stack, "add", "host", f"vm-0-{i}", "appliance=backend", "rack=5", f"rank={i}")
            run(stack, "add", "vm", f"vm-0-{i}", "hypervisor=hypervisor-0-1",
                f"storage_pool={POOL}", "disks=10,20")
        for words in (("list", "vm"), ("list", "vm", "storage"), ("report", "vm")):
            with CaptureQueriesContext(connection) as queries:
                run(stack, *words)
            counts.append(len(queries))
    assert counts[:3] == counts[3:], counts
