import json
import os
import pty
import subprocess
import sys

import pytest

from stacki import home
from stacki.inventory import models as m
from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

USAGE = "[file=string] [preview=boolean] [processor=string]"
HEAD = "NAME,INTERFACE HOSTNAME,DEFAULT,APPLIANCE,RACK,RANK,IP,MAC,INTERFACE,NETWORK,CHANNEL,OPTIONS,VLAN,INSTALLACTION,OSACTION,GROUPS,BOX,COMMENT"
FRONTEND = "frontend-0-0,frontend-0-0,True,frontend,0,0,192.168.0.2,52:54:00:00:00:02,eth1,private,,,,default,default,,frontend,"
COLUMNS = "name,appliance,rack,rank,ip,mac,interface,network,default"


sheet = sheet_fixture("hosts.csv")


def load(stack, sheet, *lines):
    return stack("load", "hostfile", sheet(*lines))


def hosts(stack):
    return stack("list", "host", "output-format=col:host").out.split()


def interfaces(stack, *hosts):
    r = stack("list", "host", "interface", *hosts, "output-format=json")
    return json.loads(r.out) if r.out else []


def test_report_fresh_frontend(stack):
    assert stack("report", "hostfile") == Result(0, f"{HEAD}\r\n{FRONTEND}\n", "")


def test_load_small_cluster(stack, sheet):
    r = load(stack, sheet,
             "NAME,Appliance,Rack,Rank,IP,MAC,Interface,Network,Default,Groups,Comment,"
             "Interface Hostname,VLAN,Options",
             "# a comment row",
             "backend-0-0,backend,0,0,192.168.0.10,00:11:22:33:44:00,eth0,private,True,"
             "\"a,b\",first,,,",
             "backend-0-0,,,,auto,00:11:22:33:44:01,eth1,private,,,second,b00-fast,5,mtu=9000",
             ",,,,,,,,,,,,,",
             "backend-0-1,backend,0,1,auto,00-11-22-33-44-02,eth0,private,,,,,,")
    assert r == Result(0, "", "")
    assert hosts(stack) == ["frontend-0-0", "backend-0-0", "backend-0-1"]
    assert stack("report", "hostfile", "a:backend").out == (
        f"{HEAD}\r\n"
        "backend-0-0,backend-0-0,True,backend,0,0,192.168.0.10,00:11:22:33:44:00,eth0,private,"
        ",,,default,default,\"a,b\",default,\"first, second\"\r\n"
        "backend-0-0,b00-fast,,,,,192.168.0.1,00:11:22:33:44:01,eth1,private,,mtu=9000,5"
        ",,,,,\r\n"
        "backend-0-1,backend-0-1,True,backend,0,1,192.168.0.3,00:11:22:33:44:02,eth0,private"
        ",,,,default,default,,default,\n")
    assert set(m.Host.objects.values_list("boot", flat=True)) == {"os"}


def test_report_round_trip_is_stable(stack, sheet, tmp_path):
    load(stack, sheet, f"{COLUMNS},channel,groups",
         "backend-0-0,backend,0,0,192.168.0.10,00:11:22:33:44:00,bond0,private,True,,g1",
         "backend-0-0,,,,,00:11:22:33:44:01,eth0,,,bond0,",
         "backend-0-0,,,,,00:11:22:33:44:02,eth1,,,bond0,")
    first = stack("report", "hostfile").out
    (tmp_path / "again.csv").write_text(first)
    assert stack("load", "hostfile", f"file={tmp_path / 'again.csv'}").rc == 0
    assert stack("report", "hostfile").out == first
    bond = next(i for i in interfaces(stack, "backend-0-0") if i["interface"] == "bond0")
    assert bond["module"] == "bonding"


def test_existing_host_is_updated(stack, sheet):
    stack("add", "host", "backend-0-0")
    stack("add", "group", "old")
    stack("add", "host", "group", "backend-0-0", "group=old")
    stack("add", "host", "interface", "backend-0-0", "interface=eth9", "mac=00:00:00:00:00:99")
    r = load(stack, sheet, f"{COLUMNS},box,installaction,osaction,groups,comment",
             "backend-0-0,backend,3,7,192.168.0.20,00:11:22:33:44:00,eth0,private,,frontend,"
             "console,memtest,new,hello")
    assert r == Result(0, "", "")
    out = stack("list", "host", "backend-0-0").out.splitlines()[1].split()
    assert out == ["backend-0-0", "3", "7", "backend", "redhat", "frontend", "-----------",
                   "memtest", "console", "hello"]
    assert stack("list", "host", "group", "backend-0-0").out.splitlines()[1].split() == [
        "backend-0-0", "new"]
    assert [i["interface"] for i in interfaces(stack, "backend-0-0")] == ["eth0"]


def test_a_host_without_interfaces(stack, sheet):
    assert load(stack, sheet, COLUMNS, "backend-0-5,backend,0,5,,,,,") == Result(0, "", "")
    assert stack("report", "hostfile", "backend-0-5").out == (
        f"{HEAD}\r\nbackend-0-5,,,backend,0,5,,,,,,,,default,default,,default,\n")


def test_loaded_file_is_kept_with_history(stack, sheet):
    path = sheet(COLUMNS, "backend-0-0,backend,0,0,,,eth0,,", name="kept-hosts.csv")
    assert stack("load", "hostfile", path).rc == 0
    path = sheet(COLUMNS, "backend-0-0,backend,0,1,,,eth0,,", name="kept-hosts.csv")
    assert stack("load", "hostfile", path).rc == 0
    assert stack("load", "hostfile", path).rc == 0
    sheets = home.system_path("/export/stack/spreadsheets")
    assert (sheets / "kept-hosts.csv").read_text().endswith("backend-0-0,backend,0,1,,,eth0,,\n")
    versions = sorted(p.name for p in (sheets / "RCS").iterdir()
                      if p.name.startswith("kept-hosts.csv,"))
    assert len(versions) == 2


# --- errors: exact texts, exit 255, nothing written ------------------------------------

def refused(stack, sheet, message, *lines, usage=False):
    before = (hosts(stack), interfaces(stack))
    r = load(stack, sheet, *lines)
    assert r == Result(255, "", f"error - {message}\n" + (f"{USAGE}\n" if usage else ""))
    assert (hosts(stack), interfaces(stack)) == before


def test_file_parameter_and_file_errors(stack, sheet, tmp_path):
    assert stack("load", "hostfile") == Result(
        255, "", f'error - "file" parameter is required\n{USAGE}\n')
    missing = tmp_path / "nope.csv"
    assert stack("load", "hostfile", f"file={missing}") == Result(
        255, "", f'error - file "{missing}" does not exist\n')
    r = stack("load", "hostfile", sheet(raw="name,app\nbäckend,x\n".encode()))
    assert r == Result(255, "", "error - non-ascii character in file\n")
    r = stack("load", "hostfile", sheet(raw="name,app\nb\xe4ckend,x\n".encode("latin-1")))
    assert r == Result(255, "", "error - non-ascii character in file\n")
    path = sheet(raw=b"\x1f\x8b\x08\x00\x00binary")
    assert stack("load", "hostfile", path) == Result(
        255, "", f'error - file "{path[5:]}" is not a CSV file\n')
    path = sheet(raw=b'name,appliance\n"backend-0-0,backend\n')
    assert stack("load", "hostfile", path) == Result(
        255, "", f'error - file "{path[5:]}" is not a valid CSV file '
                 "(line 2: unexpected end of data)\n")


@pytest.mark.parametrize("lines, message", [
    (("name,appliance,ip,mac",),
     ('the following required fields are not present in the input file: '
      '"interface, rack, rank, network"')),
    ((COLUMNS, ",backend,0,0,,,eth0,,"), 'empty host name found in "name" column'),
    ((COLUMNS, "b-0-0,backend,0,0,10.1.1,,eth0,private,"), "invalid IP 10.1.1 in the input file"),
    ((f"{COLUMNS},vlan", "b-0-0,backend,0,0,,,eth0,,,x"), 'VLAN "x" must be an integer'),
    ((f"{COLUMNS},vlan", "b-0-0,backend,0,0,,,eth0,,,0"), 'VLAN "0" must be greater than 0'),
    ((f"{COLUMNS},box", "b-0-0,backend,0,0,,,eth0,,,nobox"),
     'box "nobox" does not exist in the database'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,", "b-0-0,switch,0,0,,,eth1,,"),
     'two different appliance types specified for host "b-0-0"'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,", "b-0-0,,1,0,,,eth1,,"),
     'two different rack numbers specified for host "b-0-0"'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,", "b-0-0,,0,1,,,eth1,,"),
     'two different rank numbers specified for host "b-0-0"'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,", "b-0-0,,,,,,ETH0,,"),
     'interface "eth0" already specified for host "b-0-0"'),
    ((COLUMNS, "b-0-0,backend,0,0,192.168.0.9,,eth0,,"),
     "inclusion of IP requires inclusion of network"),
    ((f"{COLUMNS},installaction", "b-0-0,backend,0,0,,,eth0,,,nope"),
     'installaction "nope" does not exist in the database'),
    ((f"{COLUMNS},osaction", "b-0-0,backend,0,0,,,eth0,,,nope"),
     'bootaction "nope" does not exist in the database'),
    ((COLUMNS, "b-0-0,,0,0,,,eth0,,"), 'must supply an appliance type for host "b-0-0"'),
    ((COLUMNS, "b-0-0,toaster,0,0,,,eth0,,"), 'appliance "toaster" does not exist in the database'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,", "b-0-0,,,,,,eth1,,"),
     ('host "b-0-0" has multiple interfaces but none of the interfaces are designated as\n'
      'a "default" interface. add a "default" column to your spreadsheet and\n'
      'mark one of the interfaces as "True" in the default column')),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,,yes", "b-0-0,,,,,,eth1,,true"),
     ('host "b-0-0" has more than one interface designated as the "default" interface.\n'
      'edit your spreadsheet so that only one interface is the "default".')),
    ((COLUMNS, "b-0-0,backend,0,0,192.168.0.9,,eth0,private,",
      "b-0-1,backend,0,1,192.168.0.9,,eth0,private,"),
     'duplicate IP "192.168.0.9" in the input file'),
    ((COLUMNS, "b-0-0,backend,0,0,,00:11:22:33:44:55,eth0,,",
      "b-0-1,backend,0,1,,00:11:22:33:44:55,eth0,,"),
     'duplicate MAC "00:11:22:33:44:55" in the input file'),
    ((COLUMNS, "b-0-0,backend,0,0,,,eth0,nonet,"), 'network "nonet" does not exist in the database'),
    ((COLUMNS, "b-0-0,backend,0,0,10.0.0.1,,eth0,private,"),
     'IP "10.0.0.1" is not in the "private" IP space (192.168.0.0/24)'),
    ((COLUMNS, "b-0-0,backend,0,0,,,bond0,,"),
     ('bonded interface "bond0" is specified for host "b-0-0", but there is no channel "bond0" '
      "specified for any interface associated with this host")),
    ((COLUMNS, "newfe,frontend,0,1,,,eth0,,"), "Renaming frontend is not supported!"),
    ((f"{COLUMNS},comment", f"b-0-0,backend,0,0,,,eth0,,,{'x' * 141}"),
     "comments must be no longer than 140 characters"),
    ((COLUMNS, "b-0-0,backend,0,0,,zz:zz,eth0,,"), '"mac" parameter must be a valid MAC address'),
])
def test_refused(stack, sheet, lines, message):
    refused(stack, sheet, message, *lines, usage=message.startswith('"'))


def test_refused_new_host_name(stack, sheet):
    refused(stack, sheet, '"host" argument must be a valid hostname label',
            COLUMNS, "bad_name,backend,0,0,,,eth0,,", usage=True)


def test_shared_ip_warns_and_auto_skips_it(stack, sheet):
    """An address another host holds is accepted with a warning (as Stacki does);
    `auto` never hands out an address in use, shared or not."""
    r = load(stack, sheet, COLUMNS, "b-0-0,backend,0,0,192.168.0.2,,eth0,private,",
             "b-0-1,backend,0,1,auto,,eth0,private,", "b-0-2,backend,0,2,auto,,eth0,private,")
    assert r == Result(0, "", "warning - ip 192.168.0.2 exists on frontend-0-0 interface eth1\n")
    assert [(i["host"], i["ip"]) for i in interfaces(stack)] == [
        ("frontend-0-0", "192.168.0.2"), ("b-0-0", "192.168.0.2"), ("b-0-1", "192.168.0.1"),
        ("b-0-2", "192.168.0.3")]
    # A listed host's own old interfaces do not count; the others' do.
    assert load(stack, sheet, COLUMNS, "b-0-0,backend,0,0,192.168.0.3,,eth0,private,") == \
        Result(0, "", "warning - ip 192.168.0.3 exists on b-0-2 interface eth0\n")
    assert load(stack, sheet, COLUMNS, "b-0-2,backend,0,2,192.168.0.9,,eth0,private,") == \
        Result(0, "", "")


def test_auto_ip_on_a_full_network(stack, sheet):
    stack("add", "network", "tiny", "address=10.9.9.0", "mask=255.255.255.252")
    refused(stack, sheet, "no free ip addresses left in the network", COLUMNS,
            "b-0-0,backend,0,0,auto,,eth0,tiny,", "b-0-1,backend,0,1,auto,,eth0,tiny,",
            "b-0-2,backend,0,2,auto,,eth0,tiny,")


def test_boss_column_keeps_this_frontend_rows(stack, sheet):
    r = load(stack, sheet, f"{COLUMNS},boss", "b-0-0,backend,0,0,,,eth0,,,frontend-0-0",
             "b-0-1,backend,0,1,,,eth0,,,other-frontend")
    assert r.rc == 0
    assert hosts(stack) == ["frontend-0-0", "b-0-0"]


# --- unload hostfile ------------------------------------------------------------------

def test_unload_hostfile(stack, sheet):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    r = stack("unload", "hostfile", sheet("Name,appliance", "backend-0-0,x", "nosuchhost,x"))
    assert r == Result(0, "", "")
    assert hosts(stack) == ["frontend-0-0", "backend-0-1"]


def test_unload_hostfile_errors(stack, sheet):
    assert stack("unload", "hostfile") == Result(
        255, "", 'error - "file" parameter is required\n{file=string} [processor=string]\n')
    assert stack("unload", "hostfile", sheet("host,rack", "x,0")) == Result(
        255, "", 'error - csv file is missing column(s) "name"\n')


# --- progress: on a terminal only --------------------------------------------------------

def test_progress_only_on_a_terminal(stacki_home, tmp_path):
    path = tmp_path / "hosts.csv"
    path.write_text(f"{COLUMNS}\n" + "".join(
        f"backend-0-{i},backend,0,{i},auto,,eth0,private,\n" for i in range(20)))
    argv = [sys.executable, "-m", "stacki.cli", "load", "hostfile", f"file={path}"]
    plain = subprocess.run(argv, env=stacki_home, capture_output=True, text=True, check=False,
                           stdin=subprocess.DEVNULL)
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, "", "")
    leader, follower = pty.openpty()
    try:
        tty = subprocess.run(argv, env=stacki_home, stdout=follower, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, text=True, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert tty.returncode == 0
    assert "Loading spreadsheet" in tty.stderr and "Configuring database" in tty.stderr
