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
    assert stack("foo", "bar") == Result(255, "", 'Error - Invalid stack command "foo"\n')


def test_real_process(stack_process):
    assert stack_process("add", "host", "backend-0-0").rc == 0
    r = stack_process("list", "host", "output-format=col:host")
    assert r == Result(0, "frontend-0-0\nbackend-0-0\n", "")
