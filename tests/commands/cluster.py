"""A small cluster for the report and sync tests: several networks (two pxe,
five in DNS, two sharing a reverse zone), bonds, a VLAN, IPMI, aliases."""

from __future__ import annotations

SPEC_MAC = "00:11:22:33:44:55"


def run(stack, *words: str) -> None:
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)


def spec_frontend(stack) -> None:
    """The fresh frontend as the spec's report dhcpd example has it."""
    run(stack, "set", "network", "gateway", "private", "gateway=192.168.0.1")
    run(stack, "set", "host", "interface", "mac", "frontend-0-0", "interface=eth1",
        f"mac={SPEC_MAC}")


def backend(stack, n: int) -> None:
    host = f"backend-0-{n}"
    run(stack, "add", "host", host)
    for device, mac in (("eth0", f"00:11:22:33:44:{n:02x}"), ("eth1", f"00:11:22:33:55:{n:02x}")):
        run(stack, "add", "host", "interface", host, f"interface={device}", f"mac={mac}",
            "channel=bond0")
    run(stack, "add", "host", "interface", host, "interface=bond0", f"ip=192.168.0.1{n}",
        "network=private", "default=true")
    run(stack, "set", "host", "interface", "options", host, "interface=bond0",
        'options=bonding-opts="mode=4 miimon=100"')
    run(stack, "add", "host", "interface", host, "interface=eth0.100", f"ip=172.16.0.1{n}",
        "network=v100", "vlan=100")
    run(stack, "add", "host", "interface", host, "interface=ipmi", f"ip=10.2.0.1{n}",
        "network=ipmi", "channel=1", f"mac=00:11:22:33:66:{n:02x}")
    run(stack, "add", "host", "interface", host, "interface=eth2", f"ip=10.1.1.1{n}",
        "network=test", f"mac=00:11:22:33:77:{n:02x}", f"name=fast-0-{n}")
    run(stack, "add", "host", "interface", "alias", host, "interface=eth2", f"alias=f{n}")
    run(stack, "add", "host", "interface", "alias", host, "interface=bond0", f"alias=b{n}")


def build(stack) -> None:
    spec_frontend(stack)
    run(stack, "set", "network", "zone", "private", "zone=local")
    run(stack, "set", "network", "dns", "private", "dns=true")
    run(stack, "add", "network", "test", "address=10.1.1.0", "mask=255.255.255.128",
        "gateway=10.1.1.126", "dns=true", "pxe=true")
    run(stack, "add", "network", "small", "address=10.1.1.128", "mask=255.255.255.128",
        "dns=true")
    run(stack, "add", "network", "ipmi", "address=10.2.0.0", "mask=255.255.240.0",
        "zone=ipmi.example.com", "dns=true")
    run(stack, "add", "network", "v100", "address=172.16.0.0", "mask=255.255.0.0", "dns=true")
    run(stack, "set", "attr", "attr=Kickstart_PublicDNSServers", "value=8.8.8.8,8.8.4.4")
    run(stack, "add", "host", "interface", "frontend-0-0", "interface=eth0", "ip=10.1.1.1",
        "network=test", "mac=52:54:00:00:00:03")
    backend(stack, 0)
    backend(stack, 1)
    run(stack, "add", "host", "interface", "backend-0-0", "interface=eth3", "ip=10.1.1.130",
        "network=small", "mac=00:11:22:33:88:00", "options=shortname")
    run(stack, "add", "host", "switch-0-0", "appliance=switch")
    run(stack, "add", "host", "interface", "switch-0-0", "interface=eth0", "ip=192.168.0.250",
        "network=private", "mac=00:11:22:33:99:00", "default=true")
