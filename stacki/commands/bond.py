"""Bonded and bridged interfaces: add host bonded, add host bridge.

Both are made of ordinary interfaces: the bond or bridge is a new interface
that takes the address, and the physical interfaces it joins lose theirs and
name it as their channel, which is what the ifcfg reports read.
"""

from __future__ import annotations

import re

from stacki import errors
from stacki.commands.interface import find_network, interfaces_of, one_host, some_hosts
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.inventory import models as m

ONE_HOST = (Arg("host", help="A single host name."),)


def bool_word(value: bool) -> str:
    return "true" if value else "false"


class AddHostBonded(Command):
    """Add a channel-bonded interface to a host.

    The bond takes the address and network; the physical interfaces lose
    theirs, take the host's name and the bond as their channel. When one of
    them was the default interface, the bond becomes the default.
    """

    path = "add host bonded"
    args = ONE_HOST
    params = (
        Param("channel", help="The bond's device name, e.g. bond0."),
        Param("interfaces", help="The physical interfaces, comma- or space-separated."),
        Param("ip", help="The bond's IP address."),
        Param("network", help="The bond's network."),
        Param("name", help="The host name on the bond (default: the host's name)."),
        Param("options", help="Bonding options (BONDING_OPTS of the bond's ifcfg file)."),
    )
    examples = (Example("add host bonded backend-0-0 channel=bond0 interfaces=eth0,eth1 "
                        "ip=10.1.255.254 network=private",
                        "Bonds eth0 and eth1 of backend-0-0 as bond0 with that address."),)
    related = ("add host interface", "list host interface", "report host interface")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        channel = params.require("channel")
        names = [n for n in re.split(r"[,\s]+", params.require("interfaces")) if n]
        ip = params.require("ip")
        network = find_network(params.require("network"))
        if not names:
            raise errors.ParamRequired("interfaces")
        ifaces = {i.device: i for i in interfaces_of([host])[host.id]}
        for name in names:
            if name not in ifaces:
                raise errors.CommandError(
                    f'interface "{name}" does not exist for host "{host.name}"')
        slaves = [ifaces[n] for n in dict.fromkeys(names)]
        default = any(s.default for s in slaves)
        m.Interface.objects.filter(id__in=[s.id for s in slaves]).update(
            network=None, ip=None, name=host.name, channel=channel)
        words = [host.name, f"interface={channel}", f"ip={ip}", "module=bonding",
                 f"name={params.value('name') or host.name}", f"network={network.name}",
                 f"default={bool_word(default)}"]
        if params.value("options"):
            words.append(f'options=bonding-opts="{params["options"]}"')
        self.call(["add", "host", "interface", *words])


class AddHostBridge(Command):
    """Add a bridge to hosts over one of their interfaces.

    The interface is chosen by `interface=`, `network=` or both and must be on
    a network. The bridge takes its network, address, name and default flag;
    the interface keeps only its device and names the bridge as its channel.
    """

    path = "add host bridge"
    # Stacki's usage line names one host; as in Stacki, several are bridged alike.
    args = (Arg("host", help="Host names or selections."),)
    params = (
        Param("name", help="The bridge's device name, e.g. br0."),
        Param("interface", help="The interface to bridge."),
        Param("network", help="The network of the interface to bridge."),
    )
    examples = (Example("add host bridge backend-0-0 name=cloudbr0 network=private interface=eth0",
                        "Bridges eth0 of backend-0-0 as cloudbr0 on the private network."),)
    related = ("add host interface", "list host interface", "report host interface")

    def run(self, args: list[str], params: Params) -> None:
        hosts = some_hosts(self, args)
        bridge = params.require("name")
        device, network = params.value("interface"), params.value("network")
        if device is None and network is None:
            raise errors.ParamRequired(["interface", "network"])
        by_host = interfaces_of(hosts)
        for host in hosts:
            iface = self.bridged(host, by_host[host.id], device, network)
            words = [host.name, f"interface={bridge}", f"network={iface.network.name}",
                     "options=bridge", f"default={bool_word(iface.default)}"]
            if iface.name is not None:
                words.append(f"name={iface.name}")
            if iface.ip is not None:
                words.append(f"ip={iface.ip}")
            m.Interface.objects.filter(id=iface.id).update(
                ip=None, network=None, channel=bridge)
            self.call(["add", "host", "interface", *words])

    @staticmethod
    def bridged(host: m.Host, ifaces: list[m.Interface], device: str | None,
                network: str | None) -> m.Interface:
        for iface in ifaces:
            if iface.network is None:
                continue
            if device is not None and iface.device != device:
                continue
            if network is not None and iface.network.name.lower() != network.lower():
                continue
            return iface
        where = (f"interface {device} configured on " if device else "") + (
            f"network {network} on " if network else "")
        raise errors.CommandError(f"Could not find {where}host {host.name}")
