"""The cluster database.

One group concept holds hosts (host groups) and API users, and carries API
permissions. Users and groups are the product's own tables rather than
Django's auth app: loading that app (and contenttypes) is a fifth of the
start-up time of every `stack` command.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

SCOPES = ("global", "os", "appliance", "environment", "host")


@functools.cache
def rows_of(model: type[models.Model], *names: str, order: tuple[str, ...] = ()
            ) -> models.QuerySet:
    """The rows of `model` as tuples of `names` (sorted by `order`), a
    queryset to chain from, never to iterate itself: building a queryset
    costs about as much as running a small query, so each is built once."""
    rows = model._default_manager.values_list(*names)
    return rows.order_by(*order) if order else rows


def columns_of(model: type[models.Model], path: str = "") -> list[str]:
    """The names of `model`'s columns (foreign keys as `x_id`), each after
    `path` (`os__` for a related model's), in the table's order."""
    return [path + f.attname for f in model._meta.concrete_fields]  # type: ignore[attr-defined]


class OS(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "os"


class Box(models.Model):
    name = models.CharField(max_length=64, unique=True)
    os = models.ForeignKey(OS, on_delete=models.PROTECT, related_name="boxes")

    class Meta:
        db_table = "box"


class Appliance(models.Model):
    name = models.CharField(max_length=64, unique=True)
    public = models.BooleanField(default=True)

    class Meta:
        db_table = "appliance"


class Environment(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "environment"


class BootName(models.Model):
    name = models.CharField(max_length=128)
    type = models.CharField(max_length=16)  # "os" or "install"

    class Meta:
        db_table = "bootname"
        constraints = [models.UniqueConstraint("name", "type", name="bootname_unique")]


class BootAction(models.Model):
    bootname = models.ForeignKey(BootName, on_delete=models.CASCADE, related_name="actions")
    os = models.ForeignKey(OS, null=True, on_delete=models.CASCADE, related_name="bootactions")
    kernel = models.TextField(null=True)
    ramdisk = models.TextField(null=True)
    args = models.TextField(null=True)

    class Meta:
        db_table = "bootaction"
        constraints = [
            models.UniqueConstraint("bootname", "os", name="bootaction_unique"),
            models.UniqueConstraint(
                "bootname", condition=Q(os__isnull=True), name="bootaction_unique_any_os"
            ),
        ]


class Network(models.Model):
    name = models.CharField(max_length=128, unique=True)
    address = models.CharField(max_length=64)
    mask = models.CharField(max_length=64)
    gateway = models.CharField(max_length=64, default="")
    mtu = models.IntegerField(null=True)
    zone = models.CharField(max_length=255, default="")
    dns = models.BooleanField(default=False)
    pxe = models.BooleanField(default=False)

    class Meta:
        db_table = "network"


class Group(models.Model):
    name = models.CharField(max_length=150, unique=True)

    class Meta:
        db_table = "stack_group"


class User(models.Model):
    """A web-service user. The password is key 1 (see stacki.apiusers.keys), kept
    as a Django password hash; a hash starting with "!" is unusable."""

    username = models.CharField(max_length=150, unique=True)
    password = models.CharField(max_length=128)
    admin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    joined = models.DateTimeField()
    groups = models.ManyToManyField(Group, related_name="users", db_table="api_user_group")

    class Meta:
        db_table = "api_user"

    @classmethod
    def create(cls, username: str, key: str, admin: bool = False, groups=()) -> "User":
        """A new user whose password is `key` (stored hashed)."""
        from django.utils import timezone

        user = cls(username=username, admin=admin, joined=timezone.now())
        user.set_key(key)
        user.save()
        user.groups.set(groups)
        return user

    # Django's hashers are imported on use: the CLI rarely needs them.
    def set_key(self, key: str | None) -> None:
        """Hash `key` as the password; None makes the password unusable."""
        from django.contrib.auth.hashers import make_password

        self.password = make_password(key)

    def has_usable_password(self) -> bool:
        from django.contrib.auth.hashers import is_password_usable

        return is_password_usable(self.password)

    def check_key(self, key: str) -> bool:
        """Whether `key` is the password; an outdated hash is upgraded."""
        from django.contrib.auth.hashers import check_password

        def rehash(raw: str) -> None:
            self.set_key(raw)
            User.objects.filter(pk=self.pk).update(password=self.password)

        return check_password(key, self.password, setter=rehash)


class Session(AbstractBaseSession):
    """A web-service session (Django's database sessions, stacki.ws.sessions).
    Its user is a column as well, so that one query reads both."""

    user = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "api_session"

    @classmethod
    def get_session_store_class(cls):
        # Named by the settings, not imported: the web service sits above the inventory.
        from importlib import import_module

        from django.conf import settings

        return import_module(settings.SESSION_ENGINE).SessionStore


class HostQuerySet(models.QuerySet):
    def named(self, name: str) -> "HostQuerySet":
        """Hosts called `name`, ignoring case, through the lower(name) index
        (`name__iexact` cannot use it)."""
        return self.annotate(lname=Lower("name")).filter(lname=name.lower())


class Host(models.Model):
    name = models.CharField(max_length=255)
    appliance = models.ForeignKey(Appliance, on_delete=models.PROTECT, related_name="hosts")
    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="hosts")
    environment = models.ForeignKey(
        Environment, null=True, on_delete=models.PROTECT, related_name="hosts"
    )
    rack = models.CharField(max_length=64)
    rank = models.CharField(max_length=64)
    # Boot action names; Stacki keeps the name when a bootaction is removed.
    osaction = models.CharField(max_length=128, null=True)
    installaction = models.CharField(max_length=128, null=True)
    comment = models.CharField(max_length=140, null=True)
    metadata = models.TextField(null=True)
    boot = models.CharField(max_length=16, null=True)  # next boot: "os" / "install"
    groups = models.ManyToManyField(Group, related_name="hosts", db_table="host_group")

    objects = HostQuerySet.as_manager()

    class Meta:
        db_table = "host"
        constraints = [models.UniqueConstraint(Lower("name"), name="host_name_unique")]


class Interface(models.Model):
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="interfaces")
    device = models.CharField(max_length=64, null=True)
    mac = models.CharField(max_length=64, null=True)
    ip = models.CharField(max_length=64, null=True)
    name = models.CharField(max_length=255, null=True)
    network = models.ForeignKey(
        Network, null=True, on_delete=models.PROTECT, related_name="interfaces"
    )
    module = models.CharField(max_length=128, null=True)
    vlan = models.IntegerField(null=True)
    options = models.TextField(null=True)
    channel = models.CharField(max_length=64, null=True)
    default = models.BooleanField(default=False)

    class Meta:
        db_table = "interface"
        constraints = [
            models.UniqueConstraint(
                "host", "device", condition=Q(device__isnull=False), name="interface_device_unique"
            ),
            # Per host, as Stacki checks it: a cluster-wide rule would refuse a
            # hostfile that moves a NIC to a host without naming its old owner.
            models.UniqueConstraint(
                "host", "mac", condition=Q(mac__isnull=False), name="interface_mac_unique"
            ),
        ]
        # Not unique: Stacki lets hosts share an address (HA pairs, VMs). The
        # index serves the shared-address warnings and `ip=auto`.
        indexes = [models.Index(fields=["network", "ip"], name="interface_network_ip")]


class Alias(models.Model):
    interface = models.ForeignKey(Interface, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=255)

    class Meta:
        db_table = "alias"
        constraints = [models.UniqueConstraint("interface", "name", name="alias_unique")]


class HostKey(models.Model):
    """A public key of a host (Stacki's public_keys), e.g. to check what it sends."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="keys")
    key = models.TextField()

    class Meta:
        db_table = "host_key"


class Scoped(models.Model):
    """Something stored at one of the scopes global/os/appliance/environment/host.

    Exactly the foreign key named by `scope` is set (none for global); deleting
    the target deletes what is stored at it.
    """

    scope = models.CharField(max_length=16, choices=[(s, s) for s in SCOPES])
    os = models.ForeignKey(OS, null=True, on_delete=models.CASCADE, related_name="+")
    appliance = models.ForeignKey(Appliance, null=True, on_delete=models.CASCADE, related_name="+")
    environment = models.ForeignKey(
        Environment, null=True, on_delete=models.CASCADE, related_name="+"
    )
    host = models.ForeignKey(Host, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


def unique_per_scope(table: str, *fields: str) -> list[models.UniqueConstraint]:
    """One partial unique constraint per scope: `fields` are unique per target."""
    constraints = [
        models.UniqueConstraint(*fields, condition=Q(scope="global"), name=f"{table}_global_unique")
    ]
    for scope in SCOPES[1:]:
        constraints.append(
            models.UniqueConstraint(
                scope, *fields, condition=Q(scope=scope), name=f"{table}_{scope}_unique"
            )
        )
    return constraints


class Attribute(Scoped):
    name = models.CharField(max_length=255)
    value = models.TextField()
    shadow = models.BooleanField(default=False)

    class Meta:
        db_table = "attribute"
        constraints = unique_per_scope("attribute", "name")
        indexes = [models.Index(fields=["scope", "name"], name="attribute_scope_name")]


class AttrDoc(models.Model):
    attr = models.CharField(max_length=255, unique=True)
    doc = models.TextField()

    class Meta:
        db_table = "attr_doc"


class Route(Scoped):
    address = models.CharField(max_length=64)
    netmask = models.CharField(max_length=64)
    gateway = models.CharField(max_length=64, null=True)
    subnet = models.ForeignKey(Network, null=True, on_delete=models.CASCADE, related_name="+")
    interface = models.CharField(max_length=64, null=True)

    class Meta:
        db_table = "route"
        constraints = unique_per_scope("route", "address")


class FirewallRule(Scoped):
    name = models.CharField(max_length=255)
    table = models.CharField(max_length=16, default="filter")
    chain = models.CharField(max_length=64)
    action = models.CharField(max_length=64)
    service = models.CharField(max_length=255)
    protocol = models.CharField(max_length=64)
    network = models.ForeignKey(Network, null=True, on_delete=models.CASCADE, related_name="+")
    output_network = models.ForeignKey(
        Network, null=True, on_delete=models.CASCADE, related_name="+"
    )
    flags = models.TextField(null=True)
    comment = models.TextField(null=True)

    class Meta:
        db_table = "firewall"
        constraints = unique_per_scope("firewall", "name")


class Access(models.Model):
    command = models.CharField(max_length=255)
    group = models.CharField(max_length=64)

    class Meta:
        db_table = "access"
        constraints = [models.UniqueConstraint("command", "group", name="access_unique")]


class UserPerm(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="stack_perms")
    command = models.CharField(max_length=255)

    class Meta:
        db_table = "api_user_perm"
        constraints = [models.UniqueConstraint("user", "command", name="api_user_perm_unique")]


class GroupPerm(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="stack_perms")
    command = models.CharField(max_length=255)

    class Meta:
        db_table = "api_group_perm"
        constraints = [models.UniqueConstraint("group", "command", name="api_group_perm_unique")]


class Blacklist(models.Model):
    command = models.CharField(max_length=255, unique=True)

    class Meta:
        db_table = "api_blacklist"


class SudoCommand(models.Model):
    command = models.CharField(max_length=255, unique=True)

    class Meta:
        db_table = "api_sudo"


class Setting(models.Model):
    """Small facts about this database, e.g. that initialisation finished."""

    key = models.CharField(max_length=64, unique=True)
    value = models.TextField()

    class Meta:
        db_table = "setting"


class ApiKey(models.Model):
    """An API key of a web-service user beyond the first one (the first key
    is the user's password; see stacki.apiusers.keys). Only a hash is stored, and
    the first characters of the key in clear so that a login hashes once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    # The key's id as users see it, counted per user; 1 is the password.
    number = models.PositiveIntegerField()
    lookup = models.CharField(max_length=16, blank=True, default="")
    hash = models.CharField(max_length=128, blank=True, default="")
    comment = models.TextField(blank=True, default="")
    created = models.DateTimeField()
    expires = models.DateTimeField(null=True)
    last_used = models.DateTimeField(null=True)
    revoked = models.DateTimeField(null=True)

    class Meta:
        db_table = "api_key"
        constraints = [models.UniqueConstraint("user", "number", name="api_key_unique")]
        indexes = [models.Index("user", "lookup", name="api_key_lookup")]


class AuditRecord(models.Model):
    """One web-service call, allowed or not (see stacki.ws.audit)."""

    # What became of a call: the vocabulary of `outcome`.
    OUTCOMES = ("ok", "denied", "error", "failed", "throttled")

    time = models.DateTimeField(db_index=True)
    # Names, not foreign keys: the trail outlives removed users.
    username = models.CharField(max_length=150, blank=True, default="")
    address = models.CharField(max_length=64, blank=True, default="")
    auth = models.CharField(max_length=16, blank=True, default="")
    key_number = models.PositiveIntegerField(null=True)
    # The dotted command path, or the endpoint (/stack/login) of other calls.
    command = models.CharField(max_length=255, blank=True, default="")
    args = models.JSONField(default=list)
    params = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16)
    detail = models.TextField(blank=True, default="")
    status = models.PositiveSmallIntegerField()
    duration = models.FloatField()

    class Meta:
        db_table = "api_audit"
        indexes = [models.Index("username", "time", name="api_audit_user"),
                   models.Index("command", "time", name="api_audit_command")]


class LoginFailure(models.Model):
    """A failed login, counted per user name and per address (stacki.ws.throttle)."""

    kind = models.CharField(max_length=8)
    subject = models.CharField(max_length=255)
    time = models.DateTimeField()

    class Meta:
        db_table = "api_login_failure"
        indexes = [models.Index("kind", "subject", "time", name="api_login_failure_subject"),
                   models.Index("time", name="api_login_failure_time")]
from stacki.inventory.firmware_models import (  # noqa: E402,F401
    Firmware,
    FirmwareImp,
    FirmwareMake,
    FirmwareMapping,
    FirmwareModel,
    FirmwareVersionRegex,
)
from stacki.inventory.software_models import Cart, Pallet, PalletTag, Repo  # noqa: E402,F401
from stacki.inventory.storage_models import (  # noqa: E402,F401
    HostPartition,
    StorageController,
    StoragePartition,
)
from stacki.inventory.switch_models import IBMembership, IBPartition, SwitchPort  # noqa: E402,F401
from stacki.inventory.vm_models import VirtualMachine, VirtualMachineDisk  # noqa: E402,F401
