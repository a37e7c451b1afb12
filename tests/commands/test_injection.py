"""No file injection through stored values (issue: a zone or alias holding a
line break and a `<stack:file>` tag made sync write any file, any mode).

Every path that stores values refuses them (command line, web service as
admin, spreadsheets, a loaded dump); values that got into the database some
other way cannot open a file block in report output; sync writes only its own
files and never setuid, setgid or world-writable modes.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from stacki import sysfiles
from stacki.commands import report_common, sync
from stacki.inventory import models as m
from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

PAYLOAD = 'x\n<stack:file stack:name="/etc/cron.d/pwn" stack:perms="0644">\n* * * * * root id\n'
SHOWN = PAYLOAD[:57].encode("unicode_escape").decode() + "..."
CRON = "/etc/cron.d/pwn"

sheet = sheet_fixture("evil.csv")


@pytest.fixture
def sysroot(monkeypatch, tmp_path):
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    monkeypatch.setattr(sysfiles, "services", sysfiles.ServiceManager(
        run=lambda argv: pytest.fail(f"ran {argv}")))
    return root


def nothing_stored() -> None:
    assert not m.Alias.objects.exists()
    assert set(m.Network.objects.values_list("zone", flat=True)) <= {"", "lab.example"}
    assert not m.Host.objects.filter(comment__contains="\n").exists()


def test_command_line_refuses_line_breaks(stack):
    assert stack("set", "network", "zone", "private", f"zone={PAYLOAD}") == Result(
        255, "", f'error - "zone" parameter "{SHOWN}" must not contain control characters\n')
    r = stack("add", "network", "lab", "address=10.1.0.0", "mask=255.255.0.0", f"zone={PAYLOAD}")
    assert r.rc == 255 and "must not contain control characters" in r.err
    r = stack("add", "host", "interface", "alias", "frontend-0-0", "interface=eth1",
              f"alias={PAYLOAD}")
    assert r.rc == 255 and "must not contain control characters" in r.err
    r = stack("set", "host", "comment", "frontend-0-0", "comment=a\rb")
    assert r.rc == 255 and r.err == ('error - "comment" parameter "a\\rb" must not contain '
                                     "control characters\n")
    nothing_stored()


def test_grammars_of_zones_aliases_devices_and_network_names(stack):
    r = stack("set", "network", "zone", "private", "zone=a b")
    assert r == Result(255, "", 'error - network zone "a b" is not a valid DNS name\n')
    r = stack("add", "host", "interface", "alias", "frontend-0-0", "interface=eth1",
              'alias=<stack:file>')
    assert r == Result(255, "", 'error - alias name "<stack:file>" is not a valid host name '
                                "label\n")
    r = stack("add", "host", "interface", "frontend-0-0", "interface=eth/0")
    assert r == Result(255, "", 'error - interface device "eth/0" is not a valid interface '
                                "name\n")
    r = stack("add", "network", "a/b", "address=10.1.0.0", "mask=255.255.0.0")
    assert r == Result(255, "", 'error - network name "a/b" must not contain "/"\n')
    assert stack("set", "network", "zone", "private", "zone=lab.example").rc == 0


def test_every_model_write_is_checked():
    """save(), bulk_create, bulk_update and update() all refuse the value."""
    from stacki.inventory import validation

    host = m.Host.objects.get(name="frontend-0-0")
    nic = host.interfaces.get()
    with pytest.raises(validation.BadValue):
        m.Alias.objects.create(interface=nic, name=PAYLOAD)
    with pytest.raises(validation.BadValue):
        m.Alias.objects.bulk_create([m.Alias(interface=nic, name="a\nb")])
    with pytest.raises(validation.BadValue):
        m.Network.objects.filter(name="private").update(zone=PAYLOAD)
    nic.options = "a\nb"
    with pytest.raises(validation.BadValue):
        m.Interface.objects.bulk_update([nic], ["options"])
    with pytest.raises(validation.BadValue):
        m.Attribute.objects.create(scope="global", name="x", value=PAYLOAD + "</stack:file>\n")
    # Attribute values may span lines: they are free-form text.
    m.Attribute.objects.create(scope="global", name="motd", value="line one\nline two")


def test_spreadsheets_are_refused(stack, sheet):
    quoted = '"' + PAYLOAD.replace('"', '""') + '"'
    r = stack("load", "networkfile", sheet("NETWORK,ADDRESS,MASK,ZONE",
                                           f"lab,10.1.0.0,255.255.0.0,{quoted}"))
    assert r.rc == 255 and "must not contain control characters" in r.err, r
    r = stack("load", "hostfile", sheet(
        "NAME,APPLIANCE,RACK,RANK,IP,MAC,INTERFACE,NETWORK,INTERFACE HOSTNAME,COMMENT",
        f"backend-0-0,backend,0,0,,,eth0,,b00,{quoted}"))
    assert r.rc == 255 and "must not contain control characters" in r.err, r
    assert not m.Host.objects.filter(name="backend-0-0").exists()
    nothing_stored()


def test_a_loaded_dump_is_refused_and_reported(stack, tmp_path):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({
        "network": [{"name": "lab", "address": "10.1.0.0", "mask": "255.255.0.0",
                     "zone": PAYLOAD}],
        "host": [{"name": "backend-0-0", "rack": "0", "rank": "0", "appliance": "backend",
                  "interface": [{"interface": "eth0", "alias": [PAYLOAD]}]}],
    }))
    r = stack("load", str(path), "exec=true")
    # Applied what it could, and lists what it did not apply, with why.
    assert r.rc == 0 and r.out.startswith("COMMAND")
    assert 'stack "add network" lab' in r.out
    assert 'stack "add host interface alias" backend-0-0' in r.out
    assert r.out.count("must not contain control characters") == 2
    assert not m.Network.objects.filter(name="lab").exists()
    nothing_stored()


def smuggle_alias(text: str) -> None:
    """A value stored past every check (an old database, a hand-made row)."""
    nic = m.Interface.objects.get(host__name="frontend-0-0")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {m.Alias._meta.db_table} (interface_id, name) VALUES (%s, %s)",
                       [nic.id, text])


def test_stored_values_cannot_open_a_file_block(stack, sysroot):
    smuggle_alias(PAYLOAD)
    for words in (("report", "host"), ("sync", "host")):
        r = stack(*words)
        assert r.rc == 255 and "refusing to write a line that could open or close a file " \
                               'block (in <stack:file stack:name="/etc/hosts">)' in r.err, r
    assert not (sysroot / CRON.lstrip("/")).exists()
    assert not (sysroot / "etc/hosts").exists()


def test_a_value_naming_the_tag_on_one_line_is_refused_too(stack, sysroot):
    smuggle_alias("</stack:file>")
    assert stack("sync", "host").rc == 255
    assert not (sysroot / "etc/hosts").exists()


def test_sync_writes_only_its_own_files(stack, sysroot, monkeypatch):
    def evil(ctx, cluster):
        return report_common.stack_file(CRON, ["* * * * * root id"], "0644")

    monkeypatch.setattr(sync, "etc_hosts", evil)
    assert stack("sync", "host") == Result(
        255, "", f"Sync Host\nerror - refusing to write {CRON}: not a file of this sync\n")
    assert not (sysroot / CRON.lstrip("/")).exists()


@pytest.mark.parametrize("perms", ["4755", "2755", "0666", "0777", "10644"])
def test_setuid_setgid_and_world_writable_modes_are_refused(stack, sysroot, monkeypatch, perms):
    monkeypatch.setattr(sync, "etc_hosts",
                        lambda ctx, cluster: report_common.stack_file("/etc/hosts", ["x"], perms))
    r = stack("sync", "host")
    assert r.rc == 255 and f'stack:file "/etc/hosts" perms "{perms}" are refused' in r.err
    assert not (sysroot / "etc/hosts").exists()
    report = f'<stack:file stack:name="/tmp/x" stack:perms="{perms}">\nx\n</stack:file>\n'
    (sysroot.parent / "r.txt").write_text(report)
    r = stack("report", "script", f"file={sysroot.parent / 'r.txt'}")
    assert r.rc == 255 and "are refused" in r.err


def test_a_bad_old_value_can_be_corrected(stack):
    """Only the values being written are checked: a line break stored by an
    older version does not block the command that replaces it."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {m.Host._meta.db_table} SET comment = %s WHERE name = %s",
                       ["a\nb", "frontend-0-0"])
    assert stack("set", "host", "rack", "frontend-0-0", "rack=1") == Result(0, "", "")
    assert stack("set", "host", "comment", "frontend-0-0", "comment=fixed") == Result(0, "", "")
    assert m.Host.objects.get(name="frontend-0-0").comment == "fixed"
