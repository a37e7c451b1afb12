"""API groups: add, list, remove (commands.md §15).

Groups are the product's one group concept (models.Group), so an API group
can also hold hosts."""

from __future__ import annotations

from django.db.models import Prefetch

from stacki import errors
from stacki.apiusers.users import ALNUM
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Table
from stacki.inventory.models import Group, User


class AddApiGroup(Command):
    """Create a group for web-service users (the same groups hold hosts)."""

    path = "add api group"
    args = (Arg("group", help="The new group's name (letters and digits)."),)
    examples = (Example("add api group staff", "Creates the group staff."),)
    related = ("add api group perms", "list api group")

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgRequired("group name")
        name = args[0]
        if not ALNUM.match(name):
            raise errors.ArgValue("Group name", "alphanumeric")
        if Group.objects.filter(name=name).exists():
            raise errors.CommandError(f"Group {name} is already in use")
        Group.objects.create(name=name)


class ListApiGroup(Command):
    """List the groups and the web-service users in each."""

    path = "list api group"
    examples = (Example("list api group", "Lists every group with its users."),)
    related = ("add api group",)

    def run(self, args: list[str], params: Params) -> Table:
        groups = Group.objects.order_by("name").prefetch_related(
            Prefetch("users", queryset=User.objects.order_by("id")))
        return Table(["group", "users"],
                     [[g.name, " ".join(u.username for u in g.users.all())] for g in groups])


class RemoveApiGroup(Command):
    """Remove groups (their permissions and memberships go with them)."""

    path = "remove api group"
    args = (Arg("group", help="One or more group names."),)
    examples = (Example("remove api group staff", "Removes the group staff."),)
    related = ("add api group",)

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("Group Name")
        found = set(Group.objects.filter(name__in=args).values_list("name", flat=True))
        for name in args:
            if name == "default":
                raise errors.CommandError("Cannot remove 'default' group")
            if name not in found:
                raise errors.CommandError(f"Cannot find group {name}")
        Group.objects.filter(name__in=args).delete()
