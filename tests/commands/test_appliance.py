import json

import pytest

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = "{appliance} [node=string] [public=bool]"


def appliance_attrs(name):
    return dict(m.Attribute.objects.filter(scope="appliance", appliance__name=name)
                .values_list("name", "value"))


def test_list_appliance_fresh(stack):
    assert stack("list", "appliance") == Result(0, (
        "APPLIANCE  PUBLIC\n"
        "frontend   no\n"
        "builder    no\n"
        "barnacle   no\n"
        "switch     no\n"
        "backend    yes\n"
        "replicant  yes\n"
        "external   no\n"
        "hypervisor yes\n"), "")


def test_list_appliance_patterns_in_argument_order(stack):
    r = stack("list", "appliance", "front%", "BACK%", "output-format=json")
    assert json.loads(r.out) == [{"appliance": "frontend", "public": "no"},
                                 {"appliance": "backend", "public": "yes"}]
    assert stack("list", "appliance", "test") == Result(
        255, "", 'error - "test" argument is not a valid appliance\n[appliance ...]\n')


@pytest.mark.parametrize("params,attrs", [
    ((), {"kickstartable": "False", "managed": "False"}),
    (("node=",), {"kickstartable": "False", "managed": "False"}),
    (("node=backend",), {"node": "backend", "kickstartable": "True", "managed": "True"}),
])
def test_add_appliance_attrs(stack, params, attrs):
    assert stack("add", "appliance", "test", *params) == Result(0, "", "")
    assert appliance_attrs("test") == attrs
    assert stack("list", "appliance", "test").out == "APPLIANCE PUBLIC\ntest      yes\n"


def test_add_appliance_public_no(stack):
    assert stack("add", "appliance", "test", "public=no").rc == 0
    assert json.loads(stack("list", "appliance", "test", "output-format=json").out) == [
        {"appliance": "test", "public": "no"}]


def test_add_appliance_errors(stack):
    assert stack("add", "appliance", "backend") == Result(
        255, "", 'error - appliance "backend" already exists\n')
    assert stack("add", "appliance", "foo", "foo") == Result(
        255, "", f'error - "appliance" argument must be unique\n{ADD_USAGE}\n')
    assert stack("add", "appliance") == Result(
        255, "", f'error - "appliance" argument must be unique\n{ADD_USAGE}\n')


def test_remove_appliance_errors(stack):
    assert stack("remove", "appliance") == Result(
        255, "", 'error - "appliance" argument is required\n{name}\n')
    assert stack("remove", "appliance", "test") == Result(
        255, "", 'error - "test" argument is not a valid appliance\n{name}\n')
    assert stack("remove", "appliance", "backend") == Result(
        255, "", "error - cannot remove default appliance\n")
    assert stack("remove", "appliance", "frontend") == Result(
        255, "", 'error - cannot remove appliance "frontend" because host "frontend-0-0" '
                 'is assigned to it\n')


def test_remove_appliances_and_their_scoped_data(stack):
    stack("add", "appliance", "test", "node=backend")
    stack("add", "appliance", "foo")
    foo = m.Appliance.objects.get(name="foo")
    m.Route.objects.create(scope="appliance", appliance=foo, address="10.0.0.0",
                           netmask="255.0.0.0")
    assert stack("remove", "appliance", "test", "foo") == Result(0, "", "")
    assert stack("list", "appliance", "test").rc == 255
    assert stack("list", "appliance", "foo").rc == 255
    assert not m.Attribute.objects.filter(scope="appliance", appliance__isnull=True).exists()
    assert not m.Route.objects.filter(scope="appliance").exists()
    assert appliance_attrs("backend")["node"] == "backend"
