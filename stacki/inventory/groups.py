"""Host groups: the membership table, and every host's groups at once."""

from __future__ import annotations

from collections import defaultdict

from stacki.inventory import models as m

Membership = m.Host.groups.through


def groups_of_hosts() -> dict[int, list[str]]:
    """Every host's group names, sorted (hosts in no group are absent)."""
    groups: dict[int, list[str]] = defaultdict(list)
    for host_id, name in Membership.objects.order_by("group__name").values_list(
            "host_id", "group__name"):
        groups[host_id].append(name)
    return groups
