"""`ansible-inventory --list` from the stacki inventory plugin: groups,
variables, both transports, credentials, the inventory cache."""

from __future__ import annotations

import json

from tests.ansible.conftest import make_user

HOSTS = ["frontend-0-0", "backend-0-0", "backend-0-1", "backend-1-0"]
GROUPS = {
    "a_frontend": ["frontend-0-0"],
    "a_backend": ["backend-0-0", "backend-0-1", "backend-1-0"],
    "o_redhat": HOSTS,
    "b_frontend": ["frontend-0-0"],
    "b_default": ["backend-0-0", "backend-0-1", "backend-1-0"],
    "r_0": ["frontend-0-0", "backend-0-0", "backend-0-1"],
    "r_1": ["backend-1-0"],
    "e_test": ["backend-1-0"],
    "g_compute": ["backend-0-0", "backend-1-0"],
    "stacki": HOSTS,
}


def groups_of(listing: dict) -> dict[str, list[str]]:
    return {name: group["hosts"] for name, group in listing.items()
            if name not in ("_meta", "all") and "hosts" in group}


def plain(value):
    """A value of `ansible-inventory --list` without the `__ansible_unsafe`
    wrapping of strings from an inventory plugin."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def hostvars(listing: dict) -> dict[str, dict]:
    return plain(listing["_meta"]["hostvars"])


def test_local_inventory(local):
    result = local.inventory("@stacki")
    assert result.rc == 0, result.err
    assert groups_of(result.data) == GROUPS
    assert sorted(result.data["all"]["children"]) == sorted(["ungrouped", *GROUPS])
    hv = hostvars(result.data)
    assert sorted(hv) == sorted(HOSTS)
    b00, b01 = hv["backend-0-0"], hv["backend-0-1"]
    # Every attribute, resolved, `.` made `_`, boolean words as booleans.
    resolved = local.stack_json("list", "host", "attr", "backend-0-0")
    assert {k for k in b00 if k != "stacki_interfaces"} == {
        "stacki_" + row["attr"].replace(".", "_") for row in resolved}
    assert b00["stacki_appliance"] == "backend"
    assert b00["stacki_managed"] is True and hv["frontend-0-0"]["stacki_managed"] is False
    assert b00["stacki_rack_label"] == "blue" and "stacki_rack_label" not in b01
    assert b00["stacki_hostname"] == "backend-0-0" and b01["stacki_hostname"] == "backend-0-1"
    assert hv["backend-1-0"]["stacki_environment"] == "test"
    # The local command is an admin: shadow attributes are there.
    assert b01["stacki_bmc_pw"] == "s3cret"
    assert b00["stacki_interfaces"] == [{
        "interface": "eth0", "default": True, "network": "private",
        "mac": "00:11:22:33:44:55", "ip": "192.168.0.10", "name": None, "module": None,
        "vlan": None, "options": None, "channel": None}]
    assert b01["stacki_interfaces"] == []


def test_inventory_file_over_the_web_service(remote):
    (remote.workdir / "stacki.yml").write_text("plugin: stacki.stacki.stacki\n")
    result = remote.inventory("stacki.yml")
    assert result.rc == 0, result.err
    assert groups_of(result.data) == GROUPS
    hv = hostvars(result.data)
    assert hv["backend-0-1"]["stacki_bmc_pw"] == "s3cret"
    assert hv["backend-0-0"]["stacki_interfaces"][0]["mac"] == "00:11:22:33:44:55"


def test_the_same_inventory_both_ways(local, remote):
    """The two transports build the same inventory from the same data."""
    (remote.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\nstacki_transport: local\n")
    here = local.inventory("@stacki")
    there = remote.inventory("@stacki")
    assert here.rc == there.rc == 0, (here.err, there.err)
    assert groups_of(here.data) == groups_of(there.data)
    assert hostvars(here.data) == hostvars(there.data)


def test_shadow_attributes_only_for_admins(web, remote):
    server, _ = web
    reader = make_user(server, "reader", admin=False)
    (remote.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\n"
        f"stacki_url: http://127.0.0.1:{server.port}\n"
        f"stacki_user: reader\nstacki_key: {json.dumps(reader['key'])}\n")
    result = remote.inventory("stacki.yml", STACKI_CREDENTIALS="/nonexistent")
    assert result.rc == 0, result.err
    hv = hostvars(result.data)
    assert "stacki_bmc_pw" not in hv["backend-0-1"]
    assert "stacki_Kickstart_PrivateRootPassword" not in hv["backend-0-1"]
    assert hv["backend-0-0"]["stacki_rack_label"] == "blue"
    assert groups_of(result.data) == GROUPS


def test_wrong_key_fails_the_inventory(web, remote):
    server, _ = web
    (remote.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\n"
        f"stacki_url: {server.url}\nstacki_user: admin\nstacki_key: wrong\n")
    result = remote.inventory("stacki.yml", ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    assert result.rc != 0
    assert "stacki inventory: error - Wrong user name or key" in result.err


def test_unreachable_service_fails_the_inventory(remote):
    result = remote.inventory("@stacki", ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
                              STACKI_URL="http://127.0.0.1:9/stack")
    assert result.rc != 0
    assert "stacki inventory: error - cannot reach http://127.0.0.1:9/stack" in result.err


def test_inventory_cache(local):
    cache = local.workdir / "cache"
    (local.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\ncache: true\n"
        f"cache_plugin: ansible.builtin.jsonfile\ncache_connection: {cache}\n"
        "cache_timeout: 3600\n")
    first = local.inventory("stacki.yml")
    assert first.rc == 0, first.err
    assert [p.name for p in cache.iterdir()], "nothing was cached"
    local.stack("add", "host", "backend-2-0")
    cached = local.inventory("stacki.yml")
    assert cached.rc == 0 and "WARNING" not in cached.err, cached.err
    assert cached.data == first.data  # read from the cache, not from Stacki
    fresh = local.inventory("stacki.yml", "--flush-cache")
    assert "backend-2-0" in fresh.data["a_backend"]["hosts"]
    assert local.inventory("stacki.yml").data == fresh.data


def test_options_from_ansible_cfg(web, remote):
    """`@stacki` takes its options from the [stacki] section of ansible.cfg."""
    server, _ = web
    creds = server.home / "stacki-ws.cred"
    (remote.workdir / "ansible.cfg").write_text(
        "[defaults]\ninventory = @stacki\n[inventory]\nenable_plugins = stacki.stacki.stacki\n"
        f"[stacki]\nurl = {server.url}\ncredentials = {creds}\n")
    result = remote.run("ansible-inventory", "--list", STACKI_URL=None, STACKI_CREDENTIALS=None)
    assert result.rc == 0, result.err
    assert groups_of(json.loads(result.out)) == GROUPS


def test_interfaces_can_be_left_out(local):
    (local.workdir / "stacki.yml").write_text(
        "plugin: stacki.stacki.stacki\ninterfaces: false\n"
        "keyed_groups:\n  - key: stacki_rack_label | default('none')\n    prefix: label\n")
    result = local.inventory("stacki.yml")
    assert result.rc == 0, result.err
    assert "stacki_interfaces" not in hostvars(result.data)["backend-0-0"]
    assert result.data["label_blue"]["hosts"] == ["backend-0-0"]


def test_inventory_cache_without_a_file(local):
    """`@stacki` with the cache turned on in the environment."""
    cache = {"ANSIBLE_INVENTORY_CACHE": "true",
             "ANSIBLE_INVENTORY_CACHE_PLUGIN": "ansible.builtin.jsonfile",
             "ANSIBLE_INVENTORY_CACHE_CONNECTION": str(local.workdir / "cache")}
    first = local.inventory("@stacki", **cache)
    assert first.rc == 0 and "WARNING" not in first.err, first.err
    local.stack("add", "host", "backend-2-0")
    assert local.inventory("@stacki", **cache).data == first.data
    uncached = dict(cache, ANSIBLE_INVENTORY_CACHE=None)
    assert "backend-2-0" in local.inventory("@stacki", **uncached).data["a_backend"]["hosts"]
