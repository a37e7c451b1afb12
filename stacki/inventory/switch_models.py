"""Switches: which host interface sits on which switch port, and the
InfiniBand partitions a switch carries (Stacki's switchports, ib_partitions
and ib_memberships). A switch is a host whose appliance is `switch`; its rows
go with it, and a port's row goes with the interface plugged into it."""

from __future__ import annotations

from django.db import models

from stacki.inventory.models import Host, Interface


class SwitchPort(models.Model):
    switch = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="switch_ports")
    interface = models.ForeignKey(Interface, on_delete=models.CASCADE,
                                  related_name="switch_ports")
    port = models.IntegerField()

    class Meta:
        db_table = "switch_port"
        constraints = [models.UniqueConstraint("switch", "port", "interface",
                                               name="switch_port_unique")]


class IBPartition(models.Model):
    """An InfiniBand partition of a switch: `Default` or a pkey as 0x0001..0x7ffe."""

    switch = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="ib_partitions")
    name = models.CharField(max_length=16)
    pkey = models.IntegerField()
    options = models.CharField(max_length=255, default="")

    class Meta:
        db_table = "ib_partition"
        constraints = [models.UniqueConstraint("switch", "name", name="ib_partition_unique")]


class IBMembership(models.Model):
    """A host's InfiniBand interface (by its GUID, the interface's MAC) in a partition."""

    partition = models.ForeignKey(IBPartition, on_delete=models.CASCADE,
                                  related_name="members")
    interface = models.ForeignKey(Interface, on_delete=models.CASCADE,
                                  related_name="ib_memberships")
    membership = models.CharField(max_length=16)

    class Meta:
        db_table = "ib_membership"
        constraints = [models.UniqueConstraint("partition", "interface",
                                               name="ib_membership_unique")]
