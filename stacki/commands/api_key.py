"""API keys: several per user, with an expiry, revocation and rotation.

Key 1 is the key `add api user` printed (the user's password); `add api key`
adds keys 2, 3, ...; see stacki.apiusers.keys. An admin manages anyone's keys.
Over the web service a non-admin may list and rotate only their own: those
two commands are open to every user (`self_service`), and they refuse a
non-admin any other user's keys. Rotation is the one command a non-admin's
call may write with; the other key commands are admin-only.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from stacki import errors
from stacki.apiusers import keys
from stacki.apiusers.timestamps import parse_future, show
from stacki.apiusers.users import find_user, service_address
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory.models import ApiKey, User

EXPIRES_HELP = ("When the key stops working: a date (YYYY-MM-DD[ HH:MM[:SS]], UTC) or a "
                "duration from now (30d, 12h). Default: never.")
COMMENT_HELP = "A note shown by list api key, e.g. which script uses the key."


class KeyCommand(Command):
    """Base of the key commands (not a command itself)."""

    def own_only(self, names: list[str], what: str) -> None:
        """Over the API a non-admin names no one but themselves."""
        if self.ctx.api and not self.ctx.admin and any(n != self.ctx.user for n in names):
            raise errors.CommandError(f"Only admins may {what} the keys of other users")

    def issued(self, user: User, params: Params) -> Table:
        """A new key, printed once, as a credentials file entry plus its id."""
        expires = params.value("expires")
        when = parse_future(expires, "expires") if expires else None
        number, key = keys.issue(user, when, params.value("comment", ""))
        return Table(["username", "hostname", "key", "id", "expires"],
                     [[user.username, service_address(self.ctx.service_host), key, number,
                       show(when)]])


class AddApiKey(KeyCommand):
    """Give a web-service user one more key and print it (this once only).

    The user's other keys keep working, so a script can move to the new key
    before the old one is removed. With output-format=json the output is a
    credentials file for wsclient.
    """

    path = "add api key"
    args = (Arg("username", help="The user."),)
    params = (Param("expires", help=EXPIRES_HELP), Param("comment", help=COMMENT_HELP))
    examples = (
        Example("add api key greg expires=90d comment=backup",
                "Prints a new key for greg that stops working in 90 days."),
        Example("add api key greg output-format=json", "Prints it as a credentials file."),
    )
    related = ("list api key", "remove api key", "set api user key")

    def run(self, args: list[str], params: Params) -> Table:
        user = find_user(self.one_arg(args, "username"))
        return self.issued(user, params)


class SetApiUserKey(KeyCommand):
    """Rotate a web-service user's keys: print a new key and revoke all the others.

    Over the web service every user may rotate their own keys (an admin
    anyone's); the key that authenticated the call stops working too.
    """

    path = "set api user key"
    args = (Arg("username", help="The user."),)
    params = (Param("expires", help=EXPIRES_HELP), Param("comment", help=COMMENT_HELP))
    examples = (Example("set api user key greg output-format=json > greg.cred",
                        "Replaces all of greg's keys by one new key, saved as credentials."),)
    related = ("add api key", "list api key")
    self_service = True

    def run(self, args: list[str], params: Params) -> Table:
        name = self.one_arg(args, "username")
        self.own_only([name], "rotate")
        user = find_user(name)
        old = keys.held(user)
        table = self.issued(user, params)
        keys.revoke(user, old)
        return table


class RemoveApiKey(KeyCommand):
    """Revoke keys of a web-service user; they stop working at once.

    id=1 is the key add api user printed. Removing every key leaves the user
    in place, unable to log in until given a new one (add api key).
    """

    path = "remove api key"
    args = (Arg("username", help="The user."),)
    params = (Param("id", optional=False, help="Comma-separated key ids, as list api key shows."),)
    examples = (Example("remove api key greg id=2", "Revokes greg's key 2."),)
    related = ("list api key", "add api key")

    def run(self, args: list[str], params: Params) -> None:
        user = find_user(self.one_arg(args, "username"))
        numbers = key_ids(params.require("id"))
        held = keys.held(user)
        for number in sorted(numbers):
            if number not in held:
                raise errors.CommandError(f"User {user.username} has no key {number}")
        keys.revoke(user, numbers)


def key_ids(text: str) -> set[int]:
    try:
        numbers = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        raise errors.ParamType("id", "integer") from None
    if not numbers:
        raise errors.ParamRequired("id")
    return numbers


class ListApiKey(KeyCommand):
    """List the keys of web-service users (never the keys themselves).

    id 1 is the key add api user printed; created, expires and last_used are
    UTC (last use to the minute); an expired key is listed until removed.
    Over the web service a non-admin sees only their own keys.
    """

    path = "list api key"
    args = (Arg("username", optional=True, repeat=True, help="Users (default: all users)."),)
    examples = (Example("list api key greg", "Lists greg's keys."),)
    related = ("add api key", "remove api key", "set api user key")
    self_service = True

    def run(self, args: list[str], params: Params) -> Table:
        self.own_only(args, "list")
        if self.ctx.api and not self.ctx.admin:
            args = [self.ctx.user]
        for name in args:
            find_user(name)
        return Table(["username", "id", "created", "expires", "last_used", "status", "comment"],
                     key_rows(args))


def key_rows(names: list[str]) -> list[list]:
    users = User.objects.order_by("id").prefetch_related(
        Prefetch("api_keys", to_attr="keys",
                 queryset=ApiKey.objects.filter(revoked__isnull=True).order_by("number")))
    if names:
        users = users.filter(username__in=names)
    now = timezone.now()
    rows = []
    for user in users:
        first = next((k for k in user.keys if k.number == keys.PASSWORD_KEY), None)  # type: ignore[attr-defined]
        if user.has_usable_password():
            rows.append([user.username, keys.PASSWORD_KEY, show(user.joined), None,
                         show(first.last_used if first else None), "active", ""])
        for key in user.keys:  # type: ignore[attr-defined]
            if key.number == keys.PASSWORD_KEY:
                continue
            status = "expired" if key.expires and key.expires <= now else "active"
            rows.append([user.username, key.number, show(key.created), show(key.expires),
                         show(key.last_used), status, key.comment])
    return rows
