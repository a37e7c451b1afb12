"""API users: add, list, remove, make admin, and their group memberships
(commands.md §15); also under the short spellings of the user documentation
(`add user`, `set user admin`, ...)."""

from __future__ import annotations

from django.db.models import Prefetch

from stacki import errors, home
from stacki.apiusers.users import ALNUM, find_group, find_user, service_address
from stacki.framework.command import Arg, Command, Example, Param, Params, respelled
from stacki.framework.output import Table
from stacki.inventory.models import Group, User


class AddApiUser(Command):
    """Create a web-service user and print its key.

    The key is the user's password: it is shown once, here, and stored only
    hashed. New users join the group default unless told otherwise.
    """

    path = "add api user"
    args = (Arg("username", help="The new user's name (letters and digits)."),)
    params = (
        Param("admin", "bool", help="Whether the user is an admin (default False)."),
        Param("group", help="Comma-separated groups to join (default: default)."),
    )
    examples = (
        Example("add api user greg", "Creates greg in the group default and prints the key."),
        Example("add api user ops group=default,staff admin=True output-format=json",
                "Creates an admin in two groups; the JSON can be saved as a credentials file."),
    )
    related = ("list api user", "remove api user", "set api user admin")

    def run(self, args: list[str], params: Params) -> Table:
        if len(args) != 1:
            raise errors.ArgRequired("username")
        name = args[0]
        if not ALNUM.match(name):
            raise errors.ArgValue("username", "alphanumeric")
        if User.objects.filter(username=name).exists():
            raise errors.CommandError(f"Username {name} is already in use")
        names = [g.strip() for g in params.value("group", "default").split(",") if g.strip()]
        groups = [find_group(g, "Group {} does not exist.") for g in names]
        admin = params.flag("admin")
        key = home.new_api_key()
        User.create(name, key, admin=admin, groups=groups)
        return Table(["username", "hostname", "key"],
                     [[name, service_address(self.ctx.service_host), key]])


class ListApiUser(Command):
    """List the web-service users, whether each is an admin, and their groups."""

    path = "list api user"
    examples = (Example("list api user", "Lists every API user."),)
    related = ("add api user",)

    def run(self, args: list[str], params: Params) -> Table:
        users = User.objects.order_by("id").prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by("name")))
        return Table(["username", "admin", "groups"],
                     [[u.username, u.admin, " ".join(g.name for g in u.groups.all())]
                      for u in users])


class RemoveApiUser(Command):
    """Remove web-service users (their permissions and sessions go with them)."""

    path = "remove api user"
    args = (Arg("user", help="One or more user names."),)
    examples = (Example("remove api user greg", "Removes greg."),)
    related = ("add api user",)

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("Username")
        if "%" in args:
            raise errors.CommandError("Cannot use '%' as username")
        found = set(User.objects.filter(username__in=args).values_list("username", flat=True))
        for name in args:
            if name not in found:
                raise errors.CommandError(f"Cannot find user {name}")
        User.objects.filter(username__in=args).delete()


class SetApiUserAdmin(Command):
    """Make a web-service user an admin, or no longer one.

    Admins may run every command the blacklist allows, including those that
    change the cluster; other users run commands read-only.
    """

    path = "set api user admin"
    args = (Arg("Username", help="The user."),)
    params = (Param("admin", help="True (the default) or False."),)
    examples = (Example("set api user admin greg admin=True", "Makes greg an admin."),)
    related = ("list api user",)

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgRequired("username")
        admin = params.flag("admin", True)
        user = find_user(args[0])
        user.admin = admin
        user.save(update_fields=["admin"])


class AddApiUserGroup(Command):
    """Add a web-service user to a group."""

    path = "add api user group"
    args = (Arg("user", help="The user."),)
    params = (Param("group", help="The group to join."),)
    examples = (Example("add api user group greg group=staff", "greg joins staff."),)
    related = ("remove api user group", "list api user")

    def run(self, args: list[str], params: Params) -> None:
        user, group = membership(args, params)
        user.groups.add(group)


class RemoveApiUserGroup(Command):
    """Take a web-service user out of a group."""

    path = "remove api user group"
    args = (Arg("user", help="The user."),)
    params = (Param("group", help="The group to leave."),)
    examples = (Example("remove api user group greg group=staff", "greg leaves staff."),)
    related = ("add api user group",)

    def run(self, args: list[str], params: Params) -> None:
        user, group = membership(args, params)
        user.groups.remove(group)


def membership(args: list[str], params: Params) -> tuple[User, Group]:
    if len(args) != 1:
        raise errors.ArgRequired("User")
    name = params.value("group")
    if name is None:
        raise errors.ParamRequired("Group")
    group = find_group(name, "Group '{}' does not exist")
    return find_user(args[0], "Cannot find user '{}'"), group


# The short spellings of the user documentation.
AddUser = respelled(AddApiUser, "add user", __name__)
ListUser = respelled(ListApiUser, "list user", __name__)
RemoveUser = respelled(RemoveApiUser, "remove user", __name__)
SetUserAdmin = respelled(SetApiUserAdmin, "set user admin", __name__)
