"""InfiniBand partitions: add|list|remove switch partition [member], set
switch partition membership|options, pkey validation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.commands.cluster import run
from tests.conftest import Result

GUID = "00:00:00:00:00:00:00:00"
NAME_ERROR = ('"name" parameter must be a hex value between 0x0001 and 0x7ffe, or "default"\n'
              "{switch ...} {name=string} [options=string]\n")
MEMBER_USAGE = "{switch} {name=string} [guid=string] [interface=string] [member=string] " \
               "[membership=string]"


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


def ib_switch(stack, name="switch-0-0", rank="0"):
    run(stack, "add", "host", name, "appliance=switch", "rack=0", f"rank={rank}")
    run(stack, "set", "host", "attr", name, "attr=switch_type", "value=infiniband")


@pytest.fixture
def fabric(stack):
    ib_switch(stack)
    run(stack, "add", "host", "backend-0-0")
    run(stack, "add", "host", "interface", "backend-0-0", "interface=ib0", f"mac={GUID}")


def listing(stack, *words):
    r = stack("list", "switch", "partition", *words, "output-format=json")
    assert r.rc == 0 and r.err == ""
    return json.loads(r.out) if r.out else []


def partition(name, key, options="", switch="switch-0-0"):
    return {"switch": switch, "partition": name, "partition key": key, "options": options}


@pytest.mark.parametrize("name, options, expected", [
    ("default", "", partition("Default", "0x7fff")),
    ("Default", "ipoib=true", partition("Default", "0x7fff", "ipoib=True")),
    ("aaa", "", partition("0x0aaa", "0x0aaa")),
    ("0xaaa", "", partition("0x0aaa", "0x0aaa")),
    ("AAA", "defmember=limited", partition("0x0aaa", "0x0aaa", "defmember=limited")),
    ("aaa", "ipoib=true defmember=full", partition("0x0aaa", "0x0aaa", "ipoib=True defmember=full")),
    ("aaa", "defmember=FULL ipoib=no", partition("0x0aaa", "0x0aaa", "ipoib=False defmember=full")),
    ("7ffe", "", partition("0x7ffe", "0x7ffe")),
])
def test_add_partition(stack, fabric, name, options, expected):
    assert stack("add", "switch", "partition", "switch-0-0", f"name={name}",
                 f"options={options}") == Result(0, "", "")
    assert listing(stack, "switch-0-0") == [expected]
    # Names that resolve to the same partition cannot be added twice.
    error(stack("add", "switch", "partition", "switch-0-0", f"name={name}"),
          f'partition "{expected["partition"]}" already exists on switch "switch-0-0"')


@pytest.mark.parametrize("name, options, message", [
    ("fred", "", NAME_ERROR),
    ("0", "", NAME_ERROR),
    ("7fff", "", NAME_ERROR),
    ("-1", "", NAME_ERROR),
    ("default", "badopt=true",
     "The following are invalid partition options: badopt=true\n"),
    ("default", "badopt_no_param",
     "The following are invalid partition options: badopt_no_param\n"),
    ("default", "defmember=both",
     "The following are invalid partition options: defmember=both\n"),
])
def test_add_partition_errors(stack, fabric, name, options, message):
    assert stack("add", "switch", "partition", "switch-0-0", f"name={name}",
                 f"options={options}") == Result(255, "", f"error - {message}")
    assert listing(stack, "switch-0-0") == []


def test_partitions_need_infiniband_switches(stack, fabric):
    run(stack, "add", "host", "switch-0-1", "appliance=switch", "rack=0", "rank=1")
    error(stack("add", "switch", "partition", "switch-0-1", "name=Default"),
          'switch-0-1 does not have a switch_type of "infiniband"')
    error(stack("add", "switch", "partition", "switch-%", "name=Default"),
          'switch-0-1 does not have a switch_type of "infiniband"')
    assert not m.IBPartition.objects.exists()
    error(stack("add", "switch", "partition", "name=Default"), '"switch" argument is required',
          "{switch ...} {name=string} [options=string]")
    error(stack("list", "switch", "partition"), '"switch" argument is required',
          "{switch ...} [enforce_sm=boolean] [expanded=boolean] [name=string]")
    error(stack("add", "switch", "partition", "backend-0-0", "name=Default"),
          '"backend-0-0" argument is not a valid switch',
          "{switch ...} {name=string} [options=string]")


def test_two_switches_and_set_options(stack, fabric):
    ib_switch(stack, "switch-0-1", "1")
    run(stack, "add", "switch", "partition", "switch-0-0", "switch-0-1", "name=aaa",
        "options=ipoib=true")
    assert listing(stack, "switch-0-0", "switch-0-1") == [
        partition("0x0aaa", "0x0aaa", "ipoib=True"),
        partition("0x0aaa", "0x0aaa", "ipoib=True", "switch-0-1")]
    # set keeps the options when none are given, adds where missing.
    run(stack, "set", "switch", "partition", "options", "switch-0-1", "name=AAA")
    run(stack, "set", "switch", "partition", "options", "switch-0-1", "name=bbb",
        "options=defmember=full")
    assert listing(stack, "switch-0-1") == [
        partition("0x0aaa", "0x0aaa", "ipoib=True", "switch-0-1"),
        partition("0x0bbb", "0x0bbb", "defmember=full", "switch-0-1")]
    run(stack, "set", "switch", "partition", "options", "switch-0-1", "name=aaa", "options=")
    assert listing(stack, "switch-0-1", "name=0xaaa") == [
        partition("0x0aaa", "0x0aaa", "", "switch-0-1")]
    run(stack, "remove", "switch", "partition", "switch-0-1", "name=aaa")
    assert [p["partition"] for p in listing(stack, "switch-%")] == ["0x0aaa", "0x0bbb"]
    run(stack, "remove", "switch", "partition", "switch-0-1")
    assert [p["switch"] for p in listing(stack, "switch-%")] == ["switch-0-0"]


def members(stack, *words):
    r = stack("list", "switch", "partition", "member", "switch-0-0", *words,
              "output-format=json")
    assert r.rc == 0 and r.err == ""
    return json.loads(r.out) if r.out else []


def member(partition="Default", membership="limited"):
    return {"switch": "switch-0-0", "host": "backend-0-0", "device": "ib0", "guid": GUID,
            "partition": partition, "membership": membership}


@pytest.mark.parametrize("verb", [("add", "switch", "partition", "member"),
                                  ("set", "switch", "partition", "membership")])
@pytest.mark.parametrize("name, how, membership, expected", [
    ("default", (f"guid={GUID}",), (), member()),
    ("Default", ("member=backend-0-0", "interface=ib0"), ("membership=limited",), member()),
    ("default", ("member=backend-0-0", "interface=ib0"), ("membership=FULL",),
     member(membership="full")),
    ("AaA", ("member=backend-0-0", "interface=ib0"), (), member("0x0aaa")),
    ("0x0aaa", (f"guid={GUID.upper()}",), ("membership=full",), member("0x0aaa", "full")),
])
def test_members(stack, fabric, verb, name, how, membership, expected):
    run(stack, "add", "switch", "partition", "switch-0-0", "name=default")
    run(stack, "add", "switch", "partition", "switch-0-0", "name=aaa")
    assert stack(*verb, "switch-0-0", f"name={name}", *how, *membership) == Result(0, "", "")
    assert members(stack) == [expected]
    if verb[0] == "add":
        error(stack(*verb, "switch-0-0", f"name={name}", *how),
              f"{GUID} is already a member of switch partition {expected['partition']}")
    else:
        # set changes the membership of an existing member.
        run(stack, *verb, "switch-0-0", f"name={name}", *how, "membership=full")
        assert members(stack) == [dict(expected, membership="full")]


@pytest.mark.parametrize("words, message, usage", [
    (("name=0000", f"guid={GUID}"), None, None),
    (("name=0xfred", "member=backend-0-0", "interface=ib0"), None, None),
    (("name=default", "member=no-such-host", "interface=ib0", "membership=full"),
     'cannot resolve host "no-such-host"', None),
    (("name=Default", "member=backend-0-0", "interface=fake_iface"),
     'member has no interface named "fake_iface"', None),
    (("name=default", "member=backend-0-0", "interface=ib0", "membership=bad"),
     '"membership" parameter must be either "limited" or "full"', MEMBER_USAGE),
    (("name=default",), "either guid or member and interface must be specified", None),
    (("name=aaa", f"guid={GUID}", "member=backend-0-0"),
     "member and interface must both be specified", None),
    (("name=aaa", f"guid={GUID}", "interface=ib0"),
     "member and interface must both be specified", None),
    (("name=aaa", "guid=fake:guid"), 'guid "fake:guid" was not found in the interfaces table',
     None),
    (("name=bbb", f"guid={GUID}"), "partition 0x0bbb does not exist on switch switch-0-0", None),
])
@pytest.mark.parametrize("verb", [("add", "switch", "partition", "member"),
                                  ("set", "switch", "partition", "membership")])
def test_member_errors(stack, fabric, verb, words, message, usage):
    run(stack, "add", "switch", "partition", "switch-0-0", "name=default")
    run(stack, "add", "switch", "partition", "switch-0-0", "name=aaa")
    r = stack(*verb, "switch-0-0", *words)
    if message is None:  # the partition name's error
        assert r == Result(255, "", "error - \"name\" parameter must be a hex value between "
                                    '0x0001 and 0x7ffe, or "default"\n' + MEMBER_USAGE + "\n")
    else:
        error(r, message, usage)
    assert members(stack) == []


def test_member_switch_argument(stack, fabric):
    error(stack("add", "switch", "partition", "member", "name=default", f"guid={GUID}"),
          '"switch" argument must be unique', MEMBER_USAGE)
    run(stack, "add", "host", "switch-0-1", "appliance=switch")
    error(stack("add", "switch", "partition", "member", "switch-0-1", "name=default",
                f"guid={GUID}"), 'switch-0-1 does not have a switch_type of "infiniband"')


def test_list_and_remove_members(stack, fabric):
    run(stack, "add", "host", "backend-0-1")
    run(stack, "add", "host", "interface", "backend-0-1", "interface=ib0",
        "mac=00:00:00:00:00:00:00:01")
    for name in ("default", "aaa"):
        run(stack, "add", "switch", "partition", "switch-0-0", f"name={name}")
        for guid in (GUID, "00:00:00:00:00:00:00:01"):
            run(stack, "add", "switch", "partition", "member", "switch-0-0", f"name={name}",
                f"guid={guid}")
    assert stack("list", "switch", "partition", "member", "switch-0-0", "name=aaa",
                 "expanded=true") == Result(0, (
        "SWITCH     HOST        DEVICE GUID                    PARTITION MEMBERSHIP "
        "PARTITION KEY OPTIONS\n"
        "switch-0-0 backend-0-0 ib0    00:00:00:00:00:00:00:00 0x0aaa    limited    "
        "0x0aaa        -------\n"
        "switch-0-0 backend-0-1 ib0    00:00:00:00:00:00:00:01 0x0aaa    limited    "
        "0x0aaa        -------\n"), "")
    assert members(stack, "name=bbb") == []
    error(stack("list", "switch", "partition", "member", "switch-0-0", "name=badname"),
          '"name" parameter must be a hex value between 0x0001 and 0x7ffe, or "default"',
          "{switch ...} [enforce_sm=boolean] [expanded=boolean] [name=string] "
          "[source=string]")
    error(stack("remove", "switch", "partition", "member", "switch-0-0", "name=bbb"),
          "0x0bbb is not a partition on switch-0-0")
    run(stack, "remove", "switch", "partition", "member", "switch-0-0", "name=aaa",
        "member=backend-0-1", "interface=ib0")
    assert [(r["host"], r["partition"]) for r in members(stack)] == [
        ("backend-0-0", "0x0aaa"), ("backend-0-0", "Default"), ("backend-0-1", "Default")]
    run(stack, "remove", "switch", "partition", "member", "switch-0-0", f"guid={GUID}")
    assert [(r["host"], r["partition"]) for r in members(stack)] == [("backend-0-1", "Default")]
    # A member's interface removed, its memberships go with it; so with a partition.
    run(stack, "remove", "host", "interface", "backend-0-1", "interface=ib0")
    assert members(stack) == []
    run(stack, "add", "switch", "partition", "member", "switch-0-0", "name=aaa", f"guid={GUID}")
    run(stack, "remove", "switch", "partition", "switch-0-0", "name=aaa")
    assert not m.IBMembership.objects.exists()
    assert stack("remove", "host", "switch-0-0").rc == 0
    assert not m.IBPartition.objects.exists()


def test_member_listing_cost_does_not_grow(stack, fabric):
    run(stack, "add", "switch", "partition", "switch-0-0", "name=default")

    def grow(first, last):
        for n in range(first, last):
            host = f"backend-1-{n}"
            run(stack, "add", "host", host)
            run(stack, "add", "host", "interface", host, "interface=ib0",
                f"mac=00:00:00:00:00:00:01:{n:02x}")
            run(stack, "add", "switch", "partition", "member", "switch-0-0", "name=default",
                f"member={host}", "interface=ib0")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert stack("list", "switch", "partition", "member", "switch-0-0").rc == 0
        return len(captured)

    grow(0, 2)
    before = count()
    grow(2, 10)
    assert count() == before
    assert len(members(stack)) == 10
