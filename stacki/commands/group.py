"""Groups: add, list and remove groups, and the host memberships.

A group (models.Group) holds hosts (host groups) and API users, and carries
API permissions.
"""

from __future__ import annotations

from collections import defaultdict

from stacki import errors
from stacki.framework.command import ANY_HOSTS, HOSTS, Arg, Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory import models as m
from stacki.inventory.groups import Membership, groups_of_hosts
from stacki.inventory.hostsel import all_hosts
from stacki.inventory.models import Group


def find_group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise errors.CommandError(f"group {name} does not exist")
    return group


class AddGroup(Command):
    """Add a group. A group can hold hosts and API users."""

    path = "add group"
    args = (Arg("group", help="The name of the new group."),)
    examples = (Example("add group compute", "Adds the group compute."),)
    related = ("add host group", "list group", "remove group")

    def run(self, args: list[str], params: Params) -> None:
        name = self.one_arg(args, "group")
        if Group.objects.filter(name=name).exists():
            raise errors.CommandError(f'"{name}" group already exists')
        Group.objects.create(name=name)


class ListGroup(Command):
    """List the groups and their member hosts.

    Group names given as arguments restrict the listing to those groups.
    """

    path = "list group"
    examples = (Example("list group", "Lists every group with its hosts."),
                Example("list group compute", "Lists the hosts of the group compute."))
    related = ("add group", "list host group")

    def run(self, args: list[str], params: Params) -> Table:
        groups = Group.objects.order_by("name")
        if args:
            groups = groups.filter(name__in=args)
        members: dict[int, set[int]] = defaultdict(set)
        for group_id, host_id in Membership.objects.values_list("group_id", "host_id"):
            members[group_id].add(host_id)
        hosts = all_hosts(id__in=Membership.objects.values("host_id")) if members else []
        rows = [(g.name, " ".join(h.name for h in hosts if h.id in members[g.id]))
                for g in groups]
        return Table(["group", "hosts"], rows)


class RemoveGroup(Command):
    """Remove a group. A group that still has members cannot be removed."""

    path = "remove group"
    args = (Arg("group", help="The group to remove."),)
    examples = (Example("remove group compute", "Removes the group compute."),)
    related = ("add group", "remove host group")

    def run(self, args: list[str], params: Params) -> None:
        group = find_group(self.one_arg(args, "group"))
        # API users count as members too: removing their group would change their rights.
        if Membership.objects.filter(group=group).exists() or group.users.exists():
            raise errors.CommandError(f"group {group.name} is in use")
        group.delete()


class HostGroupCommand(Command):
    """Base of add/remove host group: selected hosts and one existing group."""

    args = (HOSTS,)
    params = (Param("group", optional=False, help="The group name."),)

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args, required=True)
        group = find_group(params.require("group"))
        members = set(Membership.objects.filter(group=group).values_list("host_id", flat=True))
        self.change(hosts, group, members)

    def change(self, hosts: list[m.Host], group: Group, members: set[int]) -> None:
        raise NotImplementedError


class AddHostGroup(HostGroupCommand):
    """Add hosts to a group."""

    path = "add host group"
    examples = (Example("add host group a:backend group=compute",
                        "Adds every backend to the group compute."),)
    related = ("list host group", "remove host group")

    def change(self, hosts: list[m.Host], group: Group, members: set[int]) -> None:
        for h in hosts:
            if h.id in members:
                raise errors.CommandError(f"{h.name} already member of {group.name}")
        Membership.objects.bulk_create([Membership(host_id=h.id, group_id=group.id) for h in hosts])


class RemoveHostGroup(HostGroupCommand):
    """Remove hosts from a group."""

    path = "remove host group"
    examples = (Example("remove host group backend-0-0 group=compute",
                        "Takes backend-0-0 out of the group compute."),)
    related = ("add host group", "list host group")

    def change(self, hosts: list[m.Host], group: Group, members: set[int]) -> None:
        for h in hosts:
            if h.id not in members:
                raise errors.CommandError(f"{h.name} is not a member of {group.name}")
        Membership.objects.filter(group=group, host_id__in=[h.id for h in hosts]).delete()


class ListHostGroup(Command):
    """List the groups of hosts.

    group=a,b lists only the hosts in any of those groups, and only those groups.
    """

    path = "list host group"
    args = (ANY_HOSTS,)
    params = (Param("group", help="Comma-separated group names to filter on."),)
    examples = (Example("list host group", "Lists the groups of every host."),
                Example("list host group group=compute", "Lists the hosts in the group compute."))
    related = ("add host group", "list group")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args)
        groups = groups_of_hosts()
        wanted = {g for g in (params.value("group") or "").split(",") if g}
        rows = []
        for h in hosts:
            names = groups.get(h.id, [])
            if wanted:
                names = [g for g in names if g in wanted]
                if not names:
                    continue
            rows.append((h.name, " ".join(names)))
        return Table(["host", "groups"], rows)
