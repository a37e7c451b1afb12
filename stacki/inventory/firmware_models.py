"""Firmware: makes and models of devices, the images each model may run,
the regexes their version numbers follow, the implementations that would
flash them, and which host should run which image."""

from __future__ import annotations

from django.db import models

from stacki.inventory.models import Host


class FirmwareVersionRegex(models.Model):
    """A named Python regex that version numbers of a make or model must match."""

    name = models.CharField(max_length=255, unique=True)
    regex = models.CharField(max_length=255)
    description = models.CharField(max_length=2048, default="")

    class Meta:
        db_table = "firmware_version_regex"


class FirmwareImp(models.Model):
    """An implementation: the name of the code that talks to a kind of device."""

    name = models.CharField(max_length=255, unique=True)

    class Meta:
        db_table = "firmware_imp"


class FirmwareMake(models.Model):
    name = models.CharField(max_length=255, unique=True)
    version_regex = models.ForeignKey(FirmwareVersionRegex, null=True, on_delete=models.SET_NULL,
                                      related_name="makes")

    class Meta:
        db_table = "firmware_make"


class FirmwareModel(models.Model):
    name = models.CharField(max_length=255)
    make = models.ForeignKey(FirmwareMake, on_delete=models.CASCADE, related_name="models")
    # An implementation in use cannot be removed (remove firmware imp says so).
    imp = models.ForeignKey(FirmwareImp, on_delete=models.PROTECT, related_name="models")
    version_regex = models.ForeignKey(FirmwareVersionRegex, null=True, on_delete=models.SET_NULL,
                                      related_name="models")

    class Meta:
        db_table = "firmware_model"
        constraints = [models.UniqueConstraint("make", "name", name="firmware_model_unique")]


class Firmware(models.Model):
    """A firmware image. `file` is its place in the firmware tree as on the
    frontend (/export/stack/firmware/...), found under STACKI_SYSROOT."""

    model = models.ForeignKey(FirmwareModel, on_delete=models.CASCADE, related_name="images")
    version = models.CharField(max_length=255)
    source = models.CharField(max_length=2048)
    hash_alg = models.CharField(max_length=32)
    hash = models.CharField(max_length=256)
    file = models.CharField(max_length=1024, unique=True)

    class Meta:
        db_table = "firmware"
        constraints = [models.UniqueConstraint("model", "version", name="firmware_version_unique")]


class FirmwareMapping(models.Model):
    """The firmware image a host should run."""

    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="+")
    firmware = models.ForeignKey(Firmware, on_delete=models.CASCADE, related_name="mappings")

    class Meta:
        db_table = "firmware_mapping"
        constraints = [models.UniqueConstraint("host", "firmware", name="firmware_mapping_unique")]
