"""Network spreadsheets: load and report networkfile (commands.md §10)."""

from __future__ import annotations

import ipaddress
from typing import Any

from stacki import errors
from stacki.commands.network import check_name
from stacki.commands.spreadsheet import (
    FILE,
    PROCESSOR,
    cells,
    csv_text,
    file_param,
    keep,
    read_rows,
    require_columns,
    sync,
)
from stacki.framework.command import Command, Example, Params, str2bool
from stacki.framework.output import Table, report
from stacki.inventory import models as m

REQUIRED = ("network", "zone", "address", "mask")
COLUMNS = ("network", "address", "mask", "gateway", "mtu", "zone", "dns", "pxe")
FIELDS = ("name", *COLUMNS[1:])


def need(name: str, what: str) -> errors.CommandError:
    return errors.CommandError(f'Hey! I need a valid {what} for the "{name}" network.')


def valid_address(name: str, what: str, value: str | None) -> str:
    try:
        return str(ipaddress.IPv4Address(value or ""))
    except ValueError:
        raise need(name, what) from None


def network_row(line: int, values: dict[str, str]) -> dict[str, Any]:
    """One network's fields from its row, checked as Stacki checks them."""
    name = values.get("network", "").lower()
    if not name:
        raise errors.CommandError(f"Hey! I need a network name in line {line}")
    address = valid_address(name, "address", values.get("address"))
    mask = values.get("mask")
    try:
        ipaddress.IPv4Network(mask or "")
    except ValueError:
        raise need(name, "mask") from None
    gateway = values.get("gateway")
    if gateway is not None:
        gateway = valid_address(name, "gateway", gateway)
    try:
        space = ipaddress.IPv4Network(f"{address}/{mask}")
    except ValueError:
        raise errors.CommandError(
            f'Hey! I need valid address/netmask for the "{name}" network.') from None
    check_name(name)
    mtu: Any = values.get("mtu")
    if mtu is not None:
        try:
            mtu = int(mtu)
        except ValueError:
            raise errors.ParamType("mtu", "integer") from None
    zone = values.get("zone")
    return {"name": name, "address": str(space.network_address), "mask": str(space.netmask),
            "gateway": gateway, "mtu": mtu, "zone": "" if zone in (None, "True", "False") else zone,
            "dns": str2bool(values.get("dns", "")), "pxe": str2bool(values.get("pxe", ""))}


def parse(rows: list[tuple[int, list[str]]]) -> dict[str, dict[str, Any]]:
    header = [cell.lower() for cell in rows[0][1]] if rows else []
    require_columns(header, REQUIRED)
    networks: dict[str, dict[str, Any]] = {}
    for count, (line, row) in enumerate(rows[1:], start=2):
        values = {column: cell for column, cell in cells(header, line, row) if cell}
        fields = network_row(count, values)
        networks[fields["name"]] = fields
    if len(networks) < len(rows) - 1:
        raise errors.CommandError(
            f"I've detected {len(rows) - 1} lines in the file but only {len(networks)} "
            "networks. Do you have duplicates?")
    return networks


class LoadNetworkfile(Command):
    """Load networks from a CSV spreadsheet.

    Columns network, address, mask and zone are required; gateway, mtu, dns
    and pxe are optional. New networks are added; a network no interface is
    on takes every field from its row; a network in use gets the fields its
    row gives. The file is kept under /export/stack/spreadsheets.
    """

    path = "load networkfile"
    params = (FILE, PROCESSOR)
    examples = (Example("load networkfile file=networks.csv",
                        "Adds or updates the networks of networks.csv."),)
    related = ("report networkfile",)

    def run(self, args: list[str], params: Params) -> None:
        path = file_param(params)
        networks = parse(read_rows(path))
        current = {n.name.lower(): n for n in m.Network.objects.all()}
        used = set(m.Interface.objects.filter(network__isnull=False)
                   .values_list("network_id", flat=True).distinct())
        for name, fields in networks.items():
            network = current.get(name)
            if network is None:
                m.Network.objects.create(**{**fields, "gateway": fields["gateway"] or ""})
                continue
            if network.id in used:
                fields = {k: v for k, v in fields.items() if v is not None}
            else:
                fields = {**fields, "gateway": fields["gateway"] or ""}
            del fields["name"]
            m.Network.objects.filter(id=network.id).update(**fields)
        sync(self, [])
        keep(path)


class ReportNetworkfile(Command):
    """Print the networks as a CSV spreadsheet that `load networkfile` reads back."""

    path = "report networkfile"
    examples = (Example("report networkfile > networks.csv",
                        "Saves every network as a spreadsheet."),)
    related = ("load networkfile",)

    def run(self, args: list[str], params: Params) -> Table:
        rows: list[list] = [[c.upper() for c in COLUMNS]]
        rows += [list(values) for values in m.Network.objects.order_by("id").values_list(*FIELDS)]
        return report([csv_text(rows)])
