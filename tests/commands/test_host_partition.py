"""The partitions installed hosts report: add/list/remove host partition."""

import pytest

from stacki.framework.command import resolve
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import as_json, bulk_backends, error, query_counts
from tests.conftest import Result

backend = scopes.backend  # fixture

ADD = ("{host ...} [device=string] [formatflags=string] [fs=string] [mountpoint=string] "
       "[partid=string] [partitionflags=string] [sectorstart=string] [size=string] [uuid=string]")
REMOVE = "{host ...} [device=string] [partition=string] [uuid=string]"
EMPTY = {"flags": "", "formatflags": "", "id": "", "mountpoint": "", "size": "0", "start": "0",
         "type": "", "uuid": ""}


def part(host, device, **fields):
    return {"host": host, "device": device, **EMPTY, **fields}


def listing(stack, *hosts):
    return as_json(stack("list", "host", "partition", *hosts, "output-format=json"))


@pytest.mark.parametrize("path, usage", [("add host partition", ADD),
                                         ("remove host partition", REMOVE),
                                         ("list host partition", "[host ...]")])
def test_usage_lines(path, usage):
    assert resolve(path.split()).command.usage() == usage


def test_add_errors(stack, backend):
    error(stack("add", "host", "partition"), '"host" argument is required', ADD)
    error(stack("add", "host", "partition", "a:nothing", "device=sda"),
          '"host" argument is required', ADD)
    error(stack("add", "host", "partition", "frontend-0-0"), '"device" parameter is required',
          ADD)
    error(stack("add", "host", "partition", "nope", "device=sda"), 'cannot resolve host "nope"')


def test_add_and_list(stack, backend):
    assert stack("add", "host", "partition", "frontend-0-0", "device=sda", "mountpoint=/",
                 "uuid=test_uuid", "sectorstart=1234", "size=5678", "partid=1", "fs=ext4",
                 "partitionflags=test_partition", "formatflags=test_format") == Result(0, "", "")
    stack("add", "host", "partition", "backend-0-0", "device=sda2")
    stack("add", "host", "partition", "backend-0-0", "device=sda1")
    full = part("frontend-0-0", "sda", flags="test_partition", formatflags="test_format",
                id="1", mountpoint="/", size="5678", start="1234", type="ext4", uuid="test_uuid")
    assert listing(stack) == [full, part("backend-0-0", "sda1"), part("backend-0-0", "sda2")]
    assert listing(stack, "frontend-0-0") == [full]
    assert stack("list", "host", "partition", "backend-0-0") == Result(0, (
        "HOST        DEVICE MOUNTPOINT UUID START SIZE ID TYPE FLAGS FORMATFLAGS\n"
        "backend-0-0 sda1   ---------- ---- 0     0    -- ---- ----- -----------\n"
        "backend-0-0 sda2   ---------- ---- 0     0    -- ---- ----- -----------\n"), "")
    error(stack("list", "host", "partition", "nope"), 'cannot resolve host "nope"')


def test_a_device_reported_again_replaces_the_old_record(stack, backend):
    stack("add", "host", "partition", "backend-0-0", "device=sda", "mountpoint=/delete_me")
    stack("add", "host", "partition", "backend-0-0", "device=sda", "mountpoint=/")
    assert listing(stack, "backend-0-0") == [part("backend-0-0", "sda", mountpoint="/")]


def test_remove(stack, backend):
    error(stack("remove", "host", "partition"), '"host" argument is required', REMOVE)
    error(stack("remove", "host", "partition", "a:test"), '"host" argument is required', REMOVE)
    for host, device, mountpoint, uuid in (("frontend-0-0", "sda1", "/", "test"),
                                           ("backend-0-0", "sda1", "/", "test"),
                                           ("backend-0-0", "sda2", "/var", "foo")):
        stack("add", "host", "partition", host, f"device={device}", f"mountpoint={mountpoint}",
              f"uuid={uuid}")
    assert stack("remove", "host", "partition", "backend-0-0", "uuid=test") == Result(0, "", "")
    assert [p["device"] for p in listing(stack)] == ["sda1", "sda2"]
    assert stack("remove", "host", "partition", "backend-0-0", "partition=/var") == \
        Result(0, "", "")
    assert listing(stack) == [part("frontend-0-0", "sda1", mountpoint="/", uuid="test")]
    stack("add", "host", "partition", "backend-0-0", "device=sdb")
    assert stack("remove", "host", "partition", "frontend-0-0", "backend-0-0") == \
        Result(0, "", "")
    assert listing(stack) == []


def test_removed_with_the_host(stack, backend):
    stack("add", "host", "partition", "backend-0-0", "device=sda")
    stack("remove", "host", "backend-0-0")
    assert not m.HostPartition.objects.exists()


def test_list_queries_do_not_grow(stack):
    def add(start, count):
        m.HostPartition.objects.bulk_create([m.HostPartition(host=h, device="sda")
                                             for h in bulk_backends(start, count)])

    add(0, 5)
    words = ("list host partition", "list host partition a:backend")
    small = query_counts(words)
    add(5, 600)
    assert query_counts(words) == small
