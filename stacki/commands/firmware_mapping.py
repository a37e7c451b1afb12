"""Which firmware image each host should run: add, list and remove host firmware mapping."""

from __future__ import annotations

from django.db.models import QuerySet

from stacki import errors
from stacki.commands.firmware_checks import make_exists
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m

HOSTS = Arg("host", optional=True, repeat=True, help="Host names or selections.")
SORTS = {"host": "host__name", "make": "firmware__model__make__name",
         "model": "firmware__model__name", "version": "firmware__version"}
COLUMNS = ("host__name", "firmware__version", "firmware__model__make__name",
           "firmware__model__name")


def model_exists(make: str, model: str) -> m.FirmwareModel:
    make_row = make_exists(make)
    if not model:
        raise errors.CommandError("A model is required.")
    found = m.FirmwareModel.objects.filter(make=make_row, name=model).first()
    if found is None:
        raise errors.CommandError(f"Make {make} does not exist for model {model}.")
    return found


def images_exist(make: str, model: str, versions: tuple[str, ...]) -> list[m.Firmware]:
    row = model_exists(make, model)
    if not versions:
        raise errors.CommandError("Versions are required.")
    if not all(versions):
        raise errors.CommandError("A version cannot be an empty string.")
    found = {f.version: f for f in m.Firmware.objects.filter(model=row, version__in=versions)}
    missing = [v for v in versions if v not in found]
    if missing:
        raise errors.CommandError(f"The following firmware versions don't exist for make {make}"
                                  f" and model {model}: {missing}.")
    return [found[v] for v in versions]


def versions_param(params: Params) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (params.get("versions") or "").split(",")
                               if v.strip()))


def filtered(cmd: Command, args: list[str], params: Params) -> QuerySet:
    """The mappings the host arguments and make/model/versions select; each
    named make, model and version must exist."""
    make, model = (params.get("make") or "").lower(), (params.get("model") or "").lower()
    versions = versions_param(params)
    mappings = m.FirmwareMapping.objects.all()
    if args:
        mappings = mappings.filter(host_id__in=[h.id for h in cmd.hosts(args, required=True)])
    if versions:
        mappings = mappings.filter(firmware__in=images_exist(make, model, versions))
    elif model:
        mappings = mappings.filter(firmware__model=model_exists(make, model))
    elif make:
        mappings = mappings.filter(firmware__model__make=make_exists(make))
    return mappings


class AddHostFirmwareMapping(Command):
    """Map hosts to the firmware image they should run."""

    path = "add host firmware mapping"
    args = (Arg("host", repeat=True, help="Host names or selections."),)
    params = (Param("version", optional=False, help="The firmware version."),
              Param("make", optional=False, help="The make of the firmware."),
              Param("model", optional=False, help="The model of the firmware."))
    examples = (Example("add host firmware mapping switch-0-1 switch-0-2 version=3.6.5002"
                        " make=mellanox model=m7800",
                        "Both switches should run version 3.6.5002 of the m7800 firmware."),)
    related = ("list host firmware mapping", "remove host firmware mapping")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True)
        make, model = (params.get("make") or "").lower(), (params.get("model") or "").lower()
        version = params.get("version") or ""
        model_exists(make, model)
        if not version:
            raise errors.CommandError("A version is required.")
        image = m.Firmware.objects.filter(model__make__name=make, model__name=model,
                                          version=version).first()
        if image is None:
            raise errors.CommandError(f"The firmware version {version} does not exist for make"
                                      f" {make} and model {model}.")
        ids = [h.id for h in hosts]
        mapped = set(m.FirmwareMapping.objects.filter(firmware=image, host_id__in=ids)
                     .values_list("host_id", flat=True))
        if mapped:
            lines = "\n".join(f"{h.name} mapped to firmware {version} for make {make} and model {model}"
                              for h in hosts if h.id in mapped)
            raise errors.CommandError(f"The following firmware mappings already exist:\n{lines}")
        m.FirmwareMapping.objects.bulk_create([m.FirmwareMapping(host_id=i, firmware=image)
                                               for i in ids])


class ListHostFirmwareMapping(Command):
    """List host firmware mappings, filtered by hosts, make, model and versions."""

    path = "list host firmware mapping"
    args = (HOSTS,)
    params = (Param("make", help="Only mappings to firmware of this make."),
              Param("model", help="Only mappings to firmware of this model (needs make)."),
              Param("versions", help="Only these versions, comma-separated (needs make and model)."),
              Param("sort", help="Sort by host (default), make, model or version."))
    examples = (Example("list host firmware mapping make=mellanox sort=version",
                        "Lists the hosts mapped to mellanox firmware, by version."),)
    related = ("add host firmware mapping", "remove host firmware mapping")

    def run(self, args: list[str], params: Params) -> Table:
        sort = params.get("sort") or "host"
        if sort not in SORTS:
            raise errors.ParamError("sort", f"Sort must be one of: {list(SORTS)}")
        rows = filtered(self, args, params).order_by(SORTS[sort], "host__name", "firmware__version")
        return Table(["host", "version", "make", "model"], list(rows.values_list(*COLUMNS)))


class RemoveHostFirmwareMapping(Command):
    """Remove host firmware mappings: of the hosts given (default every host),
    narrowed by make, model and versions."""

    path = "remove host firmware mapping"
    args = (HOSTS,)
    params = (Param("make", help="Only mappings to firmware of this make."),
              Param("model", help="Only mappings to firmware of this model (needs make)."),
              Param("versions", help="Only these versions, comma-separated (needs make and model)."))
    examples = (Example("remove host firmware mapping switch-0-1 make=mellanox",
                        "switch-0-1 is no longer mapped to any mellanox firmware."),)
    related = ("add host firmware mapping", "list host firmware mapping")

    def run(self, args: list[str], params: Params) -> None:
        filtered(self, args, params).delete()
