"""Operating systems by name: the frontend's own, and one named by a user."""

from __future__ import annotations

from stacki import errors
from stacki.home import sysroot
from stacki.inventory import defaults
from stacki.inventory import models as m
from stacki.inventory.objects import ALIASES


def native_os() -> m.OS:
    """The OS the frontend runs: the default OS of new boxes and install boot actions."""
    name = defaults.native_os(sysroot())
    os = m.OS.objects.filter(name=name).first()
    if os is None:
        raise errors.ArgNotFound(name, "OS")
    return os


def find_os(name: str) -> m.OS:
    """One OS by exact name (`centos` means `redhat`)."""
    os = m.OS.objects.filter(name=ALIASES["os"].get(name.lower(), name)).first()
    if os is None:
        raise errors.ArgNotFound(name, "OS")
    return os
