"""Storage controllers and partitions at every scope (Stacki's add/list/remove
storage controller|partition and report host storage)."""

import pytest

from stacki.framework.command import resolve
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import TARGETS, as_json, bulk_backends, error, query_counts
from tests.conftest import Result

backend, in_test = scopes.backend, scopes.in_test  # fixtures

SCOPES = ("os", "appliance", "environment", "host")
ADD_C = ("{arrayid=string} [adapter=integer] [enclosure=integer] [hotspare=integer] "
         "[raidlevel=integer] [slot=integer]")
REMOVE_C = "{slot=integer} [adapter=integer] [enclosure=integer]"
ADD_P = ("{device=string} {size=integer} [mountpoint=string] [options=string] [partid=integer] "
         "[type=string]")
REMOVE_P = "[device=string] [mountpoint=string]"
USAGES = {
    "add storage controller": ADD_C, "remove storage controller": REMOVE_C,
    "list storage controller": "", "add storage partition": ADD_P,
    "remove storage partition": REMOVE_P, "list storage partition": "",
    "report host storage controller": "{host}", "report host storage partition": "{host}",
    **{f"add {s} storage controller": f"{{{s} ...}} {ADD_C}" for s in SCOPES},
    **{f"remove {s} storage controller": f"{{{s} ...}} {REMOVE_C}" for s in SCOPES},
    **{f"list {s} storage controller": f"[{s} ...]" for s in SCOPES},
    **{f"add {s} storage partition": f"{{{s} ...}} {ADD_P}" for s in SCOPES},
    **{f"remove {s} storage partition": f"{{{s} ...}} {REMOVE_P}" for s in SCOPES},
    **{f"list {s} storage partition": f"[{s} ...]" for s in SCOPES},
}


def controller(slot, arrayid, raidlevel="0", enclosure=None, adapter=None, options=""):
    return {"enclosure": enclosure, "adapter": adapter, "slot": slot, "raidlevel": raidlevel,
            "arrayid": arrayid, "options": options}


def partition(device, size, partid=None, mountpoint=None, fstype=None, options=""):
    return {"device": device, "partid": partid, "mountpoint": mountpoint, "size": size,
            "fstype": fstype, "options": options}


def listing(stack, *words):
    return as_json(stack("list", *words, "output-format=json"))


@pytest.mark.parametrize("path, usage", sorted(USAGES.items()))
def test_usage_lines(path, usage):
    assert resolve(path.split()).command.usage() == usage


# --- controllers -------------------------------------------------------------------

@pytest.mark.parametrize("words, message", [
    (("raidlevel=0", "slot=2"), '"arrayid" parameter is required'),
    (("arrayid=1", "slot=2"), '"raidlevel" parameter is required'),
    (("arrayid=1", "raidlevel=0"), '"slot" or "hotspare" parameter is required'),
    (("arrayid=1", "raidlevel=0", "slot=2", "adapter=test"),
     '"adapter" parameter must be an integer'),
    (("arrayid=1", "raidlevel=0", "slot=2", "adapter=-1"), '"adapter" parameter must be >= 0'),
    (("arrayid=1", "raidlevel=0", "slot=2", "enclosure=test"),
     '"enclosure" parameter must be an integer'),
    (("arrayid=1", "raidlevel=0", "slot=2", "enclosure=-1"),
     '"enclosure" parameter must be >= 0'),
    (("arrayid=1", "raidlevel=0", "slot=test"), '"slot" parameter must be an integer'),
    (("arrayid=1", "raidlevel=0", "slot=-1"), '"slot" parameter must be >= 0'),
    (("arrayid=1", "raidlevel=0", "slot=1,1"), '"slot" parameter "1" is listed twice'),
    (("arrayid=1", "raidlevel=0", "slot=2", "hotspare=test"),
     '"hotspare" parameter must be an integer'),
    (("arrayid=1", "raidlevel=0", "slot=2", "hotspare=-1"), '"hotspare" parameter must be >= 0'),
    (("arrayid=1", "raidlevel=0", "slot=2", "hotspare=1,1"),
     '"hotspare" parameter "1" is listed twice'),
    (("arrayid=1", "raidlevel=0", "slot=1", "hotspare=1"),
     '"hotspare" parameter "1" is listed in slots'),
    (("arrayid=test", "raidlevel=0", "slot=2"), '"arrayid" parameter must be an integer'),
    (("arrayid=-1", "raidlevel=0", "slot=2"), '"arrayid" parameter must be >= 1'),
    (("arrayid=global", "raidlevel=0", "slot=2"), '"arrayid" parameter is "global" with no hotspares'),
])
def test_add_controller_errors(stack, words, message):
    error(stack("add", "storage", "controller", *words), message, ADD_C)
    assert m.StorageController.objects.count() == 1


@pytest.mark.parametrize("words, message", [
    (("controller", "arrayid=1", "raidlevel=0", "slot=2", "options=a\tb"),
     '"options" parameter "a\\tb" must not contain control characters'),
    (("partition", "device=sd\na", "size=1024"),
     '"device" parameter "sd\\na" must not contain control characters'),
])
def test_control_characters_are_refused(stack, words, message):
    before = (m.StorageController.objects.count(), m.StoragePartition.objects.count())
    assert stack("add", "storage", *words) == Result(255, "", f"error - {message}\n")
    assert (m.StorageController.objects.count(), m.StoragePartition.objects.count()) == before


def test_fresh_controllers(stack):
    """Stacki's default: every disk a RAID 0 array of its own."""
    assert listing(stack, "storage", "controller") == [controller("*", "*")]
    assert listing(stack, "host", "storage", "controller") == [
        {"host": "frontend-0-0", **controller("*", "*"), "source": "G"}]


def test_add_controller(stack):
    assert stack("remove", "storage", "controller", "slot=*") == Result(0, "", "")
    assert stack("add", "storage", "controller", "raidlevel=0", "enclosure=1", "adapter=2",
                 "arrayid=3", "slot=4", "hotspare=5", "options=test") == Result(0, "", "")
    stack("add", "storage", "controller", "arrayid=global", "hotspare=4,5")
    stack("add", "storage", "controller", "arrayid=*", "slot=*", "raidlevel=0")
    assert listing(stack, "storage", "controller") == [
        controller("*", "*"),
        controller(4, "global", "hotspare"),
        controller(5, "global", "hotspare"),
        controller(4, 3, enclosure=1, adapter=2, options="test"),
        controller(5, 3, "hotspare", enclosure=1, adapter=2, options="test"),
    ]
    assert stack("list", "storage", "controller") == Result(0, (
        "ENCLOSURE ADAPTER SLOT RAIDLEVEL ARRAYID OPTIONS\n"
        "--------- ------- *    0         *       -------\n"
        "--------- ------- 4    hotspare  global  -------\n"
        "--------- ------- 5    hotspare  global  -------\n"
        "1         2       4    0         3       test\n"
        "1         2       5    hotspare  3       test\n"), "")
    error(stack("add", "storage", "controller", "adapter=2", "enclosure=1", "slot=5",
                "arrayid=4", "raidlevel=0"), 'disk specification for "2/1/5" already exists')
    error(stack("add", "storage", "controller", "x", "slot=1", "arrayid=1", "raidlevel=0"),
          "Arguments are not allowed at the global scope.")


def test_hotspare_raidlevel_adds_hot_spares(stack):
    """How a dump lists a hot spare is how `load` adds it back."""
    stack("remove", "storage", "controller", "slot=*")
    stack("add", "storage", "controller", "slot=7", "raidlevel=hotspare", "arrayid=global")
    assert listing(stack, "storage", "controller") == [controller(7, "global", "hotspare")]


def test_remove_controller(stack):
    stack("remove", "storage", "controller", "slot=*")
    error(stack("remove", "storage", "controller", "slot=*", "adapter=test"),
          '"adapter" parameter must be an integer', REMOVE_C)
    error(stack("remove", "storage", "controller", "slot=*", "enclosure=-1"),
          '"enclosure" parameter must be >= 0', REMOVE_C)
    error(stack("remove", "storage", "controller", "slot=1,1"),
          '"slot" parameter "1" is listed twice', REMOVE_C)
    error(stack("remove", "storage", "controller"), '"slot" parameter is required', REMOVE_C)
    error(stack("remove", "storage", "controller", "adapter=1", "enclosure=*", "slot=*"),
          'disk specification for "1/*/*" doesn\'t exist')
    error(stack("remove", "storage", "controller", "adapter=*", "enclosure=1", "slot=*"),
          'disk specification for "*/1/*" doesn\'t exist')
    stack("add", "storage", "controller", "raidlevel=0", "enclosure=1", "adapter=2", "slot=3,4",
          "arrayid=4")
    error(stack("remove", "storage", "controller", "slot=3,9"),
          'disk specification for "*/*/9" doesn\'t exist')
    assert m.StorageController.objects.count() == 2
    assert stack("remove", "storage", "controller", "enclosure=1", "adapter=2",
                 "slot=3") == Result(0, "", "")
    assert listing(stack, "storage", "controller") == [
        controller(4, 4, enclosure=1, adapter=2)]
    assert stack("remove", "storage", "controller", "enclosure=*", "adapter=*",
                 "slot=*") == Result(0, "", "")
    assert stack("list", "storage", "controller") == Result(0, "", "")


# --- partitions ----------------------------------------------------------------------

@pytest.mark.parametrize("words, message", [
    (("size=1024",), '"device" parameter is required'),
    (("device=", "size=1024"), '"device" parameter is required'),
    (("device=sda",), '"size" parameter is required'),
    (("device=sda", "size="), '"size" parameter is required'),
    (("device=sda", "mountpoint=/", "size=recommended"), '"size" parameter must be an integer'),
    (("device=sda", "size=-1"), '"size" parameter must be >= 0'),
    (("device=sda", "size=1024", "partid=foo"), '"partid" parameter must be an integer'),
    (("device=sda", "size=1024", "partid=-1"), '"partid" parameter must be >= 0'),
])
def test_add_partition_errors(stack, words, message):
    error(stack("add", "storage", "partition", *words), message, ADD_P)
    assert not m.StoragePartition.objects.exists()


def test_add_partition(stack):
    assert stack("add", "storage", "partition", "device=sda", "size=1024") == Result(0, "", "")
    stack("add", "storage", "partition", "device=sda", "mountpoint=/", "size=1024", "type=ext4",
          "options=test_options", "partid=1")
    stack("add", "storage", "partition", "device=sda", "mountpoint=swap", "size=hibernation",
          "partid=2")
    assert listing(stack, "storage", "partition") == [
        partition("sda", 1024),
        partition("sda", 1024, 1, "/", "ext4", "test_options"),
        partition("sda", "hibernation", 2, "swap"),
    ]
    error(stack("add", "storage", "partition", "device=sda", "mountpoint=/", "size=1024"),
          'partition specification for device "sda" and mount point "/" already exists')
    # The same mountpoint on another device is another partition.
    assert stack("add", "storage", "partition", "device=sdb", "mountpoint=/",
                 "size=1").rc == 0


def test_remove_partition(stack):
    error(stack("remove", "storage", "partition"),
          '"device" or "mountpoint" parameter is required', REMOVE_P)
    error(stack("remove", "storage", "partition", "device=sda"),
          'partition specification for device "sda" and mount point "*" doesn\'t exist')
    error(stack("remove", "storage", "partition", "mountpoint=/"),
          'partition specification for device "*" and mount point "/" doesn\'t exist')
    stack("add", "storage", "partition", "device=sda", "mountpoint=/", "size=1024", "partid=1")
    stack("add", "storage", "partition", "device=sdb", "mountpoint=/var", "size=2048",
          "partid=2")
    assert stack("remove", "storage", "partition", "mountpoint=/var") == Result(0, "", "")
    assert listing(stack, "storage", "partition") == [partition("sda", 1024, 1, "/")]
    assert stack("remove", "storage", "partition", "device=*") == Result(0, "", "")
    assert stack("list", "storage", "partition") == Result(0, "", "")


# --- the other scopes ----------------------------------------------------------------

@pytest.mark.parametrize("scope", SCOPES)
def test_each_scope(stack, in_test, scope):
    target = TARGETS[scope]
    error(stack("add", scope, "storage", "controller", "slot=1", "arrayid=1", "raidlevel=1"),
          f'"{scope}" argument is required', USAGES[f"add {scope} storage controller"])
    assert stack("add", scope, "storage", "controller", target, "slot=1,2", "arrayid=1",
                 "raidlevel=1") == Result(0, "", "")
    assert stack("add", scope, "storage", "partition", target, "device=sda", "size=10",
                 "mountpoint=/") == Result(0, "", "")
    error(stack("add", scope, "storage", "partition", target, "device=sda", "size=10",
                "mountpoint=/"),
          'partition specification for device "sda" and mount point "/" already exists')
    letter = scope[0].upper()
    assert listing(stack, "host", "storage", "partition", "backend-0-0") == [
        {"host": "backend-0-0", **partition("sda", 10, mountpoint="/"), "source": letter}]
    if scope != "host":
        assert listing(stack, scope, "storage", "controller", target) == [
            {scope: target, **controller(s, 1, "1")} for s in (1, 2)]
    assert stack("remove", scope, "storage", "controller", target, "slot=1") == Result(0, "", "")
    error(stack("remove", scope, "storage", "controller", target, "slot=1"),
          'disk specification for "*/*/1" doesn\'t exist')
    assert stack("remove", scope, "storage", "partition", target) == Result(0, "", "")
    error(stack("remove", scope, "storage", "partition", target),
          'partition specification for device "*" and mount point "*" doesn\'t exist')
    assert listing(stack, "host", "storage", "partition", "backend-0-0") == []


def test_bad_targets(stack):
    error(stack("add", "appliance", "storage", "controller", "nope", "slot=1", "arrayid=1",
                "raidlevel=1"), '"nope" argument is not a valid appliance',
          USAGES["add appliance storage controller"])
    error(stack("add", "host", "storage", "partition", "nope", "device=sda", "size=1"),
          'cannot resolve host "nope"')


def test_remove_needs_a_match_at_every_target(stack, backend):
    stack("add", "host", "storage", "partition", "backend-0-0", "device=sda", "size=1")
    error(stack("remove", "host", "storage", "partition", "backend-0-0", "frontend-0-0",
                "device=sda"),
          'partition specification for device "sda" and mount point "*" doesn\'t exist')
    assert m.StoragePartition.objects.count() == 1


def test_list_os_storage_owner_column(stack):
    stack("add", "os", "storage", "partition", "redhat", "sles", "device=sda", "size=0")
    assert stack("list", "os", "storage", "partition") == Result(0, (
        "OS     DEVICE PARTID MOUNTPOINT SIZE FSTYPE OPTIONS\n"
        "redhat sda    ------ ---------- 0    ------ -------\n"
        "sles   sda    ------ ---------- 0    ------ -------\n"), "")
    assert stack("list", "environment", "storage", "partition") == Result(0, "", "")


# --- resolution ----------------------------------------------------------------------

def add_everywhere(stack):
    """Partitions and controllers at every scope, each with its own data."""
    for n, (scope, target) in enumerate((("", ""), ("appliance", "backend"), ("os", "redhat"),
                                         ("environment", "test"), ("host", "backend-0-0")), 1):
        words = [scope] if scope else []
        names = [target] if target else []
        assert stack("add", *words, "storage", "partition", *names, f"device=disk{n}",
                     f"mountpoint=/m{n}", f"size={n}", "type=ext4", f"options=o{n}",
                     f"partid={n}").rc == 0
        assert stack("add", *words, "storage", "controller", *names, f"slot={n},9",
                     f"arrayid={n}", "raidlevel=5").rc == 0


def test_the_most_specific_scope_wins_whole(stack, in_test):
    add_everywhere(stack)
    r = stack("report", "host", "storage", "partition", "backend-0-0")
    assert r == Result(0, "[{'host': 'backend-0-0', 'device': 'disk5', 'partid': 5, "
                          "'mountpoint': '/m5', 'size': 5, 'fstype': 'ext4', "
                          "'options': 'o5'}]\n", "")
    r = stack("report", "host", "storage", "controller", "backend-0-0")
    assert r.out == (
        "[{'host': 'backend-0-0', 'enclosure': None, 'adapter': None, 'slot': 5, "
        "'raidlevel': '5', 'arrayid': 5, 'options': '', 'source': 'H'}, "
        "{'host': 'backend-0-0', 'enclosure': None, 'adapter': None, 'slot': 9, "
        "'raidlevel': '5', 'arrayid': 5, 'options': '', 'source': 'H'}]\n")
    sources = []
    for scope, target in (("host", "backend-0-0"), ("environment", "test"), ("os", "redhat"),
                          ("appliance", "backend")):
        stack("remove", scope, "storage", "partition", target)
        sources.append(stack("list", "host", "storage", "partition", "backend-0-0",
                             "output-format=col:source").out)
    assert sources == ["E\n", "O\n", "A\n", "G\n"]
    assert stack("list", "host", "storage", "partition") == Result(0, (
        "HOST         DEVICE PARTID MOUNTPOINT SIZE FSTYPE OPTIONS SOURCE\n"
        "frontend-0-0 disk1  1      /m1        1    ext4   o1      G\n"
        "backend-0-0  disk1  1      /m1        1    ext4   o1      G\n"), "")


def test_report_needs_one_host(stack, backend):
    error(stack("report", "host", "storage", "partition", "a:backend", "frontend-0-0"),
          '"host" argument must be unique', "{host}")
    error(stack("report", "host", "storage", "controller"), '"host" argument must be unique',
          "{host}")
    assert stack("report", "host", "storage", "partition", "backend-0-0") == Result(0, "[]\n", "")


def test_storage_goes_with_its_target(stack, in_test):
    add_everywhere(stack)
    stack("remove", "host", "backend-0-0")
    stack("remove", "environment", "test")
    assert sorted(m.StoragePartition.objects.values_list("scope", flat=True)) == [
        "appliance", "global", "os"]


def test_resolution_queries_do_not_grow(stack):
    stack("add", "appliance", "storage", "partition", "backend", "device=sda", "size=0")

    def add(start, count):
        hosts = bulk_backends(start, count)
        if start == 0:
            stack("add", "environment", "storage", "partition", "bulk", "device=sdb", "size=0")
        m.StoragePartition.objects.bulk_create([
            m.StoragePartition(scope="host", host=h, device="sdc", size=1)
            for h in hosts[::3]])

    add(0, 6)
    words = ("list host storage partition", "list host storage controller",
             "list host storage partition a:backend", "report host storage partition backend-9-1")
    small = query_counts(words)
    add(6, 10_000 - 6)
    assert query_counts(words) == small
    r = stack("list", "host", "storage", "partition", "output-format=col:device")
    assert r.out.count("sdc\n") == 3334 and r.out.count("sdb\n") == 3333
    # host selection (hosts, appliances, boxes, environments), the rows, a savepoint pair
    assert max(small.values()) <= 7, small
