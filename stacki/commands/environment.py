"""Environments: add, list and remove."""

from __future__ import annotations

from stacki import errors
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.objects import select_objects


class AddEnvironment(Command):
    """Add an environment: a named set of hosts that can carry attributes,
    routes and firewall rules."""

    path = "add environment"
    args = (Arg("environment", help="The name of the new environment."),)
    examples = (Example("add environment test", "Adds the environment test."),)
    related = ("list environment", "remove environment", "set host environment")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "environment")
        if m.Environment.objects.filter(name=name).exists():
            raise errors.CommandError(f'environment "{name}" already exists')
        m.Environment.objects.create(name=name)


class ListEnvironment(Command):
    """List the environments, sorted by name."""

    path = "list environment"
    args = (Arg("environment", optional=True, repeat=True,
                help="Environment names (SQL LIKE patterns)."),)
    examples = (Example("list environment", "Lists every environment."),)
    related = ("add environment", "remove environment")

    def run(self, args: list[str], params: Params) -> Table:
        environments = select_objects(m.Environment, args, "environment", sort=True)
        # Stacki's header has a second, nameless column: text lines end in a space.
        return Table(["environment", None], [(e.name, None) for e in environments])


class RemoveEnvironment(Command):
    """Remove environments with their attributes, routes and firewall rules.

    An environment that hosts are in cannot be removed.
    """

    path = "remove environment"
    args = (Arg("environment", repeat=True, help="Environment names."),)
    examples = (Example("remove environment test", "Removes the environment test."),)
    related = ("add environment", "list environment")

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("environment")
        environments = select_objects(m.Environment, args, "environment", sort=True)
        used = (m.Environment.objects.filter(id__in=[e.id for e in environments], hosts__isnull=False)
                .order_by("name").first())
        if used is not None:
            raise errors.CommandError(f"environment {used.name} in use")
        m.Environment.objects.filter(id__in=[e.id for e in environments]).delete()
