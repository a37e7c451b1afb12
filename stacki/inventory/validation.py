"""The checks every stored text value passes when it is written.

Stored values end up in generated system files (/etc/hosts, dhcpd.conf, zone
files, ifcfg-*) that `sync` writes as root, one line per value. A value
holding a line break could add lines of its own there, up to a whole
`<stack:file>` block naming any file. So every value written to the database
goes through this module, whichever path wrote it (a command, a spreadsheet,
`load` of a dump): `check_text` for any text, and the grammars below for the
values that are names.

Free-form values that may span lines (attribute values, host metadata) are
declared in MULTILINE; they may hold tabs and line breaks but no other
control characters, and the report layer keeps them from forming file tags.

Errors are `BadValue` (a ValueError): the inventory layer knows nothing of the
command framework, which turns them into `error - <message>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators that
# some tools treat as line breaks.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# A DNS name: dot-separated labels of letters, digits, '-' and '_'.
DNS_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
ZONE = re.compile(rf"^{DNS_LABEL}(?:\.{DNS_LABEL})*\.?$")
HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")
# A new host's name is stricter than what a stored one may be: a DNS label
# without underscores (which some resolvers refuse).
NEW_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
# Interface devices: Linux allows almost anything but '/', whitespace and ':'
# (':' is kept for aliases like eth0:1); ifcfg file names and dhcpd.conf take these.
DEVICE = re.compile(r"^[A-Za-z0-9_.:@+-]{1,64}$")
FILE_TAG = re.compile(r"stack:file", re.IGNORECASE)

# (model label, field) pairs whose values may hold line breaks and tabs.
MULTILINE = frozenset({("inventory.attribute", "value"), ("inventory.host", "metadata")})


class BadValue(ValueError):
    """A value that may not be stored; `str()` is the user-facing message."""


def describe(value: str) -> str:
    """The value for an error message: control characters shown escaped."""
    shown = value if len(value) <= 60 else value[:57] + "..."
    return shown.encode("unicode_escape").decode("ascii")


def check_text(value: Any, what: str, multiline: bool = False) -> Any:
    """Refuse control characters (line breaks and tabs too, unless `multiline`)."""
    if isinstance(value, str):
        pattern = CONTROL_BUT_LINES if multiline else CONTROL
        if pattern.search(value):
            raise BadValue(f'{what} "{describe(value)}" must not contain control characters')
        if multiline and "\n" in value and any(FILE_TAG.search(line) for line in value.split("\n")):
            raise BadValue(f'{what} must not hold a "stack:file" line')
    return value


def check_zone(value: str, what: str = "zone") -> str:
    """A DNS zone (may be empty: no zone)."""
    check_text(value, what)
    if value and not ZONE.match(value):
        raise BadValue(f'{what} "{describe(value)}" is not a valid DNS name')
    return value


def check_label(value: str, what: str) -> str:
    """One DNS label: a host name or an alias."""
    check_text(value, what)
    if not HOST_LABEL.match(value):
        raise BadValue(f'{what} "{describe(value)}" is not a valid host name label')
    return value


def valid_host_name(name: str) -> bool:
    return bool(NEW_HOST_NAME.match(name))


def check_device(value: str, what: str = "interface") -> str:
    check_text(value, what)
    if not DEVICE.match(value):
        raise BadValue(f'{what} "{describe(value)}" is not a valid interface name')
    return value


def check_words(values: Iterable[Any], what: str = "argument") -> None:
    for value in values:
        check_text(value, what)


def check_params(params: dict[str, Any], multiline: Iterable[str] = ()) -> None:
    free = set(multiline)
    for key, value in params.items():
        check_text(key, "parameter name")
        check_text(value, f'"{key}" parameter', multiline=key in free)


# Every model of the inventory app has its text checked on every write (a new
# model is covered without being listed), except these: sessions, settings,
# the audit trail and login failures record what clients sent (or internal
# state).
UNCHECKED = frozenset(("session", "setting", "auditrecord", "loginfailure"))
MULTILINE = MULTILINE | {("inventory.attrdoc", "doc"), ("inventory.hostkey", "key")}
Checker = Callable[[Any, str], Any]


def _single(value: Any, what: str) -> Any:
    return check_text(value, what)


def _multi(value: Any, what: str) -> Any:
    return check_text(value, what, multiline=True)


# The grammars check strings only: None is "no value", and an update() may
# set expressions (bulk_update's CASE) whose values were checked on the instances.
def _zone(value: Any, what: str) -> Any:
    return check_zone(value, what) if isinstance(value, str) else value


def _alias(value: Any, what: str) -> Any:
    return check_label(value, what) if isinstance(value, str) else value


def _device(value: Any, what: str) -> Any:
    return check_device(value, what) if isinstance(value, str) else value


def _file_name_part(value: Any, what: str) -> Any:
    """Names that become part of a file name (zone files are named after networks)."""
    check_text(value, what)
    if isinstance(value, str) and ("/" in value or value in (".", "..")):
        raise BadValue(f'{what} "{describe(value)}" must not contain "/"')
    return value


# Fields with a grammar of their own, checked wherever they are written.
GRAMMAR: dict[tuple[str, str], Checker] = {
    ("inventory.network", "zone"): _zone,
    ("inventory.alias", "name"): _alias,
    ("inventory.interface", "device"): _device,
    ("inventory.network", "name"): _file_name_part,
}
_text_fields: dict[Any, list[tuple[str, str, Checker]]] = {}


def _checker(label: str, name: str) -> Checker:
    if (label, name) in GRAMMAR:
        return GRAMMAR[(label, name)]
    return _multi if (label, name) in MULTILINE else _single


def _fields(model: Any) -> list[tuple[str, str, Checker]]:
    """(attribute, label for messages, check) of a model's text fields."""
    found = _text_fields.get(model)
    if found is None:
        meta = model._meta
        found = [] if meta.app_label != "inventory" or meta.model_name in UNCHECKED else [
            (f.attname, f"{meta.verbose_name} {f.name}", _checker(meta.label_lower, f.name))
            for f in meta.concrete_fields
            if f.get_internal_type() in ("CharField", "TextField")]
        _text_fields[model] = found
    return found


def check_instance(instance: Any, only: Iterable[str] | None = None) -> None:
    """Every text field of a model instance about to be saved."""
    for attname, what, check in _fields(type(instance)):
        if only is None or attname in only:
            check(getattr(instance, attname), what)


def check_instances(instances: Iterable[Any], only: Iterable[str] | None = None) -> None:
    for instance in instances:
        check_instance(instance, only)


def check_update(model: Any, changes: dict[str, Any]) -> None:
    """The values of a queryset update() of `model`."""
    for attname, what, check in _fields(model):
        if attname in changes:
            check(changes[attname], what)


def install() -> None:
    """Check the checked models' text on every way Django writes rows: save()
    (and create(), get_or_create() ...) through the pre_save signal, and the
    queryset's bulk_create, bulk_update and update, which send no signal.

    Wrapping the three QuerySet methods is the one place this module leans on
    Django: they are public API with stable signatures, and wrapping them here
    means no writer can forget the check (a test sweeps every checked model).
    """
    from django.db.models import QuerySet
    from django.db.models.signals import pre_save

    if getattr(QuerySet.update, "_checks_values", False):
        return
    def checked_save(sender: Any, instance: Any, update_fields: Any = None, **kw: Any) -> None:
        # save(update_fields=...) writes only those: an old value elsewhere in
        # the row does not stand in the way of correcting another field.
        only = None if update_fields is None else set(update_fields) | {
            f"{name}_id" for name in update_fields}
        check_instance(instance, only)

    pre_save.connect(checked_save, weak=False, dispatch_uid="stacki.inventory.values")
    bulk_create, bulk_update, update = QuerySet.bulk_create, QuerySet.bulk_update, QuerySet.update

    def checked_bulk_create(self: QuerySet, objs: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
        if _fields(self.model):
            objs = list(objs)
            check_instances(objs)
        return bulk_create(self, objs, *args, **kwargs)

    def checked_bulk_update(self: QuerySet, objs: Iterable[Any], fields: Any, *args: Any,
                            **kwargs: Any) -> Any:
        if _fields(self.model):
            objs = list(objs)
            names = set(fields)
            check_instances(objs, names | {f"{n}_id" for n in names})
        return bulk_update(self, objs, fields, *args, **kwargs)

    def checked_update(self: QuerySet, **kwargs: Any) -> Any:
        if _fields(self.model):
            check_update(self.model, kwargs)
        return update(self, **kwargs)

    for wrapper in (checked_bulk_create, checked_bulk_update, checked_update):
        wrapper._checks_values = True  # type: ignore[attr-defined,union-attr]
    QuerySet.bulk_create = checked_bulk_create  # type: ignore[method-assign]
    QuerySet.bulk_update = checked_bulk_update  # type: ignore[method-assign]
    QuerySet.update = checked_update  # type: ignore[method-assign]
