"""Host interface aliases: add, list and remove (extra DNS names of an interface)."""

from __future__ import annotations

from stacki import errors
from stacki.commands.interface import ANY_HOSTS_ARG, HOST_ARG, one_host
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.interfaces import for_hosts
from stacki.inventory.values import is_ipv4


class AddHostInterfaceAlias(Command):
    """Add an alias (another DNS name) to an interface of a host.

    The same alias may sit on several interfaces of one host, not on two hosts.
    """

    path = "add host interface alias"
    args = HOST_ARG
    params = (
        Param("alias", optional=False, help="The alias; not a host name, number or IP."),
        Param("interface", optional=False, help="The device the alias is for."),
    )
    examples = (Example("add host interface alias backend-0-0 interface=eth0 alias=b00",
                        'Adds the alias "b00" to eth0 of backend-0-0.'),)
    related = ("list host interface alias", "remove host interface alias")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        alias, device = params.require("alias"), params.require("interface")
        if m.Host.objects.named(alias).exists():
            raise errors.CommandError("hostname already in use")
        if alias.isdigit():
            raise errors.CommandError("aliases cannot be only numbers")
        if is_ipv4(alias):
            raise errors.CommandError("aliases cannot be an IP address")
        taken = m.Alias.objects.filter(name__iexact=alias).values_list(
            "interface__host_id", "interface__device")
        if any(h != host.id or d == device for h, d in taken):
            raise errors.CommandError(f'alias "{alias}" exists')
        iface = m.Interface.objects.filter(host=host, device=device).first()
        if iface is None:
            raise errors.CommandError("interface does not exist")
        m.Alias.objects.create(interface=iface, name=alias)


class ListHostInterfaceAlias(Command):
    """List the aliases of host interfaces."""

    path = "list host interface alias"
    args = ANY_HOSTS_ARG
    params = (Param("interface", help="Only the aliases of this device."),
              # Read only to refuse them, as Stacki does: hosts are arguments.
              Param("host", hidden=True, help="Refused: hosts are arguments."),
              Param("hosts", hidden=True, help="Refused: hosts are arguments."))
    examples = (Example("list host interface alias backend-0-0 interface=eth0",
                        "Lists the aliases of eth0 of backend-0-0."),)
    related = ("add host interface alias", "remove host interface alias")

    def run(self, args: list[str], params: Params) -> Table:
        if "host" in params or "hosts" in params:
            raise errors.UsageError("Incorrect usage.")
        hosts = self.hosts(args)
        device = params.value("interface")
        aliases = m.Alias.objects.select_related("interface").order_by("id")
        if device is not None:
            aliases = aliases.filter(interface__device=device)
        by_host: dict[int, list[m.Alias]] = {h.id: [] for h in hosts}
        for alias in for_hosts(aliases, hosts, "interface__host_id"):
            by_host[alias.interface.host_id].append(alias)
        rows = [(h.name, a.name, a.interface.device) for h in hosts for a in by_host[h.id]]
        return Table(["host", "alias", "interface"], rows)


class RemoveHostInterfaceAlias(Command):
    """Remove aliases of a host: all, those of one device, or one alias."""

    path = "remove host interface alias"
    args = HOST_ARG
    params = (
        Param("alias", help="Only this alias."),
        Param("interface", help="Only the aliases of this device."),
    )
    examples = (Example("remove host interface alias backend-0-0 interface=eth0",
                        "Removes every alias of eth0 of backend-0-0."),)
    related = ("add host interface alias", "list host interface alias")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        doomed = m.Alias.objects.filter(interface__host=host)
        if params.value("alias") is not None:
            doomed = doomed.filter(name=params["alias"])
        if params.value("interface") is not None:
            doomed = doomed.filter(interface__device=params["interface"])
        doomed.delete()
