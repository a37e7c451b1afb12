"""The modules run by real ansible-core: results, `changed`, check mode,
idempotence and errors, through the local `stack` command and the web service."""

from __future__ import annotations

import pytest

from tests.ansible.conftest import Ansible, make_user


def test_host_info(local):
    result = local.module("stacki_host_info", name="backend-0-0")
    assert (result.rc, result.status) == (0, "SUCCESS")
    assert result.data == {"changed": False, "hosts": [{
        "host": "backend-0-0", "rack": "0", "rank": "0", "appliance": "backend",
        "os": "redhat", "box": "default", "environment": None, "osaction": "default",
        "installaction": "default", "comment": None,
        "interfaces": [{
            "interface": "eth0", "default": True, "network": "private",
            "mac": "00:11:22:33:44:55", "ip": "192.168.0.10", "name": None, "module": None,
            "vlan": None, "options": None, "channel": None}],
        "groups": ["compute"],
        "boot": {"action": "os", "nukedisks": False, "nukecontroller": False}}]}


def test_host_info_of_every_host(local):
    result = local.module("stacki_host_info")
    hosts = result.data["hosts"]
    assert [h["host"] for h in hosts] == [
        "frontend-0-0", "backend-0-0", "backend-0-1", "backend-1-0"]
    assert [h["groups"] for h in hosts] == [[], ["compute"], [], ["compute"]]
    assert hosts[3]["environment"] == "test" and hosts[2]["interfaces"] == []
    assert hosts[0]["interfaces"][0]["interface"] == "eth1"


def test_host_info_over_the_web_service(remote, local):
    there = remote.module("stacki_host_info", name="a:backend")
    here = local.module("stacki_host_info", name="a:backend")
    assert there.status == "SUCCESS", there.out
    assert there.data == here.data
    assert len(there.data["hosts"]) == 3


@pytest.mark.parametrize("transport", ["local", "remote"])
def test_unknown_host_fails_with_the_error(transport, request):
    ansible = request.getfixturevalue(transport)
    result = ansible.module("stacki_host_info", name="nosuch")
    assert (result.rc, result.status) == (2, "FAILED!")
    assert result.data == {"changed": False, "msg": 'error - cannot resolve host "nosuch"'}


def tasks(prefix: str) -> list[dict]:
    """One task of each changing module; PREFIX keeps the names of two runs apart."""
    return [
        {"stacki.stacki.stacki_appliance": {"name": f"{prefix}compute", "node": "backend"}},
        {"stacki.stacki.stacki_box": {"name": f"{prefix}develop", "os": "ubuntu"}},
        {"stacki.stacki.stacki_network": {
            "name": f"{prefix}fast", "address": f"10.{len(prefix)}.0.0", "mask": "16",
            "gateway": f"10.{len(prefix)}.0.254", "mtu": 9000, "dns": True, "pxe": False,
            "zone": "fast.example"}},
        {"stacki.stacki.stacki_group": {"name": f"{prefix}gpu"}},
        {"stacki.stacki.stacki_attribute": {"attr": f"{prefix}ntp.server", "value": "pool"}},
        {"stacki.stacki.stacki_attribute": {
            "scope": "appliance", "name": f"{prefix}compute", "attr": "x", "value": "1"}},
        {"stacki.stacki.stacki_attribute": {
            "scope": "host", "name": "backend-0-0", "attr": f"{prefix}bmc.user",
            "value": "root", "shadow": True}},
        {"stacki.stacki.stacki_attribute": {
            "scope": "host", "name": "backend-0-1", "attr": "bmc.pw", "shadow": True,
            "state": "absent"}},
    ]


def state(ansible, prefix: str) -> dict:
    """What the tasks change, as the command line shows it."""
    return {
        "appliance": [a for a in ansible.stack_json("list", "appliance")
                      if a["appliance"] == f"{prefix}compute"],
        "box": [b for b in ansible.stack_json("list", "box") if b["name"] == f"{prefix}develop"],
        "network": [n for n in ansible.stack_json("list", "network")
                    if n["network"] == f"{prefix}fast"],
        "group": [g for g in ansible.stack_json("list", "group") if g["group"] == f"{prefix}gpu"],
        "attrs": [a for a in ansible.stack_json("list", "host", "attr", "backend-0-0",
                                                "backend-0-1")
                  if a["scope"] != "global" or a["attr"].startswith(prefix)],
    }


@pytest.mark.parametrize("transport, prefix", [("local", ""), ("remote", "ws")])
def test_playbook_changes_once(transport, prefix, request):
    ansible = request.getfixturevalue(transport)
    first = ansible.playbook(tasks(prefix))
    assert first.rc == 0, first.out
    assert [r["changed"] for r in first.data] == [True] * 8
    assert first.recap()["changed"] == 8
    assert ansible.stack_json("list", "appliance", "attr", f"{prefix}compute", "attr=node") == [
        {"appliance": f"{prefix}compute", "scope": "appliance", "type": "var", "attr": "node",
         "value": "backend"}]
    assert [(b["name"], b["os"]) for b in ansible.stack_json("list", "box")
            if b["name"] == f"{prefix}develop"] == [(f"{prefix}develop", "ubuntu")]
    [net] = [n for n in ansible.stack_json("list", "network") if n["network"] == f"{prefix}fast"]
    assert net == {"network": f"{prefix}fast", "address": f"10.{len(prefix)}.0.0",
                   "mask": "255.255.0.0", "gateway": f"10.{len(prefix)}.0.254", "mtu": 9000,
                   "zone": "fast.example", "dns": True, "pxe": False}
    attrs = {(a["host"], a["attr"]): (a["type"], a["value"]) for a in ansible.stack_json(
        "list", "host", "attr", "backend-0-0", "backend-0-1")}
    assert attrs[("backend-0-0", f"{prefix}bmc.user")] == ("shadow", "root")
    assert ("backend-0-1", "bmc.pw") not in attrs
    assert attrs[("backend-0-0", f"{prefix}ntp.server")] == ("var", "pool")

    before = state(ansible, prefix)
    second = ansible.playbook(tasks(prefix))
    assert second.rc == 0, second.out
    assert [r["changed"] for r in second.data] == [False] * 8
    assert second.recap()["changed"] == 0
    assert state(ansible, prefix) == before


def test_check_mode_changes_nothing(local):
    # Not the attribute of the appliance that only the first task would add.
    independent = tasks("")[:5] + tasks("")[6:]
    before = state(local, "")
    checked = local.playbook(independent, "--check")
    assert checked.rc == 0, checked.out
    assert [r["changed"] for r in checked.data] == [True] * 7
    assert state(local, "") == before
    assert local.playbook(tasks("")).recap()["changed"] == 8
    assert local.playbook(tasks(""), "--check").recap()["changed"] == 0


def test_changes_and_removals(local):
    local.playbook(tasks(""))
    changed = local.playbook([
        {"stacki.stacki.stacki_appliance": {"name": "compute", "node": "server"}},
        {"stacki.stacki.stacki_box": {"name": "develop", "os": "redhat"}},
        {"stacki.stacki.stacki_network": {"name": "fast", "mtu": 1500, "dns": False}},
        {"stacki.stacki.stacki_attribute": {"attr": "ntp.server", "value": "other"}},
        {"stacki.stacki.stacki_attribute": {
            "scope": "host", "name": "backend-0-0", "attr": "bmc.user", "value": "root"}},
    ])
    assert [r["changed"] for r in changed.data] == [True] * 5, changed.out
    node = local.stack_json("list", "appliance", "attr", "compute", "attr=node")
    assert node[0]["value"] == "server"
    assert [b["os"] for b in local.stack_json("list", "box") if b["name"] == "develop"] == [
        "redhat"]
    [net] = [n for n in local.stack_json("list", "network") if n["network"] == "fast"]
    assert (net["mtu"], net["dns"], net["address"]) == (1500, False, "10.0.0.0")
    # shadow: false over a shadow attribute of that name replaces it with a plain one.
    [user] = local.stack_json("list", "host", "attr", "backend-0-0", "attr=bmc.user")
    assert (user["type"], user["value"]) == ("var", "root")

    absent = [
        {"stacki.stacki.stacki_appliance": {"name": "compute", "state": "absent"}},
        {"stacki.stacki.stacki_box": {"name": "develop", "state": "absent"}},
        {"stacki.stacki.stacki_network": {"name": "fast", "state": "absent"}},
        {"stacki.stacki.stacki_group": {"name": "gpu", "state": "absent"}},
        {"stacki.stacki.stacki_attribute": {"attr": "ntp.server", "state": "absent"}},
        # A shadow attribute of that name is not there: nothing to remove.
        {"stacki.stacki.stacki_attribute": {
            "scope": "host", "name": "backend-0-0", "attr": "bmc.user", "shadow": True,
            "state": "absent"}},
    ]
    removed = local.playbook(absent)
    assert [r["changed"] for r in removed.data] == [True] * 5 + [False], removed.out
    assert "compute" not in [a["appliance"] for a in local.stack_json("list", "appliance")]
    assert local.stack_json("list", "attr", "attr=ntp.server") == []
    assert local.playbook(absent).recap()["changed"] == 0


def test_info_modules(local):
    boxes = local.module("stacki_box_info").data["boxes"]
    assert boxes == [{"name": "frontend", "os": "redhat", "pallets": [], "carts": [],
                      "repos": []},
                     {"name": "default", "os": "redhat", "pallets": [], "carts": [],
                      "repos": []}]
    assert local.module("stacki_box_info", name="default").data["boxes"] == boxes[1:]
    groups = local.module("stacki_group_info").data["groups"]
    assert {"group": "compute", "hosts": ["backend-0-0", "backend-1-0"]} in groups
    assert local.module("stacki_network_info", name="private").data["networks"] == [{
        "network": "private", "address": "192.168.0.0", "mask": "255.255.255.0",
        "gateway": "", "mtu": None, "zone": "", "dns": False, "pxe": True}]
    missing = local.module("stacki_network_info", name="nosuch")
    assert missing.data["msg"] == 'error - "nosuch" argument is not a valid network'
    appliances = local.module("stacki_appliance_info", name="backend").data["appliances"]
    assert appliances == [{"name": "backend", "public": True}]


def test_attribute_info(local):
    result = local.module("stacki_attribute_info", scope="host", name="backend-0-0",
                          attr="rack*")
    assert result.data["attributes"] == [
        {"host": "backend-0-0", "scope": "host", "type": "const", "attr": "rack", "value": "0"},
        {"host": "backend-0-0", "scope": "host", "type": "var", "attr": "rack.label",
         "value": "blue"}]
    shadow = local.module("stacki_attribute_info", scope="host", name="backend-0-1",
                          attr="bmc.*")
    assert [a["type"] for a in shadow.data["attributes"]] == ["shadow"]
    no_shadow = local.module("stacki_attribute_info", scope="host", name="backend-0-1",
                             attr="bmc.*", shadow=False)
    assert no_shadow.data["attributes"] == []
    appliance = local.module("stacki_attribute_info", scope="appliance", name="backend",
                             attr="managed")
    assert appliance.data["attributes"] == [{"appliance": "backend", "scope": "appliance",
                                             "type": "var", "attr": "managed", "value": "True"}]
    glob = local.module("stacki_attribute_info", attr="Kickstart_Time*")
    assert glob.data["attributes"] == [{"scope": "global", "type": "var",
                                        "attr": "Kickstart_Timezone", "value": "UTC"}]
    named = local.module("stacki_attribute_info", name="foo")
    assert named.data["msg"] == "error - Arguments are not allowed at the global scope."


@pytest.mark.parametrize("args, message", [
    ({"attr": "a"}, "error - value is required"),
    ({"attr": "a", "value": "1", "scope": "host"},
     "error - name is required for non-global scope"),
    ({"attr": "a", "value": "1", "scope": "host", "name": "nosuch"},
     'error - cannot resolve host "nosuch"'),
])
def test_attribute_errors(local, args, message):
    result = local.module("stacki_attribute", **args)
    assert (result.status, result.data) == ("FAILED!", {"changed": False, "msg": message})


def test_network_needs_an_address(local):
    result = local.module("stacki_network", name="fast")
    assert result.data == {"changed": False, "msg": 'error - "address" parameter is required'}
    assert result.status == "FAILED!"


def test_explicit_credentials_and_refusals(web, remote):
    """url/user/key as task options; a non-admin may read but not change."""
    server, _ = web
    reader = make_user(server, "viewer", admin=False)
    options = {"stacki_url": f"http://127.0.0.1:{server.port}", "stacki_user": "viewer",
               "stacki_key": reader["key"]}
    # Nothing from the environment: the task's options alone.
    remote = Ansible({k: v for k, v in remote.env.items()
                      if k not in ("STACKI_URL", "STACKI_CREDENTIALS")}, remote.workdir)
    listed = remote.module("stacki_group_info", **options)
    assert listed.status == "SUCCESS", listed.out
    assert {"group": "compute", "hosts": ["backend-0-0", "backend-1-0"]} in listed.data["groups"]
    refused = remote.module("stacki_group", name="readers", **options)
    assert refused.data == {
        "changed": False,
        "msg": "error - Unauthorized Command: User viewer is not allowed to run add.group"}
    bad = remote.module("stacki_group_info", **dict(options, stacki_key="wrong"))
    assert bad.data["msg"] == "error - Wrong user name or key"
    assert "wrong" not in bad.out.replace("Wrong", "")


def test_module_defaults_name_the_service_once(web, remote):
    """group/stacki.stacki.stacki in module_defaults gives every module its connection."""
    server, _ = web
    bare = Ansible({k: v for k, v in remote.env.items()
                    if k not in ("STACKI_URL", "STACKI_CREDENTIALS")}, remote.workdir)
    defaults = {"module_defaults": {"group/stacki.stacki.stacki": {
        "stacki_url": server.url, "stacki_credentials": str(server.home / "stacki-ws.cred")}}}
    result = bare.playbook([
        {"stacki.stacki.stacki_group": {"name": "defaults"}},
        {"stacki.stacki.stacki_group_info": {}},
    ], play=defaults)
    assert result.rc == 0, result.out
    assert result.data[0]["changed"] is True
    assert {"group": "defaults", "hosts": []} in result.data[1]["groups"]
