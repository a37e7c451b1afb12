import json

from tests.conftest import Result


def box_json(stack, *boxes):
    r = stack("list", "box", *boxes, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out)


def test_list_box_fresh(stack):
    assert stack("list", "box") == Result(0, (
        "NAME     OS     PALLETS CARTS REPOS\n"
        "frontend redhat ------- ----- -----\n"
        "default  redhat ------- ----- -----\n"), "")


def test_add_box_default_os(stack):
    assert stack("add", "box", "test") == Result(0, "", "")
    assert box_json(stack, "test") == [
        {"name": "test", "os": "redhat", "pallets": "", "carts": "", "repos": ""}]


def test_add_box_with_os(stack):
    assert stack("add", "box", "test", "os=ubuntu").rc == 0
    assert stack("add", "box", "foo", "os=centos").rc == 0
    assert [(b["name"], b["os"]) for b in box_json(stack, "test", "foo")] == [
        ("test", "ubuntu"), ("foo", "redhat")]


def test_add_box_errors(stack):
    usage = "{box} [os=string]"
    assert stack("add", "box") == Result(255, "", f'error - "box" argument must be unique\n{usage}\n')
    assert stack("add", "box", "a", "b") == Result(
        255, "", f'error - "box" argument must be unique\n{usage}\n')
    assert stack("add", "box", "test", "os=foo") == Result(
        255, "", f'error - "foo" argument is not a valid OS\n{usage}\n')
    assert stack("add", "box", "default") == Result(255, "", 'error - box "default" exists\n')


def test_list_box_unknown(stack):
    assert stack("list", "box", "test") == Result(
        255, "", 'error - "test" argument is not a valid box\n[box ...]\n')


def test_remove_box_errors(stack):
    assert stack("remove", "box") == Result(255, "", 'error - "box" argument is required\n{box}\n')
    assert stack("remove", "box", "test") == Result(
        255, "", 'error - "test" argument is not a valid box\n{box}\n')
    assert stack("remove", "box", "default") == Result(255, "", "error - cannot remove default box\n")
    stack("add", "box", "test")
    stack("add", "host", "backend-0-0", "box=test")
    assert stack("remove", "box", "test") == Result(
        255, "", 'error - cannot remove box "test" because host "backend-0-0" is assigned to it\n')


def test_remove_boxes(stack):
    stack("add", "box", "test")
    stack("add", "box", "foo")
    assert stack("remove", "box", "test", "foo") == Result(0, "", "")
    assert [b["name"] for b in box_json(stack)] == ["frontend", "default"]
