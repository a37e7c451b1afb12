"""Appliances: add, list and remove."""

from __future__ import annotations

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Param, Params, bool2str
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.attr_store import store_attrs
from stacki.inventory.objects import select_objects

# The appliance every cluster needs: hosts named backend-R-R default to it.
DEFAULT_APPLIANCE = "backend"


def appliance_attrs(node: str | None) -> dict[str, str]:
    """The attributes a new appliance starts with; a node makes it installable."""
    if not node:
        return {"kickstartable": "False", "managed": "False"}
    return {"node": node, "kickstartable": "True", "managed": "True"}


class AddAppliance(Command):
    """Add an appliance: a kind of host (backend, switch, ...).

    With a node, hosts of the appliance are installable and managed.
    """

    path = "add appliance"
    args = (Arg("appliance", help="The name of the new appliance."),)
    params = (
        Param("node", help="The installation profile of its hosts; sets kickstartable and managed."),
        Param("public", "bool", help="Whether it is offered to users (default yes)."),
    )
    examples = (Example("add appliance compute node=backend",
                        "Adds an installable appliance compute using the backend profile."),
                Example("add appliance pdu public=no", "Adds a non-installable appliance pdu."))
    related = ("list appliance", "remove appliance")

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgUnique("appliance")
        name = args[0]
        if m.Appliance.objects.filter(name=name).exists():
            raise errors.CommandError(f'appliance "{name}" already exists')
        appliance = m.Appliance.objects.create(name=name, public=params.flag("public", True))
        store_attrs("appliance", {appliance.id: appliance_attrs(params.value("node"))})


class ListAppliance(Command):
    """List appliances and whether they are public."""

    path = "list appliance"
    args = (Arg("appliance", optional=True, repeat=True,
                help="Appliance names (SQL LIKE patterns, e.g. back%)."),)
    examples = (Example("list appliance", "Lists every appliance."),
                Example("list appliance back%", "Lists the appliances starting with back."))
    related = ("add appliance", "remove appliance")

    def run(self, args: list[str], params: Params) -> Table:
        appliances = select_objects(m.Appliance, args, "appliance")
        return Table(["appliance", "public"], [(a.name, bool2str(a.public)) for a in appliances])


class RemoveAppliance(Command):
    """Remove appliances with their attributes, routes and firewall rules.

    The backend appliance and appliances that hosts use cannot be removed.
    """

    path = "remove appliance"
    args = (Arg("name", help="Appliance names (several may be given)."),)
    examples = (Example("remove appliance compute", "Removes the compute appliance."),)
    related = ("add appliance", "list appliance")

    def run(self, args: list[str], params: Params) -> None:
        remove_unused(m.Appliance, args, "appliance", DEFAULT_APPLIANCE)


def remove_unused(model: type[m.Appliance | m.Box], args: list[str], kind: str,
                  default: str) -> None:
    """Remove appliances or boxes, refusing the default one and any a host is assigned to."""
    if not args:
        raise errors.ArgRequired(kind)
    objects = select_objects(model, args, kind)
    if any(o.name == default for o in objects):
        raise errors.CommandError(f"cannot remove default {kind}")
    host = (m.Host.objects.filter(**{f"{kind}__in": objects}).select_related(kind)
            .order_by("id").first())
    if host is not None:
        owner = getattr(host, kind).name
        raise errors.CommandError(
            f'cannot remove {kind} "{owner}" because host "{host.name}" is assigned to it')
    model.objects.filter(id__in=[o.id for o in objects]).delete()
