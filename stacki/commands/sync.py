"""`sync ...`: write the generated system files under STACKI_SYSROOT and
reload the services that read them.

Files are written atomically (see stacki.sysfiles); services are reloaded
only when STACKI_SYSROOT is / and they are installed.
"""

from __future__ import annotations

import re

from stacki import sysfiles
from stacki.commands.report_common import Cluster, foreign_platform, frontend_os, sealed, stack_file
from stacki.commands.report_dhcpd import DHCPD_CONF, SYSCONFIG, HostDeclarations, report_dhcpd
from stacki.commands.report_dns import (
    NAMED_CONF,
    PATHS,
    collect_records,
    named_conf,
    served_networks,
    zone_files,
)
from stacki.commands.report_host_files import Resolver
from stacki.commands.report_hosts import etc_hosts
from stacki.framework.command import ANY_HOSTS, Arg, Command, Example, Params
from stacki.inventory import models as m

HOST_BLOCK = re.compile(r"^host (?P<name>\S+) \{$")
MAC_LINE = re.compile(r"^\s*hardware ethernet\s+(?P<mac>\S+);$")


class SyncCommand(Command):
    """A sync of files generated from the whole cluster; `sync config` runs
    several of them over one snapshot of it.

    `files` is the fixed set of paths the sync may write (globs): whatever a
    stored value might make the report say, nothing else is written.
    """

    files: tuple[str, ...] = ()

    def run(self, args: list[str], params: Params) -> None:
        self.sync(Cluster())

    def sync(self, cluster: Cluster) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, lines: list[str]) -> None:
        sysfiles.write(sysfiles.parse(sealed(lines)), allowed=self.files)


class SyncHost(SyncCommand):
    """Write /etc/hosts (report host) under STACKI_SYSROOT."""

    path = "sync host"
    files = ("/etc/hosts",)
    examples = (Example("sync host", "Rewrites /etc/hosts from the database."),)
    related = ("report host", "sync config")

    def sync(self, cluster: Cluster) -> None:
        self.ctx.progress("Sync Host")
        self.write(etc_hosts(self.ctx, cluster))


# --- dhcpd ---------------------------------------------------------------------

def _split_hosts(lines: list[str]) -> tuple[list[str], list[list[str]], list[str]]:
    """dhcpd.conf as what precedes its host declarations, the declarations
    (header to closing brace) and what follows them; blank lines between
    declarations are not kept (they are written back one per declaration)."""
    head: list[str] = []
    blocks: list[list[str]] = []
    tail: list[str] = []
    current: list[str] | None = None
    for line in lines:
        if current is not None:
            current.append(line)
            if line == "}":
                blocks.append(current)
                current = None
        elif HOST_BLOCK.match(line):
            current = [line]
        elif blocks:
            tail += [line] if line.strip() else []
        else:
            head.append(line)
    if current is not None:
        blocks.append(current)
    if blocks and head and not head[-1].strip():
        head.pop()  # the blank line that belongs to the first declaration
    return head, blocks, tail


def _block_owner(block: list[str]) -> tuple[str, str | None]:
    name = HOST_BLOCK.match(block[0]).group("name").split(".")[0]
    macs = [m_.group("mac") for line in block if (m_ := MAC_LINE.match(line))]
    return name, macs[0] if macs else None


def patch_hosts(lines: list[str], hosts: dict[str, list[str]], macs: set[str]) -> list[str]:
    """Replace the declarations of `hosts` (by name or MAC) with their new ones:
    where the host's first one was, else at the end."""
    head, blocks, tail = _split_hosts(lines)
    kept: list[list[str]] = []
    placed: set[str] = set()
    for block in blocks:
        name, mac = _block_owner(block)
        if name in hosts or mac in macs:
            if name in hosts and name not in placed:
                placed.add(name)
                kept += [new.split("\n")[1:] for new in hosts[name]]
            continue
        kept.append(block)
    for name, new_blocks in hosts.items():
        if name not in placed:
            kept += [new.split("\n")[1:] for new in new_blocks]
    return head + [line for block in kept for line in ["", *block]] + tail


class SyncDhcpd(SyncCommand):
    """Write the dhcpd configuration (report dhcpd) under STACKI_SYSROOT and restart dhcpd.

    With hosts, only their host declarations in the existing dhcpd.conf are
    replaced (new ones go at the end); the whole file is regenerated when it
    does not exist yet or a frontend is among the hosts.
    """

    path = "sync dhcpd"
    files = (DHCPD_CONF, SYSCONFIG)
    args = (Arg("host", optional=True, repeat=True,
                help="Only update the declarations of these hosts."),)
    examples = (
        Example("sync dhcpd", "Rewrites the dhcpd configuration and restarts dhcpd."),
        Example("sync dhcpd backend-0-7", "Updates only the declarations of backend-0-7."),
    )
    related = ("report dhcpd", "sync config")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args) if args else []
        existing = sysfiles.read_system_file(DHCPD_CONF) if args else None
        if existing is None or any(h.appliance.name == "frontend" for h in hosts):
            self.sync(Cluster())
        else:
            self.ctx.progress("Sync DHCP")
            self.write(self.patched(existing, hosts))
            sysfiles.services.apply(sysfiles.DHCPD, True, self.ctx.progress)

    def sync(self, cluster: Cluster) -> None:
        self.ctx.progress("Sync DHCP")
        self.write(report_dhcpd(self.ctx, cluster))
        sysfiles.services.apply(sysfiles.DHCPD, True, self.ctx.progress)

    def patched(self, existing: list[str], hosts: list[m.Host]) -> list[str]:
        cluster = Cluster(hosts)
        declarations = HostDeclarations(self.ctx, cluster)
        new = {h.name: declarations.of(h) for h in hosts}
        macs = {nic.mac for h in hosts for nic in cluster.nics[h.id] if nic.mac}
        return stack_file(DHCPD_CONF, patch_hosts(existing, new, macs))


# --- dns -------------------------------------------------------------------------

class SyncDns(SyncCommand):
    """Write the DNS files (report zones, report named and, unless the global
    attribute platform is docker or aws, the frontend's resolv.conf) under
    STACKI_SYSROOT, then restart named when a network is served in DNS, else
    stop it."""

    path = "sync dns"
    files = (NAMED_CONF, "/etc/resolv.conf",
             *(f"{p['directory']}/{name}" for p in PATHS.values()
               for name in ("*.domain", "*.domain.local", "reverse.*.domain",
                                  "reverse.*.domain.local")))
    examples = (Example("sync dns", "Rewrites named.conf and the zone files, restarts named."),)
    related = ("report named", "report zones", "sync config")

    def sync(self, cluster: Cluster) -> None:
        self.ctx.progress("Sync DNS")
        served = served_networks(self.ctx)
        collect_records(self.ctx, cluster, served)
        lines = zone_files(self.ctx, cluster, served)
        lines += named_conf(self.ctx, frontend_os(cluster.frontend), warn_about=False)
        frontend = cluster.frontend
        if frontend is not None and not foreign_platform():
            resolver = Resolver(self.ctx, Cluster([frontend]))
            lines += stack_file("/etc/resolv.conf", resolver.lines(frontend))
        self.write(lines)
        sysfiles.services.apply(sysfiles.NAMED, bool(served), self.ctx.progress)


class SyncConfig(SyncCommand):
    """Rebuild every generated configuration file and restart the services
    that read them: sync host (unless the global attribute platform is docker
    or aws), sync dhcpd, sync dns, sync host repo and sync host time."""

    path = "sync config"
    examples = (Example("sync config", "Rewrites all configuration files from the database."),)
    related = ("sync host", "sync dhcpd", "sync dns")

    def run(self, args: list[str], params: Params) -> None:
        self.ctx.progress("Sync Config")
        cluster = Cluster()
        syncs = [SyncDhcpd, SyncDns] if foreign_platform() else [SyncHost, SyncDhcpd, SyncDns]
        for sync in syncs:
            sync(self.ctx).sync(cluster)
        self.call(["sync", "host", "repo", "localhost"])
        self.call(["sync", "host", "time", "localhost"])


# --- per-host pushes: nothing to push here -----------------------------------------

class SyncHostNothing(Command):
    """Base of the per-host syncs that Stacki pushes to hosts over ssh."""

    args = (ANY_HOSTS,)

    def run(self, args: list[str], params: Params) -> None:
        self.hosts(args)  # unknown hosts are still an error


class SyncHostBoot(SyncHostNothing):
    """Regenerate the PXE boot files of hosts.

    Does nothing here: this product keeps no PXE/TFTP tree; the boot action
    is read from the database (list host boot). Host arguments are checked.
    """

    path = "sync host boot"
    examples = (Example("sync host boot backend-0-0", "Checks backend-0-0; writes nothing."),)
    related = ("set host boot", "list host boot")


class SyncHostConfig(SyncHostNothing):
    """Push the configuration files of hosts to them.

    Does nothing here: no files are pushed to hosts. Host arguments are checked.
    """

    path = "sync host config"
    examples = (Example("sync host config a:backend", "Checks the backends; pushes nothing."),)
    related = ("sync config",)


class SyncHostNetwork(SyncHostNothing):
    """Push the network configuration of hosts to them and restart their network.

    Does nothing here: use report host interface/network/resolv to get the
    files. Host arguments are checked.
    """

    path = "sync host network"
    examples = (Example("sync host network backend-0-0", "Checks backend-0-0; pushes nothing."),)
    related = ("report host interface", "report host network")


class SyncHostTime(SyncHostNothing):
    """Push the time service configuration of hosts to them.

    Does nothing here: no time service configuration is written. Host
    arguments are checked.
    """

    path = "sync host time"
    examples = (Example("sync host time localhost", "Checks the frontend; pushes nothing."),)
    related = ("sync config",)
