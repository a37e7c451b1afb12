"""Firmware in `dump` and `load`: the metadata of makes, models,
implementations, version regexes, images and host mappings.

Image files are not in the document: loading adds each image again with
`add firmware`, which fetches it from its source and checks it against the
dumped hash.
"""

from __future__ import annotations

from typing import Any

from stacki import errors
from stacki.inventory import models as m

IMAGE = ("model__make__name", "model__name", "version", "source", "hash", "hash_alg")
IMAGE_KEYS = ("make", "model", "version", "source", "hash", "hash_alg")
MAPPING = ("host__name", "firmware__model__make__name", "firmware__model__name",
           "firmware__version")
MAPPING_KEYS = ("host", "make", "model", "version")


def firmware() -> dict[str, Any]:
    """The firmware section, one query per kind of row."""
    models = m.FirmwareModel.objects.order_by("make__name", "name").values_list(
        "make__name", "name", "imp__name", "version_regex__name")
    return {
        "imp": list(m.FirmwareImp.objects.order_by("name").values_list("name", flat=True)),
        "version_regex": [
            {"name": n, "regex": r, "description": d} for n, r, d in
            m.FirmwareVersionRegex.objects.order_by("name").values_list("name", "regex",
                                                                        "description")],
        "make": [{"name": n, "version_regex": r} for n, r in
                 m.FirmwareMake.objects.order_by("name").values_list("name", "version_regex__name")],
        "model": [dict(zip(("make", "name", "imp", "version_regex"), row)) for row in models],
        "image": [dict(zip(IMAGE_KEYS, row)) for row in
                  m.Firmware.objects.order_by(*IMAGE[:3]).values_list(*IMAGE)],
        "mapping": [dict(zip(MAPPING_KEYS, row)) for row in
                    m.FirmwareMapping.objects.order_by(*MAPPING).values_list(*MAPPING)],
    }


def _entries(section: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = section.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.CommandError(f'"firmware" section: "{key}" must be a list of objects')
    return value


def _required(entry: dict[str, Any], key: str, what: str) -> str:
    value = entry.get(key)
    if value is None:
        raise errors.CommandError(f'firmware {what} missing "{key}"')
    return str(value)


def load_lines(section: Any) -> list:
    """The stack commands that load a firmware section."""
    from stacki.commands.load_script import Line

    if not isinstance(section, dict):
        raise errors.CommandError('"firmware" section must be an object')
    imps = section.get("imp") or []
    if not isinstance(imps, list) or not all(isinstance(i, str) for i in imps):
        raise errors.CommandError('"firmware" section: "imp" must be a list of names')
    lines = [Line("add firmware imp", [imp]) for imp in imps]
    makes = _entries(section, "make")
    models = _entries(section, "model")
    lines += [Line("add firmware make", [_required(mk, "name", "make")]) for mk in makes]
    lines += [Line("add firmware model", [_required(md, "name", "model")],
                   [("make", _required(md, "make", "model")), ("imp", md.get("imp"))])
              for md in models]
    lines += _regex_lines(Line, _entries(section, "version_regex"), makes, models)
    lines += [Line("add firmware", [_required(i, "version", "image")],
                   [("source", i.get("source")), ("make", i.get("make")), ("model", i.get("model")),
                    ("hash", i.get("hash")), ("hash_alg", i.get("hash_alg"))])
              for i in _entries(section, "image")]
    lines += [Line("add host firmware mapping", [_required(mp, "host", "mapping")],
                   [("version", mp.get("version")), ("make", mp.get("make")),
                    ("model", mp.get("model"))])
              for mp in _entries(section, "mapping")]
    return lines


def _regex_lines(Line: type, regexes: list[dict], makes: list[dict], models: list[dict]) -> list:
    """A regex is added on the first make (else the first model) that uses it
    and set on the others; as in Stacki, a regex nothing uses cannot be added."""
    lines = []
    for regex in regexes:
        name = _required(regex, "name", "version_regex")
        on_makes = [mk["name"] for mk in makes if mk.get("version_regex") == name]
        on_models = [(md["make"], md["name"]) for md in models if md.get("version_regex") == name]
        common = [("name", name), ("description", regex.get("description") or None)]
        if on_makes:
            lines.append(Line("add firmware version_regex", [_required(regex, "regex", "version_regex")],
                              [*common, ("make", on_makes[0])]))
            rest_makes, rest_models = on_makes[1:], on_models
        elif on_models:
            make = on_models[0][0]
            first = [md for mk, md in on_models if mk == make]
            lines.append(Line("add firmware version_regex", [_required(regex, "regex", "version_regex")],
                              [*common, ("make", make), ("models", ",".join(first))]))
            rest_makes, rest_models = [], [(mk, md) for mk, md in on_models if mk != make]
        else:
            continue
        lines += [Line("set firmware make version_regex", [mk], [("version_regex", name)])
                  for mk in rest_makes]
        lines += [Line("set firmware model version_regex", [md],
                       [("make", mk), ("version_regex", name)]) for mk, md in rest_models]
    return lines
