"""Boot actions: what a host boots into (type `os`) or installs with (type `install`).

A boot action is (name, type, os); os may be null, meaning any OS.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import Q

from stacki import errors
from stacki.commands.setfield import SetField
from stacki.framework import types
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.oses import find_os, native_os

FIELDS = ("kernel", "ramdisk", "args")
ACTION = Arg("action", help="The boot action name.")
OS = Param("os", help="The OS it applies to (install default: the frontend's OS; os default: any).")
TYPE = Param("type", help="os or install (required).")


def boot_type(params: Params) -> str:
    type_ = params.require("type")
    if type_ not in ("os", "install"):
        raise errors.ParamValue("type", '"os" or "install"')
    return type_


def boot_os(params: Params, type_: str) -> m.OS | None:
    name = params.value("os")
    if name:
        return find_os(name)
    return native_os() if type_ == "install" else None


def find_action(name: str, type_: str, os: m.OS | None) -> m.BootAction | None:
    return m.BootAction.objects.filter(bootname__name=name, bootname__type=type_, os=os).first()


class AddBootaction(Command):
    """Add a boot action. The kernel parameter must be given (it may be empty)."""

    path = "add bootaction"
    # `set bootaction` overwrites an existing boot action instead of refusing.
    overwrite: ClassVar[bool] = False
    args = (ACTION,)
    params = (
        Param("args", help="The kernel command line."),
        Param("kernel", help="The kernel (required, may be empty)."),
        OS,
        Param("ramdisk", help="The ramdisk."),
        TYPE,
    )
    examples = (Example('add bootaction rescue type=install kernel="vmlinuz" ramdisk="initrd.img" '
                        'args="rescue"', "Adds an install boot action rescue for the frontend's OS."),)
    related = ("list bootaction", "remove bootaction", "set bootaction")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "action")
        type_ = boot_type(params)
        if "kernel" not in params:
            raise errors.ParamRequired("kernel")
        os = boot_os(params, type_)
        values = {f: params.value(f) for f in FIELDS}
        action = find_action(name, type_, os)
        if action is None:
            bootname, _ = m.BootName.objects.get_or_create(name=name, type=type_)
            m.BootAction.objects.create(bootname=bootname, os=os, **values)
        elif not self.overwrite:
            raise errors.CommandError(f'action "{name}" exists')
        else:
            changed = {f: v for f, v in values.items() if v is not None}
            m.BootAction.objects.filter(id=action.id).update(**changed)


class SetBootaction(AddBootaction):
    """Add a boot action, or change the kernel, ramdisk and args of an existing
    one (empty values leave a field as it is)."""

    path = "set bootaction"
    overwrite = True
    examples = (Example('set bootaction memtest type=os kernel="kernel memtest86"',
                        "Changes the kernel of the memtest boot action."),)


class ListBootaction(Command):
    """List boot actions in creation order.

    Action names given as arguments, and the type= and os= parameters, filter
    the listing; an os filter also keeps the boot actions of any OS.
    """

    path = "list bootaction"
    params = (Param("type", types.choice("os", "install", case=True), hidden=True,
                    help="Only boot actions of this type."),
              Param("os", hidden=True, help="Only boot actions of this OS (and of any OS)."))
    examples = (Example("list bootaction", "Lists every boot action."),
                Example("list bootaction default type=install", "Lists the default install actions."))
    related = ("add bootaction", "remove bootaction")

    def run(self, args: list[str], params: Params) -> Table:
        actions = m.BootAction.objects.select_related("bootname", "os").order_by("id")
        if args:
            actions = actions.filter(bootname__name__in=args)
        if params.typed("type"):
            actions = actions.filter(bootname__type=params.typed("type"))
        if params.value("os"):
            actions = actions.filter(Q(os__name=params["os"]) | Q(os__isnull=True))
        rows = [(a.bootname.name, a.bootname.type, a.os.name if a.os_id else None,
                 a.kernel, a.ramdisk, a.args) for a in actions]
        return Table(["bootaction", "type", "os", "kernel", "ramdisk", "args"], rows)


class RemoveBootaction(Command):
    """Remove a boot action. Hosts using it keep its name."""

    path = "remove bootaction"
    args = (ACTION,)
    params = (OS, TYPE)
    examples = (Example("remove bootaction memtest type=os", "Removes the memtest boot action."),)
    related = ("add bootaction", "list bootaction")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "action")
        type_ = boot_type(params)
        os = boot_os(params, type_)
        action = find_action(name, type_, os)
        if action is None:
            shown = os.name if os else ""
            raise errors.CommandError(f'action/type/os "{name}/{type_}/{shown}" does not exists')
        action.delete()
        m.BootName.objects.filter(id=action.bootname_id, actions__isnull=True).delete()


class SetBootactionField(SetField):
    """Base of `set bootaction args|kernel|ramdisk`: one field of one boot action;
    `field=` clears it."""

    related = ("list bootaction",)
    empty_clears = True

    @classmethod
    def target_args(cls) -> tuple[Arg, ...]:
        return (ACTION,)

    @classmethod
    def more_params(cls) -> tuple[Param, ...]:
        return (OS, TYPE)

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "action")
        type_ = boot_type(params)
        action = find_action(name, type_, boot_os(params, type_))
        if action is None:
            raise errors.CommandError(f'action "{name}" does not exist')
        m.BootAction.objects.filter(id=action.id).update(
            **{self.field: self.field_value(params) or None})


class SetBootactionArgs(SetBootactionField):
    """Set the kernel command line of a boot action (`args=` clears it)."""

    path = "set bootaction args"
    field = "args"
    value_help = "The kernel command line."
    examples = (Example('set bootaction args memtest type=os args="console=ttyS0"',
                        "Sets the command line of the memtest boot action."),)


class SetBootactionKernel(SetBootactionField):
    """Set the kernel of a boot action (`kernel=` clears it)."""

    path = "set bootaction kernel"
    field = "kernel"
    value_help = "The kernel."
    examples = (Example('set bootaction kernel memtest type=os kernel="kernel memtest86"',
                        "Sets the kernel of the memtest boot action."),)


class SetBootactionRamdisk(SetBootactionField):
    """Set the ramdisk of a boot action (`ramdisk=` clears it)."""

    path = "set bootaction ramdisk"
    field = "ramdisk"
    value_help = "The ramdisk."
    examples = (Example("set bootaction ramdisk pxeflash type=os ramdisk=flash.img",
                        "Sets the ramdisk of the pxeflash boot action."),)
