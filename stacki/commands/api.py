"""Web-service access: API users, groups, permissions, the blacklist and the
admin-only ("sudo") list (commands.md §15, webservice.md §6).

Groups are the product's one group concept (models.Group), so an API
group can also hold hosts. Every command here exists once; the short
spellings of the user documentation (`add user`, `set user admin`, ...) are
subclasses that change only the path.
"""

from __future__ import annotations

import re

from django.db.models import Prefetch

from stacki import home
from stacki import errors
from stacki.framework.command import Arg, Command, Example, Param, Params, registry
from stacki.framework.output import Table, report
from stacki.inventory import models as m
from stacki.inventory.models import Group, User
from stacki.apiusers import access
from stacki.apiusers.access import same_pattern
from stacki.apiusers.sudoers import SUDOERS, sudoers_lines, write_sudoers

def check_pattern(pattern: str) -> str:
    """A permission or access-list pattern, checked against the command tree."""
    return access.check_pattern(pattern, registry().nodes)


ALNUM = re.compile(r"^[A-Za-z0-9]{1,150}$")
SERVICE_ADDRESS = "ws.address"


# --- lookups ---------------------------------------------------------------
def find_user(name: str, template: str = "User {} does not exist") -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise errors.CommandError(template.format(name))
    return user


def find_group(name: str, template: str = "Group {} does not exist") -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise errors.CommandError(template.format(name))
    return group


def perm_param(params: Params) -> str | None:
    """Both `perm=` and `perms=` (the spelling of the user docs) are accepted."""
    return params.value("perm") or params.value("perms")


def service_address(service_host: str | None) -> str:
    """Where a new user reaches the service: the address of the current
    request, else the one `stacki-ws` recorded, else the frontend's FQDN."""
    if service_host:
        return service_host
    recorded = m.Setting.objects.filter(key=SERVICE_ADDRESS).values_list("value", flat=True)
    if recorded:
        return recorded[0]
    return frontend_fqdn()


def frontend_fqdn() -> str:
    frontend = m.Host.objects.filter(appliance__name="frontend").order_by("id").first()
    if frontend is None:
        return home.frontend_name()
    zone = (m.Interface.objects.filter(host=frontend, default=True)
            .values_list("network__zone", flat=True).first())
    return f"{frontend.name}.{zone}" if zone else frontend.name


# --- users -----------------------------------------------------------------
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


# --- groups ----------------------------------------------------------------
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


# --- permissions -----------------------------------------------------------
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
    params = (Param("perm", help="The command pattern (default list.*); perms= also works."),)
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
    params = (Param("perm", help="The command pattern; perms= also works."),)
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
    params = (Param("perm", help="The command pattern to remove."),)
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
    params = (Param("perm", help="The command pattern to remove."),)
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


# --- blacklist and the admin-only ("sudo") list -----------------------------
class PatternList(Command):
    """Base of the blacklist and sudo-list commands (not a command itself)."""

    model: type = m.Blacklist
    duplicate = ""
    absent = ""

    def patterns(self) -> list[str]:
        return list(self.model.objects.order_by("id").values_list("command", flat=True))

    def given(self, params: Params) -> str:
        command = params.value("command")
        if command is None:
            raise errors.ParamRequired("Command")
        return command

    def add(self, params: Params) -> None:
        command = check_pattern(self.given(params))
        if any(same_pattern(c, command) for c in self.patterns()):
            raise errors.CommandError(self.duplicate.format(command))
        self.model.objects.create(command=command)

    def remove(self, params: Params) -> None:
        revoke(self.model.objects.all(), self.given(params), self.absent.format(params["command"]))

    def listing(self) -> Table:
        return Table(["command"], [[c] for c in self.patterns()])


class AddApiBlacklistCommand(PatternList):
    """Forbid a command pattern over the web service, to admins too."""

    path = "add api blacklist command"
    params = (Param("command", help="The command pattern, e.g. list.host.message."),)
    examples = (Example('add api blacklist command command="report host"',
                        "No one may run report host through the web service."),)
    related = ("list api blacklist command", "remove api blacklist command")
    duplicate = "Command {} is already blacklisted"

    def run(self, args: list[str], params: Params) -> None:
        self.add(params)


class RemoveApiBlacklistCommand(PatternList):
    """Allow a blacklisted command pattern over the web service again."""

    path = "remove api blacklist command"
    params = (Param("command", help="The command pattern, as listed."),)
    examples = (Example('remove api blacklist command command="report system"',
                        "Takes report system off the blacklist."),)
    related = ("list api blacklist command",)
    absent = "Command {} is not blacklisted"

    def run(self, args: list[str], params: Params) -> None:
        self.remove(params)


class ListApiBlacklistCommand(PatternList):
    """List the command patterns no one may run over the web service."""

    path = "list api blacklist command"
    examples = (Example("list api blacklist command", "Lists the blacklist."),)
    related = ("add api blacklist command",)

    def run(self, args: list[str], params: Params) -> Table:
        return self.listing()


class SudoList(PatternList):
    model = m.SudoCommand

    def synced(self, params: Params) -> None:
        """Rewrite the sudoers file unless sync=false; the file is a courtesy
        to Stacki tooling, so failing to write it only warns."""
        if params.flag("sync", True):
            try:
                write_sudoers(self.patterns())
            except errors.CommandError as exc:
                self.ctx.progress(f"warning - {exc.message}")


class AddApiSudoCommand(SudoList):
    """Make a command pattern admin-only over the web service.

    With sync=true (the default) the sudoers file is rewritten too.
    """

    path = "add api sudo command"
    params = (Param("command", help="The command pattern, e.g. sync.*."),)
    examples = (Example('add api sudo command command="set host boot"',
                        "Only admins may run set host boot through the web service."),)
    related = ("list api sudo command", "remove api sudo command", "sync api sudo command")
    duplicate = "Command {} is already in sudo list"

    def run(self, args: list[str], params: Params) -> None:
        self.add(params)
        self.synced(params)


class RemoveApiSudoCommand(SudoList):
    """Take a command pattern off the admin-only list.

    With sync=true (the default) the sudoers file is rewritten too.
    """

    path = "remove api sudo command"
    params = (Param("command", help="The command pattern, as listed."),)
    examples = (Example('remove api sudo command command="remove host"',
                        "Takes remove host off the admin-only list."),)
    related = ("list api sudo command",)
    absent = "Command {} is not a sudo command"

    def run(self, args: list[str], params: Params) -> None:
        self.remove(params)
        self.synced(params)


class ListApiSudoCommand(SudoList):
    """List the command patterns only admins may run over the web service."""

    path = "list api sudo command"
    examples = (Example("list api sudo command", "Lists the admin-only patterns."),)
    related = ("add api sudo command",)

    def run(self, args: list[str], params: Params) -> Table:
        return self.listing()


class ReportApiSudoCommand(SudoList):
    """Print the sudoers file that lets the web service run the admin-only
    commands as root (nothing when the list is empty)."""

    path = "report api sudo command"
    examples = (Example("report api sudo command", "Prints the sudoers file."),)
    related = ("sync api sudo command",)

    def run(self, args: list[str], params: Params) -> Table:
        lines = sudoers_lines(self.patterns())
        if not lines:
            return report([])
        return report([f"<stack:file stack:name='{SUDOERS}' stack:perms='0400' stack:rcs='no'>",
                       *lines, "</stack:file>"])


class SyncApiSudoCommand(SudoList):
    """Write the sudoers file of report api sudo command (under STACKI_SYSROOT)."""

    path = "sync api sudo command"
    examples = (Example("sync api sudo command", "Rewrites /etc/sudoers.d/stacki_ws."),)
    related = ("report api sudo command",)

    def run(self, args: list[str], params: Params) -> None:
        write_sudoers(self.patterns())


# --- the short spellings of the user documentation --------------------------
def short_spelling(command: type[Command], path: str) -> type[Command]:
    doc = f"{command.__doc__}\n\n    Short spelling of {command.path}.\n"
    return type(command.__name__.replace("Api", ""), (command,),
                {"path": path, "__doc__": doc, "__module__": __name__})


AddUser = short_spelling(AddApiUser, "add user")
ListUser = short_spelling(ListApiUser, "list user")
RemoveUser = short_spelling(RemoveApiUser, "remove user")
SetUserAdmin = short_spelling(SetApiUserAdmin, "set user admin")
AddGroupPerms = short_spelling(AddApiGroupPerms, "add group perms")
AddUserPerms = short_spelling(AddApiUserPerms, "add user perms")
