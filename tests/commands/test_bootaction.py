import json

import pytest

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = "{action} [args=string] [kernel=string] [os=string] [ramdisk=string] [type=string]"
REMOVE_USAGE = "{action} [os=string] [type=string]"


def actions(stack, *words):
    r = stack("list", "bootaction", *words, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out) if r.out else []


def row(name, type_, os=None, kernel=None, ramdisk=None, args=None):
    return {"bootaction": name, "type": type_, "os": os, "kernel": kernel, "ramdisk": ramdisk,
            "args": args}


def test_list_bootaction_fresh(stack):
    listed = actions(stack)
    assert [(a["bootaction"], a["type"]) for a in listed] == [
        ("default", "os"), ("pxeflash", "os"), ("localboot", "os"), ("hplocalboot", "os"),
        ("memtest", "os"), ("default", "install"), ("console", "install"),
        ("no-parallel-format", "install"), ("headless", "install"), ("rescue", "install")]
    assert listed[1] == row("pxeflash", "os", kernel="kernel memdisk bigraw",
                            ramdisk="pxeflash.img", args="keeppxe")
    assert {a["os"] for a in listed[5:]} == {"redhat"}


def test_list_bootaction_filters(stack):
    stack("add", "bootaction", "memtest", "type=os", "os=ubuntu", "kernel=")
    assert actions(stack, "memtest") == [row("memtest", "os", kernel="kernel memtest"),
                                         row("memtest", "os", os="ubuntu")]
    assert actions(stack, "memtest", "os=redhat") == [row("memtest", "os", kernel="kernel memtest")]
    assert [a["bootaction"] for a in actions(stack, "type=install", "os=ubuntu")] == []
    assert [a["type"] for a in actions(stack, "default")] == ["os", "install"]
    assert actions(stack, "nope") == []


@pytest.mark.parametrize("verb", ["add", "set"])
def test_add_and_set_bootaction_errors(stack, verb):
    def err(text):
        return Result(255, "", f"error - {text}\n{ADD_USAGE}\n")

    assert stack(verb, "bootaction") == err('"action" argument is required')
    assert stack(verb, "bootaction", "test", "foo") == err('"action" argument must be unique')
    assert stack(verb, "bootaction", "test") == err('"type" parameter is required')
    assert stack(verb, "bootaction", "test", "type=foo") == err(
        '"type" parameter must be "os" or "install"')
    assert stack(verb, "bootaction", "test", "type=os") == err('"kernel" parameter is required')
    assert stack(verb, "bootaction", "test", "type=os", "kernel=", "os=foo") == err(
        '"foo" argument is not a valid OS')


@pytest.mark.parametrize("verb", ["add", "set"])
@pytest.mark.parametrize("params,os", [(("type=install",), "redhat"),
                                       (("type=os", "os=ubuntu"), "ubuntu"),
                                       (("type=os",), None)])
def test_add_bootaction_os(stack, verb, params, os):
    assert stack(verb, "bootaction", "test", *params, "kernel=") == Result(0, "", "")
    assert actions(stack, "test") == [row("test", params[0][5:], os=os)]


def test_add_bootaction_existing(stack):
    assert stack("add", "bootaction", "memtest", "type=os", "kernel=kernel memtest") == Result(
        255, "", 'error - action "memtest" exists\n')
    assert stack("add", "bootaction", "memtest", "type=os", "os=ubuntu", "kernel=").rc == 0
    assert stack("add", "bootaction", "memtest", "type=install", "kernel=k").rc == 0
    assert len(actions(stack, "memtest")) == 3


def test_set_bootaction_overwrites_given_values(stack):
    assert stack("set", "bootaction", "memtest", "type=os", "kernel=test_kernel",
                 "args=test_args", "ramdisk=test_ramdisk") == Result(0, "", "")
    assert actions(stack, "memtest") == [row("memtest", "os", kernel="test_kernel",
                                             ramdisk="test_ramdisk", args="test_args")]
    assert stack("set", "bootaction", "memtest", "type=os", "kernel=", "args=new").rc == 0
    assert actions(stack, "memtest") == [row("memtest", "os", kernel="test_kernel",
                                             ramdisk="test_ramdisk", args="new")]


def test_remove_bootaction(stack):
    def err(text):
        return Result(255, "", f"error - {text}\n{REMOVE_USAGE}\n")

    assert stack("remove", "bootaction") == err('"action" argument is required')
    assert stack("remove", "bootaction", "test", "foo") == err('"action" argument must be unique')
    assert stack("remove", "bootaction", "test") == err('"type" parameter is required')
    assert stack("remove", "bootaction", "test", "type=x") == err(
        '"type" parameter must be "os" or "install"')
    assert stack("remove", "bootaction", "test", "type=os") == Result(
        255, "", 'error - action/type/os "test/os/" does not exists\n')
    assert stack("remove", "bootaction", "test", "type=install") == Result(
        255, "", 'error - action/type/os "test/install/redhat" does not exists\n')
    stack("add", "bootaction", "test", "type=install", "kernel=")
    stack("add", "bootaction", "test", "type=os", "os=ubuntu", "kernel=")
    assert stack("remove", "bootaction", "test", "type=install") == Result(0, "", "")
    assert actions(stack, "test") == [row("test", "os", os="ubuntu")]
    assert stack("remove", "bootaction", "test", "type=os", "os=ubuntu") == Result(0, "", "")
    assert actions(stack, "test") == []
    assert not m.BootName.objects.filter(name="test").exists()


def test_remove_bootaction_hosts_keep_the_name(stack):
    stack("add", "host", "backend-0-0")
    stack("set", "host", "bootaction", "backend-0-0", "action=memtest", "type=os")
    assert stack("remove", "bootaction", "memtest", "type=os").rc == 0
    r = stack("list", "host", "backend-0-0", "output-format=json")
    assert json.loads(r.out)[0]["osaction"] == "memtest"


@pytest.mark.parametrize("field", ["args", "kernel", "ramdisk"])
def test_set_bootaction_field(stack, field):
    usage = f"{{action}} {{{field}=string}} [os=string] [type=string]"

    def err(text):
        return Result(255, "", f"error - {text}\n{usage}\n")

    cmd = ("set", "bootaction", field)
    assert stack(*cmd) == err('"action" argument is required')
    assert stack(*cmd, "test", "foo") == err('"action" argument must be unique')
    assert stack(*cmd, "memtest") == err('"type" parameter is required')
    assert stack(*cmd, "memtest", "type=foo") == err('"type" parameter must be "os" or "install"')
    assert stack(*cmd, "memtest", "type=os") == err(f'"{field}" parameter is required')
    assert stack(*cmd, "test", "type=os", f"{field}=x") == Result(
        255, "", 'error - action "test" does not exist\n')

    stack("add", "bootaction", "test", "type=os", "os=ubuntu", "kernel=")
    assert stack(*cmd, "test", "type=os", "os=ubuntu", f"{field}=value") == Result(0, "", "")
    assert actions(stack, "test")[0][field] == "value"
    assert stack(*cmd, "test", "type=os", "os=ubuntu", f"{field}=") == Result(0, "", "")
    assert actions(stack, "test")[0][field] is None
