"""Parameter types: how a `key=value` word becomes the value a command gets.

A declaration names its type either by Stacki's usage word (`"string"`,
`"boolean"`, `"bool"`, `"integer"`: what existing declarations write) or by
a Type below. A type has the word usage lines print (Stacki's, so that its
usage lines stay as they were: an IP parameter prints `ip=string`) and a
converter that turns the text into a value or raises the user's error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from stacki import errors
from stacki.inventory import values


class Type(NamedTuple):
    name: str  # in help and the catalogue
    label: str  # in usage lines
    convert: Callable[[str, str], Any] | None = None  # (text, param name) -> value
    choices: tuple[str, ...] = ()


def _integer(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise errors.ParamType(name, "integer") from None


STRING = Type("string", "string")
BOOLEAN = Type("bool", "boolean", lambda text, name: values.str2bool(text))
BOOL = BOOLEAN._replace(label="bool")
INTEGER = Type("int", "integer", _integer)
IP = Type("ip", "string", values.ipv4_address)
MAC = Type("mac", "string", values.parse_mac)
VLAN = Type("vlan", "integer", values.parse_vlan)

# The usage words of existing declarations.
BY_LABEL = {"string": STRING, "boolean": BOOLEAN, "bool": BOOL, "integer": INTEGER,
            "int": INTEGER._replace(label="int")}


def choice(*choices: str, label: str = "string", case: bool = False,
           invalid: str | None = None) -> Type:
    """One of `choices` (compared ignoring case unless `case`); the value is the
    choice as declared. Anything else: `"name" parameter must be one of ...`,
    or `"name" parameter <invalid>` where Stacki words it so."""
    by_key = {(c if case else c.lower()): c for c in choices}

    def convert(text: str, name: str) -> str:
        found = by_key.get(text if case else text.lower())
        if found is None:
            if invalid is not None:
                raise errors.ParamError(name, invalid)
            raise errors.ParamValue(name, "one of " + ", ".join(choices))
        return found

    return Type("choice", label, convert, tuple(choices))


def of(declared: str | Type) -> Type:
    """The Type a declaration names (an unknown word is a plain string labelled so)."""
    if isinstance(declared, Type):
        return declared
    return BY_LABEL.get(declared) or STRING._replace(label=declared)
