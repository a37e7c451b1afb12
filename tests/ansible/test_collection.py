"""The collection builds with ansible-galaxy and documents every plugin."""

from __future__ import annotations

from pathlib import Path

from tests.ansible.conftest import ROOT, tar_names

MODULES = sorted(p.stem for p in (ROOT / "ansible" / "plugins" / "modules").glob("stacki_*.py"))


def test_the_collection_builds(collection):
    names = tar_names(collection["tarball"])
    assert {"MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml",
            "plugins/inventory/stacki.py", "plugins/module_utils/stacki.py",
            "plugins/doc_fragments/connection.py"} <= names
    assert {f"plugins/modules/{m}.py" for m in MODULES} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_stacki_modules_are_all_there():
    assert MODULES == [
        "stacki_appliance", "stacki_appliance_info", "stacki_attribute",
        "stacki_attribute_info", "stacki_box", "stacki_box_info", "stacki_group",
        "stacki_group_info", "stacki_host_info", "stacki_network", "stacki_network_info",
        "stacki_pallet_info", "stacki_storage_controller_info",
        "stacki_storage_partition_info"]
    runtime = (ROOT / "ansible" / "meta" / "runtime.yml").read_text()
    assert all(f"    - {m}\n" in runtime for m in MODULES)


def test_every_plugin_is_documented(local):
    """ansible-doc parses the documentation of each module and the inventory plugin."""
    modules = local.run("ansible-doc", "--json", *[f"stacki.stacki.{m}" for m in MODULES])
    assert modules.rc == 0, modules.err
    import json

    docs = json.loads(modules.out)
    assert sorted(docs) == [f"stacki.stacki.{m}" for m in MODULES]
    for name, doc in docs.items():
        options = doc["doc"]["options"]
        assert "stacki_url" in options and "stacki_validate_certs" in options, name
        assert options["stacki_validate_certs"]["default"] is True
    inventory = local.run("ansible-doc", "--json", "-t", "inventory", "stacki.stacki.stacki")
    assert inventory.rc == 0, inventory.err
    options = json.loads(inventory.out)["stacki.stacki.stacki"]["doc"]["options"]
    assert {"cache", "stacki_url", "stacki_credentials", "interfaces"} <= set(options)
    assert Path(ROOT / "ansible" / "galaxy.yml").exists()
