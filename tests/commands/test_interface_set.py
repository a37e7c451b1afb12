"""set host interface <field> (commands.md)."""

import pytest

from tests.commands.interfaces import MAC, error, field_of, rows, snapshot
from tests.conftest import Result

# --- set host interface <field> ----------------------------------------------------

SELECT3 = "[interface=string] [mac=string] [network=string]"
SET_USAGES = {
    "ip": "{host} {ip=string} " + SELECT3,
    "mac": "{host} {mac=string} [interface=string] [network=string]",
    "name": "{host} {name=string} " + SELECT3,
    "interface": "{host ...} {interface=string} [mac=string] [network=string]",
    "network": "{host ...} {network=string} [interface=string] [mac=string]",
    "default": "{host ...} [default=boolean] " + SELECT3,
    "module": "{host ...} {module=string} " + SELECT3,
    "options": "{host ...} {options=string} " + SELECT3,
    "channel": "{host ...} {channel=string} " + SELECT3,
    "vlan": "{host ...} {vlan=integer} " + SELECT3,
}
SELECTORS = {"mac": ("interface", "network"), "interface": ("mac", "network"),
             "network": ("interface", "mac")}
VALUES = {"ip": "192.168.0.50", "mac": "00:00:00:00:00:99", "name": "fast", "interface": "eth5",
          "network": "private", "default": "true", "module": "e1000", "options": "dhcp",
          "channel": "bond0", "vlan": "3"}
SINGLE = ("ip", "mac", "name")


def test_set_usage_lines(stack):
    r = stack("help", "set", "host", "interface")
    assert r.out == "".join(f"set host interface {f} {u} \n"
                            for f, u in sorted(SET_USAGES.items()))


@pytest.mark.parametrize("field", sorted(SET_USAGES))
def test_set_common_errors(stack, two, field):
    usage = SET_USAGES[field]
    selectors = SELECTORS.get(field, ("interface", "mac", "network"))
    value = f"{field}={VALUES[field]}"
    before = snapshot()
    error(stack("set", "host", "interface", field), '"host" argument is required', usage)
    error(stack("set", "host", "interface", field, "a:replicant", value),
          '"host" argument is required', usage)
    if field in SINGLE:
        error(stack("set", "host", "interface", field, two, "frontend-0-0", value),
              '"host" argument must be unique', usage)
    if field != "default":
        error(stack("set", "host", "interface", field, two, f"{selectors[0]}=x"),
              f'"{field}" parameter is required', usage)
    missing = " or ".join(f'"{s}"' for s in selectors)
    # An undeclared parameter is ignored, with a warning (Stacki ignores it silently).
    warning = ("" if field == "channel" else
               f'warning - "channel" is not a parameter of "set host interface {field}"\n')
    assert stack("set", "host", "interface", field, two, value, "channel=1") == Result(
        255, "", f"{warning}error - {missing} parameter is required\n{usage}\n")
    for selector in selectors:
        error(stack("set", "host", "interface", field, two, value, f"{selector}=NoSuch"),
              f'{selector} "NoSuch" does not exist for host "{two}"')
    assert snapshot() == before


@pytest.mark.parametrize("field", ["module", "options", "channel", "vlan", "default", "interface",
                                   "network"])
def test_set_across_hosts_checks_every_host(stack, two, field):
    """A selector must exist on every host; nothing is written otherwise."""
    before = snapshot()
    key, value = ("mac", MAC) if field == "interface" else ("interface", "eth0")
    error(stack("set", "host", "interface", field, two, "frontend-0-0", f"{key}={value}",
                f"{field}={VALUES[field]}"),
          f'{key} "{value}" does not exist for host "frontend-0-0"')
    assert snapshot() == before


def test_set_combination(stack, two):
    before = snapshot()
    error(stack("set", "host", "interface", "module", two, "interface=ETH1", "network=Private",
                "module=x"), 'combination of "eth1, private" does not exist for host "backend-0-0"')
    error(stack("set", "host", "interface", "module", two, "interface=eth1", f"mac={MAC}",
                "module=x"),
          f'combination of "eth1, {MAC}" does not exist for host "backend-0-0"')
    assert snapshot() == before
    assert stack("set", "host", "interface", "module", two, "interface=eth0", f"mac={MAC}",
                 "network=private", "module=x") == Result(0, "", "")
    assert rows(stack, two, col="module") == "x\nNone\n"


def test_set_ip(stack, two):
    assert stack("set", "host", "interface", "ip", two, "interface=eth0",
                 "ip=192.168.0.50") == Result(0, "", "")
    assert field_of() == "192.168.0.50"
    assert stack("set", "host", "interface", "ip", two, "mac=" + MAC, "ip=AUTO").rc == 0
    assert field_of() == "192.168.0.1"
    assert stack("set", "host", "interface", "ip", two, "interface=eth0", "ip=").rc == 0
    assert field_of() is None
    stack("set", "host", "interface", "ip", two, "interface=eth0", "ip=192.168.0.50")
    assert stack("set", "host", "interface", "ip", two, "interface=eth0", "ip=null").rc == 0
    assert field_of() is None


def test_set_ip_errors(stack, two):
    usage = SET_USAGES["ip"]
    before = snapshot()
    error(stack("set", "host", "interface", "ip", two, "interface=eth1", "ip=auto"),
          "unknown network for interface")
    error(stack("set", "host", "interface", "ip", two, "interface=eth0", "ip=host"),
          '"ip" parameter must be a valid IP address', usage)
    assert snapshot() == before


def test_set_mac(stack, two):
    assert stack("set", "host", "interface", "mac", two, "interface=eth1",
                 "mac=AA:BB:CC:DD:EE:FF") == Result(0, "", "")
    assert field_of("eth1", "mac") == "aa:bb:cc:dd:ee:ff"
    assert stack("set", "host", "interface", "mac", two, "interface=eth1", "mac=NULL").rc == 0
    assert field_of("eth1", "mac") is None
    before = snapshot()
    error(stack("set", "host", "interface", "mac", two, "interface=eth1", f"mac={MAC}"),
          f"mac {MAC} exists on backend-0-0")
    error(stack("set", "host", "interface", "mac", two, "interface=eth1", "mac=bad"),
          '"mac" parameter must be a valid MAC address', SET_USAGES["mac"])
    assert snapshot() == before
    assert stack("set", "host", "interface", "mac", two, "interface=eth0", "mac=").rc == 0
    assert field_of("eth0", "mac") is None


def test_set_name(stack, two):
    assert stack("set", "host", "interface", "name", two, "interface=eth0", "name=fast").rc == 0
    assert field_of("eth0", "name") == "fast"
    assert stack("set", "host", "interface", "name", two, "interface=eth0", "name=NULL").rc == 0
    assert field_of("eth0", "name") == two
    # The FQDN check comes before the selectors are looked at.
    error(stack("set", "host", "interface", "name", two, "name=a.b"),
          '"name" parameter must be a non-FQDN (base hostname)', SET_USAGES["name"])


def test_set_interface(stack, two):
    assert stack("set", "host", "interface", "interface", two, "mac=00:11:22:33:44:66",
                 "interface=eth7") == Result(0, "", "")
    assert rows(stack, two, col="interface") == "eth0\neth7\n"
    before = snapshot()
    error(stack("set", "host", "interface", "interface", two, f"mac={MAC}", "interface=eth7"),
          "interface eth7 exists on backend-0-0")
    assert snapshot() == before


def test_set_interface_on_several_hosts(stack, two):
    stack("add", "host", "backend-0-1")
    stack("add", "host", "interface", "backend-0-1", "mac=00:00:00:00:00:01",
          "network=private")
    assert stack("set", "host", "interface", "interface", "backend-*", "network=private",
                 "interface=eth9").rc == 0
    assert stack("list", "host", "interface", "backend-*", "output-format=col:interface").out \
        == "eth1\neth9\neth9\n"


def test_set_network(stack, two):
    stack("add", "network", "fast", "address=10.0.0.0", "mask=8")
    assert stack("set", "host", "interface", "network", two, "interface=eth1",
                 "network=FAST") == Result(0, "", "")
    assert rows(stack, two, col="network") == "private\nfast\n"
    assert stack("set", "host", "interface", "network", two, "interface=eth1",
                 "network=NULL").rc == 0
    assert rows(stack, two, col="network") == "private\nNone\n"
    error(stack("set", "host", "interface", "network", two, "interface=eth1", "network=nope"),
          'network "nope" does not exist')
    # eth0 keeps its address; on other it shares frontend-0-0's: a warning.
    stack("add", "network", "other", "address=192.168.0.0", "mask=24")
    stack("add", "host", "interface", "frontend-0-0", "interface=eth9", "ip=192.168.0.10",
          "network=other")
    assert stack("set", "host", "interface", "network", two, "interface=eth0",
                 "network=other") == Result(
        0, "", "warning - ip 192.168.0.10 exists on frontend-0-0 interface eth9\n")
    assert rows(stack, two, col="network") == "other\nNone\n"


def test_set_default(stack, two):
    assert stack("set", "host", "interface", "default", two, "interface=eth1") == \
        Result(0, "", "")
    assert rows(stack, two, col="default") == "None\nTrue\n"
    assert stack("set", "host", "interface", "default", two, "interface=eth1",
                 "default=false").rc == 0
    assert rows(stack, two, col="default") == "None\nNone\n"
    assert rows(stack, "frontend-0-0", col="default") == "True\n"


@pytest.mark.parametrize("field", ["module", "options", "channel"])
def test_set_nullable_text(stack, two, field):
    assert stack("set", "host", "interface", field, two, "interface=eth0",
                 f"{field}=value x") == Result(0, "", "")
    assert field_of("eth0", field) == "value x"
    assert stack("set", "host", "interface", field, two, "interface=eth0",
                 f"{field}=NULL").rc == 0
    assert field_of("eth0", field) is None


def test_set_vlan(stack, two):
    assert stack("set", "host", "interface", "vlan", two, "network=private", "vlan=7").rc == 0
    assert field_of("eth0", "vlan") == 7
    assert stack("set", "host", "interface", "vlan", two, "interface=eth0", "vlan=0").rc == 0
    assert field_of("eth0", "vlan") is None
    before = snapshot()
    # The integer check comes after the selectors are checked.
    error(stack("set", "host", "interface", "vlan", two, "interface=nope", "vlan=x"),
          'interface "nope" does not exist for host "backend-0-0"')
    error(stack("set", "host", "interface", "vlan", two, "interface=eth0", "vlan=x"),
          '"vlan" parameter must be an integer', SET_USAGES["vlan"])
    assert snapshot() == before


