"""What the pallet, cart and repo commands share: turning arguments into
pallets/carts/repos/boxes with Stacki's errors, and rewriting the frontend's
own repository file after a change (as Stacki does)."""

from __future__ import annotations

from stacki import errors, sysfiles
from stacki.framework.command import Param, Params
from stacki.framework.context import Context
from stacki.inventory import models as m
from stacki.inventory import software
from stacki.inventory.media import MediumError

PALLET_PARAMS = (
    Param("version", help="Only pallets of this version (SQL LIKE pattern)."),
    Param("release", help="Only pallets of this release (SQL LIKE pattern)."),
    Param("arch", help="Only pallets of this architecture (SQL LIKE pattern)."),
    Param("os", help="Only pallets of this OS (SQL LIKE pattern)."),
)
BOX_PARAM = Param("box", help="The box (default: default).")


def pallets(args: list[str], params: Params) -> list[m.Pallet]:
    filters = {k: params.value(k) for k in software.PALLET_FILTERS if params.value(k)}
    try:
        return software.match_pallets(args, filters)
    except software.NoMatch as exc:
        raise errors.ArgNotFound(exc.arg, "pallet", filters) from None


def named(model, args: list[str], kind: str, *fields: str) -> list:
    try:
        return software.match_named(model, args, *(fields or ("name",)))
    except software.NoMatch as exc:
        raise errors.ArgNotFound(exc.arg, kind) from None


def box(params: Params) -> m.Box:
    name = params.value("box", "default")
    found = m.Box.objects.filter(name=name).select_related("os").first()
    if found is None:
        raise errors.CommandError(f'unknown box "{name}"')
    return found


def check_name(value: str, what: str) -> str:
    """A name that becomes a directory or a word of a repo file."""
    if not software.NAME.match(value):
        raise errors.CommandError(f'"{value}" is not a valid {what} name')
    return value


def medium_error(exc: MediumError) -> errors.CommandError:
    return errors.CommandError(str(exc))


def refresh_frontend_repo(ctx: Context) -> None:
    """Rewrite the frontend's repository file from its box, as Stacki does
    after each change to pallets, carts or repos."""
    from stacki.commands.repo import frontend_repo_blocks

    sysfiles.write(frontend_repo_blocks(ctx))
