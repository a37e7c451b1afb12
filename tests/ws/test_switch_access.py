"""Switch listings over the web service: on Stacki's default sudo list
(`list host switch`, `list switch *`), so admin-only, as in Stacki, whose
listings reach the switches as root; an admin may take them off the list."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.ws.conftest import body

READS = ("list switch", "list switch host", "list host switch", "list switch partition ib-0-0")


@pytest.fixture
def fabric():
    for words in (("add", "host", "ib-0-0", "appliance=switch"),
                  ("set", "host", "attr", "ib-0-0", "attr=switch_type", "value=infiniband"),
                  ("add", "switch", "partition", "ib-0-0", "name=aaa")):
        assert run_cli(*words).rc == 0


@pytest.mark.parametrize("cmd", READS)
def test_switch_reads_are_admin_only(login_as, fabric, cmd):
    path = "list switch partition" if "partition" in cmd else cmd
    response = login_as("plain").run(cmd)
    assert (response.status_code, response.content.decode()) == (
        403, f'Command "{path}" requires Admin Privileges')
    assert login_as("boss", admin=True).run(cmd).status_code == 200


def test_off_the_sudo_list_reads_are_open_and_writes_stay_closed(login_as, fabric):
    admin = login_as("boss", admin=True)
    for pattern in ("list switch *", "list host switch"):
        assert admin.run(f'remove api sudo command command="{pattern}"').status_code == 200
    plain = login_as("plain")
    for cmd in READS:
        assert plain.run(cmd).status_code == 200, cmd
    assert body(plain.run("list switch partition ib-0-0")) == [
        {"switch": "ib-0-0", "partition": "0x0aaa", "partition key": "0x0aaa", "options": ""}]
    response = plain.run("remove switch partition ib-0-0 name=aaa")
    assert (response.status_code, response.content.decode()) == (
        403, "Unauthorized Command: User plain is not allowed to run remove.switch.partition")
    assert run_cli("list", "switch", "partition", "ib-0-0").out.count("0x0aaa") == 2
