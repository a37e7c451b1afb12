"""Permissions of API users and groups: command patterns they may run
(commands.md §15, webservice.md §5); also under the short spellings
`add group perms` and `add user perms`."""

from __future__ import annotations

from stacki import errors
from stacki.apiusers import access
from stacki.apiusers.access import same_pattern
from stacki.apiusers.users import find_group, find_user
from stacki.framework.command import Arg, Command, Example, Param, Params, registry, respelled
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.models import User


def check_pattern(pattern: str) -> str:
    """A permission or access-list pattern, checked against the command tree."""
    return access.check_pattern(pattern, registry().nodes)


# Both `perm=` and `perms=` (the spelling of the user docs) are accepted.
PERMS_ALIAS = Param("perms", hidden=True, help="Same as perm (the spelling of the user documentation).")


def perm_param(params: Params) -> str | None:
    return params.value("perm") or params.value("perms")


def grant(perms, perm: str, **owner) -> None:
    """Add a permission unless an equal one (spaces = dots) is held already."""
    if not any(same_pattern(p, perm) for p in perms.values_list("command", flat=True)):
        perms.create(command=perm, **owner)


def revoke(perms, perm: str, missing: str) -> None:
    ids = [i for i, p in perms.values_list("id", "command") if same_pattern(p, perm)]
    if not ids:
        raise errors.CommandError(missing)
    perms.filter(id__in=ids).delete()


class AddApiGroupPerms(Command):
    """Let the members of a group run the commands a pattern matches.

    A pattern is a regular expression over the command path written with
    dots (spaces count as dots) that must match the whole path: list.*,
    report.host, list host.
    """

    path = "add api group perms"
    args = (Arg("group", help="The group."),)
    params = (Param("perm", help="The command pattern (default list.*); perms= also works."),
              PERMS_ALIAS)
    examples = (Example('add api group perms staff perm="report.*"',
                        "Lets the members of staff run every report command."),)
    related = ("list api group perms", "remove api group perms")

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgRequired("group name")
        perm = check_pattern(perm_param(params) or "list.*")
        group = find_group(args[0])
        grant(m.GroupPerm.objects.filter(group=group), perm, group=group)


class AddApiUserPerms(Command):
    """Let a web-service user run the commands a pattern matches (see
    add api group perms for the patterns)."""

    path = "add api user perms"
    args = (Arg("user", help="The user."),)
    params = (Param("perm", help="The command pattern; perms= also works."),
              PERMS_ALIAS)
    examples = (Example('add api user perms greg perm="report.*"',
                        "Lets greg run every report command."),)
    related = ("list api user perms", "remove api user perms")

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgRequired("Username")
        perm = perm_param(params)
        if perm is None:
            raise errors.ParamRequired("Permission")
        user = find_user(args[0])
        check_pattern(perm)
        grant(m.UserPerm.objects.filter(user=user), perm, user=user)


class RemovePerms(Command):
    """Base of remove api group/user perms (not a command itself)."""

    arg_label = ""

    def held(self, name: str) -> tuple[object, str]:
        """The owner's permissions and how errors name the owner."""
        raise NotImplementedError

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgRequired(self.arg_label)
        perm = perm_param(params)
        if perm is None:
            raise errors.ParamRequired("perm")
        perms, owner = self.held(args[0])
        revoke(perms, perm, f'{owner} does not have perm "{perm}"')


class RemoveApiGroupPerms(RemovePerms):
    """Take a command pattern away from a group."""

    path = "remove api group perms"
    args = (Arg("group", help="The group."),)
    params = (Param("perm", help="The command pattern to remove."), PERMS_ALIAS)
    examples = (Example('remove api group perms staff perm="report.*"',
                        "The members of staff may no longer run report commands."),)
    related = ("add api group perms",)
    arg_label = "Group name"

    def held(self, name: str) -> tuple[object, str]:
        group = find_group(name)
        return m.GroupPerm.objects.filter(group=group), f"Group {group.name}"


class RemoveApiUserPerms(RemovePerms):
    """Take a command pattern away from a web-service user."""

    path = "remove api user perms"
    args = (Arg("user", help="The user."),)
    params = (Param("perm", help="The command pattern to remove."), PERMS_ALIAS)
    examples = (Example('remove api user perms greg perm="report.*"',
                        "greg may no longer run report commands (unless a group allows it)."),)
    related = ("add api user perms",)
    arg_label = "User name"

    def held(self, name: str) -> tuple[object, str]:
        user = find_user(name)
        return m.UserPerm.objects.filter(user=user), f"User {user.username}"


class ListApiGroupPerms(Command):
    """List the command patterns of groups (all groups when none is named)."""

    path = "list api group perms"
    args = (Arg("group", help="Group names; unknown names are skipped."),)
    examples = (Example("list api group perms default", "Lists the patterns of default."),)
    related = ("add api group perms",)

    def run(self, args: list[str], params: Params) -> Table:
        perms = m.GroupPerm.objects.order_by("group__name", "id")
        if args:
            perms = perms.filter(group__name__in=args)
        return Table(["group", "command"], [list(p) for p in
                                            perms.values_list("group__name", "command")])


class ListApiUserPerms(Command):
    """List the command patterns each web-service user holds: source U for
    the user's own, G for those of their groups."""

    path = "list api user perms"
    args = (Arg("user", help="User names; unknown names are skipped."),)
    examples = (Example("list api user perms greg", "Lists what greg may run, and why."),)
    related = ("add api user perms",)

    def run(self, args: list[str], params: Params) -> Table:
        users = User.objects.order_by("id")
        if args:
            users = users.filter(username__in=args)
        names = dict(users.values_list("id", "username"))
        held: dict[int, list[tuple[str, str]]] = {uid: [] for uid in names}
        for uid, command in (m.UserPerm.objects.filter(user__in=names)
                             .order_by("id").values_list("user_id", "command")):
            held[uid].append((command, "U"))
        for uid, command in (m.GroupPerm.objects.filter(group__users__in=names)
                             .order_by("group__name", "id").values_list("group__users", "command")):
            if not any(same_pattern(c, command) for c, _ in held[uid]):
                held[uid].append((command, "G"))
        return Table(["user", "command", "source"],
                     [[names[uid], c, s] for uid in names for c, s in held[uid]])


# The short spellings of the user documentation.
AddGroupPerms = respelled(AddApiGroupPerms, "add group perms", __name__)
AddUserPerms = respelled(AddApiUserPerms, "add user perms", __name__)
