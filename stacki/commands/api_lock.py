"""Login locks of the web service (stacki.apiusers.locks): see and lift them."""

from __future__ import annotations

from stacki import errors
from stacki.apiusers.locks import lift, locks
from stacki.apiusers.timestamps import show
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table


class ListApiLock(Command):
    """List the logins the web service refuses for now (429) after too many
    wrong keys: a user name from an address, or an address whatever the
    name (user shown as dashes), with the failures counted and the moment
    (UTC) the lock ends by itself. Admin-only over the web service.
    """

    path = "list api lock"
    examples = (Example("list api lock", "Shows every lock in force."),)
    related = ("remove api lock",)
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table:
        return Table(["user", "address", "failures", "until"],
                     [[user or None, address, count, show(until)]
                      for user, address, count, until in locks()])


class RemoveApiLock(Command):
    """Lift login locks before their time: forget the failed logins of the
    named users (from the given address, else from everywhere), or, with
    only an address, every failed login from that address.
    """

    path = "remove api lock"
    args = (Arg("user", optional=True, repeat=True, help="The user names to let in again."),)
    params = (Param("address", help="The client address the failures came from."),)
    examples = (
        Example("remove api lock admin", "Lets admin log in again from everywhere."),
        Example("remove api lock address=10.1.1.7", "Lifts every lock of 10.1.1.7."),
    )
    related = ("list api lock",)

    def run(self, args: list[str], params: Params) -> None:
        address = params.value("address")
        if not args and address is None:
            raise errors.ArgRequired("user")
        lift(args, address)
