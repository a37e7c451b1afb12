"""Host firmware mappings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = "{host ...} {make=string} {model=string} {version=string}"
LIST_USAGE = "[host ...] [make=string] [model=string] [sort=string] [versions=string]"


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


@pytest.fixture
def images(stack, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path / "sysroot"))
    image = tmp_path / "img"
    image.write_bytes(b"image")
    for version, model in (("1.0", "m7800"), ("2.0", "m7800"), ("1.0", "m6036")):
        run(stack, "add", "firmware", version, f"source={image}", "make=mellanox", f"model={model}",
            "imp=mellanox")
    run(stack, "add", "firmware", "9", f"source={image}", "make=dell", "model=x1052",
        "imp=dell_x1052")
    for name in ("switch-0-1", "switch-0-2"):
        run(stack, "add", "host", name, "appliance=switch")


def test_add_list_remove(stack, images):
    run(stack, "add", "host", "firmware", "mapping", "switch-0-1", "switch-0-2", "version=2.0",
        "make=Mellanox", "model=m7800")
    run(stack, "add", "host", "firmware", "mapping", "switch-0-1", "version=1.0", "make=mellanox",
        "model=m6036")
    run(stack, "add", "host", "firmware", "mapping", "switch-0-2", "version=9", "make=dell",
        "model=x1052")
    assert run(stack, "list", "host", "firmware", "mapping").out == (
        "HOST       VERSION MAKE     MODEL\n"
        "switch-0-1 1.0     mellanox m6036\n"
        "switch-0-1 2.0     mellanox m7800\n"
        "switch-0-2 2.0     mellanox m7800\n"
        "switch-0-2 9       dell     x1052\n")
    assert run(stack, "list", "host", "firmware", "mapping", "switch-0-2", "make=mellanox").out == (
        "HOST       VERSION MAKE     MODEL\nswitch-0-2 2.0     mellanox m7800\n")
    assert run(stack, "list", "host", "firmware", "mapping", "sort=version",
               "output-format=col:version").out == "1.0\n2.0\n2.0\n9\n"
    assert run(stack, "list", "host", "firmware", "mapping", "make=mellanox", "model=m7800",
               "versions=2.0,2.0", "output-format=col:host").out == "switch-0-1\nswitch-0-2\n"
    run(stack, "remove", "host", "firmware", "mapping", "switch-0-1", "make=mellanox",
        "model=m7800")
    assert run(stack, "list", "host", "firmware", "mapping", "output-format=col:host").out == (
        "switch-0-1\nswitch-0-2\nswitch-0-2\n")
    run(stack, "remove", "host", "firmware", "mapping", "make=dell")
    assert run(stack, "list", "host", "firmware", "mapping", "output-format=col:model").out == (
        "m6036\nm7800\n")
    # Mappings go with their host and with their image.
    assert stack("remove", "host", "switch-0-1").rc == 0
    run(stack, "remove", "firmware", "2.0", "make=mellanox", "model=m7800")
    assert not m.FirmwareMapping.objects.exists()
    run(stack, "add", "host", "firmware", "mapping", "switch-0-2", "version=9", "make=dell",
        "model=x1052")
    run(stack, "remove", "host", "firmware", "mapping")
    assert not m.FirmwareMapping.objects.exists()


def test_errors(stack, images):
    run(stack, "add", "host", "firmware", "mapping", "switch-0-1", "version=2.0", "make=mellanox",
        "model=m7800")
    before = list(m.FirmwareMapping.objects.values())
    for words, text, usage in [
        (("version=2.0", "make=mellanox", "model=m7800"), '"host" argument is required', ADD_USAGE),
        (("nohost", "version=2.0", "make=mellanox", "model=m7800"), 'cannot resolve host "nohost"',
         None),
        (("switch-0-1", "version=2.0", "model=m7800"), '"make" parameter is required', ADD_USAGE),
        (("switch-0-1", "version=2.0", "make=hp", "model=m7800"), "The make hp does not exist.", None),
        (("switch-0-1", "version=2.0", "make=mellanox"), '"model" parameter is required',
         ADD_USAGE),
        (("switch-0-1", "version=2.0", "make=mellanox", "model=x"),
         "Make mellanox does not exist for model x.", None),
        (("switch-0-1", "make=mellanox", "model=m7800"), '"version" parameter is required',
         ADD_USAGE),
        (("switch-0-1", "version=3.0", "make=mellanox", "model=m7800"),
         "The firmware version 3.0 does not exist for make mellanox and model m7800.", None),
        (("switch-0-1", "switch-0-2", "version=2.0", "make=mellanox", "model=m7800"),
         "The following firmware mappings already exist:\n"
         "switch-0-1 mapped to firmware 2.0 for make mellanox and model m7800", None),
    ]:
        error(stack("add", "host", "firmware", "mapping", *words), text, usage)
    error(stack("list", "host", "firmware", "mapping", "sort=size"),
          "\"sort\" parameter Sort must be one of: ['host', 'make', 'model', 'version']", LIST_USAGE)
    error(stack("list", "host", "firmware", "mapping", "versions=1.0,3.0", "make=mellanox",
                "model=m7800"),
          "The following firmware versions don't exist for make mellanox and model m7800: ['3.0'].")
    error(stack("remove", "host", "firmware", "mapping", "model=m7800"), "A make is required.")
    error(stack("remove", "host", "firmware", "mapping", "make=x"), "The make x does not exist.")
    assert list(m.FirmwareMapping.objects.values()) == before


def test_mappings_are_set_based(stack, images):
    def count(n):
        names = [f"backend-{n}-{i}" for i in range(n)]
        for name in names:
            run(stack, "add", "host", name)
        with CaptureQueriesContext(connection) as queries:
            run(stack, "add", "host", "firmware", "mapping", *names, "version=1.0", "make=mellanox",
                "model=m6036")
            run(stack, "list", "host", "firmware", "mapping", *names)
            run(stack, "remove", "host", "firmware", "mapping", *names, "make=mellanox")
        return len(queries)

    assert count(2) == count(20)
