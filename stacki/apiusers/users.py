"""Looking up API users and groups, and where a new user reaches the service."""

from __future__ import annotations

import re

from stacki import errors, home
from stacki.inventory import models as m
from stacki.inventory.models import Group, User

# The settings row where `stacki-ws` records the address it serves.
SERVICE_ADDRESS = "ws.address"
# The grammar of user and group names.
ALNUM = re.compile(r"^[A-Za-z0-9]{1,150}$")


def find_user(name: str, template: str = "User {} does not exist") -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise errors.CommandError(template.format(name))
    return user


def find_group(name: str, template: str = "Group {} does not exist") -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise errors.CommandError(template.format(name))
    return group


def service_address(service_host: str | None) -> str:
    """Where a new user reaches the service: the configured address
    (`service_host`, which the web service passes, or the environment's, see
    home.service_address_setting), else the one `stacki-ws` recorded, else
    the frontend's FQDN. Never the Host header of the request: a client must
    not choose what the credentials of others name."""
    configured = service_host or home.service_address_setting()
    if configured:
        return configured
    recorded = m.Setting.objects.filter(key=SERVICE_ADDRESS).values_list("value", flat=True)
    if recorded:
        return recorded[0]
    return frontend_fqdn()


def frontend_fqdn() -> str:
    frontend = m.Host.objects.filter(appliance__name="frontend").order_by("id").first()
    if frontend is None:
        return home.frontend_name()
    zone = (m.Interface.objects.filter(host=frontend, default=True)
            .values_list("network__zone", flat=True).first())
    return f"{frontend.name}.{zone}" if zone else frontend.name
