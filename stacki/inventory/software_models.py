"""What hosts install from: pallets, carts and repositories, and the boxes
that enable them (Stacki's rolls, carts and repos tables with their
stacks/cart_stacks/repo_stacks links)."""

from __future__ import annotations

from django.db import models

from stacki.inventory.models import OS, Box


class Pallet(models.Model):
    """A pallet copied under export/stack/pallets/NAME/VERSION/RELEASE/OS/ARCH."""

    name = models.CharField(max_length=128)
    version = models.CharField(max_length=64)
    release = models.CharField(max_length=64)
    arch = models.CharField(max_length=32)
    os = models.CharField(max_length=32)
    # Where it was added from (ISO file, directory or URL).
    url = models.TextField(null=True)
    boxes = models.ManyToManyField(Box, related_name="pallets", db_table="box_pallet")

    class Meta:
        db_table = "pallet"
        constraints = [models.UniqueConstraint("name", "version", "release", "arch", "os",
                                               name="pallet_unique")]

    @property
    def identity(self) -> tuple[str, str, str, str, str]:
        return (self.name, self.version, self.release, self.arch, self.os)


class PalletTag(models.Model):
    pallet = models.ForeignKey(Pallet, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=128)
    value = models.TextField()

    class Meta:
        db_table = "pallet_tag"
        constraints = [models.UniqueConstraint("pallet", "tag", name="pallet_tag_unique")]


class Cart(models.Model):
    """A site's own packages, graph and nodes under export/stack/carts/NAME."""

    name = models.CharField(max_length=128, unique=True)
    url = models.TextField(null=True)
    boxes = models.ManyToManyField(Box, related_name="carts", db_table="box_cart")

    class Meta:
        db_table = "cart"


class Repo(models.Model):
    """A yum/zypper repository that boxes may enable."""

    name = models.CharField(max_length=255, unique=True)
    alias = models.CharField(max_length=255, unique=True)
    url = models.TextField()
    autorefresh = models.BooleanField(default=False)
    assumeyes = models.BooleanField(default=False)
    type = models.CharField(max_length=32, default="rpm-md")
    is_mirrorlist = models.BooleanField(default=False)
    gpgcheck = models.BooleanField(default=False)
    gpgkey = models.TextField(null=True)
    os = models.ForeignKey(OS, on_delete=models.CASCADE, related_name="+")
    pallet = models.ForeignKey(Pallet, null=True, on_delete=models.CASCADE, related_name="repos")
    boxes = models.ManyToManyField(Box, related_name="repos", db_table="box_repo")

    class Meta:
        db_table = "repo"
