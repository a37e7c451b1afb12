from stacki.inventory import models as m
from tests.conftest import Result


def test_add_and_list_environment(stack):
    assert stack("list", "environment") == Result(0, "", "")
    assert stack("add", "environment", "zeta") == Result(0, "", "")
    assert stack("add", "environment", "alpha") == Result(0, "", "")
    # The nameless second column leaves a trailing space on every line.
    assert stack("list", "environment") == Result(
        0, "ENVIRONMENT \nalpha       \nzeta        \n", "")
    assert stack("list", "environment", "z%", "output-format=json").out == (
        '[\n        {\n                "environment": "zeta"\n        }\n]\n')


def test_add_environment_errors(stack):
    usage = "{environment}"
    assert stack("add", "environment") == Result(
        255, "", f'error - "environment" argument is required\n{usage}\n')
    assert stack("add", "environment", "a", "b") == Result(
        255, "", f'error - "environment" argument must be unique\n{usage}\n')
    stack("add", "environment", "test")
    assert stack("add", "environment", "test") == Result(
        255, "", 'error - environment "test" already exists\n')


def test_list_environment_unknown(stack):
    assert stack("list", "environment", "test") == Result(
        255, "", 'error - "test" argument is not a valid environment\n[environment ...]\n')


def test_remove_environment_errors(stack):
    usage = "{environment ...}"
    assert stack("remove", "environment") == Result(
        255, "", f'error - "environment" argument is required\n{usage}\n')
    assert stack("remove", "environment", "test") == Result(
        255, "", f'error - "test" argument is not a valid environment\n{usage}\n')
    stack("add", "environment", "test")
    stack("add", "host", "backend-0-0", "environment=test")
    assert stack("remove", "environment", "test") == Result(
        255, "", "error - environment test in use\n")


def test_remove_environments_and_their_attrs(stack):
    stack("add", "environment", "test")
    stack("add", "environment", "foo")
    m.Attribute.objects.create(scope="environment", environment=m.Environment.objects.get(
        name="foo"), name="x", value="1")
    assert stack("remove", "environment", "test", "foo") == Result(0, "", "")
    assert stack("list", "environment") == Result(0, "", "")
    assert not m.Attribute.objects.filter(scope="environment").exists()
