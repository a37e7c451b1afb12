"""The commands that talk to switches over the web service: admins only,
since they log in with the switch's secret password."""

from stacki.inventory import models as m
from tests.test_switch_live import x1052  # noqa: F401 - fixture
from tests.ws.conftest import body

LIVE = ("list switch status", "list switch mac", "list switch config", "sync switch",
        "set switch sm switch-0-0", "create host switch mapping")


def test_admin_reads_a_live_switch(login_as, x1052):  # noqa: F811
    admin = login_as("swadmin", admin=True)
    reply = admin.run("list switch mac switch-0-0")
    assert (reply.status_code, body(reply)[:2]) == (200, [
        {"switch": "switch-0-0", "port": 1, "mac": "00:11:22:33:44:01", "host": "backend-0-0",
         "interface": "eth0", "vlan": "1"},
        {"switch": "switch-0-0", "port": 1, "mac": "00:11:22:33:66:01", "host": "backend-0-0",
         "interface": "ipmi", "vlan": "1"}])
    assert x1052.received == ["terminal datadump", "show mac address-table"]


def test_others_may_not(login_as, x1052):  # noqa: F811
    # Even granted the commands and with the sudo list emptied.
    m.SudoCommand.objects.all().delete()
    user = login_as("swuser", perms=("list *", "sync *", "set *", "create *"))
    for cmd in LIVE:
        reply = user.run(cmd)
        assert (reply.status_code, reply.content.decode()) == (
            403, f'Command "{cmd.removesuffix(" switch-0-0")}" requires Admin Privileges'), cmd
    assert x1052.received == [] and not m.SwitchPort.objects.exists()
    # The list of models reads nothing from a switch: anyone may.
    reply = user.run("list switch support")
    assert reply.status_code == 200 and {"make": "Dell", "model": "x1052"} in body(reply)
