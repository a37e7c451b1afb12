import json
import subprocess
import sys

import pytest

from stacki.commands.load import stack_program
from stacki.inventory import models as m
from tests.conftest import Result, subprocess_env

LOAD_USAGE = "[document=string] [exec=boolean] [force=boolean]"
SCOPED = {"attr": [], "controller": [], "partition": [], "firewall": [], "route": []}


def dump(stack, *words):
    r = stack("dump", *words)
    assert r.rc == 0 and r.err == "", r
    return json.loads(r.out)


@pytest.fixture
def document(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "doc.json"
        path.write_text(text)
        return str(path)

    return write


# --- dump ----------------------------------------------------------------------

def test_dump_keys_and_layout(stack):
    r = stack("dump")
    doc = json.loads(r.out)
    assert list(doc) == ["version", "access", "attr", "controller", "partition", "firewall",
                         "route", "network", "bootaction", "appliance", "environment", "os",
                         "group", "host", "vm", "switch", "software", "api", "firmware"]
    assert r.out == json.dumps(doc, indent=8) + "\n"
    assert doc["version"] == "5.7.0"
    assert doc["access"][0] == {"command": "*", "group": "root"}
    assert {"name": "os", "value": "redhat"} in doc["attr"]
    assert not any(a["name"] == "Kickstart_PrivateRootPassword" for a in doc["attr"])
    assert doc["route"][0] == {"address": "224.0.0.0", "gateway": None, "subnet": "private",
                               "netmask": "255.255.255.0", "interface": None}
    assert doc["firewall"][0]["name"] == "LOOPBACK-NET"
    assert list(doc["firewall"][0]) == ["service", "network", "output_network", "chain", "action",
                                        "protocol", "flags", "comment", "table", "name"]
    assert {"name": "memtest", "type": "os", "os": None, "kernel": "kernel memtest",
            "ramdisk": None, "args": None} in doc["bootaction"]
    backend = next(a for a in doc["appliance"] if a["name"] == "backend")
    assert backend["public"] is True and backend["attr"][0] == {"name": "kickstartable",
                                                                "value": "True"}
    assert [o["name"] for o in doc["os"]] == ["redhat", "sles", "ubuntu", "vmware", "xenserver"]
    assert doc["group"] == ["default"]
    assert doc["software"] == {"box": [
        {"name": "frontend", "os": "redhat", "cart": [], "pallet": [], "repo": []},
        {"name": "default", "os": "redhat", "cart": [], "pallet": [], "repo": []}],
        "cart": [], "pallet": [{"name": "stacki", "version": "5.7.0", "release": "redhat7",
                                "arch": "x86_64", "os": "redhat", "url": None, "tag": []}],
        "repo": []}
    assert doc["api"]["user"] == [{"name": "admin", "admin": True, "group": ["default"],
                                   "perm": []}]
    assert doc["api"]["group"] == [{"name": "default", "perm": ["list *"]}]
    assert doc["api"]["sudo"] == sorted(doc["api"]["sudo"]) and "load *" in doc["api"]["sudo"]


def test_dump_host(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "interface", "backend-0-0", "interface=eth0", "ip=192.168.0.5",
          "network=private", "mac=00:11:22:33:44:55", "default=true", "vlan=3")
    stack("add", "host", "interface", "alias", "backend-0-0", "interface=eth0", "alias=b00")
    stack("set", "host", "comment", "backend-0-0", "comment=fast")
    stack("set", "host", "metadata", "backend-0-0", "metadata={}")
    stack("add", "group", "test")
    stack("add", "host", "group", "backend-0-0", "group=test")
    stack("set", "host", "attr", "backend-0-0", "attr=x", "value=1")
    stack("set", "host", "attr", "backend-0-0", "attr=secret", "value=s", "shadow=true")
    stack("add", "host", "route", "backend-0-0", "address=10.1.0.0", "gateway=private",
          "netmask=255.255.0.0")
    stack("add", "host", "firewall", "backend-0-0", "service=22", "protocol=tcp",
          "chain=INPUT", "action=ACCEPT", "rulename=R1")
    stack("add", "host", "key", "backend-0-0", "key=ssh-rsa AAAA\nsecond line")
    assert dump(stack, "host", "backend-0-0") == {"version": "5.7.0", "host": [{
        "name": "backend-0-0", "rack": "0", "rank": "0", "appliance": "backend",
        "box": "default", "environment": None, "osaction": "default",
        "installaction": "default", "comment": "fast", "metadata": "{}", "group": ["test"],
        "interface": [{"interface": "eth0", "default": True, "network": "private",
                       "mac": "00:11:22:33:44:55", "ip": "192.168.0.5", "name": None,
                       "module": None, "vlan": 3, "options": None, "channel": None,
                       "alias": ["b00"]}],
        "key": ["ssh-rsa AAAA\nsecond line"],
        "attr": [{"name": "x", "value": "1"}], "controller": [], "partition": [],
        "firewall": [{"service": "22", "network": None, "output_network": None,
                      "chain": "INPUT", "action": "ACCEPT", "protocol": "tcp", "flags": None,
                      "comment": None, "table": "filter", "name": "R1"}],
        "route": [{"address": "10.1.0.0", "gateway": None, "subnet": "private",
                   "netmask": "255.255.0.0", "interface": None}],
    }]}


def test_dump_sections(stack):
    stack("add", "environment", "test")
    stack("set", "environment", "attr", "test", "attr=e", "value=1")
    assert dump(stack, "network") == {"version": "5.7.0", "network": [{
        "name": "private", "address": "192.168.0.0", "mask": "255.255.255.0", "gateway": "",
        "mtu": None, "zone": "", "dns": False, "pxe": True}]}
    assert dump(stack, "environment") == {"version": "5.7.0", "environment": [
        {"name": "test", **SCOPED, "attr": [{"name": "e", "value": "1"}]}]}
    assert dump(stack, "group") == {"version": "5.7.0", "group": ["default"]}
    assert list(dump(stack, "box")) == ["version", "software"]
    assert [a["name"] for a in dump(stack, "appliance", "back%")["appliance"]] == ["backend"]
    assert list(dump(stack, "api")["api"]) == ["sudo", "blacklist", "group", "user"]
    assert len(dump(stack, "bootaction")["bootaction"]) == 10
    assert next(o["name"] for o in dump(stack, "os")["os"]) == "redhat"


def test_dump_refuses_arguments(stack):
    assert stack("dump", "x") == Result(255, "", 'error - "x" argument is not allowed\n\n')
    assert stack("dump", "network", "x") == Result(
        255, "", 'error - "x" argument is not allowed\n\n')


# --- load: the script ---------------------------------------------------------------

def test_load_prints_the_script(stack, document):
    path = document("""{
        # the installer's data files carry comments and trailing commas
        "software": {"box": [{"name": "test", "os": "sles", "cart": ["test"], "pallet": []},],},
        "network": [{"name": "bogus", "address": "10.35.100.0", "netmask": "255.255.255.0",
                     "mtu": 65492, "zone": "{{ fake }}", "dns": false, "pxe": false}],  // here
        "host": [{"name": "b-0-0", "rack": "0", "rank": "0", "appliance": "backend",
                  "comment": "a b", "metadata": "m", "group": ["g"],
                  "interface": [{"interface": "eth0", "default": true, "vlan": 2,
                                 "alias": ["x"]}],
                  "route": [{"address": "1.2.3.4", "gateway": null, "subnet": "private",
                             "netmask": "255.255.255.255", "interface": null}]}],
        "group": ["g"],
        "environment": [{"name": "e", "attr": [{"name": "a", "value": "1"},
                                               {"name": "empty", "value": ""}]}],
    }""")
    stack_ = stack_program()
    assert stack("load", path) == Result(0, "".join(f"{stack_} {line}\n" for line in [
        '"add network" bogus address=10.35.100.0 mtu=65492 zone=\'{{ fake }}\' dns=False pxe=False',
        '"add box" test os=sles',
        '"enable cart" test box=test',
        '"add environment" e ',
        '"set environment attr" e attr=a value=1',
        '"add group" g ',
        '"add host" b-0-0 rack=0 rank=0 appliance=backend',
        '"set host comment" b-0-0 comment=\'a b\'',
        '"set host metadata" b-0-0 metadata=m',
        '"add host group" b-0-0 group=g',
        '"add host interface" b-0-0 interface=eth0 default=True vlan=2',
        '"add host interface alias" b-0-0 interface=eth0 alias=x',
        '"add host route" b-0-0 address=1.2.3.4 gateway=private netmask=255.255.255.255',
    ]), "")
    assert m.Network.objects.filter(name="bogus").count() == 0


def test_load_global_scopes_and_firewall_spellings(stack, document):
    path = document(json.dumps({
        "access": [{"command": "list *", "group": "ops"}],
        "attr": [{"name": "x", "value": "1", "shadow": True}],
        "firewall": [{"service": "ssh", "output-network": "private", "chain": "INPUT",
                      "action": "ACCEPT", "protocol": "tcp", "name": "A", "table": "filter"},
                     {"service": "ssh", "output_network": "private", "chain": "INPUT",
                      "action": "ACCEPT", "protocol": "tcp", "name": "B"}],
        "appliance": [{"name": "compute", "public": False,
                       "attr": [{"name": "node", "value": "backend"}]}],
        "bootaction": [{"name": "memtest", "type": "os", "os": None, "kernel": "k"}],
        "api": {"sudo": ["x *"], "user": [{"name": "greg", "admin": False,
                                           "group": ["default", "ops"], "perm": ["list.*"]}]},
    }))
    out = stack("load", path).out.splitlines()
    assert [line.split(" ", 1)[1] for line in out] == [
        '"set access"  command=\'list *\' group=ops',
        '"set attr"  attr=x value=1 shadow=True',
        ('"add firewall"  service=ssh output-network=private chain=INPUT action=ACCEPT '
         'protocol=tcp table=filter rulename=A'),
        ('"add firewall"  service=ssh output-network=private chain=INPUT action=ACCEPT '
         'protocol=tcp rulename=B'),
        '"add appliance" compute public=False',
        '"set appliance attr" compute attr=node value=backend',
        '"add bootaction" memtest type=os kernel=k',
        '"add api sudo command"  command=\'x *\'',
        '"add api user" greg admin=False group=default,ops',
        '"add api user perms" greg perm=\'list.*\'',
    ]


def test_load_errors(stack, document, tmp_path):
    assert stack("load") == Result(
        255, "", f'error - "filename" argument is required\n{LOAD_USAGE}\n')
    assert stack("load", "a", "b") == Result(
        255, "", f'error - "filename" argument must be unique\n{LOAD_USAGE}\n')
    assert stack("load", str(tmp_path / "no.json")) == Result(
        255, "", f"error - cannot read {tmp_path / 'no.json'}\n")
    path = document('{\n  "network": [\n    {"name": "x",, }\n  ]\n}\n')
    assert stack("load", path) == Result(255, "", (
        'error - syntax error\n{"name": "x",, }\n               ^\n'
        "Expecting property name enclosed in double quotes: line 3 column 20 (char 36)\n"))
    assert stack("load", document('{"host": {"name": "x"}}')) == Result(
        255, "", 'error - "host" section must be a list of objects\n')
    assert stack("load", document('{"host": [{"rack": "0"}]}')) == Result(
        255, "", 'error - host section missing "name"\n')


def test_load_document_parameter_and_strings_kept_verbatim(stack, document):
    path = document('{"environment": [{"name": "a // b # c, ]"}]}')
    assert stack("load", f"document={path}").out == f'{stack_program()} "add environment" ' \
                                                     "'a // b # c, ]' \n"


def test_load_exec_runs_and_skips_failures(stack, document):
    path = document(json.dumps({
        "network": [{"name": "private", "address": "192.168.0.0", "mask": "255.255.255.0"},
                    {"name": "lab", "address": "10.1.0.0", "mask": "255.255.0.0"}],
        "host": [{"name": "backend-0-0", "rack": "0", "rank": "0", "appliance": "backend",
                  "comment": "loaded",
                  "interface": [{"interface": "eth0", "network": "lab", "ip": "10.1.0.9",
                                 "default": True}]}],
    }))
    # What was not applied is listed, with the reason.
    assert stack("load", path, "exec=true") == Result(0, (
        "COMMAND                                                            ERROR\n"
        'stack "add network" private address=192.168.0.0 mask=255.255.255.0 '
        'network "private" exists\n'), "")
    assert m.Network.objects.filter(name="lab").exists()
    host = m.Host.objects.get(name="backend-0-0")
    assert host.comment == "loaded"
    assert host.interfaces.get().ip == "10.1.0.9"


def test_load_over_the_web_service(stack):
    from stacki.inventory.models import User
    from tests.ws.conftest import Api, body

    User.create("loader", "key-of-loader", admin=True)
    api = Api()
    assert api.login("loader", "key-of-loader").status_code == 200
    doc = {"environment": [{"name": "viaweb"}]}
    reply = api.run("load exec=true", data=doc)
    assert (reply.status_code, body(reply)) == (200, {})
    assert m.Environment.objects.filter(name="viaweb").exists()
    reply = api.run("load /etc/passwd")
    assert reply.status_code == 500
    assert body(reply)["API Error"] == (
        "error - over the web service, send the document as data\n")


# --- dump -> load -> dump, as real processes ----------------------------------------------

def test_round_trip_into_a_fresh_home(stack_process, stacki_home, tmp_path):
    for words in (
        "add network lab address=10.1.0.0 mask=255.255.0.0 zone=lab.example dns=true",
        "add appliance compute node=backend public=no",
        "add environment test",
        "set environment attr test attr=e value=2",
        "add box lab",
        "add group compute",
        "add bootaction memtest2 type=os kernel=k args=a",
        "set attr attr=site value=here",
        "add firewall service=80 protocol=tcp chain=INPUT action=ACCEPT network=lab rulename=WEB",
        "add route address=10.9.0.0 gateway=10.1.0.1 netmask=255.255.0.0",
        "add host backend-0-0 environment=test box=lab",
        "add host compute-1-2 appliance=compute rack=1 rank=2",
        ("add host interface backend-0-0 interface=eth0 network=lab ip=10.1.0.5 default=true "
         "mac=00:11:22:33:44:55"),
        ("add host interface backend-0-0 interface=eth1 network=private ip=192.168.0.9 "
         "name=fast vlan=4"),
        "add host interface alias backend-0-0 interface=eth0 alias=b00",
        "add host key backend-0-0 key=ssh-ed25519:AAAA",
        "add host group backend-0-0 group=compute",
        "set host comment backend-0-0 comment=first",
        "set host attr compute-1-2 attr=h value=3",
        ("add host firewall compute-1-2 service=22 protocol=tcp chain=INPUT action=ACCEPT "
         "rulename=SSH2"),
        "add api user greg group=compute",
        "add api user perms greg perm=report.*",
    ):
        r = stack_process(*words.split())
        assert r.rc == 0, (words, r)
    first = stack_process("dump")
    assert first.rc == 0
    (tmp_path / "dump.json").write_text(first.out)
    fresh = subprocess_env(tmp_path / "fresh", tmp_path / "fresh-user")
    (tmp_path / "fresh-user").mkdir()
    cli = [sys.executable, "-m", "stacki.cli"]
    loaded = subprocess.run([*cli, "load", str(tmp_path / "dump.json"), "exec=true"], env=fresh,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    assert (loaded.returncode, loaded.stdout) == (0, "")
    again = subprocess.run([*cli, "dump"], env=fresh, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, check=False)
    assert again.stdout == first.out
