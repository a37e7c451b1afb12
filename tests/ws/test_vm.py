"""Virtual machines over the web service: reads for everyone logged in
(the default group may run list *), writes and sync for admins."""

import json

from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk
from tests.commands.test_vm_sync import (  # noqa: F401 - fixtures
    POOL,
    cluster,
    libvirt_state,
    root,
    snapshot,
)
from tests.ws.conftest import body


def test_vms_over_the_web_service(login_as, cluster, libvirt_state):  # noqa: F811
    admin, user = login_as("vmadmin", admin=True), login_as("vmuser")
    reply = user.run("list vm storage")
    assert reply.status_code == 200
    assert [d["Name"] for d in body(reply)] == ["sda", "sdb", "sdc"]
    reply = user.run("list vm storage pool hypervisor-0-1")
    assert (reply.status_code, [p["Name"] for p in body(reply)]) == (200, ["default-pool"])
    before = snapshot()
    for cmd in ("sync vm", "set vm storage location vm-1-0 disk=sda location=/srv",
                "set vm storage name vm-1-0 name=vdb backing=/dev/sdb",
                "add vm storage vm-1-0 disks=/dev/sdd", "remove vm vm-1-0", "dump vm"):
        assert user.run(cmd).status_code == 403, cmd
    assert snapshot() == before and libvirt_state.listDefinedDomains() == []
    reply = admin.run("dump vm")
    assert reply.status_code == 200
    assert [vm["name"] for vm in json.loads(reply.content)["vm"]] == ["vm-1-0"]
    reply = admin.run("set vm storage location vm-1-0 disk=sda location=/srv/vms")
    assert (reply.status_code, body(reply)) == (200, {})
    assert VirtualMachineDisk.objects.get(name="sda").location == "/srv/vms"
    reply = admin.run("sync vm")
    assert reply.status_code == 200
    assert [row["action"] for row in body(reply)] == [
        "created pool vms (/srv/vms)", "created disk sda (/srv/vms/vm-1-0_disk1.qcow2, 10 GB)",
        f"copied image sdb ({cluster} to {POOL}/vm-1-0)", "defined"]
    assert libvirt_state.listDefinedDomains() == ["vm-1-0"]
    assert VirtualMachine.objects.count() == 1
