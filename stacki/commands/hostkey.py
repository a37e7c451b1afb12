"""Public keys of hosts: add, list and remove host key."""

from __future__ import annotations

from pathlib import Path

from stacki import errors
from stacki.commands.interface import one_host
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m

# A key is text of a few lines; anything much longer is not a public key.
LONGEST = 16384
ONE_HOST = (Arg("host", help="A single host name."),)


def read_key(path: str) -> str:
    source = Path(path)
    if not source.is_file():
        raise errors.CommandError(f'file "{path}" does not exist')
    try:
        return source.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.CommandError(f'cannot read file "{path}": {exc}') from None


def checked_key(text: str) -> str:
    """The key as stored: line ends made plain, no other control characters."""
    key = text.replace("\r\n", "\n").strip("\n")
    if not key.strip():
        raise errors.ParamRequired("key")
    if len(key) > LONGEST:
        raise errors.ParamError("key", f"must be at most {LONGEST} characters")
    if any(ord(c) < 32 and c not in "\n\t" or ord(c) == 127 for c in key):
        raise errors.ParamError("key", "must not contain control characters")
    return key


class AddHostKey(Command):
    """Add a public key to a host, e.g. to authenticate what the host sends.

    The key is given with `key=` or read from a file with `file=`. On the
    command line, as in Stacki, a `key=` that names an existing file is read
    from that file; over the web service `key=` is always the key itself.
    """

    path = "add host key"
    args = ONE_HOST
    multiline = frozenset({"key"})
    params = (Param("key", help="The public key (several lines are kept)."),
              Param("file", help="A file holding the public key."))
    examples = (Example("add host key backend-0-0 file=/tmp/backend-0-0.pub",
                        "Adds the key in /tmp/backend-0-0.pub to backend-0-0."),)
    related = ("list host key", "remove host key")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        key, path = params.value("key"), params.value("file")
        if key is not None and path is not None:
            raise errors.ParamError("file", 'cannot be given with "key"')
        if path is None and key is not None and not self.ctx.api and Path(key).is_file():
            path = key
        if path is not None:
            key = read_key(path)
        if key is None:
            raise errors.ParamRequired("key")
        key = checked_key(key)
        if m.HostKey.objects.filter(host=host, key=key).exists():
            raise errors.CommandError(f"the public key already exists for host {host.name}")
        m.HostKey.objects.create(host=host, key=key)


class ListHostKey(Command):
    """List the public keys of hosts: one row per line of each key, with the
    key's id (for `remove host key`)."""

    path = "list host key"
    args = (Arg("host", optional=True, repeat=True,
                help="Host names or selections; none lists every host."),)
    examples = (Example("list host key backend-0-0", "Lists the keys of backend-0-0."),)
    related = ("add host key", "remove host key")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        keys = m.HostKey.objects.order_by("id").values_list("host_id", "id", "key")
        if args:
            keys = keys.filter(host_id__in=[h.id for h in hosts])
        by_host: dict[int, list[tuple[int, str]]] = {}
        for host_id, key_id, key in keys:
            by_host.setdefault(host_id, []).append((key_id, key))
        rows = [(h.name, key_id, line)
                for h in hosts for key_id, key in by_host.get(h.id, ())
                for line in key.split("\n")]
        return Table(["host", "id", "public key"], rows)


class RemoveHostKey(Command):
    """Remove a public key of a host, by the id `list host key` shows."""

    path = "remove host key"
    args = ONE_HOST
    params = (Param("id", help="The id of the key."),)
    examples = (Example("remove host key backend-0-0 id=3",
                        "Removes the key with id 3 from backend-0-0."),)
    related = ("add host key", "list host key")

    def run(self, args: list[str], params: Params) -> None:
        host = one_host(self, args)
        key_id = params.require("id")
        deleted = (m.HostKey.objects.filter(host=host, id=int(key_id)).delete()[0]
                   if key_id.isdigit() else 0)
        if not deleted:
            raise errors.CommandError(
                f"public key with id {key_id} doesn't exist for host {host.name}")
