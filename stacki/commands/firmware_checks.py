"""Checks shared by the firmware commands, with Stacki's messages.

Each check reads every name it is given in one query, however many there are.
"""

from __future__ import annotations

from collections.abc import Iterable

from stacki import errors
from stacki.inventory import firmware as fw
from stacki.inventory import models as m


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


def makes_exist(makes: tuple[str, ...]) -> dict[str, m.FirmwareMake]:
    _some("Makes", "make", makes)
    found = {mk.name: mk for mk in m.FirmwareMake.objects.filter(name__in=makes)}
    missing = [mk for mk in makes if mk not in found]
    if missing:
        raise errors.CommandError(f"The following firmware makes don't exist: {missing}.")
    return found


def unique_makes(makes: tuple[str, ...]) -> None:
    _some("Makes", "make", makes)
    existing = sorted(set(m.FirmwareMake.objects.filter(name__in=makes).values_list("name", flat=True)),
                      key=makes.index)
    if existing:
        raise errors.CommandError(f"The following firmware makes already exist: {existing}.")


def make_exists(make: str) -> m.FirmwareMake:
    if not make:
        raise errors.CommandError("A make is required.")
    found = m.FirmwareMake.objects.filter(name=make).first()
    if found is None:
        raise errors.CommandError(f"The make {make} does not exist.")
    return found


def models_exist(make: str, models: tuple[str, ...]) -> list[m.FirmwareModel]:
    make_row = make_exists(make)
    _some("Models", "model", models)
    found = {md.name: md for md in m.FirmwareModel.objects.filter(make=make_row, name__in=models)}
    missing = [md for md in models if md not in found]
    if missing:
        raise errors.CommandError(
            f"The following firmware models don't exist for make {make}: {missing}.")
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
    if not imp:
        raise errors.CommandError("Imp is required.")
    found = m.FirmwareImp.objects.filter(name=imp).first()
    if found is None:
        raise errors.CommandError(f"Imp {imp} does not exist in the database.")
    return found


def imps_exist(imps: tuple[str, ...]) -> list[m.FirmwareImp]:
    _some("Imps", "imp", imps)
    found = {i.name: i for i in m.FirmwareImp.objects.filter(name__in=imps)}
    missing = [i for i in imps if i not in found]
    if missing:
        raise errors.CommandError(
            f"The following firmware implementations don't exist in the database: {missing}.")
    return [found[i] for i in imps]


def version_regex_exists(name: str) -> m.FirmwareVersionRegex:
    if not name:
        raise errors.CommandError("A version regex name is required.")
    found = m.FirmwareVersionRegex.objects.filter(name=name).first()
    if found is None:
        raise errors.CommandError(f"A version regex named {name} does not exist.")
    return found


def version_regexes_exist(names: tuple[str, ...]) -> list[m.FirmwareVersionRegex]:
    if not names:
        raise errors.CommandError("Version regex names are required.")
    if not all(names):
        raise errors.CommandError("A version regex name cannot be an empty string.")
    found = {r.name: r for r in m.FirmwareVersionRegex.objects.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise errors.CommandError(
            f"The following firmware version regexes don't exist in the database: {missing}.")
    return [found[n] for n in names]
