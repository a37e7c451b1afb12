import pytest

from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

USAGE = "[file=string] [processor=string]"
HEAD = "NETWORK,ADDRESS,MASK,GATEWAY,MTU,ZONE,DNS,PXE"


sheet = sheet_fixture("networks.csv")


def networks(stack):
    return stack("list", "network").out


def test_report_fresh(stack):
    assert stack("report", "networkfile") == Result(
        0, f"{HEAD}\r\nprivate,192.168.0.0,255.255.255.0,,,,False,True\n", "")


def test_load_adds_and_updates(stack, sheet):
    stack("add", "network", "spare", "address=10.5.0.0", "mask=255.255.0.0", "mtu=1500",
          "gateway=10.5.0.1")
    r = stack("load", "networkfile", sheet(
        "Network,Address,Mask,Gateway,MTU,Zone,DNS,PXE",
        "# comment",
        "private,192.168.0.0,255.255.255.0,192.168.0.1,9000,local,True,True",
        "Public,10.1.0.0,255.255.0.0,,,True,,",
        "spare,10.6.0.0,255.255.255.0,,,spare.example,yes,no"))
    assert r == Result(0, "", "")
    assert stack("report", "networkfile").out == (
        f"{HEAD}\r\n"
        "private,192.168.0.0,255.255.255.0,192.168.0.1,9000,local,True,True\r\n"
        "spare,10.6.0.0,255.255.255.0,,,spare.example,True,False\r\n"
        "public,10.1.0.0,255.255.0.0,,,,False,False\n")


def test_in_use_network_keeps_what_the_row_leaves_out(stack, sheet):
    stack("set", "network", "mtu", "private", "mtu=1500")
    r = stack("load", "networkfile", sheet("network,address,mask,zone",
                                           "private,192.168.0.0,255.255.255.0,z"))
    assert r.rc == 0
    assert stack("report", "networkfile").out.endswith(
        "private,192.168.0.0,255.255.255.0,,1500,z,False,False\n")


def test_round_trip_leaves_networks_unchanged(stack, sheet, tmp_path):
    stack("add", "network", "a", "address=10.1.0.0", "mask=255.255.0.0", "dns=true")
    stack("add", "network", "b", "address=10.2.0.0", "mask=255.255.0.0", "mtu=9000",
          "gateway=10.2.0.254", "zone=b.example")
    stack("add", "host", "backend-0-0")
    stack("add", "host", "interface", "backend-0-0", "interface=eth0", "network=a",
          "ip=10.1.0.5")
    before = networks(stack)
    (tmp_path / "report.csv").write_text(stack("report", "networkfile").out)
    assert stack("load", "networkfile", f"file={tmp_path / 'report.csv'}").rc == 0
    assert networks(stack) == before


@pytest.mark.parametrize("lines, message", [
    (("network,address,mask",),
     'the following required fields are not present in the input file: "zone"'),
    (("network,address,mask,zone", ",10.0.0.0,255.0.0.0,z"), "Hey! I need a network name in line 2"),
    (("network,address,mask,zone", "n,10.0.0,255.0.0.0,z"),
     'Hey! I need a valid address for the "n" network.'),
    (("network,address,mask,zone", "n,10.0.0.0,,z"), 'Hey! I need a valid mask for the "n" network.'),
    (("network,address,mask,zone,gateway", "n,10.0.0.0,255.0.0.0,z,x"),
     'Hey! I need a valid gateway for the "n" network.'),
    (("network,address,mask,zone", "n,10.0.0.1,255.0.0.0,z"),
     'Hey! I need valid address/netmask for the "n" network.'),
    (("network,address,mask,zone", "n,10.0.0.0,255.0.0.0,z", "N,10.0.0.0,255.0.0.0,z"),
     "I've detected 2 lines in the file but only 1 networks. Do you have duplicates?"),
])
def test_refused(stack, sheet, lines, message):
    before = networks(stack)
    assert stack("load", "networkfile", sheet(*lines)) == Result(255, "", f"error - {message}\n")
    assert networks(stack) == before


def test_file_required(stack, tmp_path):
    assert stack("load", "networkfile") == Result(
        255, "", f'error - "file" parameter is required\n{USAGE}\n')
    assert stack("load", "networkfile", f"file={tmp_path / 'x.csv'}") == Result(
        255, "", f'error - file "{tmp_path / "x.csv"}" does not exist\n')
