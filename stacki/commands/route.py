"""Static routes at every scope: add/list/remove route and their os,
appliance, environment and host wrappers (commands.md §12)."""

from __future__ import annotations

from collections import defaultdict

from stacki import errors
from stacki.commands.scoped import (
    GLOBAL,
    SCOPES,
    Scope,
    ScopedCommand,
    ScopedRemove,
    derive,
    holders,
    scoped_rows,
    target_fields,
    target_id,
)
from stacki.framework.command import Arg, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory import scopes

COLUMNS = ("network", "netmask", "gateway", "subnet", "interface")
FIELDS = ("address", "netmask", "gateway", "subnet__name", "interface", "subnet_id")
SYNCNOW = Param("syncnow", help="Also change the live routing table of this frontend (no-op).")


class AddRoute(ScopedCommand):
    """Add a global route, for every host of the cluster.

    A gateway naming a network makes a route through that network's
    interface; otherwise it is an address or a device.
    """

    path = "add route"
    params = (
        Param("address", optional=False, help="Host or network address."),
        Param("gateway", optional=False, help="Gateway address, network name or device."),
        Param("netmask", help="Netmask of a network route. Default 255.255.255.255."),
        Param("interface", help="Device to send the traffic through (e.g. eth0.1)."),
    )
    host_params = (SYNCNOW,)
    examples = (Example("add route address=10.1.0.0 netmask=255.255.0.0 gateway=192.168.0.1",
                        "Routes 10.1.0.0/16 through 192.168.0.1 on every host."),)
    related = ("list route", "remove route")
    wrapper_doc = """Add a route for one or more {plural}."""
    wrapper_examples = (Example("add {scope} route {example} address=10.2.0.1 gateway=private",
                                "Routes 10.2.0.1 through the private network for {example}."),)

    def run(self, args: list[str], params: Params) -> None:
        scope, targets = self.write_targets(args, params)
        address, gateway = params.require("address"), params.require("gateway")
        subnet = m.Network.objects.filter(name=gateway).first()
        if holders(m.Route, scope, targets, address=address):
            raise errors.CommandError(f'route for "{address}" already exists')
        m.Route.objects.bulk_create(
            m.Route(address=address, netmask=params.value("netmask", "255.255.255.255"),
                    gateway=None if subnet else gateway, subnet=subnet,
                    interface=params.value("interface"), **target_fields(scope, t))
            for t in targets)


class RemoveRoute(ScopedRemove):
    """Remove a global route."""

    path = "remove route"
    params = (Param("address", optional=False, help="Address of the route."),)
    host_params = (SYNCNOW,)
    model, param, field = m.Route, "address", "address"
    missing = 'route with address "{}" does not exist'
    examples = (Example("remove route address=10.1.0.0", "Removes the global route to 10.1.0.0."),)
    related = ("add route", "list route")
    wrapper_doc = """Remove a route of one or more {plural}."""
    wrapper_examples = (Example("remove {scope} route {example} address=10.2.0.1",
                                "Removes the route to 10.2.0.1 of {example}."),)


class ListRoute(ScopedCommand):
    """List the global routes.

    At host scope each host's routes are resolved by address: host, then
    environment, OS, appliance and global routes; `source` tells which.
    """

    path = "list route"
    target_arg = "optional"
    examples = (Example("list route", "Lists the global routes."),)
    related = ("add route", "remove route")
    wrapper_doc = ("List the routes of {plural}.\n\nAt host scope each host's routes are "
                   "resolved by address (host > environment > os > appliance > global); "
                   "`source` tells where each comes from.")
    wrapper_examples = (Example("list {scope} route {example}", "Lists the routes of {example}."),)

    @classmethod
    def arg_for(cls, scope: Scope) -> Arg:
        if scope.name == "host":
            return Arg("host", optional=True, help="Host names or selections.")
        return super().arg_for(scope)

    def run(self, args: list[str], params: Params) -> Table:
        scope = self.scope_of(params)
        targets = self.targets(scope, args)
        if scope.name == "host":
            return Table(["host", *COLUMNS, "source"], host_routes(targets))
        owner = "" if scope is GLOBAL else scope.name
        return Table([owner, *COLUMNS], scope_routes(scope, targets))


def scope_routes(scope: Scope, targets: list) -> list[tuple]:
    """Rows of the routes stored at these targets: by target, then address."""
    by_target: dict[int | None, list[tuple]] = defaultdict(list)
    stored = [row for rows in scoped_rows(m.Route, scope, targets)
              for row in rows.values_list(target_id(scope), *FIELDS, "id")]
    for row in sorted(stored, key=lambda row: (row[1], row[-1])):
        by_target[None if scope is GLOBAL else row[0]].append(row[1:6])
    rows = []
    for target in targets:
        name, key = ("", None) if target is None else (target.name, target.id)
        rows += [(name, *route) for route in by_target.get(key, ())]
    return rows


def host_routes(hosts: list[m.Host]) -> list[tuple]:
    """Each host's routes, resolved by address, sorted by address. A route
    through a network uses the host's own (non-vlan) device on it."""
    resolved = scopes.resolve_rows(m.Route, hosts, FIELDS)
    devices: dict[tuple[int, int], str] = {}
    interfaces = scopes.for_hosts(m.Interface.objects.filter(network__isnull=False), hosts)
    for host_id, network_id, device in interfaces.order_by("id").values_list(
            "host_id", "network_id", "device"):
        if device and not device.startswith("vlan"):
            devices.setdefault((host_id, network_id), device)
    rows = []
    for host in hosts:
        for address, (scope, row) in sorted(resolved[host.id].items()):
            interface = devices.get((host.id, row[5]), row[4]) if row[5] else row[4]
            rows.append((host.name, *row[:4], interface, SCOPES[scope].letter))
    return rows


derive(AddRoute, globals())
derive(RemoveRoute, globals())
derive(ListRoute, globals())
