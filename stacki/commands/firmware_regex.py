"""Firmware implementations and version regexes: add, list and remove them."""

from __future__ import annotations

import re

from stacki import errors
from stacki.commands.firmware_checks import (
    check_names,
    comma_list,
    imps_exist,
    make_exists,
    models_exist,
    unique_lowered,
    version_regexes_exist,
)
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import firmware as fw
from stacki.inventory import models as m

ONE_NAME = (Arg("name", help="The name of the implementation."),)


def new_imp(imp: str, param: str | None = None) -> m.FirmwareImp:
    """Record an implementation; it must be one this product ships. Errors
    name the `name` argument, or `param` when the name came in a parameter."""
    check_new_imp(imp, param)
    return m.FirmwareImp.objects.create(name=imp)


def check_new_imp(imp: str, param: str | None = None) -> None:
    """What new_imp refuses, without writing anything."""
    def error(text: str) -> errors.StackError:
        return errors.ParamError(param, text) if param else errors.ArgError("name", text)

    if m.FirmwareImp.objects.filter(name=imp).exists():
        raise error(f"An implementation named {imp} already exists in the database.")
    if imp not in fw.IMPLEMENTATIONS:
        raise error(f"Could not find an implementation named {imp}."
                    f" The implementations shipped are: {', '.join(fw.IMPLEMENTATIONS)}.")


class AddFirmwareImp(Command):
    """Add a firmware implementation (the code that talks to a kind of device)
    and optionally make it the one of models of a make.

    The name must be an implementation this product ships: dell_x1052 or
    mellanox, the names of Stacki's. No device is flashed yet: the name is
    recorded for when device syncing exists.
    """

    path = "add firmware imp"
    args = ONE_NAME
    params = (Param("make", help="The make of the models to use the implementation."),
              Param("models", help="Models of that make, comma-separated."))
    examples = (Example("add firmware imp mellanox make=mellanox models=m7800,m6036",
                        "Adds the mellanox implementation and sets it on the two models."),)
    related = ("list firmware imp", "remove firmware imp", "set firmware model imp")

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("name")
        if len(args) != 1:
            raise errors.ArgUnique("name")
        imp = args[0].lower()
        make = (params.get("make") or "").lower()
        models = comma_list(params.get("models") or "")
        found = models_exist(make, models) if make or models else []
        row = new_imp(imp)
        m.FirmwareModel.objects.filter(id__in=[md.id for md in found]).update(imp=row)


class ListFirmwareImp(Command):
    """List firmware implementations."""

    path = "list firmware imp"
    examples = (Example("list firmware imp", "Lists every implementation."),)
    related = ("add firmware imp", "remove firmware imp")

    def run(self, args: list[str], params: Params) -> Table:
        names = m.FirmwareImp.objects.order_by("name").values_list("name", flat=True)
        return Table(["imp"], [(name,) for name in names])


class RemoveFirmwareImp(Command):
    """Remove firmware implementations no model uses."""

    path = "remove firmware imp"
    args = (Arg("names", repeat=True, help="One or more implementation names."),)
    examples = (Example("remove firmware imp mellanox", "Removes the mellanox implementation."),)
    related = ("add firmware imp", "list firmware imp")

    def run(self, args: list[str], params: Params) -> None:
        ids = [imp.id for imp in imps_exist(unique_lowered(args))]
        if m.FirmwareModel.objects.filter(imp_id__in=ids).exists():
            raise errors.CommandError(
                "Failed to remove all implementations because some are still in use."
                " Please run 'stack list firmware model expanded=true' to list the models still"
                " using the implementation and 'stack remove firmware model' to remove them.")
        m.FirmwareImp.objects.filter(id__in=ids).delete()


class AddFirmwareVersionRegex(Command):
    """Add a named version regex and set it on a make, or on models of a make.

    `add firmware` checks a version against the regex of its model, else of
    its make (case-insensitively, anywhere in the version).
    """

    path = "add firmware version_regex"
    args = (Arg("regex", help="A Python regex that version numbers must match."),)
    params = (Param("name", optional=False, help="The name of the regex."),
              Param("make", optional=False, help="The make to use the regex."),
              Param("models", help="Models of the make to use it, comma-separated (default: the make)."),
              Param("description", help="What the regex expects."))
    examples = (Example(r"add firmware version_regex '\d+\.\d+\.\d+' name=mellanox_version"
                        " make=mellanox description='three numbers'",
                        "Mellanox firmware versions must be three dotted numbers."),)
    related = ("list firmware version_regex", "remove firmware version_regex",
               "set firmware make version_regex", "set firmware model version_regex")

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("regex")
        if len(args) != 1:
            raise errors.ArgUnique("regex")
        regex = self.checked_regex(args[0])
        name = (params.get("name") or "").lower()
        description = params.get("description") or ""
        if not name:
            raise errors.ParamRequired("name")
        if m.FirmwareVersionRegex.objects.filter(name=name).exists():
            raise errors.ParamError(
                "name", f"A version_regex with the name {name} already exists in the database.")
        check_names("version_regex", [name])
        make = (params.get("make") or "").lower()
        models = comma_list(params.get("models") or "")
        if models:
            found = models_exist(make, models)
        else:
            make_row = make_exists(make)
        row = m.FirmwareVersionRegex.objects.create(name=name, regex=regex, description=description)
        if models:
            m.FirmwareModel.objects.filter(id__in=[md.id for md in found]).update(version_regex=row)
        else:
            m.FirmwareMake.objects.filter(id=make_row.id).update(version_regex=row)

    @staticmethod
    def checked_regex(regex: str) -> str:
        if not regex:
            raise errors.ArgError("regex", "Regex cannot be an empty string.")
        if len(regex) > 255:
            raise errors.ArgError("regex", "must be at most 255 characters")
        try:
            re.compile(regex)
        except re.error as exc:
            raise errors.ArgError("regex", f"Invalid regex supplied: {exc}.") from None
        return regex


class ListFirmwareVersionRegex(Command):
    """List version regexes."""

    path = "list firmware version_regex"
    examples = (Example("list firmware version_regex", "Lists every version regex."),)
    related = ("add firmware version_regex", "remove firmware version_regex")

    def run(self, args: list[str], params: Params) -> Table:
        rows = m.FirmwareVersionRegex.objects.order_by("name").values_list(
            "name", "regex", "description")
        return Table(["name", "regex", "description"], list(rows))


class RemoveFirmwareVersionRegex(Command):
    """Remove version regexes; makes and models using them are no longer checked by them."""

    path = "remove firmware version_regex"
    args = (Arg("names", repeat=True, help="One or more version regex names."),)
    examples = (Example("remove firmware version_regex mellanox_version",
                        "Removes the regex mellanox_version."),)
    related = ("add firmware version_regex", "list firmware version_regex")

    def run(self, args: list[str], params: Params) -> None:
        found = version_regexes_exist(unique_lowered(args))
        m.FirmwareVersionRegex.objects.filter(id__in=[r.id for r in found]).delete()
