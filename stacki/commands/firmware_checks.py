"""Checks shared by the firmware commands, with Stacki's messages.

Each check reads every name it is given in one query, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from stacki import errors
from stacki.inventory import firmware as fw
from stacki.inventory import models as m

Row = TypeVar("Row", bound=Any)


def unique_lowered(values: Iterable[str]) -> tuple[str, ...]:
    """Names as Stacki takes them: lower case, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(v.lower() for v in values))


def comma_list(value: str) -> tuple[str, ...]:
    return unique_lowered(v.strip() for v in value.split(",") if v.strip())


def check_names(kind: str, names: Iterable[str]) -> None:
    """New names must follow the grammar: they become paths and command words."""
    for name in names:
        if not fw.valid_name(name):
            raise errors.CommandError(
                f'"{name}" is not a valid {kind} name: use letters, digits and . _ + - only')


def _some(kinds: str, kind: str, names: tuple[str, ...]) -> None:
    if not names:
        raise errors.CommandError(f"{kinds} are required.")
    if not all(names):
        raise errors.CommandError(f"A {kind} cannot be an empty string.")


def _one(model: type[Row], name: str, required: str, missing: str) -> Row:
    """The row of `model` called `name`; `missing` is formatted with the name."""
    if not name:
        raise errors.CommandError(required)
    found = model.objects.filter(name=name).first()
    if found is None:
        raise errors.CommandError(missing.format(name))
    return found


def _every(rows: Iterable, names: tuple[str, ...], missing: str) -> dict:
    """`rows` by name, all of `names` among them; `missing` is formatted with those that are not."""
    found = {row.name: row for row in rows}
    absent = [n for n in names if n not in found]
    if absent:
        raise errors.CommandError(missing.format(absent))
    return found


def makes_exist(makes: tuple[str, ...]) -> dict[str, m.FirmwareMake]:
    _some("Makes", "make", makes)
    return _every(m.FirmwareMake.objects.filter(name__in=makes), makes,
                  "The following firmware makes don't exist: {}.")


def unique_makes(makes: tuple[str, ...]) -> None:
    _some("Makes", "make", makes)
    existing = sorted(set(m.FirmwareMake.objects.filter(name__in=makes).values_list("name", flat=True)),
                      key=makes.index)
    if existing:
        raise errors.CommandError(f"The following firmware makes already exist: {existing}.")


def make_exists(make: str) -> m.FirmwareMake:
    return _one(m.FirmwareMake, make, "A make is required.", "The make {} does not exist.")


def models_exist(make: str, models: tuple[str, ...]) -> list[m.FirmwareModel]:
    make_row = make_exists(make)
    _some("Models", "model", models)
    found = _every(m.FirmwareModel.objects.filter(make=make_row, name__in=models), models,
                   f"The following firmware models don't exist for make {make}: {{}}.")
    return [found[md] for md in models]


def unique_models(make: str, models: tuple[str, ...]) -> None:
    _some("Models", "model", models)
    existing = set(m.FirmwareModel.objects.filter(make__name=make, name__in=models)
                   .values_list("name", flat=True))
    pairs = [(make, md) for md in models if md in existing]
    if pairs:
        raise errors.CommandError(
            f"The following make and model combinations already exist {pairs}.")


def imp_exists(imp: str) -> m.FirmwareImp:
    return _one(m.FirmwareImp, imp, "Imp is required.", "Imp {} does not exist in the database.")


def imps_exist(imps: tuple[str, ...]) -> list[m.FirmwareImp]:
    _some("Imps", "imp", imps)
    found = _every(m.FirmwareImp.objects.filter(name__in=imps), imps,
                   "The following firmware implementations don't exist in the database: {}.")
    return [found[i] for i in imps]


def version_regex_exists(name: str) -> m.FirmwareVersionRegex:
    return _one(m.FirmwareVersionRegex, name, "A version regex name is required.",
                "A version regex named {} does not exist.")


def version_regexes_exist(names: tuple[str, ...]) -> list[m.FirmwareVersionRegex]:
    if not names:
        raise errors.CommandError("Version regex names are required.")
    if not all(names):
        raise errors.CommandError("A version regex name cannot be an empty string.")
    found = _every(m.FirmwareVersionRegex.objects.filter(name__in=names), names,
                   "The following firmware version regexes don't exist in the database: {}.")
    return [found[n] for n in names]
