"""What each supported switch model is asked over SSH and how its answers
read: the Dell x1052 and the Mellanox m7800 through their interactive CLIs,
the Celestica e1050 (Cumulus Linux) one `net` command at a time.

A model's class is chosen by the switch's `component.model` attribute, as
Stacki chose its implementations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from stacki.inventory.switch_console import (
    Console,
    SwitchError,
    Target,
    console,
    refused,
    shell,
    where,
)


class PortStatus(NamedTuple):
    port: int
    speed: str
    state: str


class MacEntry(NamedTuple):
    port: int
    mac: str
    vlan: str | None


class PortConfig(NamedTuple):
    port: int
    vlan: str
    type: str


class Partition(NamedTuple):
    """An InfiniBand partition as a switch has it (or should have it)."""

    pkey: int
    ipoib: bool | None
    defmember: str | None
    members: dict[str, str]  # GUID (last 23 characters, lower case) -> membership


def _port(name: str) -> int:
    return int(name.rsplit("/", 1)[-1])


def refusals(target: Target, line: str, answer: list[str]) -> None:
    """The CLIs say no with a line starting with '%'."""
    for said in answer:
        if said.strip().startswith("%"):
            raise SwitchError(f'{where(target)} refused "{line}": {said.strip()}')


# --- Dell x1052 ----------------------------------------------------------------

X1052_PROMPT = re.compile(r"[^\s#>]+(\([^)\s]*\))?#\s?$")
X1052_USER = re.compile(r"User ?Name: ?$", re.IGNORECASE)
X1052_PASSWORD = re.compile(r"Password: ?$", re.IGNORECASE)
X1052_CONFIRM = re.compile(r"\(Y/N\)\s*\[[YN]\]\s*\?\s?$")
X1052_PORT = re.compile(r"^gi\d+/\d+/(\d+)\s")


def x1052_status(lines: Iterable[str]) -> list[PortStatus]:
    """`show interfaces status`: Port Type Duplex Speed Neg ctrl State Pressure Mode."""
    rows = []
    for line in lines:
        fields = line.split()
        if X1052_PORT.match(line) and len(fields) >= 7:
            rows.append(PortStatus(_port(fields[0]), fields[3], fields[6]))
    return rows


def x1052_macs(lines: Iterable[str]) -> list[MacEntry]:
    """The dynamic rows of `show mac address-table`: Vlan, Mac Address, Port, Type."""
    rows = []
    for line in lines:
        fields = line.split()
        if len(fields) == 4 and fields[3].lower() == "dynamic":
            rows.append(MacEntry(_port(fields[2]), fields[1].lower(), fields[0]))
    return sorted(rows, key=lambda r: (r.port, r.mac))


def x1052_ports(lines: Iterable[str]) -> list[PortConfig]:
    """Each gigabit port's mode and VLAN from a running configuration (the
    certificates after 'crypto' are not read)."""
    rows: list[PortConfig] = []
    port: int | None = None
    mode, vlan = None, "untagged"
    for line in lines:
        if "crypto" in line:
            break
        words = line.split()
        if line.startswith("interface") and "gigabitethernet" in line:
            port, mode, vlan = _port(words[-1]), None, "untagged"
        elif len(words) == 3 and words[:2] == ["switchport", "mode"]:
            mode = words[2]
        elif len(words) == 4 and words[0] == "switchport" and words[1] == mode:
            vlan = words[3]
        elif line.strip() in ("!", "exit") and port is not None:
            if mode:
                rows.append(PortConfig(port, vlan, mode))
            port = None
    return rows


def x1052_typed(lines: Iterable[str]) -> list[str]:
    """The lines of a configuration file as typed at the configure prompt: '!'
    lines are only separators, and a block of indented lines is left with
    'exit' before the next global line."""
    typed: list[str] = []
    inside = False
    for line in lines:
        if not line.strip() or line.strip() == "!":
            continue
        indented = line[:1].isspace()
        if inside and not indented:
            typed.append("exit")
        typed.append(line.strip())
        inside = indented or line.startswith("interface")
    if inside:
        typed.append("exit")
    return typed


class X1052:
    make, model = "Dell", "x1052"

    def __init__(self, target: Target, term: Console) -> None:
        self.target, self.term = target, term

    @classmethod
    @contextmanager
    def session(cls, target: Target) -> Iterator[X1052]:
        with console(target) as term:
            n, _ = term.read_until([X1052_USER, X1052_PROMPT], "the login")
            if n == 0:
                # The switch asks for the user again itself (Stacki's login).
                term.send(target.username)
                term.read_until([X1052_PASSWORD], "the user name")
                term.send(target.password)
                n, _ = term.read_until([X1052_PROMPT, X1052_USER], "the password")
                if n == 1:
                    raise SwitchError(refused(target))
            switch = cls(target, term)
            switch.ask("terminal datadump")
            yield switch

    def ask(self, line: str) -> list[str]:
        _, answer = self.term.ask(line, [X1052_PROMPT])
        refusals(self.target, line, answer)
        return answer

    def status(self) -> list[PortStatus]:
        return x1052_status(self.ask("show interfaces status"))

    def macs(self) -> list[MacEntry]:
        return x1052_macs(self.ask("show mac address-table"))

    def running_config(self) -> list[str]:
        return self.ask("show running-config")

    def port_config(self) -> list[PortConfig]:
        return x1052_ports(self.running_config())

    def push(self, lines: list[str], persistent: bool) -> None:
        self.ask("configure")
        for line in x1052_typed(lines):
            self.ask(line)
        self.ask("end")
        if persistent:
            n, answer = self.term.ask("write", [X1052_CONFIRM, X1052_PROMPT])
            refusals(self.target, "write", answer)
            if n == 0:
                self.ask("Y")


# --- Mellanox m7800 ------------------------------------------------------------

M7800_PROMPT = re.compile(r"[^\n]* \[[^\]\n]*\] (\([^)\n]*\) )?[>#] ?$")
M7800_CONFIRM = re.compile(r"Type 'yes' to continue: ?$")
GUID_MEMBER = re.compile(r"GUID\s*[=:]\s*(ALL|(?:[0-9a-f]{2}:){7}[0-9a-f]{2}).*?"
                         r"(full|both|limited)", re.IGNORECASE)
IB_STATUS_COLUMNS = ("Interface", "Speed", "Physical port state")


def m7800_partitions(lines: Iterable[str]) -> dict[str, Partition]:
    """`show ib partition`, in the console's older ('  Default' / 'PKey = ')
    and newer ('Default:' / 'PKey : ') layouts."""
    found: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in lines:
        text = line.strip()
        if not text or text.lower() == "members":
            continue
        header = re.fullmatch(r"  ([\w]+)\s*|([\w]+):\s*", line)
        if header:
            name = header.group(1) or header.group(2)
            current = found.setdefault(name, {"pkey": 0, "ipoib": None, "defmember": None,
                                              "members": {}})
            continue
        if current is None:
            continue
        member = GUID_MEMBER.search(text)
        key, _, value = text.replace(":", "=", 1).partition("=")
        key, value = key.strip().lower(), value.strip()
        if member:
            current["members"][member.group(1).lower()] = member.group(2).lower()
        elif key == "pkey":
            current["pkey"] = int(value, 16)
        elif key == "ipoib":
            current["ipoib"] = value.lower() in ("yes", "true", "1")
        elif key == "defmember":
            current["defmember"] = value.lower() or None
    return {name: Partition(**p) for name, p in found.items()}


def m7800_status(lines: list[str]) -> list[PortStatus]:
    """`show interfaces ib status`: columns read at the header's positions
    (the description column is often empty)."""
    header = next((n for n, line in enumerate(lines)
                   if all(c in line for c in IB_STATUS_COLUMNS)), None)
    if header is None:
        return []
    found = list(re.finditer(r"\S+(?: \S+)*", lines[header]))
    ends = [f.start() for f in found[1:]] + [None]
    spans = {f.group(): (f.start(), end) for f, end in zip(found, ends)}
    rows = []
    for line in lines[header + 1:]:
        if not line.strip().upper().startswith("IB"):
            continue
        value = {title: line[s:e].strip() for title, (s, e) in spans.items()}
        rows.append(PortStatus(_port(value["Interface"]), value["Speed"],
                               value["Physical port state"]))
    return rows


class M7800:
    make, model = "Mellanox", "m7800"

    def __init__(self, target: Target, term: Console) -> None:
        self.target, self.term = target, term

    @classmethod
    @contextmanager
    def session(cls, target: Target) -> Iterator[M7800]:
        with console(target) as term:
            term.read_until([M7800_PROMPT], "the login")
            switch = cls(target, term)
            for line in ("terminal length 999", "enable", "configure terminal"):
                switch.ask(line)
            yield switch

    def ask(self, line: str) -> list[str]:
        _, answer = self.term.ask(line, [M7800_PROMPT])
        refusals(self.target, line, answer)
        return answer

    def confirm(self, line: str) -> None:
        """A change the switch has confirmed with 'yes' (those on the Default partition)."""
        n, answer = self.term.ask(line, [M7800_CONFIRM, M7800_PROMPT])
        refusals(self.target, line, answer)
        if n == 0:
            self.ask("yes")

    def status(self) -> list[PortStatus]:
        return m7800_status(self.ask("show interfaces ib status"))

    def subnet_manager(self) -> bool:
        for line in self.ask("show ib sm"):
            if line.strip() in ("enable", "disable"):
                return line.strip() == "enable"
        raise SwitchError(f"{where(self.target)}: unable to determine subnet manager status")

    def set_subnet_manager(self, on: bool) -> None:
        self.ask("ib sm" if on else "no ib sm")
        self.ask("configuration write")

    def partitions(self) -> dict[str, Partition]:
        return m7800_partitions(self.ask("show ib partition"))

    def sync_partitions(self, wanted: dict[str, Partition]) -> None:
        """Make the switch's partitions and members those of `wanted`
        (Stacki's `sync switch` of an InfiniBand subnet manager)."""
        live = self.partitions()
        for name in live:
            if name not in wanted:
                self.confirm(f"no ib partition {name}")
        for name, part in wanted.items():
            have = live.get(name)
            if have is None or (have.ipoib, have.defmember) != (bool(part.ipoib), part.defmember):
                self.define(name, part)
            for guid in sorted(set(have.members if have else ()) - set(part.members)):
                self.confirm(f"no ib partition {name} member {guid}")
            for guid, membership in part.members.items():
                self.ask(f"ib partition {name} member {guid} type {membership} force")
        self.ask("configuration write")

    def define(self, name: str, part: Partition) -> None:
        self.ask(f"ib partition {name} pkey 0x{part.pkey:04x} force")
        if part.defmember:
            self.ask(f"ib partition {name} defmember {part.defmember} force")
        else:
            self.confirm(f"no ib partition {name} defmember")
        if part.ipoib:
            self.ask(f"ib partition {name} ipoib force")
        else:
            self.confirm(f"no ib partition {name} ipoib")


# --- Celestica e1050 (Cumulus Linux) -------------------------------------------

SWP = re.compile(r"swp(\d+)$")


def e1050_status(text: str) -> list[PortStatus]:
    """`net show interface json`: the switch ports (swpN) only."""
    rows = []
    for name, iface in json.loads(text).items():
        found = SWP.match(name)
        if found:
            rows.append(PortStatus(int(found.group(1)), str(iface.get("speed", "")),
                                   str(iface.get("linkstate", ""))))
    return sorted(rows)


def e1050_macs(text: str) -> list[MacEntry]:
    """`net show bridge macs dynamic json` (VLAN 1, the default, shown as none)."""
    rows = []
    for entry in json.loads(text):
        found = SWP.match(str(entry.get("dev", "")))
        if found:
            vlan = entry.get("vlan")
            rows.append(MacEntry(int(found.group(1)), str(entry["mac"]).lower(),
                                 None if vlan in (None, 1, "1") else str(vlan)))
    return sorted(rows, key=lambda r: (r.port, r.mac))


class E1050:
    make, model = "Celestica", "e1050"

    def __init__(self, target: Target, sh: Any) -> None:
        self.target, self.sh = target, sh

    @classmethod
    @contextmanager
    def session(cls, target: Target) -> Iterator[E1050]:
        with shell(target) as sh:
            yield cls(target, sh)

    def status(self) -> list[PortStatus]:
        return e1050_status(self.sh.run("net show interface json"))

    def macs(self) -> list[MacEntry]:
        return e1050_macs(self.sh.run("net show bridge macs dynamic json"))

    def running_config(self) -> list[str]:
        return self.sh.run("net show configuration").splitlines()

    def push(self, lines: list[str], persistent: bool) -> None:
        """Each NCLU line as a `net` command, then one commit (Cumulus keeps
        what is committed: `persistent` changes nothing here)."""
        try:
            for line in lines:
                line = line.strip()
                if line:
                    self.sh.run(line if line.startswith("net ") else f"net {line}")
        except SwitchError:
            self.sh.run("net abort")
            raise
        self.sh.run("net commit")


MAKES: dict[str, type[X1052] | type[M7800] | type[E1050]] = {
    cls.model: cls for cls in (X1052, M7800, E1050)}
