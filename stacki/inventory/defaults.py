"""The data of a freshly installed frontend (cli.md §7)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import NamedTuple

from stacki.inventory import models as m
from stacki.inventory.attr_store import store_attrs

OSES = ("redhat", "ubuntu", "sles", "vmware", "xenserver")

# name: (public, attrs)
APPLIANCES = {
    "frontend": (False, {"node": "server", "kickstartable": "True", "managed": "False",
                         "time.protocol": "chrony", "time.orphantype": "parent"}),
    "builder": (False, {"node": "builder", "kickstartable": "True", "managed": "True"}),
    "barnacle": (False, {"node": "barnacle", "kickstartable": "True", "managed": "True"}),
    "switch": (False, {"kickstartable": "False", "managed": "False"}),
    "backend": (True, {"node": "backend", "kickstartable": "True", "managed": "True"}),
    "replicant": (True, {"node": "replicant", "kickstartable": "True", "managed": "True",
                         "const_overwrite": "False"}),
    "external": (False, {"kickstartable": "False", "managed": "False"}),
    "hypervisor": (True, {"node": "hypervisor", "kickstartable": "True", "managed": "True",
                          "hypervisor": "True"}),
}

OS_BOOTACTIONS = (
    ("default", "com32 chain.c32", None, "hd0"),
    ("pxeflash", "kernel memdisk bigraw", "pxeflash.img", "keeppxe"),
    ("localboot", "localboot 0", None, None),
    ("hplocalboot", "localboot -1", None, None),
    ("memtest", "kernel memtest", None, None),
)

FIREWALL = (
    # name, service, protocol, action, network, flags, comment
    ("LOOPBACK-NET", "all", "all", "ACCEPT", None, "-i lo",
     "Accept all traffic over loopback interface"),
    ("SSH", "ssh", "tcp", "ACCEPT", None, "-m state --state NEW",
     "Accept all ssh traffic on all networks"),
    ("PRIVATE-RELATED", "all", "all", "ACCEPT", None, "-m state --state RELATED,ESTABLISHED",
     "Accept related and established connections"),
    ("PRIVATE-NET", "all", "all", "ACCEPT", "private", None, "Accept all traffic on private network"),
    ("REJECT-ALL", "all", "all", "REJECT", None, None, "Block all traffic"),
)

ACCESS = (("*", "root"), ("*", "apache"), ("list*", "wheel"), ("list *", "nobody"))

BLACKLIST = ("list host message", "add api sudo command", "report system")
SUDO = ("sync *", "load *", "unload *", "remove host", "add pallet", "enable pallet",
        "disable pallet", "remove pallet", "list host switch", "list switch *",
        "create host switch mapping")

FRONTEND_IP = "192.168.0.2"
FRONTEND_MAC = "52:54:00:00:00:02"
FRONTEND_DEVICE = "eth1"


class Nic(NamedTuple):
    """The frontend's interface on the private network."""

    device: str = FRONTEND_DEVICE
    ip: str = FRONTEND_IP
    mask: str = "255.255.255.0"
    mac: str = FRONTEND_MAC
    gateway: str = ""

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"{self.ip}/{self.mask}", strict=False)


# A home made for a preview tree (STACKI_SYSROOT not /) gets this seeded one.
SEEDED = Nic()


def native_os(sysroot: Path) -> str:
    """The frontend's OS, read from release markers as Stacki does."""
    etc = sysroot / "etc"
    if (etc / "SuSE-release").exists() or (etc / "SUSE-brand").exists():
        return "sles"
    return "redhat"


def install_bootactions(native: str, ip: str = FRONTEND_IP) -> list[tuple[str, str, str, str]]:
    kernel = f"vmlinuz-5.7.0-{native}7-x86_64"
    ramdisk = f"initrd.img-5.7.0-{native}7-x86_64"
    head = (f"ip=bootif:dhcp inst.ks=https://{ip}/install/sbin/profile.cgi "
            "inst.geoloc=0 inst.noverifyssl")
    tail = "ramdisk_size=300000"
    return [
        ("default", kernel, ramdisk, f"{head} {tail}"),
        ("console", kernel, ramdisk, f"{head} {tail} console=tty0 console=ttyS0,115200n8"),
        ("no-parallel-format", kernel, ramdisk, f"{head} no-parallel-format {tail}"),
        ("headless", kernel, ramdisk, f"{head} inst.vnc {tail}"),
        ("rescue", kernel, ramdisk, f"{head} rescue {tail}"),
    ]


def global_attrs(native: str, frontend: str, nic: Nic = SEEDED) -> dict[str, str]:
    net = nic.network
    attrs = {
        "Info_FQDN": frontend,
        "Kickstart_Keyboard": "us",
        "Kickstart_Lang": "en_US",
        "Kickstart_Langsupport": "en_US",
        "Kickstart_PrivateAddress": nic.ip,
        "Kickstart_PrivateDNSDomain": "",
        "Kickstart_PrivateDNSServers": nic.ip,
        "Kickstart_PrivateEthernet": nic.mac,
        "Kickstart_PrivateGateway": nic.gateway,
        "Kickstart_PrivateHostname": frontend,
        "Kickstart_PrivateInterface": nic.device,
        "Kickstart_PrivateKickstartHost": nic.ip,
        "Kickstart_PrivateNetmask": str(net.netmask),
        "Kickstart_PrivateNetmaskCIDR": str(net.prefixlen),
        "Kickstart_PrivateNetwork": str(net.network_address),
        "Kickstart_PublicNTPHost": "pool.ntp.org",
        "Kickstart_Timezone": "UTC",
        "sync.ssh.authkey": "True",
        "ssh.use_dns": "True",
        "os": native,
        "firewall": "True",
        "time.protocol": "chrony",
    }
    if native == "sles":
        attrs.update({"install.confirm": "false", "install.final_reboot": "false",
                      "systemd.default.target": "multi-user"})
    else:
        attrs.update({"user.auth": "unix", "manage.hostsfile": "False"})
    return attrs


def load(native: str, frontend: str, nic: Nic = SEEDED) -> None:
    """Insert the default data; the caller holds the initialisation lock.

    `nic` is the frontend's interface on the private network: on a real
    frontend the machine's own, else a seeded one.
    """
    oses = {name: m.OS.objects.create(name=name) for name in OSES}
    boxes = {name: m.Box.objects.create(name=name, os=oses[native]) for name in ("frontend", "default")}
    appliances = {}
    for name, (public, app_attrs) in APPLIANCES.items():
        appliance = m.Appliance.objects.create(name=name, public=public)
        appliances[name] = appliance
        store_attrs("appliance", {appliance.id: app_attrs})
    store_attrs("global", {None: global_attrs(native, frontend, nic)}, keep_empty=True)
    store_attrs("global", {None: {"Kickstart_PrivateRootPassword": "*"}}, shadow=True)

    for name, kernel, ramdisk, args in OS_BOOTACTIONS:
        bootname = m.BootName.objects.create(name=name, type="os")
        m.BootAction.objects.create(bootname=bootname, os=None, kernel=kernel,
                                    ramdisk=ramdisk, args=args)
    for name, kernel, ramdisk, args in install_bootactions(native, nic.ip):
        bootname = m.BootName.objects.create(name=name, type="install")
        m.BootAction.objects.create(bootname=bootname, os=oses[native], kernel=kernel,
                                    ramdisk=ramdisk, args=args)

    private = m.Network.objects.create(name="private", address=str(nic.network.network_address),
                                       mask=str(nic.network.netmask), gateway=nic.gateway,
                                       mtu=None, zone="",
                                       dns=False, pxe=True)
    m.Route.objects.bulk_create([
        m.Route(scope="global", address="224.0.0.0", netmask="255.255.255.0", subnet=private),
        m.Route(scope="global", address="255.255.255.255", netmask="255.255.255.255",
                subnet=private),
    ])
    m.FirewallRule.objects.bulk_create([
        m.FirewallRule(scope="global", name=name, table="filter", chain="INPUT", action=action,
                       service=service, protocol=protocol,
                       network=private if network else None, flags=flags, comment=comment)
        for name, service, protocol, action, network, flags, comment in FIREWALL
    ])

    # Stacki's default controller layout: every disk a RAID 0 array of its own.
    m.StorageController.objects.create(scope="global", slot=-1, raidlevel="0", arrayid=-2)

    host = m.Host.objects.create(name=frontend, appliance=appliances["frontend"],
                                 box=boxes["frontend"], rack="0", rank="0", osaction="default",
                                 installaction="default", boot="os")
    m.Interface.objects.create(host=host, device=nic.device, mac=nic.mac or None,
                               ip=nic.ip, name=frontend, network=private, default=True)
    if native != "sles":
        store_attrs("host", {host.id: {"roll_install_on_the_fly": "true"}}, shadow=True)

    m.Access.objects.bulk_create([m.Access(command=c, group=g) for c, g in ACCESS])
    m.Blacklist.objects.bulk_create([m.Blacklist(command=c) for c in BLACKLIST])
    m.SudoCommand.objects.bulk_create([m.SudoCommand(command=c) for c in SUDO])
    default_group = m.Group.objects.create(name="default")
    m.GroupPerm.objects.create(group=default_group, command="list *")
    register_own_pallet(native)


def register_own_pallet(native: str) -> None:
    """The `stacki` pallet, which provides this product's commands (list
    pallet command). It has no files: no box enables it."""
    from stacki import VERSION
    from stacki.inventory.attrs import release

    m.Pallet.objects.get_or_create(name="stacki", version=VERSION, release=release(native),
                                   arch="x86_64", os=native)
