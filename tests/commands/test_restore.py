"""A whole dump loaded with exec=true into a fresh home restores it exactly,
built-in objects included, and says what it could not apply."""

from __future__ import annotations

import json
import subprocess
import sys

from stacki.inventory import models as m
from tests.conftest import Result, subprocess_env

# Every kind of built-in object changed or removed, and some new ones.
CHANGES = (
    "set bootaction args memtest type=os args=console=ttyS0",
    "set bootaction kernel default type=install os=redhat kernel=vmlinuz-new",
    "remove bootaction hplocalboot type=os",
    "remove os xenserver",
    "remove appliance barnacle",
    "add box lab os=redhat",
    "set network zone private zone=cluster.example",
    "set network gateway private gateway=192.168.0.1",
    "set attr attr=Kickstart_Timezone value=Europe/Paris",
    "remove attr attr=ssh.use_dns",
    "set appliance attr backend attr=managed value=False",
    "remove appliance attr switch attr=kickstartable",
    "remove firewall rulename=REJECT-ALL",
    "remove route address=224.0.0.0",
    "remove access command=list* group=wheel",
    "remove api sudo command command=unload.*",
    "add api blacklist command command=report.host",
    "remove api group perms default perm=list.*",
    "add api group perms default perm=report.*",
    "set api user admin admin admin=False",
    "add api user greg group=default admin=True",
    "add environment test",
    "set host interface ip frontend-0-0 interface=eth1 ip=192.168.0.250",
    "add host interface alias frontend-0-0 interface=eth1 alias=fe",
    "set host comment frontend-0-0 comment=restored",
    "add host backend-0-0 box=lab environment=test",
    "add host interface backend-0-0 interface=eth0 network=private ip=192.168.0.9 default=true",
    "set host attr backend-0-0 attr=rack.row value=7",
    "add host firewall backend-0-0 service=22 protocol=tcp chain=INPUT action=ACCEPT rulename=SSH",
)


def run(env, *words, input=None):
    proc = subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=env, input=input,
                          capture_output=True, text=True, check=False)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def test_whole_dump_restores_built_ins_exactly(stacki_home, tmp_path):
    for words in CHANGES:
        r = run(stacki_home, *words.split())
        assert r.rc == 0, (words, r)
    first = run(stacki_home, "dump")
    assert first.rc == 0
    document = json.loads(first.out)
    assert "xenserver" not in [o["name"] for o in document["os"]]
    (tmp_path / "dump.json").write_text(first.out)
    fresh = subprocess_env(tmp_path / "fresh", tmp_path / "fresh-user",
                           STACKI_FRONTEND_NAME="elsewhere")
    (tmp_path / "fresh-user").mkdir()
    assert run(fresh, "load", str(tmp_path / "dump.json"), "exec=true") == Result(0, "", "")
    again = run(fresh, "dump")
    assert again.out == first.out
    boot = run(fresh, "list", "bootaction", "memtest", "type=os", "output-format=json")
    assert json.loads(boot.out)[0]["args"] == "console=ttyS0"
    # The fresh home's admin keeps its key (written at its first use).
    cred = json.loads((tmp_path / "fresh-user" / "stacki-ws.cred").read_text())
    assert cred[0]["username"] == "admin"


def test_what_is_not_applied_is_listed(stack, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({
        "environment": [{"name": "test"}],
        "host": [{"name": "backend-0-0", "rack": 0, "rank": 0, "appliance": "nothere"}],
    }))
    r = stack("load", str(path), "exec=true")
    assert r == Result(0, (
        "COMMAND                                                      ERROR\n"
        "stack \"add host\" backend-0-0 rack=0 rank=0 appliance=nothere appliance \"nothere\" is "
        "not in the database\n"), "")
    assert m.Environment.objects.filter(name="test").exists()


def test_a_partial_document_adds_and_keeps_the_rest(stack, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"version": "5.7.0", "environment": [{"name": "test"}]}))
    assert stack("load", str(path), "exec=true") == Result(0, "", "")
    assert m.OS.objects.filter(name="xenserver").exists()
    assert m.Host.objects.filter(name="frontend-0-0").exists()


def test_hosts_the_bulk_loader_is_not_sure_of_go_through_commands(stack, tmp_path, monkeypatch):
    from stacki.commands import load_hosts

    calls = []
    original = load_hosts.HostLoader.plan

    def plan(self, host):
        calls.append(host["name"])
        return original(self, host)

    monkeypatch.setattr(load_hosts.HostLoader, "plan", plan)
    hosts = [
        {"name": "backend-0-0", "rack": "0", "rank": "0", "appliance": "backend",
         "interface": [{"interface": "eth0", "network": "private", "ip": "192.168.0.9",
                        "default": True, "alias": ["b00"]}], "attr": [{"name": "a", "value": "1"}]},
        # A network that does not exist: the command says why not.
        {"name": "backend-0-1", "rack": "0", "rank": "1", "appliance": "backend",
         "interface": [{"interface": "eth0", "network": "nowhere", "ip": "192.168.0.9"}]},
        # NULL means "no value" to the commands.
        {"name": "backend-0-2", "rack": "0", "rank": "2", "appliance": "backend",
         "interface": [{"interface": "eth0", "ip": "NULL"}]},
    ]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"host": hosts}))
    r = stack("load", str(path), "exec=true")
    assert r.rc == 0
    assert r.out.splitlines()[1:] == [
        'stack "add host interface" backend-0-1 interface=eth0 network=nowhere ip=192.168.0.9 '
        'network "nowhere" does not exist']
    assert calls == ["backend-0-0", "backend-0-1", "backend-0-2"]
    assert list(m.Alias.objects.values_list("name", flat=True)) == ["b00"]
    assert m.Interface.objects.get(host__name="backend-0-2").ip is None
    assert m.Attribute.objects.get(host__name="backend-0-0", name="a").value == "1"
