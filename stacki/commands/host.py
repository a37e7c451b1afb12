"""Hosts: add, list, remove and the `set host ...` family."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q

from stacki import errors
from stacki.commands.setfield import SetField
from stacki.framework import types
from stacki.framework.command import (
    ANY_HOSTS,
    HOSTS,
    ONE_HOST,
    Arg,
    Command,
    Example,
    Param,
    Params,
)
from stacki.framework.output import Table
from stacki.home import frontend_name
from stacki.inventory import models as m
from stacki.inventory import validation
from stacki.inventory.attr_store import store_attrs
from stacki.inventory.attrs import resolve, truthy
from stacki.inventory.scopes import placement
from stacki.inventory.vm_models import VirtualMachine


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
        Param("installaction", hidden=True, help="The install boot action (default: default)."),
        Param("osaction", hidden=True, help="The OS boot action (default: default)."),
    )
    examples = (
        Example("add host backend-0-1", "Adds backend-0-1: appliance backend, rack 0, rank 1."),
        Example("add host node7 appliance=backend rack=1 rank=7",
                "Adds node7 with an explicit appliance, rack and rank."),
    )
    related = ("list host", "remove host")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "host").lower()
        if not validation.valid_host_name(name):
            raise errors.ArgValue("host", "a valid hostname label")
        if m.Host.objects.named(name).exists():
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
    params = (
        Param("hash", "boolean", help="Add a hash column (always null here)."),
        Param("expanded", "boolean", hidden=True, help="Add the id column."),
        Param("order", types.choice("asc", "desc"), default="asc", hidden=True,
              help="asc (default): cluster order; desc: reversed."),
    )
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
        # Hosts share few placements (appliance, box, environment): names are read once per placement.
        names_of: dict[tuple, tuple] = {}
        for h in hosts:
            attr = kick[h.id].get("kickstartable")
            bootable = attr is not None and truthy(attr.value)
            key = placement(h)
            names = names_of.get(key) or names_of.setdefault(key, _placement_names(h))
            row = [h.name, h.rack, h.rank, *names,
                   h.osaction if bootable else None, h.installaction if bootable else None,
                   h.comment]
            if expanded:
                row.insert(1, h.id)
            if with_hash:
                row.insert(-1, None)
            rows.append(row)
        if params.typed("order") == "desc":
            rows.reverse()
        return Table(header, rows)


def _placement_names(host: m.Host) -> tuple[str, str, str, str | None]:
    """A host's appliance, OS, box and environment names, as list host shows them."""
    box, environment = host.box, host.environment
    return (host.appliance.name, box.os.name, box.name,
            environment.name if environment is not None else None)


SYNC = Param("sync", "boolean", help="Regenerate the PXE boot files (default true).")
BOOT_TYPES = ("os", "install")


def host_ids(hosts: list[m.Host]) -> list[int]:
    return [h.id for h in hosts]


class RemoveHost(Command):
    """Remove hosts from the cluster, then run sync config.

    Their interfaces, aliases, group memberships, boot settings and
    host-scoped attributes, routes and firewall rules go with them. The
    frontend running the command cannot be removed.
    """

    path = "remove host"
    args = (HOSTS,)
    examples = (
        Example("remove host backend-0-0", "Removes backend-0-0."),
        Example("remove host a:backend", "Removes every backend host."),
    )
    related = ("add host", "list host")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True)
        me = frontend_name().lower()
        for h in hosts:
            if h.name.lower() == me:
                raise errors.CommandError(f'cannot remove "{h.name}"')
        ids = host_ids(hosts)
        busy = VirtualMachine.objects.filter(hypervisor_id__in=ids).exclude(host_id__in=ids)
        for name in busy.values_list("hypervisor__name", flat=True).order_by("hypervisor_id")[:1]:
            raise errors.CommandError(f"Cannot remove host {name} with virtual machines assigned")
        # Interfaces, aliases, memberships and host-scoped rows cascade.
        m.Host.objects.filter(id__in=ids).delete()
        self.call(["sync", "config"])


class SetHostField(SetField):
    """Base of the `set host <field>` commands: one required parameter whose
    value is written to every selected host."""

    single: ClassVar[bool] = False

    @classmethod
    def target_args(cls) -> tuple[Arg, ...]:
        return (ONE_HOST if cls.single else HOSTS,)

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True, unique=self.single)
        changes = self.changes(self.field_value(params), hosts)
        m.Host.objects.filter(id__in=host_ids(hosts)).update(**changes)

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        return {self.field: value}


class SetHostAppliance(SetHostField):
    """Set the appliance of hosts."""

    path = "set host appliance"
    field = "appliance"
    value_help = "An appliance name (e.g. backend)."
    examples = (Example("set host appliance backend-0-0 appliance=builder",
                        "Makes backend-0-0 a builder."),)
    related = ("list appliance", "list host")

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        appliance = m.Appliance.objects.filter(name=value).first()
        if appliance is None:
            raise errors.CommandError("appliance parameter not valid")
        return {"appliance": appliance}


class SetHostBox(SetHostField):
    """Set the box hosts install from."""

    path = "set host box"
    field = "box"
    value_help = "A box name (e.g. default)."
    examples = (Example("set host box a:backend box=default",
                        "Puts every backend in the default box."),)
    related = ("list box", "list host")

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        box = m.Box.objects.filter(name=value).first()
        if box is None:
            raise errors.ArgNotFound(value, "box")
        return {"box": box}


class SetHostComment(SetHostField):
    """Set the comment of hosts. An empty comment clears it."""

    path = "set host comment"
    field = "comment"
    empty_clears = True
    value_help = "At most 140 characters."
    examples = (Example('set host comment backend-0-0 comment="Fast Node"',
                        'Sets the comment of backend-0-0 to "Fast Node".'),)
    related = ("list host",)

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        if len(value) > 140:
            raise errors.CommandError("comments must be no longer than 140 characters")
        return {"comment": value}


class SetHostEnvironment(SetHostField):
    """Set the environment of hosts. `environment=` takes hosts out of their environment."""

    path = "set host environment"
    field = "environment"
    empty_clears = True
    value_help = "An environment name, or empty."
    examples = (
        Example("set host environment backend-0-0 environment=test",
                "Puts backend-0-0 in the test environment."),
        Example("set host environment backend-0-0 environment=",
                "Takes backend-0-0 out of its environment."),
    )
    related = ("list environment", "list host")

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        if value == "":
            return {"environment": None}
        environment = m.Environment.objects.filter(name=value).first()
        if environment is None:
            raise errors.CommandError("environment parameter not valid")
        return {"environment": environment}


class SetHostName(SetHostField):
    """Rename a host."""

    path = "set host name"
    field = "name"
    single = True
    value_help = "The new name: a hostname label."
    examples = (Example("set host name backend-0-0 name=compute-0-0",
                        "Renames backend-0-0 to compute-0-0."),)
    related = ("list host",)

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        if not validation.valid_host_name(value):
            raise errors.ParamValue("name", "a valid hostname label")
        if m.Host.objects.named(value).exclude(id=hosts[0].id).exists():
            raise errors.CommandError("name already exists")
        return {"name": value}


class SetHostRack(SetHostField):
    """Set the rack of hosts."""

    path = "set host rack"
    field = "rack"
    value_help = "The rack (any string)."
    examples = (Example("set host rack backend-0-0 rack=2", "Moves backend-0-0 to rack 2."),)
    related = ("set host rank", "list host")


class SetHostRank(SetHostField):
    """Set the rank (position in the rack) of hosts."""

    path = "set host rank"
    field = "rank"
    value_help = "The rank (any string)."
    examples = (Example("set host rank backend-0-0 rank=4", "Gives backend-0-0 rank 4."),)
    related = ("set host rack", "list host")


class SetHostMetadata(SetHostField):
    """Set free-form metadata on hosts; it shows as the host attribute `metadata`.

    `metadata=` clears it.
    """

    path = "set host metadata"
    multiline = frozenset({"metadata"})
    field = "metadata"
    empty_clears = True
    value_help = "Any text, e.g. JSON."
    examples = (Example('set host metadata backend-0-0 metadata=\'{"owner": "lab"}\'',
                        "Stores a JSON document as the metadata of backend-0-0."),)
    related = ("list host attr",)

    def changes(self, value: str, hosts: list[m.Host]) -> dict[str, Any]:
        return {"metadata": value or None}


class SetHostBootaction(Command):
    """Set the install or OS boot action of hosts.

    The boot action must exist with that name and type (for any OS).
    """

    path = "set host bootaction"
    # Fixed by the installaction/osaction spellings; otherwise the `type` parameter.
    boot_type: ClassVar[str | None] = None
    args = (HOSTS,)
    params: ClassVar[tuple[Param, ...]] = (
        Param("action", optional=False, help="The boot action name (see list bootaction)."),
        Param("type", optional=False, help="os or install."),
        SYNC,
    )
    examples = (Example("set host bootaction backend-0-0 action=console type=install",
                        "Installs backend-0-0 with the console boot action."),)
    related = ("list bootaction", "list host")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True)
        action = params.require("action").lower()
        type_ = self.boot_type or params.require("type").lower()
        if type_ not in BOOT_TYPES:
            raise errors.ParamValue("type", "one of: os, install")
        if not m.BootAction.objects.filter(bootname__name=action, bootname__type=type_).exists():
            raise errors.CommandError(f'bootaction "{action}" does not exist')
        column = "osaction" if type_ == "os" else "installaction"
        m.Host.objects.filter(id__in=host_ids(hosts)).update(**{column: action})


class SetHostInstallaction(SetHostBootaction):
    """Set the install boot action of hosts (`set host bootaction type=install`)."""

    path = "set host installaction"
    boot_type = "install"
    params = (Param("action", optional=False, help="An install boot action name."), SYNC)
    examples = (Example("set host installaction backend-0-0 action=headless",
                        "Installs backend-0-0 with the headless boot action."),)


class SetHostOsaction(SetHostBootaction):
    """Set the OS boot action of hosts (`set host bootaction type=os`)."""

    path = "set host osaction"
    boot_type = "os"
    params = (Param("action", optional=False, help="An os boot action name."), SYNC)
    examples = (Example("set host osaction backend-0-0 action=memtest",
                        "Boots backend-0-0 into memtest."),)


def set_host_attr(ids: list[int], name: str, value: str) -> None:
    """Store a host-scope attribute, replacing a var or shadow one of that name."""
    store_attrs("host", {i: {name: value} for i in ids})


class SetHostBoot(Command):
    """Set what hosts do on their next boot: install or boot the OS.

    nukedisks and nukecontroller, when given, set those host attributes.
    """

    path = "set host boot"
    args = (HOSTS,)
    params = (
        Param("action", optional=False, help="install or os."),
        Param("nukecontroller", "boolean", help="Reset the storage controller on install."),
        Param("nukedisks", "boolean", help="Wipe the disks on install."),
        SYNC,
    )
    examples = (
        Example("set host boot backend-0-0 action=install",
                "Reinstalls backend-0-0 on its next boot."),
        Example("set host boot a:backend action=install nukedisks=true",
                "Reinstalls every backend, wiping its disks."),
    )
    related = ("list host boot",)

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True)
        action = params.require("action")
        if action not in BOOT_TYPES:
            raise errors.ParamValue("action", "one of: os, install")
        ids = host_ids(hosts)
        m.Host.objects.filter(id__in=ids).update(boot=action)
        for name in ("nukedisks", "nukecontroller"):
            if name in params:
                set_host_attr(ids, name, str(params.flag(name)))


class ListHostBoot(Command):
    """List the next boot action of hosts and whether their disks or
    controller get reset on install."""

    path = "list host boot"
    args = (ANY_HOSTS,)
    examples = (Example("list host boot a:backend", "Shows the boot settings of the backends."),)
    related = ("set host boot",)

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        attrs = resolve(hosts, shadow=self.ctx.admin, const=False, pattern="nuke*")

        def flag(host: m.Host, name: str) -> bool:
            attr = attrs[host.id].get(name)
            return attr is not None and truthy(attr.value)

        rows = [(h.name, h.boot, flag(h, "nukedisks"), flag(h, "nukecontroller")) for h in hosts]
        return Table(["host", "action", "nukedisks", "nukecontroller"], rows)
