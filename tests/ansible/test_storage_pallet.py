"""stacki_pallet_info and the storage info modules wrap commands that come
from other parts of the product (`list pallet`, `list storage controller`,
`list storage partition` and their scoped forms): these tests skip only while
this product's registry lacks them."""

from __future__ import annotations

import pytest

from stacki.framework.command import registry


def missing(*words: str) -> bool:
    return tuple(words) not in registry().index


PALLETS = pytest.mark.skipif(missing("list", "pallet"), reason="no `list pallet` command yet")
CONTROLLERS = pytest.mark.skipif(
    missing("list", "storage", "controller") or missing("add", "appliance", "storage", "controller"),
    reason="no storage controller commands yet")
PARTITIONS = pytest.mark.skipif(
    missing("list", "storage", "partition") or missing("add", "appliance", "storage", "partition"),
    reason="no storage partition commands yet")


def as_strings(rows, fields):
    for row in rows:
        for field in fields:
            if row.get(field) is not None:
                row[field] = str(row[field])
    return rows


@PALLETS
def test_pallet_info(local):
    expected = local.stack_json("list", "pallet")
    for pallet in expected:
        pallet["boxes"] = (pallet.get("boxes") or "").split()
    result = local.module("stacki_pallet_info")
    assert result.data == {"changed": False, "pallets": expected}
    unknown = local.module("stacki_pallet_info", name="nosuch")
    assert unknown.status == "FAILED!"
    assert unknown.data["msg"].startswith("error - ") and "nosuch" in unknown.data["msg"]


@CONTROLLERS
@pytest.mark.parametrize("transport", ["local", "remote"])
def test_storage_controller_info(transport, request):
    ansible = request.getfixturevalue(transport)
    ansible.stack("add", "appliance", "storage", "controller", "backend", "raidlevel=0",
                  "enclosure=1", "adapter=2", "slot=3", "arrayid=4")
    for scope, name, words in (
        ("appliance", "backend", ["list", "appliance", "storage", "controller", "backend"]),
        ("appliance", None, ["list", "appliance", "storage", "controller"]),
        ("host", "backend-0-0", ["list", "host", "storage", "controller", "backend-0-0"]),
        ("global", None, ["list", "storage", "controller"]),
    ):
        expected = as_strings(ansible.stack_json(*words), ("slot", "arrayid", "raidlevel"))
        args = {"scope": scope, **({"name": name} if name else {})}
        result = ansible.module("stacki_storage_controller_info", **args)
        assert result.data == {"changed": False, "controllers": expected}, (scope, name)
    row = [r for r in ansible.module("stacki_storage_controller_info", scope="appliance",
                                     name="backend").data["controllers"]][0]
    assert (row["appliance"], row["slot"], row["arrayid"]) == ("backend", "3", "4")
    named = ansible.module("stacki_storage_controller_info", name="foo")
    assert named.status == "FAILED!" and named.data["msg"].startswith("error - ")


@PARTITIONS
def test_storage_partition_info(local):
    local.stack("add", "appliance", "storage", "partition", "backend", "device=sda",
                "mountpoint=/", "size=10000", "type=ext4", "partid=1")
    for scope, name, words in (
        ("appliance", "backend", ["list", "appliance", "storage", "partition", "backend"]),
        ("host", "backend-0-0", ["list", "host", "storage", "partition", "backend-0-0"]),
        ("global", None, ["list", "storage", "partition"]),
    ):
        expected = as_strings(local.stack_json(*words), ("size",))
        args = {"scope": scope, **({"name": name} if name else {})}
        result = local.module("stacki_storage_partition_info", **args)
        assert result.data == {"changed": False, "partitions": expected}, (scope, name)
    [row] = local.module("stacki_storage_partition_info", scope="appliance",
                         name="backend").data["partitions"]
    assert (row["appliance"], row["mountpoint"], row["size"]) == ("backend", "/", "10000")
    bad = local.module("stacki_storage_partition_info", scope="appliance", name="nosuch")
    assert bad.data["msg"] == 'error - "nosuch" argument is not a valid appliance'
