"""dump switch / load: switch ports and InfiniBand partitions round trip."""

import json

from stacki.commands.load import stack_program
from tests.commands.cluster import run
from tests.conftest import Result

GUID = "00:00:00:00:00:00:00:01"


def build(stack):
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "set", "host", "attr", "switch-0-0", "attr=switch_type", "value=infiniband")
    run(stack, "add", "host", "interface", "switch-0-0", "interface=eth0", "network=private")
    run(stack, "add", "host", "switch-0-1", "appliance=switch", "rank=1")
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth0", "network=private")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ib0", f"mac={GUID}")
    run(stack, "add", "host", "interface", "backend-0-0", "mac=00:00:00:00:00:00:00:02")
    run(stack, "add", "switch", "host", "switch-0-0", "host=backend-0-0", "port=3")
    run(stack, "add", "switch", "partition", "switch-0-0", "name=aaa",
        "options=ipoib=true defmember=full")
    run(stack, "add", "switch", "partition", "switch-0-0", "name=default")
    run(stack, "add", "switch", "partition", "member", "switch-0-0", "name=aaa",
        "member=backend-0-0", "interface=ib0", "membership=full")
    run(stack, "add", "switch", "partition", "member", "switch-0-0", "name=default",
        "guid=00:00:00:00:00:00:00:02")


SECTION = [
    {"name": "switch-0-0", "port": [{"port": 3, "host": "backend-0-0", "interface": "eth0"}],
     "partition": [
         {"name": "0x0aaa", "options": "ipoib=True defmember=full", "member": [
             {"host": "backend-0-0", "interface": "ib0", "guid": GUID, "membership": "full"}]},
         {"name": "Default", "options": "", "member": [
             {"host": "backend-0-0", "interface": None, "guid": "00:00:00:00:00:00:00:02",
              "membership": "limited"}]}]},
    {"name": "switch-0-1", "port": [], "partition": []},
]


def test_dump_and_load(stack, tmp_path):
    build(stack)
    r = stack("dump", "switch")
    assert json.loads(r.out) == {"version": "5.7.0", "switch": SECTION}
    assert json.loads(stack("dump").out)["switch"] == SECTION
    path = tmp_path / "switch.json"
    path.write_text(r.out)
    s = stack_program()
    assert stack("load", str(path)) == Result(0, (
        f'{s} "add switch host" switch-0-0 host=backend-0-0 interface=eth0 port=3\n'
        f'{s} "add switch partition" switch-0-0 name=0x0aaa '
        "options='ipoib=True defmember=full'\n"
        f'{s} "add switch partition member" switch-0-0 name=0x0aaa member=backend-0-0 '
        "interface=ib0 membership=full\n"
        f'{s} "add switch partition" switch-0-0 name=Default\n'
        f'{s} "add switch partition member" switch-0-0 name=Default '
        "guid=00:00:00:00:00:00:00:02 membership=limited\n"), "")
    run(stack, "remove", "switch", "partition", "switch-0-0")
    run(stack, "remove", "switch", "host", "switch-0-0", "host=backend-0-0", "interface=eth0",
        "port=3")
    assert json.loads(stack("dump", "switch").out)["switch"][0] == {
        "name": "switch-0-0", "port": [], "partition": []}
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert stack("dump", "switch") == r
