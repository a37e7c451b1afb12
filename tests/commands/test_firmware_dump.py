"""Firmware in dump and load: an exact round trip of the metadata."""

import json

import pytest

from stacki.commands.load import stack_program
from stacki.inventory import models as m
from tests.conftest import Result


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


@pytest.fixture
def cluster(stack, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKI_SYSROOT", str(tmp_path / "sysroot"))
    image = tmp_path / "img"
    image.write_bytes(b"image")
    run(stack, "add", "firmware", "imp", "dell_x1052")
    run(stack, "add", "firmware", "model", "m7800", "m6036", "make=mellanox", "imp=mellanox")
    run(stack, "add", "firmware", "model", "x1052", "make=dell", "imp=mellanox")
    run(stack, "add", "firmware", "make", "cisco")
    run(stack, "add", "firmware", "version_regex", r"^\d+\.\d+$", "name=two", "make=mellanox",
        "description=two numbers")
    run(stack, "set", "firmware", "make", "version_regex", "cisco", "version_regex=two")
    run(stack, "add", "firmware", "version_regex", r"^\d+$", "name=one", "make=mellanox",
        "models=m6036")
    run(stack, "set", "firmware", "model", "version_regex", "x1052", "make=dell", "version_regex=one")
    run(stack, "add", "firmware", "1.0", f"source={image}", "make=mellanox", "model=m7800")
    run(stack, "add", "firmware", "7", f"source=file://{image}", "make=mellanox", "model=m6036",
        "hash_alg=sha256")
    run(stack, "add", "host", "switch-0-1", "appliance=switch")
    run(stack, "add", "host", "firmware", "mapping", "switch-0-1", "version=1.0", "make=mellanox",
        "model=m7800")
    return image


def test_dump_firmware(stack, cluster):
    doc = json.loads(run(stack, "dump", "firmware").out)["firmware"]
    assert doc == {
        "imp": ["dell_x1052", "mellanox"],
        "version_regex": [{"name": "one", "regex": r"^\d+$", "description": ""},
                          {"name": "two", "regex": r"^\d+\.\d+$", "description": "two numbers"}],
        "make": [{"name": "cisco", "version_regex": "two"}, {"name": "dell", "version_regex": None},
                 {"name": "mellanox", "version_regex": "two"}],
        "model": [{"make": "dell", "name": "x1052", "imp": "mellanox", "version_regex": "one"},
                  {"make": "mellanox", "name": "m6036", "imp": "mellanox", "version_regex": "one"},
                  {"make": "mellanox", "name": "m7800", "imp": "mellanox", "version_regex": None}],
        "image": [
            {"make": "mellanox", "model": "m6036", "version": "7", "source": f"file://{cluster}",
             "hash": m.Firmware.objects.get(version="7").hash, "hash_alg": "sha256"},
            {"make": "mellanox", "model": "m7800", "version": "1.0", "source": str(cluster),
             "hash": "78805a221a988e79ef3f42d7c5bfd418", "hash_alg": "md5"}],
        "mapping": [{"host": "switch-0-1", "make": "mellanox", "model": "m7800", "version": "1.0"}],
    }
    assert json.loads(run(stack, "dump").out)["firmware"] == doc


def test_round_trip(stack, cluster, tmp_path):
    before = run(stack, "dump").out
    path = tmp_path / "cluster.json"
    path.write_text(before)
    run(stack, "remove", "firmware", "make", "cisco", "dell", "mellanox")
    run(stack, "remove", "firmware", "imp", "dell_x1052", "mellanox")
    run(stack, "remove", "firmware", "version_regex", "one", "two")
    assert json.loads(run(stack, "dump", "firmware").out)["firmware"] == {
        "imp": [], "version_regex": [], "make": [], "model": [], "image": [], "mapping": []}
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert run(stack, "dump").out == before
    # The images were fetched again into the tree.
    assert run(stack, "sync", "firmware").out == ""


def test_whole_dump_loads_over_itself(stack, cluster, tmp_path):
    # A whole restore replaces the firmware rows instead of adding them twice.
    before = run(stack, "dump").out
    path = tmp_path / "cluster.json"
    path.write_text(before)
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert run(stack, "dump").out == before


def test_load_script(stack, tmp_path):
    path = tmp_path / "fw.json"
    path.write_text(json.dumps({"firmware": {
        "imp": ["mellanox"],
        "version_regex": [{"name": "v", "regex": "^[0-9]+ x$", "description": "a b"}],
        "make": [{"name": "mellanox", "version_regex": None}],
        "model": [{"make": "mellanox", "name": "m1", "imp": "mellanox", "version_regex": "v"},
                  {"make": "dell", "name": "m2", "imp": "mellanox", "version_regex": "v"}],
        "image": [{"make": "mellanox", "model": "m1", "version": "1 x", "source": "http://h/i",
                   "hash": "ab", "hash_alg": "md5"}],
        "mapping": [{"host": "switch-0-1", "make": "mellanox", "model": "m1", "version": "1 x"}],
    }}))
    s = stack_program()
    assert run(stack, "load", str(path)).out == "".join(f"{s} {line}\n" for line in [
        '"add firmware imp" mellanox ',
        '"add firmware make" mellanox ',
        '"add firmware model" m1 make=mellanox imp=mellanox',
        '"add firmware model" m2 make=dell imp=mellanox',
        "\"add firmware version_regex\" '^[0-9]+ x$' name=v description='a b' make=mellanox models=m1",
        '"set firmware model version_regex" m2 make=dell version_regex=v',
        "\"add firmware\" '1 x' source=http://h/i make=mellanox model=m1 hash=ab hash_alg=md5",
        "\"add host firmware mapping\" switch-0-1 version='1 x' make=mellanox model=m1",
    ])
    path.write_text('{"firmware": {"make": {"name": "x"}}}')
    assert stack("load", str(path)) == Result(
        255, "", 'error - "firmware" section: "make" must be a list of objects\n')
    path.write_text('{"firmware": {"model": [{"name": "x"}]}}')
    assert stack("load", str(path)) == Result(255, "", 'error - firmware model missing "make"\n')
