import pytest

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = ("{name} {address=string} {mask=string} [dns=boolean] [gateway=string] [mtu=string] "
             "[pxe=boolean] [zone=string]")
PRIVATE = "private 192.168.0.0 255.255.255.0 ------- --- ---- False True\n"
HEADER = "NETWORK ADDRESS     MASK          GATEWAY MTU ZONE DNS   PXE\n"


def snapshot():
    return list(m.Network.objects.order_by("id").values())


def error(r, text, usage=None):
    expected = f"error - {text}\n" + (f"{usage}\n" if usage is not None else "")
    assert r == Result(255, "", expected)


def test_fresh_listing(stack):
    assert stack("list", "network") == Result(0, HEADER + PRIVATE, "")


def test_add_network_defaults_and_json(stack):
    assert stack("add", "network", "test", "address=192.168.1.0", "mask=255.255.255.0") == \
        Result(0, "", "")
    r = stack("list", "network", "test", "output-format=json")
    assert r.out == """[
        {
                "network": "test",
                "address": "192.168.1.0",
                "mask": "255.255.255.0",
                "gateway": "",
                "mtu": null,
                "zone": "test",
                "dns": false,
                "pxe": false
        }
]
"""


def test_add_network_all_fields_normalised(stack):
    r = stack("add", "network", "fast", "address=10.1.0.0", "mask=16", "gateway=10.1.0.254",
              "mtu=9000", "zone=fast.local", "dns=yes", "pxe=on")
    assert r == Result(0, "", "")
    r = stack("list", "network", "fast")
    assert r.out == (
        "NETWORK ADDRESS  MASK        GATEWAY    MTU  ZONE       DNS  PXE\n"
        "fast    10.1.0.0 255.255.0.0 10.1.0.254 9000 fast.local True True\n")


@pytest.mark.parametrize("words, text, usage", [
    ((), '"network" argument is required', ADD_USAGE),
    (("a", "b", "address=10.0.0.0", "mask=8"), '"network" argument must be unique', ADD_USAGE),
    (("a b", "address=10.0.0.0", "mask=8"), "network name must not contain a space", None),
    (("a",), '"address" parameter is required', ADD_USAGE),
    (("a", "address=", "mask="), '"address" parameter is required', ADD_USAGE),
    (("a", "address=10.0.0.0"), '"mask" parameter is required', ADD_USAGE),
    (("a", "address=10.0.0.0", "mask=8", "mtu=big"), '"mtu" parameter must be an integer',
     ADD_USAGE),
    (("private", "address=10.0.0.0", "mask=8"), 'network "private" exists', None),
    (("PRIVATE", "address=10.0.0.0", "mask=8"), 'network "PRIVATE" exists', None),
    (("a", "address=10.0.0.1", "mask=255.0.0.0"),
     "10.0.0.1/255.0.0.0 is not a valid network address and subnet mask combination", None),
    (("a", "address=10.0.0.0", "mask=255.0.255.0"),
     "10.0.0.0/255.0.255.0 is not a valid network address and subnet mask combination", None),
    (("a", "address=nonsense", "mask=8"),
     "nonsense/8 is not a valid network address and subnet mask combination", None),
    (("a", "address=10.0.0.0", "mask=8", "gateway=10.0.0"),
     '"gateway" parameter must be a valid IP address', ADD_USAGE),
])
def test_add_network_errors(stack, words, text, usage):
    before = snapshot()
    error(stack("add", "network", *words), text, usage)
    assert snapshot() == before


def test_list_network_patterns_filters_and_unknown(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8", "dns=true")
    r = stack("list", "network", "te%", "output-format=col:network")
    assert r.out == "test\n"
    assert stack("list", "network", "test", "private", "output-format=col:network").out == \
        "test\nprivate\n"
    assert stack("list", "network", "dns=true", "output-format=col:network").out == "test\n"
    assert stack("list", "network", "pxe=true", "output-format=col:network").out == "private\n"
    assert stack("list", "network", "dns=true", "pxe=true").out == ""
    error(stack("list", "network", "nope"), '"nope" argument is not a valid network',
          "[network ...]")


def test_remove_network(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    m.Route.objects.create(scope="global", address="10.1.1.0", netmask="255.255.255.0",
                           subnet=m.Network.objects.get(name="test"))
    assert stack("remove", "network", "test") == Result(0, "", "")
    assert not m.Network.objects.filter(name="test").exists()
    assert not m.Route.objects.filter(address="10.1.1.0").exists()


def test_remove_network_errors(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    before = snapshot()
    error(stack("remove", "network"), '"network" argument is required', "{network ...}")
    error(stack("remove", "network", "nope"), '"nope" argument is not a valid network',
          "{network ...}")
    # Nothing goes when one of several is in use.
    error(stack("remove", "network", "test", "private"), 'network "private" in use')
    assert snapshot() == before


# --- set network <field> -------------------------------------------------------

SET_USAGES = {
    "address": "{network} {address=string}",
    "mask": "{network ...} {mask=string}",
    "gateway": "{network} {gateway=string}",
    "dns": "{network ...} {dns=boolean}",
    "pxe": "{network ...} {pxe=boolean}",
    "mtu": "{network ...} {mtu=integer}",
    "name": "{network} {name=string}",
    "zone": "{network} {zone=string}",
}
SINGLE = ("address", "gateway", "name", "zone")


def test_set_network_usage_lines(stack):
    r = stack("help", "set", "network")
    assert r.out == "".join(f"set network {f} {u} \n" for f, u in sorted(SET_USAGES.items()))


@pytest.mark.parametrize("field", sorted(SET_USAGES))
def test_set_network_common_errors(stack, field):
    usage = SET_USAGES[field]
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    before = snapshot()
    error(stack("set", "network", field), '"network" argument is required', usage)
    # The unknown network is reported before the missing parameter.
    error(stack("set", "network", field, "nope"), '"nope" argument is not a valid network', usage)
    if field not in ("mtu", "zone"):
        error(stack("set", "network", field, "test", f"{field}="),
              f'"{field}" parameter is required', usage)
    error(stack("set", "network", field, "test"), f'"{field}" parameter is required', usage)
    if field in SINGLE:
        error(stack("set", "network", field, "test", "private", f"{field}=x"),
              '"network" argument must be unique', usage)
    assert snapshot() == before


def listed(stack, name="private"):
    return stack("list", "network", name, "output-format=json").out


def test_set_network_address(stack):
    assert stack("set", "network", "address", "private", "address=10.10.10.0") == Result(0, "", "")
    assert '"address": "10.10.10.0"' in listed(stack)
    before = snapshot()
    error(stack("set", "network", "address", "private", "address=10.10.10.1"),
          "10.10.10.1/255.255.255.0 is not a valid network address and subnet mask combination")
    assert snapshot() == before


def test_set_network_mask(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    assert stack("set", "network", "mask", "test", "private", "mask=16") == Result(0, "", "")
    assert stack("list", "network", "output-format=col:mask").out == "255.255.0.0\n" * 2
    before = snapshot()
    # 192.168.0.0/8 has host bits set: nothing is written, not even to test.
    error(stack("set", "network", "mask", "test", "private", "mask=255.0.0.0"),
          "192.168.0.0/255.0.0.0 is not a valid network address and subnet mask combination")
    assert snapshot() == before


def test_set_network_gateway(stack):
    assert stack("set", "network", "gateway", "private", "gateway=192.168.0.254") == \
        Result(0, "", "")
    assert '"gateway": "192.168.0.254"' in listed(stack)
    error(stack("set", "network", "gateway", "private", "gateway=router"),
          '"gateway" parameter must be a valid IP address', SET_USAGES["gateway"])


def test_set_network_dns_pxe(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    assert stack("set", "network", "dns", "%", "dns=yes") == Result(0, "", "")
    assert stack("set", "network", "pxe", "private", "pxe=maybe") == Result(0, "", "")
    assert stack("list", "network", "output-format=col:dns").out == "True\nTrue\n"
    assert stack("list", "network", "output-format=col:pxe").out == "False\nFalse\n"


def test_set_network_mtu(stack):
    assert stack("set", "network", "mtu", "private", "mtu=1500") == Result(0, "", "")
    assert '"mtu": 1500' in listed(stack)
    error(stack("set", "network", "mtu", "private", "mtu=big"),
          '"mtu" parameter must be an integer', SET_USAGES["mtu"])
    assert stack("set", "network", "mtu", "private", "mtu=") == Result(0, "", "")
    assert '"mtu": null' in listed(stack)


def test_set_network_name(stack):
    stack("add", "network", "test", "address=10.0.0.0", "mask=8")
    assert stack("set", "network", "name", "test", "name=fast") == Result(0, "", "")
    assert stack("list", "network", "output-format=col:network").out == "private\nfast\n"
    error(stack("set", "network", "name", "fast", "name=private"), 'network "private" exists')
    error(stack("set", "network", "name", "fast", "name=a b"),
          "network name must not contain a space")
    assert stack("set", "network", "name", "fast", "name=FAST") == Result(0, "", "")
    assert stack("list", "network", "output-format=col:network").out == "private\nFAST\n"


def test_set_network_zone(stack):
    assert stack("set", "network", "zone", "private", "zone=local") == Result(0, "", "")
    assert '"zone": "local"' in listed(stack)
    assert stack("set", "network", "zone", "private", "zone=") == Result(0, "", "")
    assert '"zone": ""' in listed(stack)
