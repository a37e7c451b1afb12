"""The storage commands over the web service: reads for every user, writes
for admins, all of them in the catalogue."""

from __future__ import annotations

from stacki.inventory import models as m
from tests.ws.basicauth import basic_get
from tests.ws.conftest import body

ADD = "add host storage partition frontend-0-0 device=sda size=10 mountpoint=/"
READ_ONLY = {"API Error": "Database Permission Denied. Admin privileges required"}


def test_plain_users_read(login_as):
    m.StoragePartition.objects.create(scope="global", device="sda", size=0)
    api = login_as("plain")
    response = api.run("list host storage partition frontend-0-0")
    assert response.status_code == 200
    assert body(response) == [{"host": "frontend-0-0", "device": "sda", "partid": None,
                               "mountpoint": None, "size": 0, "fstype": None, "options": "",
                               "source": "G"}]
    response = api.run(ADD)
    assert (response.status_code, response.content.decode()) == (
        403, "Unauthorized Command: User plain is not allowed to run "
             "add.host.storage.partition")


def test_writes_need_an_admin(login_as):
    granted = login_as("granted", perms=("add.*", "load.*"))
    response = granted.run(ADD)
    assert (response.status_code, body(response)) == (403, READ_ONLY)
    assert not m.StoragePartition.objects.exists()
    admin = login_as("boss", admin=True)
    assert admin.run(ADD).status_code == 200
    assert list(m.StoragePartition.objects.values_list("scope", "device", "mountpoint")) == [
        ("host", "sda", "/")]
    response = admin.run(ADD)
    assert (response.status_code, body(response)) == (
        500, {"API Error": 'error - partition specification for device "sda" and mount point '
                           '"/" already exists\n', "Output": ""})


def test_granted_reports(login_as):
    m.StoragePartition.objects.create(scope="global", device="sda", size=0, partid=1)
    api = login_as("granted", perms=("report.*",))
    response = api.run("report host storage partition frontend-0-0")
    assert (response.status_code, body(response)) == (200, [{"col-0": "", "col-1": (
        "[{'host': 'frontend-0-0', 'device': 'sda', 'partid': 1, 'mountpoint': None, "
        "'size': 0, 'fstype': None, 'options': ''}]")}])


def test_catalogue(make_user):
    make_user("greg")
    make_user("boss", admin=True)
    seen = {e["command"] for e in body(basic_get("greg", "key-of-greg", "/stack/commands"))}
    assert {"list storage controller", "list host storage partition", "list host partition",
            "list os storage controller"} <= seen
    assert not {"add storage controller", "load storage_partition",
                "remove host partition"} & seen
    seen = {e["command"] for e in body(basic_get("boss", "key-of-boss", "/stack/commands"))}
    assert {"add storage controller", "add environment storage partition",
            "load storage_controller", "load storage partition", "add host partition",
            "remove os storage controller"} <= seen


def test_admin_loads_an_uploaded_sheet(login_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = login_as("boss", admin=True)
    sheet = b"NAME,DEVICE,SIZE,MOUNTPOINT\nbackend,sda,0,/\n"
    uploaded = admin.client.post("/stack/upload", {"csvFile": SimpleUploadedFile("p.csv", sheet)},
                                 HTTP_X_CSRFTOKEN=admin.token())
    assert uploaded.status_code == 200
    response = admin.run(f"load storage_partition file={body(uploaded)['dir']}")
    assert response.status_code == 200
    assert list(m.StoragePartition.objects.values_list(
        "scope", "appliance__name", "device", "partid", "mountpoint")) == [
        ("appliance", "backend", "sda", 1, "/")]
