"""Hosts: add, list, remove and the `set host ...` family."""

from __future__ import annotations

import re

from django.db.models import Q

from stacki.framework import errors
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.attrs import resolve, truthy

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


def valid_label(name: str) -> bool:
    return bool(LABEL.match(name))


def bootaction_exists(name: str, type_: str, os: m.OS) -> bool:
    return m.BootAction.objects.filter(
        Q(os=os) | Q(os__isnull=True), bootname__name=name, bootname__type=type_
    ).exists()


class AddHost(Command):
    """Add a new host to the cluster.

    A name of the form base-rack-rank gives the rack and rank, and the
    appliance when base names one.
    """

    path = "add host"
    args = (Arg("host", help="A single host name. The name is lower-cased."),)
    params = (
        Param("appliance", help="The appliance of the host (e.g. backend)."),
        Param("box", help="The box the host installs from (default: default)."),
        Param("environment", help="The environment of the host."),
        Param("rack", help="The rack the host is in."),
        Param("rank", help="The position of the host in its rack."),
    )
    examples = (
        Example("add host backend-0-1", "Adds backend-0-1: appliance backend, rack 0, rank 1."),
        Example("add host node7 appliance=backend rack=1 rank=7",
                "Adds node7 with an explicit appliance, rack and rank."),
    )
    related = ("list host", "remove host")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "host").lower()
        if not valid_label(name):
            raise errors.ArgValue("host", "a valid hostname label")
        if m.Host.objects.filter(name__iexact=name).exists():
            raise errors.CommandError(f'host "{name}" already exists in the database')
        base = name.split("-")
        appliance = params.value("appliance")
        rack, rank = params.value("rack"), params.value("rank")
        if len(base) == 3:
            if appliance is None and m.Appliance.objects.filter(name=base[0]).exists():
                appliance = base[0]
            rack = rack if rack is not None else base[1]
            rank = rank if rank is not None else base[2]
        for param, value in (("appliance", appliance), ("rack", rack), ("rank", rank)):
            if value is None:
                raise errors.ParamRequired(param)
        app = m.Appliance.objects.filter(name=appliance).first()
        if app is None:
            raise errors.CommandError(f'appliance "{appliance}" is not in the database')
        box_name = params.value("box", "default")
        box = m.Box.objects.select_related("os").filter(name=box_name).first()
        if box is None:
            raise errors.CommandError(f'box "{box_name}" is not in the database')
        env = None
        if params.value("environment") is not None:
            env = m.Environment.objects.filter(name=params["environment"]).first()
            if env is None:
                raise errors.CommandError("environment parameter not valid")
        installaction = params.value("installaction", "default")
        osaction = params.value("osaction", "default")
        if not bootaction_exists(installaction, "install", box.os):
            raise errors.CommandError(
                f'"{installaction}" install boot action for "{box.os.name}" is missing')
        if not bootaction_exists(osaction, "os", box.os):
            raise errors.CommandError(f'"{osaction}" os boot action for "{box.os.name}" is missing')
        m.Host.objects.create(name=name, appliance=app, box=box, environment=env, rack=rack,
                              rank=rank, osaction=osaction, installaction=installaction, boot="os")


class ListHost(Command):
    """List the hosts of the cluster, in cluster order."""

    path = "list host"
    args = (Arg("host", optional=True, repeat=True,
                help="Host names or selection expressions (a:backend, rack*, ...)."),)
    params = (Param("hash", "boolean", help="Add a hash column (always null here)."),)
    examples = (
        Example("list host", "Lists every host."),
        Example("list host a:backend output-format=json", "Lists the backends as JSON."),
    )
    related = ("add host", "remove host")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        expanded = params.flag("expanded")
        with_hash = params.flag("hash")
        kick = resolve(hosts, shadow=self.ctx.admin, const=False, pattern="kickstartable")
        header = ["host"] + (["id"] if expanded else []) + [
            "rack", "rank", "appliance", "os", "box", "environment", "osaction", "installaction",
        ] + (["hash"] if with_hash else []) + ["comment"]
        rows = []
        for h in hosts:
            attr = kick[h.id].get("kickstartable")
            bootable = attr is not None and truthy(attr.value)
            row = [h.name] + ([h.id] if expanded else []) + [
                h.rack, h.rank, h.appliance.name, h.box.os.name, h.box.name,
                h.environment.name if h.environment_id else None,
                h.osaction if bootable else None, h.installaction if bootable else None,
            ] + ([None] if with_hash else []) + [h.comment]
            rows.append(row)
        if params.get("order") == "desc":
            rows.reverse()
        return Table(header, rows)
