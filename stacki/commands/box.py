"""Boxes (the OS and software a host installs from): add, list and remove."""

from __future__ import annotations

from stacki import errors
from stacki.commands.appliance import remove_unused
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.objects import select_objects
from stacki.inventory.oses import find_os, native_os
from stacki.inventory.software import BoxContents

DEFAULT_BOX = "default"


class AddBox(Command):
    """Add a box for an OS (by default the OS of the frontend)."""

    path = "add box"
    args = (Arg("box", help="The name of the new box."),)
    params = (Param("os", help="The OS of the box (default: the frontend's OS)."),)
    examples = (Example("add box develop", "Adds a box develop for the frontend's OS."),
                Example("add box bionic os=ubuntu", "Adds an ubuntu box."))
    related = ("list box", "remove box")

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgUnique("box")
        name = args[0]
        if m.Box.objects.filter(name=name).exists():
            raise errors.CommandError(f'box "{name}" exists')
        os_name = params.value("os")
        os = find_os(os_name) if os_name else native_os()
        m.Box.objects.create(name=name, os=os)


class ListBox(Command):
    """List boxes with their OS, pallets, carts and repositories."""

    path = "list box"
    args = (Arg("box", optional=True, repeat=True, help="Box names (SQL LIKE patterns)."),)
    examples = (Example("list box", "Lists every box."),
                Example("list box default output-format=json", "Shows the default box as JSON."))
    related = ("add box", "remove box")

    def run(self, args: list[str], params: Params) -> Table:
        boxes = select_objects(m.Box, args, "box")
        os_names = dict(m.OS.objects.values_list("id", "name"))
        contents = BoxContents([b.id for b in boxes] if args else None)
        rows = [(b.name, os_names[b.os_id], *contents.names(b.id)) for b in boxes]
        return Table(["name", "os", "pallets", "carts", "repos"], rows)


class ListBoxPallet(Command):
    """List the pallets each box enables."""

    path = "list box pallet"
    args = (Arg("box", optional=True, repeat=True, help="Box names (SQL LIKE patterns)."),)
    examples = (Example("list box pallet default", "Lists the pallets of the default box."),)
    related = ("list box", "enable pallet", "disable pallet")

    def run(self, args: list[str], params: Params) -> Table:
        boxes = select_objects(m.Box, args, "box")
        contents = BoxContents([b.id for b in boxes])
        rows = [(b.name, p.name, p.arch, p.version, p.release, p.os)
                for b in boxes for p in contents.pallets[b.id]]
        return Table(["box", "pallet", "arch", "version", "release", "os"], rows)


class ListBoxRepo(Command):
    """List the repositories each box enables."""

    path = "list box repo"
    args = (Arg("box", optional=True, repeat=True, help="Box names (SQL LIKE patterns)."),)
    examples = (Example("list box repo default", "Lists the repositories of the default box."),)
    related = ("list box", "enable repo", "disable repo")

    def run(self, args: list[str], params: Params) -> Table:
        boxes = select_objects(m.Box, args, "box")
        contents = BoxContents([b.id for b in boxes])
        rows = [(b.name, r.name, r.alias) for b in boxes for r in contents.repos[b.id]]
        return Table(["box", "repo", "alias"], rows)


class RemoveBox(Command):
    """Remove boxes. The default box and boxes that hosts use cannot be removed."""

    path = "remove box"
    args = (Arg("box", help="Box names (several may be given)."),)
    examples = (Example("remove box develop", "Removes the develop box."),)
    related = ("add box", "list box")

    def run(self, args: list[str], params: Params) -> None:
        remove_unused(m.Box, args, "box", DEFAULT_BOX)
