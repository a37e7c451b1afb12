"""Commands that change a live switch, or the inventory from what a switch
says: sync switch, set switch sm, create host switch mapping."""

from __future__ import annotations

from typing import Any

from stacki import errors
from stacki.commands.report_common import warn
from stacki.commands.switch import SWITCHES, select_switches
from stacki.commands.switch_live import mac_tables, session, supporting
from stacki.framework.command import ANY_HOSTS, Arg, Command, Example, Param, Params
from stacki.inventory import switch_configs
from stacki.inventory import switch_live as live
from stacki.inventory import switches as sw

M7800 = "m7800"


class SyncSwitch(Command):
    """Configure switches from the inventory over SSH.

    Ethernet switches (x1052, e1050) get the configuration `report switch`
    makes for them, typed at their console; with `persistent=true` an x1052
    also saves it as its startup configuration. An InfiniBand subnet manager
    (m7800, its `ibfabric` attribute set) gets exactly the partitions and
    members the inventory has for it. Everything is read from the inventory
    before the first switch is contacted.
    """

    path = "sync switch"
    args = (SWITCHES,)
    params = (Param("persistent", "boolean",
                    help="Also save the configuration as the switch's startup "
                         "configuration. Default: no."),)
    examples = (Example("sync switch switch-0-0 persistent=true",
                        "Configures switch-0-0 and saves it as its startup configuration."),
                Example("sync switch", "Configures every switch."))
    related = ("report switch", "list switch config")

    def run(self, args: list[str], params: Params) -> None:
        persistent = params.flag("persistent")
        plans: list[tuple[live.LiveSwitch, Any]] = []
        chosen = supporting(self, select_switches(args), "push", "sync_partitions")
        # What `report switch` prints for each, from one snapshot of them all.
        snap = switch_configs.snapshot([s.host for s in chosen if s.model != M7800])
        for s in chosen:
            if s.model == M7800:
                if not s.attr("ibfabric"):
                    raise errors.CommandError(f"switch {s.name}: no fabric specified "
                                              "(attribute ibfabric)")
                plans.append((s, live.wanted_partitions(s.host)))
                continue
            generate = switch_configs.generator(s.model)
            body = generate(snap, s.host, False)[1] if generate else []
            if body:
                plans.append((s, body))
            else:
                warn(self.ctx, f"report switch makes no configuration for switch {s.name} "
                               f"({s.model}): nothing is sent to it")
        for s, plan in plans:
            with session(s) as switch:
                if s.model != M7800:
                    switch.push(plan, persistent)
                elif not switch.subnet_manager():
                    raise errors.CommandError(f"{s.name} is not a subnet manager")
                else:
                    switch.sync_partitions(plan)


class SetSwitchSm(Command):
    """Make an InfiniBand switch the subnet manager of its fabric (its
    `ibfabric` attribute): the subnet manager of every other m7800 on the same
    fabric, or with no fabric set, is disabled first. With `disable=true`,
    only this switch's subnet manager is disabled."""

    path = "set switch sm"
    args = (Arg("switch", help="Exactly one InfiniBand switch."),)
    params = (Param("disable", "boolean",
                    help="Disable the subnet manager on this switch only. Default: no."),)
    examples = (Example("set switch sm infiniband-3-12",
                        "infiniband-3-12 becomes the only subnet manager of its fabric."),
                Example("set switch sm infiniband-3-12 disable=true",
                        "Disables the subnet manager of infiniband-3-12."))
    related = ("sync switch", "list switch partition")
    admin_only_on_api = True

    # Everything happens on the switches, before the transaction: nothing is
    # stored, and no other writer waits on SQLite's write lock meanwhile.
    def run(self, args: list[str], params: Params) -> None:
        pass

    def prepare(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.ArgUnique("switch")
        disable = params.flag("disable")
        chosen = select_switches(args)[0]
        ib = [s for s in live.live_switches(select_switches([]), self.ctx.admin) if s.model == M7800]
        mine = next((s for s in ib if s.host.id == chosen.id), None)
        if mine is None:
            raise errors.CommandError(
                f"host {chosen.name} is not a supported infiniband switch\n"
                "Please verify the make and model attributes for this host.")
        if disable:
            plan = [(mine, False)]
        else:
            fabric = mine.attr("ibfabric")
            if not fabric:
                raise errors.CommandError(f"switch {mine.name} does not have its ibfabric set")
            plan = [(s, False) for s in ib
                    if s is not mine and s.attr("ibfabric") in (None, fabric)] + [(mine, True)]
        for s, _ in plan:
            s.target()
        for s, on in plan:
            with session(s) as switch:
                switch.set_subnet_manager(on)


class CreateHostSwitchMapping(Command):
    """Record which switch port each host interface is on, from the MAC
    address tables of switches: the hosts on the switch's networks are pinged
    first, and an interface whose MAC a switch learned on a port is added to
    that port (`list switch host` shows them). IPMI interfaces are left out."""

    path = "create host switch mapping"
    args = (ANY_HOSTS,)
    params = (Param("switch", help="The switch to map (SQL LIKE pattern); default: every "
                                   "switch."),)
    examples = (Example("create host switch mapping", "Maps every host on every switch."),
                Example("create host switch mapping backend-0-0 switch=switch-0-0",
                        "Maps backend-0-0's interfaces on switch-0-0."))
    related = ("list switch mac", "list switch host")
    admin_only_on_api = True

    def prepare(self, args: list[str], params: Params) -> tuple[set[int], dict[int, list]]:
        # The switches are asked before the transaction: a slow one must not
        # keep every other writer waiting on SQLite's write lock.
        name = params.value("switch")
        hosts = {h.id for h in self.hosts(args)}
        found = mac_tables(self, select_switches([name] if name else []), ping=True)
        return hosts, {s.host.id: table for s, table in found}

    def run(self, args: list[str], params: Params) -> None:
        hosts, tables = self.prepared
        known = live.interfaces_by_mac(e.mac for t in tables.values() for e in t)
        for switch_id, table in tables.items():
            pairs: dict[int, int] = {}
            for e in table:
                host_id, _, iface, device = known.get(e.mac, (None, None, None, None))
                if host_id in hosts and iface is not None and device != "ipmi":
                    pairs.setdefault(iface, e.port)
            sw.add_ports(switch_id, pairs.items())
