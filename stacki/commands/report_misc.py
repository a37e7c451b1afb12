"""`report version`, `report siteattr` and `report script`."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path

from stacki import VERSION, errors, home, sysfiles
from stacki.framework.command import Command, Example, Param, Params, respelled
from stacki.framework.output import Table, report
from stacki.localnet import local_nic
from stacki.sysfiles import read_system_file


class ReportVersion(Command):
    """Print the version of this product (also `stack --version`)."""

    path = "report version"
    examples = (Example("report version", "Prints the version, e.g. 5.7.0."),)
    related = ("list help",)

    def run(self, args: list[str], params: Params) -> Table:
        return report([VERSION])


# `stack version`, what a new user tries first.
Version = respelled(ReportVersion, "version", __name__)


# --- report siteattr -------------------------------------------------------------

def site_attrs(device: str) -> dict[str, str]:
    nic = local_nic(device)
    net = ipaddress.IPv4Network(f"{nic['ip']}/{nic['mask']}", strict=False)
    try:
        fqdn = socket.gethostbyaddr(nic["ip"])[0]
    except OSError:
        fqdn = socket.getfqdn()
    hostname, _, domain = fqdn.partition(".")
    nameservers = [line.split()[1] for line in read_system_file("/etc/resolv.conf") or []
                   if line.startswith("nameserver") and len(line.split()) > 1]
    return {
        "Info_FQDN": fqdn,
        "Kickstart_Keyboard": "us",
        "Kickstart_Lang": "en_US",
        "Kickstart_Langsupport": "en_US",
        "Kickstart_PrivateAddress": nic["ip"],
        "Kickstart_PrivateDNSDomain": domain,
        "Kickstart_PrivateDNSServers": nameservers[-1] if nameservers else "",
        "Kickstart_PrivateEthernet": nic["mac"],
        "Kickstart_PrivateGateway": nic["gateway"],
        "Kickstart_PrivateHostname": hostname,
        "Kickstart_PrivateInterface": device,
        "Kickstart_PrivateKickstartHost": nic["ip"],
        "Kickstart_PrivateNetmask": str(net.netmask),
        "Kickstart_PrivateNetmaskCIDR": str(net.prefixlen),
        "Kickstart_PrivateNetwork": str(net.network_address),
        "Kickstart_PrivateRootPassword": "*",
        "Kickstart_PublicNTPHost": "pool.ntp.org",
        "Kickstart_Timezone": "UTC",
    }


class ReportSiteattr(Command):
    """Print a bootstrap site.attrs file built from a local network interface.

    The private network settings (address, netmask, gateway, MAC, host and
    domain name, DNS server) come from inspecting this machine.
    """

    path = "report siteattr"
    params = (Param("interface", optional=False,
                    help="The local interface on the private network (default eth0)."),)
    examples = (Example("report siteattr interface=eth1",
                        "Prints site.attrs for the private network on eth1."),)
    related = ("list attr",)

    def run(self, args: list[str], params: Params) -> Table:
        attrs = site_attrs(params.value("interface", "eth0"))
        return report([f"{key}:{value}" for key, value in sorted(attrs.items())])


# --- report script ----------------------------------------------------------------

class ReportScript(Command):
    """Turn report output with <stack:file> blocks into a shell script that
    writes those files under $STACKI_SYSROOT.

    The report is read from standard input (or from file=). Each file is
    written to a temporary file and renamed into place, with the block's
    permissions; blocks with stack:mode="append" are appended.
    """

    path = "report script"
    params = (Param("file", help="Read the report from this file instead of standard input."),)
    examples = (
        Example("report host | stack report script",
                "Prints a script writing /etc/hosts."),
        Example("report dhcpd | stack report script | sh",
                "Writes the dhcpd configuration under $STACKI_SYSROOT."),
    )
    related = ("report host", "report dhcpd", "sync config")

    def run(self, args: list[str], params: Params) -> Table:
        name = params.value("file")
        if name is not None:
            try:
                text = Path(name).read_text()
            except OSError as exc:
                raise errors.CommandError(f'cannot read "{name}": {exc.strerror}') from None
        else:
            text = _stdin(self.ctx.api)
        blocks = sysfiles.parse(text.splitlines())
        return report(sysfiles.shell_script(blocks, str(home.sysroot())))


def _stdin(api: bool) -> str:
    """Standard input, unless it is a terminal, closed, or this runs for the web service."""
    stream = sys.stdin
    if api or stream is None or stream.closed:
        return ""
    try:
        if stream.isatty():
            return ""
        return stream.read()
    except (OSError, ValueError):
        return ""
