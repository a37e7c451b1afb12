"""InfiniBand partitions of switches, as kept in the database:
add|list|remove switch partition, add|list|remove switch partition member,
set switch partition membership|options.

Only switches whose `switch_type` attribute is `infiniband` have partitions.
`sync switch` (commands/switch_sync.py) pushes them to the switch.
"""

from __future__ import annotations

from stacki import errors
from stacki.commands.switch import one_switch, select_switches
from stacki.framework.command import Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory import switches as sw
from stacki.inventory.attrs import resolve

NAME_VALUE = 'a hex value between 0x0001 and 0x7ffe, or "default"'
SOME_SWITCHES = Arg("switch", repeat=True, help="Switch names (SQL LIKE patterns).")
ONE_SWITCH = Arg("switch", help="One switch name.")
NAME = Param("name", optional=False,
             help="The partition: Default, or a hex pkey between 0x0001 and 0x7ffe "
                  "(kept as 0x0aaa for aaa).")
OPTIONS = Param("options", help="Partition options: 'ipoib=True|False' and "
                                "'defmember=limited|full', space-separated.")
MEMBER_PARAMS = (
    Param("guid", help="The GUID (MAC) of the member's InfiniBand interface."),
    Param("member", help="The member host (with interface=)."),
    Param("interface", help="The member's interface (with member=)."),
)


def checked_name(value: str) -> tuple[str, int]:
    try:
        return sw.partition_name(value)
    except ValueError:
        raise errors.ParamValue("name", NAME_VALUE) from None


def infiniband(args: list[str], one: bool = False) -> list[m.Host]:
    """The switches named, each of which must be an InfiniBand switch."""
    if not args:
        raise errors.ArgRequired("switch")
    switches = [one_switch(args)] if one else select_switches(args)
    kinds = resolve(switches, shadow=False, const=False, pattern="switch_type")
    for s in switches:
        kind = kinds[s.id].get("switch_type")
        if kind is None or kind.value != "infiniband":
            raise errors.CommandError(f'{s.name} does not have a switch_type of "infiniband"')
    return switches


def member_interface(cmd: Command, params: Params, required: bool = True) -> m.Interface | None:
    """The interface guid= or member= and interface= name (None when neither
    is given and `required` is false)."""
    guid, host, device = (params.value(k) for k in ("guid", "member", "interface"))
    if required and not guid and not host:
        raise errors.CommandError("either guid or member and interface must be specified")
    if bool(host) != bool(device):
        raise errors.CommandError("member and interface must both be specified")
    if host:
        hosts = cmd.hosts([host])
        found = list(m.Interface.objects.filter(host__in=hosts, device=device).order_by("id"))
        if not found:
            raise errors.CommandError(f'member has no interface named "{device}"')
        if len(found) > 1:
            raise errors.ParamUnique("member")
        return found[0]
    if not guid:
        return None
    iface = m.Interface.objects.filter(mac=guid.lower()).order_by("id").first()
    if iface is None:
        raise errors.CommandError(f'guid "{guid.lower()}" was not found in the interfaces table')
    return iface


def checked_membership(params: Params) -> str:
    membership = (params.value("membership") or "limited").lower()
    if membership not in sw.MEMBERSHIPS:
        raise errors.ParamValue("membership", 'either "limited" or "full"')
    return membership


def options_of(params: Params) -> str | None:
    text = params.get("options")
    if text is None:
        return None
    try:
        return sw.partition_options(text)
    except ValueError as exc:
        raise errors.CommandError(f"The following are invalid partition options: {exc}") from None


class SetSwitchPartitionOptions(Command):
    """Set the options of an InfiniBand partition of switches, adding the
    partition where it does not exist (without options=, an existing
    partition keeps its options)."""

    path = "set switch partition options"
    args = (SOME_SWITCHES,)
    params = (NAME, OPTIONS)
    examples = (Example("set switch partition options ib-0-0 name=aaa options='ipoib=true'",
                        "Partition 0x0aaa of ib-0-0 carries IPoIB."),)
    related = ("add switch partition", "list switch partition")
    adding = False

    def run(self, args: list[str], params: Params) -> None:
        name, pkey = checked_name(params.require("name"))
        options = options_of(params)
        switches = infiniband(args)
        existing = {p.switch_id: p for p in
                    m.IBPartition.objects.filter(switch__in=switches, name=name)}
        for s in switches:
            if self.adding and s.id in existing:
                raise errors.CommandError(
                    f'partition "{name}" already exists on switch "{s.name}"')
        for s in switches:
            part = existing.get(s.id)
            if part is None:
                m.IBPartition.objects.create(switch=s, name=name, pkey=pkey,
                                             options=options or "")
            elif options is not None:
                part.options = options
                part.save(update_fields=["options"])


class AddSwitchPartition(SetSwitchPartitionOptions):
    """Add an InfiniBand partition to switches (a sync to the switch is still
    needed to make it real there)."""

    path = "add switch partition"
    examples = (Example("add switch partition ib-0-0 name=Default options='ipoib=true'",
                        "Adds the default partition, with IPoIB, to ib-0-0."),)
    related = ("list switch partition", "remove switch partition")
    adding = True


ENFORCE_SM = Param("enforce_sm", "boolean",
                   help="Fail unless every switch is an m7800 running the subnet manager "
                        "(asks the switches). Default: no.")


def live_checks(cmd: Command, args: list[str], params: Params) -> tuple[str | None, list[m.Host]]:
    """The partition name= names and the InfiniBand switches, each a subnet
    manager when enforce_sm=true."""
    name = params.value("name")
    name = checked_name(name)[0] if name is not None else None
    switches = infiniband(args)
    if params.flag("enforce_sm"):
        from stacki.commands.switch_live import enforce_subnet_manager

        enforce_subnet_manager(cmd, switches)
    return name, switches


class ListSwitchPartition(Command):
    """List the InfiniBand partitions of switches: name, pkey and options.
    With `expanded=true`, the partitions the switches themselves have
    (over SSH)."""

    path = "list switch partition"
    args = (SOME_SWITCHES,)
    params = (Param("name", help="Only this partition."), ENFORCE_SM,
              Param("expanded", "boolean",
                    help="List the partitions on the switches instead of the database's. "
                         "Default: no."))
    examples = (Example("list switch partition ib-0-0", "Lists the partitions of ib-0-0."),
                Example("list switch partition ib-0-0 expanded=true",
                        "Lists the partitions ib-0-0 itself has."))
    related = ("add switch partition", "list switch partition member")

    def run(self, args: list[str], params: Params) -> Table:
        name, switches = live_checks(self, args, params)
        header = ["switch", "partition", "partition key", "options"]
        if params.flag("expanded"):
            from stacki.commands.switch_live import partition_rows

            return Table(header, partition_rows(self, switches, name))
        parts = m.IBPartition.objects.filter(switch__in=switches).order_by("id")
        if name is not None:
            parts = parts.filter(name=name)
        by_switch: dict[int, list[tuple]] = {}
        for row in parts.values_list("switch_id", "name", "pkey", "options"):
            by_switch.setdefault(row[0], []).append(row)
        rows = [(s.name, p[1], f"0x{p[2]:04x}", p[3])
                for s in switches for p in by_switch.get(s.id, ())]
        return Table(header, rows)


class RemoveSwitchPartition(Command):
    """Remove InfiniBand partitions (with their members) from switches; without
    name=, every partition of the switches."""

    path = "remove switch partition"
    args = (SOME_SWITCHES,)
    params = (Param("name", help="The partition to remove."),)
    examples = (Example("remove switch partition ib-0-0 name=aaa",
                        "Removes partition 0x0aaa from ib-0-0."),)
    related = ("add switch partition",)

    def run(self, args: list[str], params: Params) -> None:
        name = params.value("name")
        name = checked_name(name)[0] if name is not None else None
        parts = m.IBPartition.objects.filter(switch__in=infiniband(args))
        if name is not None:
            parts = parts.filter(name=name)
        parts.delete()


class SetSwitchPartitionMembership(Command):
    """Set the membership of a host's InfiniBand interface in a partition of a
    switch, adding it as a member where it is not one."""

    path = "set switch partition membership"
    args = (ONE_SWITCH,)
    params = (NAME, *MEMBER_PARAMS,
              Param("membership", help="limited (default) or full."))
    examples = (Example("set switch partition membership ib-0-0 name=aaa member=backend-0-0 "
                        "interface=ib0 membership=full",
                        "backend-0-0's ib0 is a full member of 0x0aaa on ib-0-0."),)
    related = ("add switch partition member", "list switch partition member")
    adding = False

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgUnique("switch")
        name = params.require("name")
        iface = member_interface(self, params)
        name = checked_name(name)[0]
        membership = checked_membership(params)
        switch, = infiniband(args, one=True)
        part = m.IBPartition.objects.filter(switch=switch, name=name).first()
        if part is None:
            raise errors.CommandError(f"partition {name} does not exist on switch {switch.name}")
        member = m.IBMembership.objects.filter(partition=part, interface=iface).first()
        if member is None:
            m.IBMembership.objects.create(partition=part, interface=iface, membership=membership)
        elif self.adding:
            raise errors.CommandError(
                f"{iface.mac} is already a member of switch partition {name}")
        else:
            member.membership = membership
            member.save(update_fields=["membership"])


class AddSwitchPartitionMember(SetSwitchPartitionMembership):
    """Add a host's InfiniBand interface (by guid=, or member= and interface=)
    as a member of a partition of a switch."""

    path = "add switch partition member"
    examples = (Example("add switch partition member ib-0-0 name=Default "
                        "guid=00:00:00:00:00:00:00:01", "Adds a member to the default partition."),)
    related = ("list switch partition member", "remove switch partition member")
    adding = True


class ListSwitchPartitionMember(Command):
    """List the members of the InfiniBand partitions of switches, from the
    database or (`source=switch`, over SSH) from the switches themselves."""

    path = "list switch partition member"
    args = (SOME_SWITCHES,)
    params = (Param("name", help="Only the members of this partition."),
              Param("expanded", "boolean", help="Add the partition key and options."),
              Param("source", help="database (default) or switch: where to read the "
                                   "members from."), ENFORCE_SM)
    examples = (Example("list switch partition member ib-0-0 name=aaa",
                        "Lists the members of partition 0x0aaa on ib-0-0."),
                Example("list switch partition member ib-0-0 source=switch",
                        "Lists the members ib-0-0 itself has."))
    related = ("add switch partition member", "list switch partition")

    def run(self, args: list[str], params: Params) -> Table:
        source = (params.value("source") or "database").lower()
        if source not in ("database", "switch"):
            raise errors.ParamValue("source", 'either "database" or "switch"')
        expanded = params.flag("expanded")
        name, switches = live_checks(self, args, params)
        header = ["switch", "host", "device", "guid", "partition", "membership"]
        if expanded:
            header += ["partition key", "options"]
        if source == "switch":
            from stacki.commands.switch_live import member_rows

            return Table(header, member_rows(self, switches, name, expanded))
        by_switch: dict[int, list[tuple]] = {}
        for row in sw.member_rows([s.id for s in switches], name):
            by_switch.setdefault(row[0], []).append(row)
        rows = []
        for s in switches:
            for r in by_switch.get(s.id, ()):
                extra = (f"0x{r[6]:04x}", r[7]) if expanded else ()
                rows.append((s.name, *r[1:6], *extra))
        return Table(header, rows)


class RemoveSwitchPartitionMember(Command):
    """Remove members from the InfiniBand partitions of a switch: those of
    name= (every partition when not given) and guid= or member= with
    interface= (every member when not given)."""

    path = "remove switch partition member"
    args = (ONE_SWITCH,)
    params = (Param("name", help="The partition."), *MEMBER_PARAMS)
    examples = (Example("remove switch partition member ib-0-0 name=aaa member=backend-0-0 "
                        "interface=ib0", "backend-0-0's ib0 leaves 0x0aaa on ib-0-0."),)
    related = ("add switch partition member",)

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgUnique("switch")
        iface = member_interface(self, params, required=False)
        name = params.value("name")
        name = checked_name(name)[0] if name is not None else None
        switch, = infiniband(args, one=True)
        members = m.IBMembership.objects.filter(partition__switch=switch)
        if name is not None:
            part = m.IBPartition.objects.filter(switch=switch, name=name).first()
            if part is None:
                raise errors.CommandError(f"{name} is not a partition on {switch.name}")
            members = members.filter(partition=part)
        if iface is not None:
            members = members.filter(interface=iface)
        members.delete()


