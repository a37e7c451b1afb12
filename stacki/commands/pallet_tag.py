"""Pallet tags: name/value pairs kept with a pallet (add, set, list, remove)."""

from __future__ import annotations

import fnmatch

from stacki import errors
from stacki.commands import software_args as sw
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m

RELATED = ("add pallet tag", "set pallet tag", "list pallet tag", "remove pallet tag")
PALLET_ARGS = (Arg("pallet", repeat=True, help="Pallet names (SQL LIKE patterns)."),)


def full_name(p: m.Pallet) -> str:
    return "-".join(p.identity)


class TagCommand(Command):
    args = PALLET_ARGS
    params = sw.PALLET_PARAMS + (Param("tag", optional=False, help="The tag's name."),
                                 Param("value", optional=False, help="The tag's value."))
    related = RELATED

    def chosen(self, args: list[str], params: Params) -> tuple[list[m.Pallet], str, str]:
        if not args:
            raise errors.ArgRequired("pallet")
        tag = params.require("tag")
        value = params.get("value")
        if value is None:
            raise errors.ParamRequired("value")
        return sw.pallets(args, params), tag, value


class AddPalletTag(TagCommand):
    """Add a tag to pallets."""

    path = "add pallet tag"
    examples = (Example("add pallet tag stacki tag=channel value=stable",
                        "Tags the stacki pallets with channel=stable."),)

    def run(self, args: list[str], params: Params) -> None:
        pallets, tag, value = self.chosen(args, params)
        taken = m.PalletTag.objects.filter(pallet__in=pallets, tag=tag).select_related(
            "pallet").first()
        if taken is not None:
            raise errors.CommandError(
                f'pallet "{full_name(taken.pallet)}" already has tag "{tag}"')
        m.PalletTag.objects.bulk_create([m.PalletTag(pallet=p, tag=tag, value=value)
                                         for p in pallets])


class SetPalletTag(TagCommand):
    """Set a tag of pallets, adding it where they lack it."""

    path = "set pallet tag"
    examples = (Example("set pallet tag stacki tag=channel value=testing",
                        "Changes the channel tag of the stacki pallets."),)

    def run(self, args: list[str], params: Params) -> None:
        pallets, tag, value = self.chosen(args, params)
        for p in pallets:
            m.PalletTag.objects.update_or_create(pallet=p, tag=tag, defaults={"value": value})


class ListPalletTag(Command):
    """List the tags of pallets."""

    path = "list pallet tag"
    args = (Arg("pallet", optional=True, repeat=True,
                help="Pallet names (SQL LIKE patterns); none: every pallet."),)
    params = sw.PALLET_PARAMS + (Param("tag", help="Only tags matching this shell glob."),)
    examples = (Example("list pallet tag", "Lists every pallet's tags."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        pallets = sw.pallets(args, params)
        glob = params.value("tag", "*")
        tags = m.PalletTag.objects.filter(pallet_id__in=[p.id for p in pallets])
        by_pallet: dict[int, list[tuple[str, str]]] = {}
        for pallet_id, tag, value in tags.order_by("tag").values_list("pallet_id", "tag", "value"):
            if fnmatch.fnmatchcase(tag, glob):
                by_pallet.setdefault(pallet_id, []).append((tag, value))
        rows = [(p.name, p.version, p.release, p.arch, p.os, tag, value)
                for p in pallets for tag, value in by_pallet.get(p.id, [])]
        return Table(["pallet", "version", "release", "arch", "os", "tag", "value"], rows)


class RemovePalletTag(Command):
    """Remove tags (matching a shell glob) from pallets."""

    path = "remove pallet tag"
    args = PALLET_ARGS
    params = sw.PALLET_PARAMS + (Param("tag", optional=False,
                                       help="The tags to remove (shell glob)."),)
    examples = (Example("remove pallet tag stacki tag=channel",
                        "Removes the channel tag of the stacki pallets."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("pallet")
        glob = params.require("tag")
        pallets = sw.pallets(args, params)
        doomed = [pk for pk, tag in m.PalletTag.objects.filter(pallet__in=pallets).values_list(
            "id", "tag") if fnmatch.fnmatchcase(tag, glob)]
        m.PalletTag.objects.filter(id__in=doomed).delete()
