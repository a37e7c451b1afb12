"""Storage spreadsheets (load/report storage_controller|storage_partition)
and storage in dump and load."""

import json

import pytest

from stacki import home
from stacki.framework.command import resolve
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import as_json, error
from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

in_test, backend = scopes.in_test, scopes.backend  # fixtures
sheet = sheet_fixture("storage.csv")
USAGE = "{file=string} [processor=string]"
C_HEAD = "NAME,SLOT,RAID LEVEL,ARRAY ID,ENCLOSURE,ADAPTER,OPTIONS"
P_HEAD = "NAME,DEVICE,PARTID,MOUNTPOINT,SIZE,TYPE,OPTIONS"
CONTROLLERS = (
    C_HEAD,
    "global,*,0,*,,,",
    "backend,1,1,1,,,-x y",
    ",2,1,1,,,",
    ",3,hotspare,1,,,",
    ",4,hotspare,global,,,",
    "redhat,1,0,1,,,",
    "test,1,0,2,,,",
    "backend-0-0,1,5,1,2,0,",
    "backend-0-0,2,5,1,2,0,",
    "backend-0-0,3,5,1,2,1,",
)
PARTITIONS = (
    P_HEAD,
    "global,sda,,/,20000,ext4,",
    ",sda,,swap,recommended,swap,",
    ",sda,,/var,0,xfs,",
    "backend,sda,,pv.01,0,lvm,",
    ",sdb,,pv.02,0,lvm,",
    ",pv.01,,volgrp01,0,volgroup,",
    ",volgrp01,,/data,100,xfs,--name=data",
    ",md0,,/export,0,ext4,--level=RAID1 raid.01 raid.02",
    ",sdc,,raid.01,0,raid,",
    ",sdd,,raid.02,0,raid,",
    "backend-0-0,nvme0n1,7,/,0,XFS,",
)


@pytest.mark.parametrize("path", ["load storage_controller", "load storage controller",
                                  "load storage_partition", "load storage partition"])
def test_usage_lines(path):
    assert resolve(path.split()).command.usage() == USAGE


def lines(r):
    assert r.rc == 0, r.err
    return r.out.replace("\r\n", "\n").splitlines()


def test_load_and_report_controllers(stack, sheet, in_test):
    assert stack("load", "storage_controller", sheet(*CONTROLLERS)) == Result(0, "", "")
    assert lines(stack("report", "storage_controller")) == [
        C_HEAD,
        "global,*,0,*,,,",
        "redhat,1,0,1,,,",
        "backend,1,1,1,,,-x y",
        "backend,2,1,1,,,-x y",
        "backend,3,hotspare,1,,,-x y",
        "backend,4,hotspare,global,,,",
        "test,1,0,2,,,",
        "backend-0-0,1,5,1,2,0,",
        "backend-0-0,2,5,1,2,0,",
        "backend-0-0,3,5,1,2,1,",
    ]
    assert as_json(stack("list", "host", "storage", "controller", "backend-0-0",
                         "output-format=json"))[2] == {
        "host": "backend-0-0", "enclosure": 2, "adapter": 1, "slot": 3, "raidlevel": "5",
        "arrayid": 1, "options": "", "source": "H"}


def test_load_and_report_partitions(stack, sheet, in_test):
    assert stack("load", "storage", "partition", sheet(*PARTITIONS)) == Result(0, "", "")
    assert lines(stack("report", "storage_partition")) == [
        P_HEAD,
        "global,sda,1,/,20000,ext4,",
        "global,sda,2,swap,recommended,swap,",
        "global,sda,3,/var,0,xfs,",
        "backend,md0,5,/export,0,ext4,--level=RAID1 raid.01 raid.02",
        "backend,pv.01,3,volgrp01,0,volgroup,",
        "backend,sda,1,pv.01,0,lvm,",
        "backend,sdb,2,pv.02,0,lvm,",
        "backend,sdc,6,raid.01,0,raid,",
        "backend,sdd,7,raid.02,0,raid,",
        "backend,volgrp01,4,/data,100,xfs,--name=data",
        "backend-0-0,nvme0n1,7,/,0,xfs,",
    ]


@pytest.mark.parametrize("kind, rows", [("controller", CONTROLLERS), ("partition", PARTITIONS)])
def test_round_trip_is_exact(stack, sheet, in_test, kind, rows):
    assert stack("load", f"storage_{kind}", sheet(*rows)).rc == 0
    first = stack("report", f"storage_{kind}").out
    # Whatever was stored before is replaced by the file's rows.
    stack("add", "host", "storage", kind, "backend-0-0", *(
        ("slot=9", "arrayid=9", "raidlevel=0") if kind == "controller" else
        ("device=sdz", "size=1")))
    assert stack("load", f"storage_{kind}", sheet(first, name="again.csv")).rc == 0
    assert stack("report", f"storage_{kind}").out == first


def test_names_repeat_and_select(stack, sheet, backend):
    stack("add", "host", "backend-0-1")
    assert stack("load", "storage_partition", sheet(
        "name,device,size,mountpoint", "a:backend,sda,0,/", ",sdb,10,/b")).rc == 0
    r = stack("list", "host", "storage", "partition", "a:backend", "output-format=json")
    assert [(p["host"], p["device"], p["partid"]) for p in as_json(r)] == [
        ("backend-0-0", "sda", 1), ("backend-0-0", "sdb", 2),
        ("backend-0-1", "sda", 1), ("backend-0-1", "sdb", 2)]


def test_loaded_file_is_kept_with_history(stack, sheet):
    path = sheet(C_HEAD, "global,1,0,1,,,", name="kept-storage.csv")
    assert stack("load", "storage_controller", path).rc == 0
    path = sheet(C_HEAD, "global,2,0,1,,,", name="kept-storage.csv")
    assert stack("load", "storage_controller", path).rc == 0
    assert stack("load", "storage_controller", path).rc == 0
    sheets = home.system_path("/export/stack/spreadsheets")
    assert (sheets / "kept-storage.csv").read_text() == f"{C_HEAD}\nglobal,2,0,1,,,\n"
    assert len([p for p in (sheets / "RCS").iterdir()
                if p.name.startswith("kept-storage.csv,")]) == 2


@pytest.mark.parametrize("rows, message", [
    (("name,slot,raid level",),
     "the following required fields are not present in the input file: array id"),
    ((C_HEAD, ",1,0,1,,,"), 'empty host name found in "name" column'),
    ((C_HEAD, "global,x,0,1,,,"), 'slot "x" must be an integer at line 2'),
    ((C_HEAD, "global,-2,0,1,,,"), 'slot "-2" must be >= 0 at line 2'),
    ((C_HEAD, "global,1,0,1,,,", "global,,0,1,,,"),
     'empty value found for "slot" column at line 3'),
    ((C_HEAD, "global,1,,1,,,"), 'empty value found for "raid level" column at line 2'),
    ((C_HEAD, "global,1,0,,,,"), 'empty value found for "array id" column at line 2'),
    ((C_HEAD, "global,1,0,x,,,"), 'array id "x" must be an integer at line 2'),
    ((C_HEAD, "global,1,0,0,,,"), 'array id "0" must be >= 1 at line 2'),
    ((C_HEAD, "global,1,0,1,x,,"), 'enclosure "x" must be an integer at line 2'),
    ((C_HEAD, "global,1,0,1,,-1,"), 'adapter "-1" must be >= 0 at line 2'),
    ((C_HEAD, "global,*,5,1,,,"), 'raid level must be "0" or "1" when slot is "*". See line 2'),
    ((C_HEAD, "global,1,0,1,,,", "global,1,0,1,,,"),
     'duplicate slot "1" found in the spreadsheet at line 3'),
    ((C_HEAD, "global,1,0,1,,,", "global,2,1,1,,,"),
     'RAID level mismatch "1" found in the spreadsheet at line 3'),
    ((C_HEAD, "global,1,0,1,,,", "global,1,0,2,,,"),
     'disk specification for "-1/-1/1" already exists at line 3'),
    ((C_HEAD, "global,1,0,global,,,"), 'array id "global" has no hotspares at line 2'),
    ((C_HEAD, "global,1,0,1,,,", "nohost,1,0,1,,,"), 'Cannot find host "nohost" at line 3'),
    ((C_HEAD, 'global,1,0,1,,,"a\tb"'),
     'the "options" column has a control character at line 2'),
])
def test_controller_sheet_refused(stack, sheet, rows, message):
    stack("add", "storage", "controller", "slot=8", "arrayid=8", "raidlevel=0")
    before = list(m.StorageController.objects.values_list())
    error(stack("load", "storage_controller", sheet(*rows)), message)
    assert list(m.StorageController.objects.values_list()) == before


@pytest.mark.parametrize("rows, message", [
    (("name,device",), "the following required fields are not present in the input file: size"),
    ((P_HEAD, "global,,,/,1,,"), 'empty value found for "device" column at line 2'),
    ((P_HEAD, "global,sda,,/,,,"), 'empty value found for "size" column at line 2'),
    ((P_HEAD, "global,sda,,/,x,,"), 'size "x" must be an integer at line 2'),
    ((P_HEAD, "global,sda,,/,recommended,,"),
     'size "recommended" is only valid for the swap mountpoint at line 2'),
    ((P_HEAD, "global,sda,x,/,1,,"), 'partid "x" must be an integer at line 2'),
    ((P_HEAD, "global,sda,,/,1,,", "global,sda,,/,2,,"),
     'partition specification for device "sda" and mount point "/" already exists at line 3'),
    ((P_HEAD, "global,md0,,/,0,ext4,"),
     'missing options for software raid device "md0" at line 2'),
    ((P_HEAD, "global,md0,,/,0,ext4,--x"),
     'missing "--level=RAID" option for software raid device "md0" at line 2'),
    ((P_HEAD, "global,md0,,/,0,ext4,--level=RAID1 r1"),
     'device "r1" not defined for software raid device "md0" at line 2'),
    ((P_HEAD, "global,sda,,pv1,0,lvm,", "global,pv1,,vg,0,volgroup,", "global,vg,,/,0,xfs,"),
     'missing "--name" option for LVM partition "/" at line 4'),
    ((P_HEAD, "global,pv9,,vg,0,volgroup,"),
     'device "pv9" not defined for volgroup "vg" at line 2'),
    ((P_HEAD, "global,disk1,,/,0,,", "global,cd,,/x,0,,"), "unknown device(s) detected: cd,disk1 at line 2"),
])
def test_partition_sheet_refused(stack, sheet, rows, message):
    stack("add", "storage", "partition", "device=sdq", "size=1")
    before = list(m.StoragePartition.objects.values_list())
    error(stack("load", "storage_partition", sheet(*rows)), message)
    assert list(m.StoragePartition.objects.values_list()) == before


def test_file_errors(stack, tmp_path):
    error(stack("load", "storage_controller"), '"file" parameter is required', USAGE)
    error(stack("load", "storage_partition", f"file={tmp_path}/nope.csv"),
          f'file "{tmp_path}/nope.csv" does not exist')


# --- dump and load ---------------------------------------------------------------------

def test_dump_and_load_round_trip(stack, sheet, in_test, tmp_path):
    stack("load", "storage_controller", sheet(*CONTROLLERS))
    stack("load", "storage_partition", sheet(*PARTITIONS, name="p.csv"))
    stack("add", "storage", "controller", "slot=5", "raidlevel=hotspare", "arrayid=global",
          "enclosure=3")
    stack("add", "os", "storage", "partition", "sles", "device=sdx", "size=0")
    stack("add", "environment", "storage", "partition", "test", "device=sdy", "size=1",
          "mountpoint=swap")
    dumped = stack("dump").out
    doc = json.loads(dumped)
    assert doc["controller"] == [
        {"enclosure": None, "adapter": None, "slot": "*", "raidlevel": "0", "arrayid": "*",
         "options": ""},
        {"enclosure": 3, "adapter": None, "slot": 5, "raidlevel": "hotspare",
         "arrayid": "global", "options": ""}]
    assert doc["partition"][1] == {"device": "sda", "partid": 2, "mountpoint": "swap",
                                   "size": "recommended", "fstype": "swap", "options": ""}
    host = next(h for h in doc["host"] if h["name"] == "backend-0-0")
    assert host["partition"] == [{"device": "nvme0n1", "partid": 7, "mountpoint": "/",
                                  "size": 0, "fstype": "xfs", "options": ""}]
    assert {o["name"]: o["partition"] for o in doc["os"] if o["partition"]} == {
        "sles": [{"device": "sdx", "partid": None, "mountpoint": None, "size": 0,
                  "fstype": None, "options": ""}]}
    m.StorageController.objects.all().delete()
    m.StoragePartition.objects.all().delete()
    (tmp_path / "dump.json").write_text(dumped)
    assert stack("load", str(tmp_path / "dump.json"), "exec=true") == Result(0, "", "")
    assert stack("dump").out == dumped
