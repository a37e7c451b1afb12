"""load switchfile / report switchfile: the round trip, all-or-nothing loads
and errors that name the line."""

import pytest

from stacki.inventory import models as m
from tests.commands.cluster import run
from tests.conftest import Result
from tests.ws.conftest import login_as, make_user  # noqa: F401 (fixtures)

HEADER = "NAME,RACK,RANK,MODEL,INTERFACE,IP,MAC,NETWORK,USERNAME,PASSWORD"
SHEET = f"""{HEADER}
switch-0-0,0,0,x1052,eth0,192.168.0.250,00:11:22:33:44:66,private,admin,secret
switch-0-0,,,,eth1,,00:11:22:33:44:67,,,
switch-1-0,1,0,X1052,eth0,192.168.0.251,,private,,
"""
# As report switchfile writes it back: the switch's columns on every row, the
# credentials on its first row only, model lower-cased as Stacki reads it.
REPORTED = f"""{HEADER}\r
switch-0-0,0,0,x1052,eth0,192.168.0.250,00:11:22:33:44:66,private,admin,secret\r
switch-0-0,0,0,x1052,eth1,,00:11:22:33:44:67,,,\r
switch-1-0,1,0,x1052,eth0,192.168.0.251,,private,,
"""


def load(stack, tmp_path, text, name="switches.csv"):
    path = tmp_path / name
    path.write_text(text)
    return stack("load", "switchfile", f"file={path}")


def test_round_trip(stack, tmp_path):
    assert load(stack, tmp_path, SHEET) == Result(0, "", "")
    assert stack("list", "switch", "output-format=col:model").out == "x1052\nx1052\n"
    assert stack("list", "host", "attr", "switch-0-0", "attr=switch_password",
                 "output-format=col:value").out == "secret\n"
    report = stack("report", "switchfile")
    assert report == Result(0, REPORTED, "")
    # Loaded again, the same file gives the same database and the same report.
    assert load(stack, tmp_path, report.out, "again.csv") == Result(0, "", "")
    assert stack("report", "switchfile") == report
    from stacki import home

    kept = home.system_path("/export/stack/spreadsheets")
    assert (kept / "switches.csv").read_text() == SHEET


def test_existing_switch_gets_the_files_interfaces(stack, tmp_path):
    run(stack, "add", "host", "switch-0-0", "appliance=switch", "rack=5", "rank=5")
    run(stack, "add", "host", "interface", "switch-0-0", "interface=mgmt", "network=private")
    assert load(stack, tmp_path, SHEET).rc == 0
    assert stack("list", "host", "interface", "switch-0-0",
                 "output-format=col:interface").out == "eth0\neth1\n"
    assert stack("list", "switch", "switch-0-0", "output-format=col:rack").out == "0\n"


def test_no_switches_no_rows(stack):
    assert stack("report", "switchfile") == Result(0, HEADER + "\n", "")


@pytest.mark.parametrize("text, message", [
    ("NAME,RACK,RANK,MODEL,INTERFACE,IP\na,0,0,x,eth0,\n",
     'the following required fields are not present in the input file: "mac, network"'),
    (f"{HEADER}\n,0,0,x1052,eth0,,,,,\n", 'line 2: empty switch name found in "name" column'),
    (f"{HEADER}\ns1,0,0,,eth0,,,,,\n", 'line 2: empty model name found in "model" column'),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,\ns1,1,0,,eth1,,,,,\n",
     'line 3: switch "s1" has rack "0" on line 2'),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,\nfrontend-0-0,0,0,x1052,eth0,,,,,\n",
     'line 3: host "frontend-0-0" exists and is not a switch'),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,\ns2,0,1,x1052,eth0,,zz,,,\n",
     'line 3: "mac" parameter must be a valid MAC address'),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,\ns2,0,1,x1052,eth0,10.0.0.1,,nonet,,\n",
     'line 3: network "nonet" does not exist'),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,\ns1,,,,eth0,,,,,\n", "line 3: interface eth0 exists on s1"),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,,,extra\n", "line 2 has more cells than the header"),
    (f"{HEADER}\ns1,0,0,x1052,eth0,,,,ad\x07min,\n",
     'line 2: "username" must not contain control characters'),
])
def test_errors_change_nothing(stack, tmp_path, text, message):
    hosts = m.Host.objects.count()
    assert load(stack, tmp_path, text) == Result(255, "", f"error - {message}\n")
    assert m.Host.objects.count() == hosts
    assert not m.Attribute.objects.filter(name="component.model").exists()


def test_password_only_for_admins(stack, tmp_path, login_as):  # noqa: F811
    assert load(stack, tmp_path, SHEET).rc == 0
    reader = login_as("reader", perms=("report.*",))
    reply = reader.run("report switchfile")
    assert reply.status_code == 200
    assert "secret" not in reply.content.decode()
    assert "admin" in reply.content.decode()
