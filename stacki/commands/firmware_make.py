"""Firmware makes and models: add, list and remove them, and set their
implementation and version regex."""

from __future__ import annotations

from stacki import errors
from stacki.commands.firmware_checks import (
    check_names,
    imp_exists,
    makes_exist,
    models_exist,
    unique_lowered,
    unique_makes,
    unique_models,
    version_regex_exists,
)
from stacki.commands.firmware_regex import new_imp
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import firmware as fw
from stacki.inventory import models as m

EXPANDED = Param("expanded", type="bool", help="Also show implementations and version regexes.")
MODELS = Arg("models", repeat=True, help="One or more model names.")


class AddFirmwareMake(Command):
    """Add firmware makes (device manufacturers). Names are kept in lower case."""

    path = "add firmware make"
    args = (Arg("makes", repeat=True, help="One or more make names; duplicates are ignored."),)
    examples = (Example("add firmware make mellanox", "Adds the make mellanox."),)
    related = ("list firmware make", "remove firmware make", "add firmware model")

    def run(self, args: list[str], params: Params) -> None:
        makes = unique_lowered(args)
        unique_makes(makes)
        check_names("make", makes)
        m.FirmwareMake.objects.bulk_create([m.FirmwareMake(name=name) for name in makes])


class ListFirmwareMake(Command):
    """List firmware makes, with their version regex when expanded."""

    path = "list firmware make"
    params = (EXPANDED,)
    examples = (Example("list firmware make expanded=true",
                        "Lists every make and the version regex set on it."),)
    related = ("add firmware make", "set firmware make version_regex")

    def run(self, args: list[str], params: Params) -> Table:
        makes = m.FirmwareMake.objects.order_by("name")
        if params.flag("expanded"):
            rows = makes.values_list("name", "version_regex__name")
            return Table(["make", "version_regex_name"], list(rows))
        return Table(["make"], [(name,) for name in makes.values_list("name", flat=True)])


class RemoveFirmwareMake(Command):
    """Remove firmware makes with their models, images (files too) and host mappings."""

    path = "remove firmware make"
    args = (Arg("makes", repeat=True, help="One or more make names."),)
    examples = (Example("remove firmware make mellanox",
                        "Removes mellanox and every model and image of it."),)
    related = ("add firmware make", "list firmware make")

    def run(self, args: list[str], params: Params) -> None:
        found = makes_exist(unique_lowered(args))
        ids = [mk.id for mk in found.values()]
        fw.delete_images(m.Firmware.objects.filter(model__make_id__in=ids))
        m.FirmwareMake.objects.filter(id__in=ids).delete()


class SetFirmwareMakeVersionRegex(Command):
    """Set the version regex that firmware versions of makes must match (a
    regex set on a model wins over the one of its make)."""

    path = "set firmware make version_regex"
    args = (Arg("makes", repeat=True, help="One or more make names."),)
    params = (Param("version_regex", optional=False, help="The name of the version regex."),)
    examples = (Example("set firmware make version_regex mellanox version_regex=mellanox_version",
                        "Versions of mellanox firmware must match mellanox_version."),)
    related = ("add firmware version_regex", "remove firmware make version_regex")

    def run(self, args: list[str], params: Params) -> None:
        found = makes_exist(unique_lowered(args))
        regex = version_regex_exists((params.get("version_regex") or "").lower())
        m.FirmwareMake.objects.filter(id__in=[mk.id for mk in found.values()]).update(
            version_regex=regex)


class RemoveFirmwareMakeVersionRegex(Command):
    """Take the version regex off makes (the regex itself is kept)."""

    path = "remove firmware make version_regex"
    args = (Arg("makes", repeat=True, help="One or more make names."),)
    examples = (Example("remove firmware make version_regex mellanox",
                        "mellanox firmware versions are no longer checked by its make's regex."),)
    related = ("set firmware make version_regex",)

    def run(self, args: list[str], params: Params) -> None:
        found = makes_exist(unique_lowered(args))
        m.FirmwareMake.objects.filter(id__in=[mk.id for mk in found.values()]).update(
            version_regex=None)


class AddFirmwareModel(Command):
    """Add firmware models of a make, run by an implementation. The make is
    created when it does not exist; the implementation must exist."""

    path = "add firmware model"
    args = (MODELS,)
    params = (Param("make", optional=False, help="The make of the models."),
              Param("imp", optional=False, help="The implementation that handles the models."))
    examples = (Example("add firmware model m7800 make=mellanox imp=mellanox",
                        "Adds model m7800 of make mellanox, handled by the mellanox implementation."),)
    related = ("list firmware model", "remove firmware model", "add firmware imp")

    def run(self, args: list[str], params: Params) -> None:
        make = (params.get("make") or "").lower()
        imp = (params.get("imp") or "").lower()
        if not make:
            raise errors.ParamRequired("make")
        if not imp:
            raise errors.ParamRequired("imp")
        models = unique_lowered(args)
        unique_models(make, models)
        check_names("make", [make])
        check_names("model", models)
        imp_row = m.FirmwareImp.objects.filter(name=imp).first() or new_imp(imp, "imp")
        make_row, _ = m.FirmwareMake.objects.get_or_create(name=make)
        m.FirmwareModel.objects.bulk_create(
            [m.FirmwareModel(name=name, make=make_row, imp=imp_row) for name in models])


class ListFirmwareModel(Command):
    """List firmware models, with implementation and version regex when expanded."""

    path = "list firmware model"
    params = (EXPANDED,)
    examples = (Example("list firmware model", "Lists the make and name of every model."),)
    related = ("add firmware model", "set firmware model imp", "set firmware model version_regex")

    def run(self, args: list[str], params: Params) -> Table:
        models = m.FirmwareModel.objects.order_by("make__name", "name")
        if params.flag("expanded"):
            rows = models.values_list("make__name", "name", "imp__name", "version_regex__name")
            return Table(["make", "model", "imp", "version_regex_name"], list(rows))
        return Table(["make", "model"], list(models.values_list("make__name", "name")))


class RemoveFirmwareModel(Command):
    """Remove firmware models of a make with their images (files too) and host mappings."""

    path = "remove firmware model"
    args = (MODELS,)
    params = (Param("make", optional=False, help="The make of the models."),)
    examples = (Example("remove firmware model m7800 make=mellanox",
                        "Removes model m7800 and its images."),)
    related = ("add firmware model", "list firmware model")

    def run(self, args: list[str], params: Params) -> None:
        found = models_exist((params.get("make") or "").lower(), unique_lowered(args))
        ids = [md.id for md in found]
        fw.delete_images(m.Firmware.objects.filter(model_id__in=ids))
        m.FirmwareModel.objects.filter(id__in=ids).delete()


class SetFirmwareModelImp(Command):
    """Set the implementation that handles firmware models."""

    path = "set firmware model imp"
    args = (MODELS,)
    params = (Param("make", optional=False, help="The make of the models."),
              Param("imp", optional=False, help="The implementation."))
    examples = (Example("set firmware model imp m7800 m6036 make=mellanox imp=mellanox",
                        "Both models are handled by the mellanox implementation."),)
    related = ("add firmware imp", "list firmware model")

    def run(self, args: list[str], params: Params) -> None:
        found = models_exist((params.get("make") or "").lower(), unique_lowered(args))
        imp = imp_exists((params.get("imp") or "").lower())
        m.FirmwareModel.objects.filter(id__in=[md.id for md in found]).update(imp=imp)


class SetFirmwareModelVersionRegex(Command):
    """Set the version regex that firmware versions of models must match."""

    path = "set firmware model version_regex"
    args = (MODELS,)
    params = (Param("make", optional=False, help="The make of the models."),
              Param("version_regex", optional=False, help="The name of the version regex."))
    examples = (Example("set firmware model version_regex m7800 make=mellanox"
                        " version_regex=mellanox_version",
                        "Versions of m7800 firmware must match mellanox_version."),)
    related = ("add firmware version_regex", "remove firmware model version_regex")

    def run(self, args: list[str], params: Params) -> None:
        found = models_exist((params.get("make") or "").lower(), unique_lowered(args))
        regex = version_regex_exists((params.get("version_regex") or "").lower())
        m.FirmwareModel.objects.filter(id__in=[md.id for md in found]).update(version_regex=regex)


class RemoveFirmwareModelVersionRegex(Command):
    """Take the version regex off models (the make's regex, if any, applies again)."""

    path = "remove firmware model version_regex"
    args = (MODELS,)
    params = (Param("make", optional=False, help="The make of the models."),)
    examples = (Example("remove firmware model version_regex m7800 make=mellanox",
                        "m7800 versions follow the regex of its make again."),)
    related = ("set firmware model version_regex",)

    def run(self, args: list[str], params: Params) -> None:
        found = models_exist((params.get("make") or "").lower(), unique_lowered(args))
        m.FirmwareModel.objects.filter(id__in=[md.id for md in found]).update(version_regex=None)

