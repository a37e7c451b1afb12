import json

import pytest

from stacki.inventory import models as m
from tests.conftest import Result

ADD_HOST_USAGE = "{host} [appliance=string] [box=string] [environment=string] [rack=string] [rank=string]"


def test_fresh_frontend_listing(stack):
    r = stack("list", "host")
    assert r == Result(0, (
        "HOST         RACK RANK APPLIANCE OS     BOX      ENVIRONMENT OSACTION INSTALLACTION COMMENT\n"
        "frontend-0-0 0    0    frontend  redhat frontend ----------- default  default       -------\n"
    ), "")


def test_add_host_defaults_from_name(stack):
    assert stack("add", "host", "backend-0-0") == Result(0, "", "")
    r = stack("list", "host", "a:backend", "output-format=json")
    assert r.rc == 0
    assert r.out == """[
        {
                "host": "backend-0-0",
                "rack": "0",
                "rank": "0",
                "appliance": "backend",
                "os": "redhat",
                "box": "default",
                "environment": null,
                "osaction": "default",
                "installaction": "default",
                "comment": null
        }
]
"""


def test_add_host_twice(stack):
    stack("add", "host", "backend-0-0")
    r = stack("add", "host", "backend-0-0")
    assert r == Result(255, "", 'error - host "backend-0-0" already exists in the database\n')


def test_add_host_two_names(stack):
    r = stack("add", "host", "test", "test2", "appliance=test", "rack=0", "rank=0")
    assert r == Result(255, "", f'error - "host" argument must be unique\n{ADD_HOST_USAGE}\n')


def test_add_host_missing_rack(stack):
    r = stack("add", "host", "node", "appliance=backend", "rank=0")
    assert r == Result(255, "", f'error - "rack" parameter is required\n{ADD_HOST_USAGE}\n')


def test_invalid_command(stack):
    assert stack("foo", "bar") == Result(255, "", 'error - Invalid stack command "foo"\n')


def test_real_process(stack_process):
    assert stack_process("add", "host", "backend-0-0").rc == 0
    r = stack_process("list", "host", "output-format=col:host")
    assert r == Result(0, "frontend-0-0\nbackend-0-0\n", "")


# --- remove host ---------------------------------------------------------


def hosts_json(stack, *words):
    r = stack("list", "host", *words, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out) if r.out else []


def test_remove_host_errors(stack):
    assert stack("remove", "host") == Result(
        255, "", 'error - "host" argument is required\n{host ...}\n')
    assert stack("remove", "host", "a:test") == Result(
        255, "", 'error - "host" argument is required\n{host ...}\n')
    assert stack("remove", "host", "test") == Result(
        255, "", 'error - cannot resolve host "test"\n')
    assert stack("remove", "host", "frontend-0-0") == Result(
        255, "", 'error - cannot remove "frontend-0-0"\n')


def test_remove_host_refuses_frontend_among_others(stack):
    stack("add", "host", "backend-0-0")
    r = stack("remove", "host", "backend-0-0", "frontend-0-0")
    assert r == Result(255, "", 'error - cannot remove "frontend-0-0"\n')
    assert [h["host"] for h in hosts_json(stack)] == ["frontend-0-0", "backend-0-0"]


def test_remove_host_takes_what_hangs_off_it(stack):
    for name in ("backend-0-0", "backend-0-1", "backend-0-2"):
        stack("add", "host", name)
    doomed = m.Host.objects.get(name="backend-0-0")
    iface = m.Interface.objects.create(host=doomed, device="eth0", mac="00:00:00:00:00:01")
    m.Alias.objects.create(interface=iface, name="alias0")
    m.Attribute.objects.create(scope="host", host=doomed, name="test", value="true")
    m.Route.objects.create(scope="host", host=doomed, address="10.0.0.0", netmask="255.0.0.0")
    assert stack("add", "group", "test").rc == 0
    assert stack("add", "host", "group", "backend-0-0", "group=test").rc == 0

    r = stack("remove", "host", "backend-0-0", "backend-0-2")
    assert (r.rc, r.out) == (0, "")
    assert r.err.startswith("Sync Config\n")  # remove host runs sync config
    assert [h["host"] for h in hosts_json(stack, "a:backend")] == ["backend-0-1"]
    assert not m.Interface.objects.filter(host_id=doomed.id).exists()
    assert not m.Alias.objects.filter(name="alias0").exists()
    assert not m.Attribute.objects.filter(scope="host", host_id=doomed.id).exists()
    assert not m.Route.objects.filter(scope="host", host_id=doomed.id).exists()
    assert stack("list", "group", "test", "output-format=json").out == (
        '[\n        {\n                "group": "test",\n                "hosts": ""\n        }\n]\n')


# --- set host <field> ----------------------------------------------------

SET_USAGES = {
    "appliance": "{host ...} {appliance=string}",
    "box": "{host ...} {box=string}",
    "comment": "{host ...} {comment=string}",
    "environment": "{host ...} {environment=string}",
    "name": "{host} {name=string}",
    "rack": "{host ...} {rack=string}",
    "rank": "{host ...} {rank=string}",
    "metadata": "{host ...} {metadata=string}",
    "bootaction": "{host ...} {action=string} {type=string} [sync=boolean]",
    "installaction": "{host ...} {action=string} [sync=boolean]",
    "osaction": "{host ...} {action=string} [sync=boolean]",
    "boot": "{host ...} {action=string} [nukecontroller=boolean] [nukedisks=boolean] [sync=boolean]",
}
SET_PARAM = {"bootaction": "action", "installaction": "action", "osaction": "action",
             "boot": "action"}


@pytest.mark.parametrize("field", sorted(SET_USAGES))
def test_set_host_usage_line(stack, field):
    assert stack("help", "set", "host", field).out.startswith(
        f"set host {field} {SET_USAGES[field]} \n")


@pytest.mark.parametrize("field", sorted(SET_USAGES))
def test_set_host_needs_hosts(stack, field):
    usage = SET_USAGES[field]
    required = Result(255, "", f'error - "host" argument is required\n{usage}\n')
    assert stack("set", "host", field) == required
    assert stack("set", "host", field, "a:test") == required
    param = SET_PARAM.get(field, field)
    assert stack("set", "host", field, "frontend-0-0") == Result(
        255, "", f'error - "{param}" parameter is required\n{usage}\n')


def test_set_host_appliance(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    assert stack("set", "host", "appliance", "frontend-0-0", "appliance=test") == Result(
        255, "", "error - appliance parameter not valid\n")
    assert stack("set", "host", "appliance", "backend-0-0", "backend-0-1",
                 "appliance=builder") == Result(0, "", "")
    assert [h["appliance"] for h in hosts_json(stack, "backend-0-0", "backend-0-1")] == [
        "builder", "builder"]


def test_set_host_box(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "box", "frontend-0-0", "box=test") == Result(
        255, "", f'error - "test" argument is not a valid box\n{SET_USAGES["box"]}\n')
    assert stack("add", "box", "test", "os=ubuntu").rc == 0
    assert stack("set", "host", "box", "backend-0-0", "box=test") == Result(0, "", "")
    host = hosts_json(stack, "backend-0-0")[0]
    assert (host["box"], host["os"]) == ("test", "ubuntu")


def test_set_host_comment(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "comment", "frontend-0-0", "comment=" + "A" * 141) == Result(
        255, "", "error - comments must be no longer than 140 characters\n")
    assert stack("set", "host", "comment", "backend-0-0", "comment=Fast Node").rc == 0
    assert hosts_json(stack, "backend-0-0")[0]["comment"] == "Fast Node"
    assert stack("set", "host", "comment", "backend-0-0", "comment=" + "A" * 140).rc == 0
    assert stack("set", "host", "comment", "backend-0-0", "comment=").rc == 0
    assert hosts_json(stack, "backend-0-0")[0]["comment"] == ""


def test_set_host_environment_and_clear(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "environment", "frontend-0-0", "environment=test") == Result(
        255, "", "error - environment parameter not valid\n")
    stack("add", "environment", "test")
    assert stack("set", "host", "environment", "backend-0-0", "environment=test").rc == 0
    assert hosts_json(stack, "backend-0-0")[0]["environment"] == "test"
    assert [h["host"] for h in hosts_json(stack, "e:test")] == ["backend-0-0"]
    assert stack("set", "host", "environment", "backend-0-0", "environment=") == Result(0, "", "")
    assert hosts_json(stack, "backend-0-0")[0]["environment"] is None


def test_set_host_name(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    usage = SET_USAGES["name"]
    assert stack("set", "host", "name", "backend-0-0", "backend-0-1", "name=test") == Result(
        255, "", f'error - "host" argument must be unique\n{usage}\n')
    assert stack("set", "host", "name", "backend-0-0", "name=frontend-0-0") == Result(
        255, "", "error - name already exists\n")
    assert stack("set", "host", "name", "backend-0-0", "name=-bad-backend") == Result(
        255, "", f'error - "name" parameter must be a valid hostname label\n{usage}\n')
    assert stack("set", "host", "name", "backend-0-0", "name=test") == Result(0, "", "")
    assert [h["host"] for h in hosts_json(stack, "a:backend")] == ["test", "backend-0-1"]


def test_set_host_rack_and_rank(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "rack", "backend-0-0", "rack=4").rc == 0
    assert stack("set", "host", "rank", "backend-0-0", "rank=7").rc == 0
    host = hosts_json(stack, "backend-0-0")[0]
    assert (host["rack"], host["rank"]) == ("4", "7")
    assert stack("set", "host", "rack", "backend-0-0", "rack=") == Result(
        255, "", f'error - "rack" parameter is required\n{SET_USAGES["rack"]}\n')


def test_set_host_metadata(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "metadata", "backend-0-0", 'metadata={"a": 1}').rc == 0
    assert m.Host.objects.get(name="backend-0-0").metadata == '{"a": 1}'
    assert stack("set", "host", "metadata", "backend-0-0", "metadata=").rc == 0
    assert m.Host.objects.get(name="backend-0-0").metadata is None


def test_set_host_bootaction(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    usage = SET_USAGES["bootaction"]
    assert stack("set", "host", "bootaction", "frontend-0-0", "type=os") == Result(
        255, "", f'error - "action" parameter is required\n{usage}\n')
    assert stack("set", "host", "bootaction", "frontend-0-0", "action=memtest") == Result(
        255, "", f'error - "type" parameter is required\n{usage}\n')
    assert stack("set", "host", "bootaction", "frontend-0-0", "action=memtest",
                 "type=test") == Result(
        255, "", f'error - "type" parameter must be one of: os, install\n{usage}\n')
    assert stack("set", "host", "bootaction", "frontend-0-0", "action=test", "type=os") == Result(
        255, "", 'error - bootaction "test" does not exist\n')
    # A name that exists for the other type only is not good enough.
    assert stack("set", "host", "bootaction", "frontend-0-0", "action=console",
                 "type=os").rc == 255
    assert stack("set", "host", "bootaction", "a:backend", "action=Console", "type=INSTALL",
                 "sync=false") == Result(0, "", "")
    assert stack("set", "host", "bootaction", "a:backend", "action=memtest", "type=os").rc == 0
    assert [(h["installaction"], h["osaction"]) for h in hosts_json(stack, "a:backend")] == [
        ("console", "memtest"), ("console", "memtest")]


def test_set_host_installaction_and_osaction(stack):
    stack("add", "host", "backend-0-0")
    assert stack("set", "host", "installaction", "backend-0-0", "action=headless").rc == 0
    assert stack("set", "host", "osaction", "backend-0-0", "action=localboot").rc == 0
    host = hosts_json(stack, "backend-0-0")[0]
    assert (host["installaction"], host["osaction"]) == ("headless", "localboot")
    assert stack("set", "host", "osaction", "backend-0-0", "action=headless") == Result(
        255, "", 'error - bootaction "headless" does not exist\n')


# --- set host boot / list host boot ----------------------------------------

def boot_json(stack, *hosts):
    r = stack("list", "host", "boot", *hosts, "output-format=json")
    assert r.rc == 0
    return json.loads(r.out)


def test_set_host_boot(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    usage = SET_USAGES["boot"]
    assert stack("set", "host", "boot", "frontend-0-0", "action=test") == Result(
        255, "", f'error - "action" parameter must be one of: os, install\n{usage}\n')
    assert stack("set", "host", "boot", "frontend-0-0", "action=OS").rc == 255
    assert stack("set", "host", "boot", "backend-0-0", "backend-0-1", "action=install") == Result(
        0, "", "")
    assert boot_json(stack, "a:backend") == [
        {"host": "backend-0-0", "action": "install", "nukedisks": False, "nukecontroller": False},
        {"host": "backend-0-1", "action": "install", "nukedisks": False, "nukecontroller": False},
    ]
    assert stack("set", "host", "boot", "backend-0-0", "action=install", "nukedisks=true",
                 "nukecontroller=yes", "sync=false").rc == 0
    assert boot_json(stack, "backend-0-0") == [
        {"host": "backend-0-0", "action": "install", "nukedisks": True, "nukecontroller": True}]
    stored = m.Attribute.objects.filter(scope="host", host__name="backend-0-0",
                                        name__startswith="nuke")
    assert sorted(stored.values_list("name", "value")) == [
        ("nukecontroller", "True"), ("nukedisks", "True")]
    # Only the flags given change; the action is set again.
    assert stack("set", "host", "boot", "backend-0-0", "action=os", "nukedisks=false").rc == 0
    assert boot_json(stack, "backend-0-0") == [
        {"host": "backend-0-0", "action": "os", "nukedisks": False, "nukecontroller": True}]


def test_list_host_boot_text(stack):
    stack("add", "host", "backend-0-0")
    stack("set", "host", "boot", "backend-0-0", "action=install", "nukedisks=true")
    assert stack("list", "host", "boot") == Result(0, (
        "HOST         ACTION  NUKEDISKS NUKECONTROLLER\n"
        "frontend-0-0 os      False     False\n"
        "backend-0-0  install True      False\n"), "")


def test_list_host_boot_reads_resolved_attrs(stack):
    stack("add", "host", "backend-0-0")
    m.Attribute.objects.create(scope="appliance", appliance=m.Appliance.objects.get(name="backend"),
                               name="nukedisks", value="true")
    assert boot_json(stack, "backend-0-0")[0]["nukedisks"] is True


@pytest.fixture
def mixed_hosts(stack):
    """Hosts whose kickstartable attr comes from different scopes."""
    for words in (("add", "environment", "prod"),
                  ("add", "host", "backend-0-0", "environment=prod"),
                  ("add", "host", "backend-0-1"),
                  ("add", "host", "backend-0-2"),
                  ("add", "host", "backend-0-3", "environment=prod"),
                  ("set", "appliance", "attr", "backend", "attr=kickstartable", "value=false"),
                  ("add", "environment", "attr", "prod", "attr=kickstartable", "value=yes"),
                  ("add", "host", "attr", "backend-0-1", "attr=kickstartable", "value=true"),
                  ("add", "host", "attr", "backend-0-3", "attr=kickstartable", "value=no"),
                  ("set", "host", "comment", "backend-0-2", "comment=spare")):
        assert stack(*words).rc == 0, words


def test_list_host_boot_actions_follow_kickstartable_through_scopes(stack, mixed_hosts):
    assert stack("list", "host") == Result(0, (
        "HOST         RACK RANK APPLIANCE OS     BOX      ENVIRONMENT OSACTION INSTALLACTION COMMENT\n"
        "frontend-0-0 0    0    frontend  redhat frontend ----------- default  default       -------\n"
        "backend-0-0  0    0    backend   redhat default  prod        default  default       -------\n"
        "backend-0-1  0    1    backend   redhat default  ----------- default  default       -------\n"
        "backend-0-2  0    2    backend   redhat default  ----------- -------- ------------- spare\n"
        "backend-0-3  0    3    backend   redhat default  prod        -------- ------------- -------\n"
    ), "")


def test_list_host_selection_sees_only_its_hosts_attrs(stack, mixed_hosts):
    assert stack("list", "host", "backend-0-2", "backend-0-3", "output-format=col:osaction") == \
        Result(0, "None\nNone\n", "")
    assert stack("list", "host", "backend-0-1", "output-format=col:osaction") == \
        Result(0, "default\n", "")


def test_list_host_expanded_hash_and_order(stack, mixed_hosts):
    ids = dict(m.Host.objects.values_list("name", "id"))
    r = stack("list", "host", "backend-0-1", "backend-0-2", "expanded=true", "hash=true",
              "order=desc", "output-format=json")
    assert r.rc == 0 and r.err == ""
    assert json.loads(r.out) == [
        {"host": "backend-0-2", "id": ids["backend-0-2"], "rack": "0", "rank": "2",
         "appliance": "backend", "os": "redhat", "box": "default", "environment": None,
         "osaction": None, "installaction": None, "hash": None, "comment": "spare"},
        {"host": "backend-0-1", "id": ids["backend-0-1"], "rack": "0", "rank": "1",
         "appliance": "backend", "os": "redhat", "box": "default", "environment": None,
         "osaction": "default", "installaction": "default", "hash": None, "comment": None},
    ]
    # Ids keep growing on PostgreSQL (sequences outlive rolled back tests).
    id_ = str(ids["backend-0-0"])
    width = max(len(id_), 2)
    assert stack("list", "host", "backend-0-0", "expanded=true") == Result(0, (
        f"HOST        {'ID':<{width}} RACK RANK APPLIANCE OS     BOX     ENVIRONMENT OSACTION "
        "INSTALLACTION COMMENT\n"
        f"backend-0-0 {id_:<{width}} 0    0    backend   redhat default prod        "
        "default  default       -------\n"), "")
