"""Virtual machines in dump and load: an exact round trip."""

import json
import subprocess
import sys

import pytest

from stacki.commands.load import stack_program
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk
from tests.conftest import Result, subprocess_env

POOL = "/export/pools/stacki"


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


def build(stack, image):
    run(stack, "add", "host", "hypervisor-0-1", "appliance=hypervisor", "rack=0", "rank=1")
    run(stack, "add", "host", "hypervisor-0-2", "appliance=hypervisor", "rack=0", "rank=2")
    for rank in range(3):
        run(stack, "add", "host", f"vm-1-{rank}", "appliance=backend", "rack=1", f"rank={rank}")
    run(stack, "add", "vm", "vm-1-0", "hypervisor=hypervisor-0-1", f"storage_pool={POOL}",
        "cpu=2", "memory=4096", f"disks=10,{image},/dev/sdb,20")
    run(stack, "add", "vm", "vm-1-1", "hypervisor=hypervisor-0-2", "disks=/dev/sdc")
    run(stack, "add", "vm", "vm-1-2", "hypervisor=hypervisor-0-2", "disks=")
    # What add alone would not make: a moved, renamed and relocated disk, pending flags.
    run(stack, "set", "vm", "storage", "host", "vm-1-0", "disk=sdd", "newhost=vm-1-1")
    run(stack, "set", "vm", "storage", "name", "vm-1-1", "name=vdz",
        "backing=vm-1-0_disk2.qcow2")
    run(stack, "set", "vm", "storage", "location", "vm-1-0", "disk=sda", "location=/srv/images")
    run(stack, "remove", "vm", "storage", "vm-1-0", "disks=sdc")
    run(stack, "remove", "vm", "vm-1-2")


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "base.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", str(path), "1G"], check=True)
    return path


def section(image):
    disk = {"size": None, "image_name": None, "mountpoint": None, "pending": False}
    return [
        {"name": "vm-1-0", "hypervisor": "hypervisor-0-1", "memory": 4096, "cpu": 2,
         "pending": False, "disks": [
             {**disk, "disk_name": "sda", "disk_type": "disk", "location": "/srv/images",
              "size": 10, "image_name": "vm-1-0_disk1.qcow2"},
             {**disk, "disk_name": "sdb", "disk_type": "image", "location": f"{POOL}/vm-1-0",
              "image_name": str(image)},
             {**disk, "disk_name": "sdc", "disk_type": "mountpoint",
              "location": f"{POOL}/vm-1-0", "mountpoint": "/dev/sdb", "pending": True}]},
        {"name": "vm-1-1", "hypervisor": "hypervisor-0-2", "memory": 3072, "cpu": 1,
         "pending": False, "disks": [
             # The moved disk was added first.
             {**disk, "disk_name": "vdz", "disk_type": "disk", "location": f"{POOL}/vm-1-0",
              "size": 20, "image_name": "vm-1-0_disk2.qcow2"},
             {**disk, "disk_name": "sda", "disk_type": "mountpoint", "location": None,
              "mountpoint": "/dev/sdc"}]},
        {"name": "vm-1-2", "hypervisor": "hypervisor-0-2", "memory": 3072, "cpu": 1,
         "pending": True, "disks": []},
    ]


def test_dump_vm(stack, image):
    build(stack, image)
    r = run(stack, "dump", "vm")
    assert json.loads(r.out) == {"version": "5.7.0", "vm": section(image)}
    whole = json.loads(run(stack, "dump").out)
    assert whole["vm"] == section(image)
    assert list(whole).index("vm") == list(whole).index("host") + 1


def test_load_script(stack, image, tmp_path):
    build(stack, image)
    path = tmp_path / "vm.json"
    path.write_text(run(stack, "dump", "vm").out)
    s = stack_program()
    assert stack("load", str(path)) == Result(0, (
        f'{s} "add vm" vm-1-0 hypervisor=hypervisor-0-1 cpu=2 memory=4096 disks=\'\'\n'
        f'{s} "add vm storage" vm-1-0 disks=10 storage_pool=/srv/images name=sda '
        "image=vm-1-0_disk1.qcow2\n"
        f'{s} "set vm storage location" vm-1-0 disk=sda location=/srv/images\n'
        f'{s} "add vm storage" vm-1-0 disks={image} storage_pool={POOL} name=sdb\n'
        f'{s} "add vm storage" vm-1-0 disks=/dev/sdb storage_pool={POOL} name=sdc\n'
        f'{s} "remove vm storage" vm-1-0 disks=sdc\n'
        f'{s} "add vm" vm-1-1 hypervisor=hypervisor-0-2 cpu=1 memory=3072 disks=\'\'\n'
        f'{s} "add vm storage" vm-1-1 disks=20 storage_pool={POOL}/vm-1-0 name=vdz '
        "image=vm-1-0_disk2.qcow2\n"
        f'{s} "set vm storage location" vm-1-1 disk=vdz location={POOL}/vm-1-0\n'
        f'{s} "add vm storage" vm-1-1 disks=/dev/sdc name=sda\n'
        f'{s} "add vm" vm-1-2 hypervisor=hypervisor-0-2 cpu=1 memory=3072 disks=\'\'\n'
        f'{s} "remove vm" vm-1-2 \n'), "")


def test_load_exec_restores_removed_vms(stack, image, tmp_path):
    build(stack, image)
    before = run(stack, "dump").out
    path = tmp_path / "vm.json"
    path.write_text(before)
    VirtualMachine.objects.all().delete()
    assert not VirtualMachineDisk.objects.exists()
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert run(stack, "dump").out == before


def test_round_trip_into_a_fresh_home(stack_process, image, tmp_path):
    build(stack_process, image)
    first = run(stack_process, "dump")
    (tmp_path / "dump.json").write_text(first.out)
    (tmp_path / "fresh-user").mkdir()
    fresh = subprocess_env(tmp_path / "fresh", tmp_path / "fresh-user")
    cli = [sys.executable, "-m", "stacki.cli"]
    loaded = subprocess.run([*cli, "load", str(tmp_path / "dump.json"), "exec=true"], env=fresh,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert (loaded.returncode, loaded.stdout, loaded.stderr) == (0, "", "")
    again = subprocess.run([*cli, "dump"], env=fresh, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, check=False)
    assert again.stdout == first.out
    assert json.loads(again.stdout)["vm"] == section(image)
    # Loading the same dump again over itself changes nothing either.
    again = subprocess.run([*cli, "load", str(tmp_path / "dump.json"), "exec=true"], env=fresh,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert again.returncode == 0
    assert subprocess.run([*cli, "dump"], env=fresh, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False).stdout == first.out
