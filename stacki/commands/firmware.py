"""Firmware images: add (fetched into the firmware tree, hash checked), list,
remove, and `sync firmware` (the tree made consistent with the database)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import NamedTuple

from django.db import DatabaseError

from stacki import errors
from stacki.commands.firmware_checks import check_names
from stacki.commands.firmware_regex import check_new_imp, new_imp
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import firmware as fw
from stacki.inventory import models as m

MAKE_MODEL = (Param("make", optional=False, help="The make of the firmware."),
              Param("model", optional=False, help="The model of the firmware."))


def version_regex(make: str, model: str) -> m.FirmwareVersionRegex | None:
    """The regex versions of the model must match: the model's, else its make's."""
    found = (m.FirmwareModel.objects.filter(make__name=make, name=model)
             .select_related("version_regex", "make__version_regex").first())
    if found is None:
        return None
    return found.version_regex or found.make.version_regex


def check_version(version: str, make: str, model: str) -> None:
    regex = version_regex(make, model)
    if regex and not re.search(regex.regex, version, re.IGNORECASE):
        described = f" with description {regex.description}" if regex.description else ""
        raise errors.ArgError("version", f"The format of the version number {version} does not"
                              f" validate based on the regex {regex.regex} named {regex.name}{described}.")


def check_model(make: str, model: str, imp: str) -> m.FirmwareModel | None:
    """The model, or None when model_for can make it (else the error it would give)."""
    found = m.FirmwareModel.objects.filter(make__name=make, name=model).first()
    if found is not None:
        return found
    if not imp:
        raise errors.ParamRequired("imp")
    check_names("make", [make])
    check_names("model", [model])
    if not m.FirmwareImp.objects.filter(name=imp).exists():
        check_new_imp(imp, "imp")
    return None


def model_for(make: str, model: str, imp: str) -> m.FirmwareModel:
    """The model, made (with its make) when it does not exist yet."""
    found = check_model(make, model, imp)
    if found is not None:
        return found
    imp_row = m.FirmwareImp.objects.filter(name=imp).first() or new_imp(imp, "imp")
    make_row, _ = m.FirmwareMake.objects.get_or_create(name=make)
    return m.FirmwareModel.objects.create(name=model, make=make_row, imp=imp_row)


class AddFirmware(Command):
    """Add a firmware image for a make and model.

    The image is fetched from its source (a local file, file:// or http(s)://
    URL) into the firmware tree, /export/stack/firmware/MAKE/MODEL/ under
    STACKI_SYSROOT, and its hash is computed (md5 unless hash_alg says
    otherwise) and compared with `hash` when given. The version must match
    the version regex of the model, else of the make, if one is set. A make
    and model that do not exist are created; a new model needs `imp`. Over
    the web service the source must be an http(s) URL.
    """

    path = "add firmware"
    args = (Arg("version", help="The firmware version; unique for the make and model."),)
    params = (Param("source", optional=False, help="Where to fetch the image from."),
              *MAKE_MODEL,
              Param("hash", help="The expected hash of the image (hex)."),
              Param("hash_alg", help="The hash algorithm (default md5): "
                    + ", ".join(fw.SUPPORTED_HASH_ALGS) + "."),
              Param("imp", help="The implementation of a model that does not exist yet."))
    examples = (Example("add firmware 3.6.5002 source=file:///tmp/img-3.6.5002.img make=mellanox"
                        " model=m7800", "Adds the image in /tmp as version 3.6.5002 of m7800."),
                Example("add firmware 3.6.5002 source=http://10.1.1.1/img-3.6.5002.img"
                        " make=mellanox model=m7800 hash=5e8f1c0e28b9ee9d6d5e4cbd3c9a1f7a",
                        "Fetches the image over HTTP and checks its md5 sum."))
    related = ("list firmware", "remove firmware", "sync firmware")

    def prepare(self, args: list[str], params: Params) -> Fetched:
        # Checked and fetched before the transaction: a large image over HTTP
        # must not keep every other writer waiting on SQLite's write lock.
        if not args:
            raise errors.ArgRequired("version")
        if len(args) != 1:
            raise errors.ArgUnique("version")
        version = args[0]
        source = params.value("source")
        make, model = (params.value("make") or "").lower(), (params.value("model") or "").lower()
        for name, value in (("source", source), ("make", make), ("model", model)):
            if not value:
                raise errors.ParamRequired(name)
        # A client of the web service names no file of the server's to copy.
        if self.ctx.api and not source.lower().startswith(("http://", "https://")):
            raise errors.ParamError("source", "must be an http:// or https:// URL over the web service")
        hash_value, hash_alg = params.value("hash"), params.value("hash_alg", fw.DEFAULT_HASH_ALG)
        if hash_alg not in fw.SUPPORTED_HASH_ALGS:
            raise errors.ParamError("hash_alg", "hash_alg must be one of the following: "
                                    + ", ".join(fw.SUPPORTED_HASH_ALGS))
        check_version(version, make, model)
        unique_version(version, make, model)
        imp = (params.value("imp") or "").lower()
        check_model(make, model, imp)
        target = fw.new_file(make, model)
        try:
            digest = fw.fetch(source, target, hash_alg, hash_value)
        except fw.FirmwareError as exc:
            param = "hash" if isinstance(exc, fw.HashMismatch) else "source"
            raise errors.ParamError(param, str(exc)) from None
        return Fetched(version, source, make, model, imp, hash_alg, digest, str(target))

    def run(self, args: list[str], params: Params) -> None:
        got: Fetched = self.prepared
        try:
            # Checked again: another writer may have added it since.
            unique_version(got.version, got.make, got.model)
            row = model_for(got.make, got.model, got.imp)
            m.Firmware.objects.create(model=row, version=got.version, source=got.source,
                                      hash_alg=got.hash_alg, hash=got.digest, file=got.file)
        except DatabaseError:
            # A lost race: the transaction runs again with the file (a last
            # failure leaves it to sync firmware).
            raise
        except BaseException:
            fw.remove_files([got.file])
            raise


class Fetched(NamedTuple):
    """An image in the tree, checked, waiting for its row."""

    version: str
    source: str
    make: str
    model: str
    imp: str
    hash_alg: str
    digest: str
    file: str


def unique_version(version: str, make: str, model: str) -> None:
    if m.Firmware.objects.filter(model__make__name=make, model__name=model,
                                 version=version).exists():
        raise errors.ArgError("version", f"The firmware version {version} for make {make}"
                              f" and model {model} already exists.")


class ListFirmware(Command):
    """List firmware images; expanded adds their source, hash, algorithm and file."""

    path = "list firmware"
    params = (Param("expanded", type="bool", help="Also show source, hash and file."),)
    examples = (Example("list firmware expanded=true", "Lists every image with its source and hash."),)
    related = ("add firmware", "remove firmware")

    def run(self, args: list[str], params: Params) -> Table:
        images = m.Firmware.objects.order_by("model__make__name", "model__name", "version")
        if params.flag("expanded"):
            rows = images.values_list("model__make__name", "model__name", "version", "source",
                                      "hash", "hash_alg", "file")
            return Table(["make", "model", "version", "source", "hash", "hash_alg", "file"],
                         list(rows))
        return Table(["make", "model", "version"],
                     list(images.values_list("model__make__name", "model__name", "version")))


class RemoveFirmware(Command):
    """Remove firmware images of a make and model, their files and host mappings."""

    path = "remove firmware"
    args = (Arg("versions", repeat=True, help="One or more versions."),)
    params = MAKE_MODEL
    examples = (Example("remove firmware 3.6.5002 make=mellanox model=m7800",
                        "Removes version 3.6.5002 of m7800 and its file."),)
    related = ("add firmware", "list firmware")

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("version")
        make, model = params.value("make"), params.value("model")
        if make is None:
            raise errors.ParamRequired("make")
        if model is None:
            raise errors.ParamRequired("model")
        make, model = make.lower(), model.lower()
        versions = tuple(dict.fromkeys(args))
        if not m.FirmwareMake.objects.filter(name=make).exists():
            raise errors.ParamError("make", f"The firmware make {make} doesn't exist.")
        row = m.FirmwareModel.objects.filter(make__name=make, name=model).first()
        if row is None:
            raise errors.ParamError("model", f"The firmware model {model} for make {make} doesn't exist.")
        images = m.Firmware.objects.filter(model=row, version__in=versions)
        present = set(images.values_list("version", flat=True))
        missing = [v for v in versions if v not in present]
        if missing:
            raise errors.ArgError("version", f"The following firmware versions don't exist for"
                                  f" make {make} and model {model}: {missing}.")
        fw.delete_images(images)


class SyncFirmware(Command):
    """Make the firmware tree consistent with the database.

    An image whose file is missing, or whose file no longer has the recorded
    hash, is fetched again from its source; a file in the tree that no image
    names is removed. Prints what was done, one file a line.
    """

    path = "sync firmware"
    examples = (Example("sync firmware", "Refetches missing images and removes unknown files."),)
    related = ("add firmware", "list firmware")

    def run(self, args: list[str], params: Params) -> Table:
        images = list(m.Firmware.objects.order_by("file").values_list(
            "file", "source", "hash_alg", "hash"))
        known = {image[0] for image in images}
        rows, failures = [], []
        for file, source, hash_alg, digest in images:
            path = fw.local(file)
            if path.is_file():
                try:
                    fw.calculate_hash(path, hash_alg, digest)
                    continue
                except fw.FirmwareError:
                    action = "fetched again (hash mismatch)"
            else:
                action = "fetched again (missing)"
            try:
                fw.fetch(source, PurePosixPath(file), hash_alg, digest)
            except fw.FirmwareError as exc:
                failures.append(f"{file}: {exc}")
                continue
            rows.append((file, action))
        stray = [str(f) for f in fw.tree_files() if str(f) not in known]
        fw.remove_files(stray)
        rows += [(f, "removed (not in the database)") for f in stray]
        if failures:
            raise errors.CommandError("cannot sync firmware: " + "; ".join(failures))
        return Table(["file", "action"], sorted(rows))
