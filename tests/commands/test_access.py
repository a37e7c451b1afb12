import grp
import json
import os

from stacki.inventory import models as m
from tests.conftest import Result

USAGE = "{command=string} {group=string}"
DEFAULT = "COMMAND GROUP\n*       root\n*       apache\nlist*   wheel\nlist *  nobody\n"


def rows():
    return list(m.Access.objects.order_by("id").values_list("command", "group"))


def test_list_access_shows_the_default_rows(stack):
    assert stack("list", "access") == Result(0, DEFAULT, "")
    assert json.loads(stack("list", "access", "output-format=json").out)[:2] == [
        {"command": "*", "group": "root"}, {"command": "*", "group": "apache"}]


def test_set_access_by_group_name_or_gid(stack):
    mine = grp.getgrgid(os.getgid()).gr_name
    assert stack("set", "access", "command=report *", "group=root") == Result(0, "", "")
    assert stack("set", "access", "command=list host", f"group={os.getgid()}") == Result(0, "", "")
    # A row that is there already stays one row.
    assert stack("set", "access", "command=report *", "group=0") == Result(0, "", "")
    assert rows()[4:] == [("report *", "root"), ("list host", mine)]


def test_set_access_errors_change_nothing(stack):
    before = rows()
    assert stack("set", "access", "group=root") == Result(
        255, "", f'error - "command" parameter is required\n{USAGE}\n')
    assert stack("set", "access", "command=list *", "group=") == Result(
        255, "", f'error - "group" parameter is required\n{USAGE}\n')
    assert stack("set", "access", "command=list *", "group=no-such-group") == Result(
        255, "", "error - cannot find group no-such-group\n")
    assert rows() == before


def test_remove_access(stack):
    stack("set", "access", "command=report *", "group=root")
    assert stack("remove", "access", "command=report *", "group=0") == Result(0, "", "")
    # Rows may name groups this machine does not have: they can still go.
    assert stack("remove", "access", "command=*", "group=apache") == Result(0, "", "")
    # A known group without such a row: nothing to do.
    assert stack("remove", "access", "command=report *", "group=root") == Result(0, "", "")
    assert rows() == [("*", "root"), ("list*", "wheel"), ("list *", "nobody")]
    assert stack("remove", "access", "command=*", "group=no-such-group") == Result(
        255, "", "error - cannot find group no-such-group\n")
    assert stack("remove", "access", "command=*") == Result(
        255, "", f'error - "group" parameter is required\n{USAGE}\n')
    assert len(rows()) == 3


def test_a_loaded_dump_sets_its_access_rows(stack, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"access": [{"command": "report *", "group": "root"}]}))
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert rows()[-1] == ("report *", "root")
    assert json.loads(stack("dump").out)["access"][-1] == {"command": "report *", "group": "root"}
