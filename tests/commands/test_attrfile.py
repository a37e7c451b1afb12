import json

import pytest

from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

USAGE = "[file=string] [processor=string]"


sheet = sheet_fixture("attrs.csv")


def attrs(stack, scope=None, *targets):
    """{(target, attr): value} of what is stored at a scope."""
    words = ["list", scope, "attr", *targets] if scope else ["list", "attr"]
    r = stack(*words, "output-format=json", "const=false", "resolve=false")
    return {(a.get(scope or "", ""), a["attr"]): a["value"] for a in json.loads(r.out or "[]")
            if a["scope"] == (scope or "global")}


@pytest.fixture
def backends(stack):
    for name in ("backend-0-0", "backend-0-1"):
        assert stack("add", "host", name).rc == 0


def test_load_wide_and_long_layouts(stack, sheet, backends):
    stack("set", "host", "attr", "backend-0-1", "attr=old", "value=1")
    stack("add", "environment", "test")
    r = stack("load", "attrfile", sheet(
        "# rows before the header are skipped",
        "some title,,,,",
        "target,test.a,Rack_Fan,attrName,attrVal",
        "global,g,,,",
        "default,d,fan-d,,",
        "backend,app,,,",
        "redhat,o,,,",
        "test,e,,,",
        "backend-0-0,,fan,old,x",
        "BACKEND-0-1,h,,,"))
    assert r == Result(0, "", "")
    assert stack("list", "attr", "attr=test.a").out == "SCOPE  TYPE ATTR   VALUE\nglobal var  test.a g\n"
    host = attrs(stack, "host")
    assert host[("backend-0-0", "test.a")] == "d"
    assert host[("backend-0-0", "Rack_Fan")] == "fan"
    assert host[("backend-0-0", "old")] == "x"
    assert host[("backend-0-1", "test.a")] == "h"
    assert host[("backend-0-1", "Rack_Fan")] == "fan-d"
    assert host[("backend-0-1", "old")] == "1"
    assert attrs(stack, "appliance")[("backend", "test.a")] == "app"
    assert attrs(stack, "os")[("redhat", "test.a")] == "o"
    assert attrs(stack, "environment")[("test", "test.a")] == "e"


def test_empty_cell_removes_the_attribute(stack, sheet, backends):
    stack("set", "host", "attr", "backend-0-0", "attr=a", "value=1", "shadow=true")
    stack("set", "host", "attr", "backend-0-0", "attr=b", "value=2")
    assert stack("load", "attrfile", sheet("target,a,b", "backend-0-0,,3")).rc == 0
    host = attrs(stack, "host", "backend-0-0")
    assert ("backend-0-0", "a") not in host and host[("backend-0-0", "b")] == "3"


def test_report_and_round_trip(stack, sheet, backends, tmp_path):
    stack("set", "host", "attr", "backend-0-1", "attr=test.x", "value=1")
    stack("set", "host", "attr", "backend-0-0", "attr=test.y", "value=a,b")
    stack("set", "appliance", "attr", "backend", "attr=test.x", "value=2")
    stack("set", "host", "attr", "backend-0-0", "attr=test.secret", "value=s", "shadow=true")
    report = stack("report", "attrfile", "filter=test\\.")
    assert report == Result(0, (
        "target,test.x,test.y\r\n"
        "backend,2,\r\n"
        "backend-0-0,,\"a,b\"\r\n"
        "backend-0-1,1,\n"), "")
    everything = stack("report", "attrfile").out
    assert everything.startswith("target,") and "\r\nglobal," in everything
    (tmp_path / "again.csv").write_text(everything)
    before = stack("list", "host", "attr", "shadow=false", "const=false").out
    assert stack("load", "attrfile", f"file={tmp_path / 'again.csv'}").rc == 0
    assert stack("report", "attrfile").out == everything
    assert stack("list", "host", "attr", "shadow=false", "const=false").out == before


def test_environment_column_quirks(stack, sheet, backends):
    stack("add", "environment", "lab")
    stack("add", "box", "lab")
    r = stack("load", "attrfile", sheet("target,environment,x",
                                        "global,lab,1", "backend-0-0,lab,2", "backend-0-1,,3"))
    assert r == Result(0, "", "")
    assert attrs(stack, "environment")[("lab", "x")] == "1"
    assert ("", "x") not in attrs(stack)
    listing = stack("list", "host", "output-format=json")
    by_name = {h["host"]: h for h in json.loads(listing.out)}
    assert by_name["backend-0-0"]["box"] == "lab"
    assert by_name["backend-0-1"]["environment"] == "lab"


@pytest.mark.parametrize("lines, message", [
    (("name,x", "global,1"), "'target' must be the first column in headers"),
    (("target,test 1", "global,1"), 'attribute "test 1" cannot have a space character'),
    (("target,test/1/1", "global,1"), 'attribute "test/1/1" cannot have more than one "/"'),
    (("target,test-1", "global,1"),
     'attribute "test-1" contains an invalid character.\n"test-1" must be a valid ctoken'),
    (("target,x", "foo,1"), 'cannot resolve host "foo"'),
    (("target,x", 'global,"a\nb"'), 'value "a\nb" cannot be multi-line'),
    (("target,environment,x", "global,nope,1"), '"nope" argument is not a valid environment'),
    (("target,environment,x", "backend-0-0,nobox,1"), '"nobox" argument is not a valid box'),
])
def test_refused(stack, sheet, backends, lines, message):
    before = stack("report", "attrfile").out
    r = stack("load", "attrfile", sheet(*lines))
    usage = f"{USAGE}\n" if message.startswith('"') else ""
    assert r == Result(255, "", f"error - {message}\n{usage}")
    assert stack("report", "attrfile").out == before


def test_file_required(stack):
    assert stack("load", "attrfile") == Result(
        255, "", f'error - "file" parameter is required\n{USAGE}\n')


def test_unload_attrfile(stack, sheet, backends):
    stack("set", "host", "attr", "backend-0-0", "attr=a", "value=1")
    stack("set", "host", "attr", "backend-0-0", "attr=b", "value=2")
    stack("set", "attr", "attr=g", "value=3")
    assert stack("unload", "attrfile", sheet("target,a,b,g", "backend-0-0,x,,",
                                             "global,,,y")) == Result(0, "", "")
    host = attrs(stack, "host", "backend-0-0")
    assert ("backend-0-0", "a") not in host and host[("backend-0-0", "b")] == "2"
    assert stack("list", "attr", "attr=g").out == ""
    assert stack("unload", "attrfile", sheet("target,a", "nohost,x")) == Result(
        255, "", 'error - cannot resolve host "nohost"\n')
    assert stack("unload", "attrfile") == Result(
        255, "", 'error - "file" parameter is required\n{file=string} [processor=string]\n')
