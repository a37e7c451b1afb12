"""Operating systems: list and remove. There is no `add os`: the OSes are fixed
at installation."""

from __future__ import annotations

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.objects import select_objects


class ListOS(Command):
    """List the operating systems, sorted by name."""

    path = "list os"
    args = (Arg("os", optional=True, repeat=True, help="OS names (SQL LIKE patterns)."),)
    examples = (Example("list os", "Lists every OS."),
                Example("list os red%", "Lists the OSes whose name starts with red."))
    related = ("remove os", "list box")

    def run(self, args: list[str], params: Params) -> Table:
        oses = select_objects(m.OS, args, "OS", sort=True, alias="os")
        return Table(["os"], [(os.name,) for os in oses])


class RemoveOS(Command):
    """Remove operating systems with their attributes, routes, firewall rules
    and boot actions. An OS a box uses cannot be removed."""

    path = "remove os"
    args = (Arg("os", repeat=True, help="OS names (SQL LIKE patterns)."),)
    examples = (Example("remove os xenserver", "Removes the xenserver OS."),)
    related = ("list os",)

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("os")
        oses = select_objects(m.OS, args, "OS", sort=True, alias="os")
        box = m.Box.objects.filter(os__in=oses).select_related("os").order_by("id").first()
        if box is not None:
            raise errors.CommandError(f'cannot remove os "{box.os.name}" because box "{box.name}" uses it')
        m.OS.objects.filter(id__in=[os.id for os in oses]).delete()
