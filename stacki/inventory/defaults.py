"""The data of a freshly installed frontend (cli.md §7)."""

from __future__ import annotations

from pathlib import Path

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


def native_os(sysroot: Path) -> str:
    """The frontend's OS, read from release markers as Stacki does."""
    etc = sysroot / "etc"
    if (etc / "SuSE-release").exists() or (etc / "SUSE-brand").exists():
        return "sles"
    return "redhat"


def install_bootactions(native: str) -> list[tuple[str, str, str, str]]:
    kernel = f"vmlinuz-5.7.0-{native}7-x86_64"
    ramdisk = f"initrd.img-5.7.0-{native}7-x86_64"
    head = (f"ip=bootif:dhcp inst.ks=https://{FRONTEND_IP}/install/sbin/profile.cgi "
            "inst.geoloc=0 inst.noverifyssl")
    tail = "ramdisk_size=300000"
    return [
        ("default", kernel, ramdisk, f"{head} {tail}"),
        ("console", kernel, ramdisk, f"{head} {tail} console=tty0 console=ttyS0,115200n8"),
        ("no-parallel-format", kernel, ramdisk, f"{head} no-parallel-format {tail}"),
        ("headless", kernel, ramdisk, f"{head} inst.vnc {tail}"),
        ("rescue", kernel, ramdisk, f"{head} rescue {tail}"),
    ]


def global_attrs(native: str, frontend: str) -> dict[str, str]:
    attrs = {
        "Info_FQDN": frontend,
        "Kickstart_Keyboard": "us",
        "Kickstart_Lang": "en_US",
        "Kickstart_Langsupport": "en_US",
        "Kickstart_PrivateAddress": FRONTEND_IP,
        "Kickstart_PrivateDNSDomain": "",
        "Kickstart_PrivateDNSServers": FRONTEND_IP,
        "Kickstart_PrivateEthernet": FRONTEND_MAC,
        "Kickstart_PrivateGateway": "",
        "Kickstart_PrivateHostname": frontend,
        "Kickstart_PrivateInterface": FRONTEND_DEVICE,
        "Kickstart_PrivateKickstartHost": FRONTEND_IP,
        "Kickstart_PrivateNetmask": "255.255.255.0",
        "Kickstart_PrivateNetmaskCIDR": "24",
        "Kickstart_PrivateNetwork": "192.168.0.0",
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


def load(native: str, frontend: str) -> None:
    """Insert the default data; the caller holds the initialisation lock."""
    oses = {name: m.OS.objects.create(name=name) for name in OSES}
    boxes = {name: m.Box.objects.create(name=name, os=oses[native]) for name in ("frontend", "default")}
    appliances = {}
    for name, (public, app_attrs) in APPLIANCES.items():
        appliance = m.Appliance.objects.create(name=name, public=public)
        appliances[name] = appliance
        store_attrs("appliance", {appliance.id: app_attrs})
    store_attrs("global", {None: global_attrs(native, frontend)}, keep_empty=True)
    store_attrs("global", {None: {"Kickstart_PrivateRootPassword": "*"}}, shadow=True)

    for name, kernel, ramdisk, args in OS_BOOTACTIONS:
        bootname = m.BootName.objects.create(name=name, type="os")
        m.BootAction.objects.create(bootname=bootname, os=None, kernel=kernel,
                                    ramdisk=ramdisk, args=args)
    for name, kernel, ramdisk, args in install_bootactions(native):
        bootname = m.BootName.objects.create(name=name, type="install")
        m.BootAction.objects.create(bootname=bootname, os=oses[native], kernel=kernel,
                                    ramdisk=ramdisk, args=args)

    private = m.Network.objects.create(name="private", address="192.168.0.0",
                                       mask="255.255.255.0", gateway="", mtu=None, zone="",
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

    host = m.Host.objects.create(name=frontend, appliance=appliances["frontend"],
                                 box=boxes["frontend"], rack="0", rank="0", osaction="default",
                                 installaction="default", boot="os")
    m.Interface.objects.create(host=host, device=FRONTEND_DEVICE, mac=FRONTEND_MAC,
                               ip=FRONTEND_IP, name=frontend, network=private, default=True)
    if native != "sles":
        store_attrs("host", {host.id: {"roll_install_on_the_fly": "true"}}, shadow=True)

    m.Access.objects.bulk_create([m.Access(command=c, group=g) for c, g in ACCESS])
    m.Blacklist.objects.bulk_create([m.Blacklist(command=c) for c in BLACKLIST])
    m.SudoCommand.objects.bulk_create([m.SudoCommand(command=c) for c in SUDO])
    default_group = m.Group.objects.create(name="default")
    m.GroupPerm.objects.create(group=default_group, command="list *")
