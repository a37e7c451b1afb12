"""From a dump document to the stack commands that load it (commands.md §11).

Sections come in dependency order: networks before the firewall rules and
routes that name them; software (boxes), appliances, boot actions,
environments and groups before the hosts that use them; API access last.
Parameters keep the fixed order of the spec; null values are left out.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stacki import errors


@dataclass
class Line:
    """One stack command: its words, its arguments, its parameters in order."""

    path: str
    args: list[str] = field(default_factory=list)
    params: list[tuple[str, Any]] = field(default_factory=list)
    # Only clears what may be there: that there was nothing is no failure.
    clearing: bool = False

    def given(self) -> list[tuple[str, str]]:
        return [(k, str(v)) for k, v in self.params if v is not None]

    def shell(self, stack: str) -> str:
        args = shlex.quote(" ".join(self.args)) if self.args else ""
        params = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.given())
        return f'{stack} "{self.path}" {args} {params}'


def items(document: dict[str, Any], section: str) -> list[dict[str, Any]]:
    """A section that is a list of objects (missing: empty)."""
    value = document.get(section) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise errors.CommandError(f'"{section}" section must be a list of objects')
    return value


def names(document: dict[str, Any], section: str) -> list[str]:
    """A section that is a list of names (missing: empty)."""
    value = document.get(section) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.CommandError(f'"{section}" section must be a list of names')
    return value


def required(entry: dict[str, Any], section: str, key: str = "name") -> str:
    value = entry.get(key)
    if value is None:
        raise errors.CommandError(f'{section} section missing "{key}"')
    return str(value)


def script(document: dict[str, Any]) -> list[Line]:
    before, hosts, after = parts(document)
    return before + [line for host in hosts for line in host_lines(host)] + after


def parts(document: dict[str, Any], skip_users: frozenset[str] = frozenset()
          ) -> tuple[list[Line], list[dict[str, Any]], list[Line]]:
    """The commands before the hosts, the hosts, the commands after them.

    API users named in `skip_users` exist already: only their perms are added.
    """
    lines: list[Line] = []
    lines += [Line("set access", [], [("command", a.get("command")), ("group", a.get("group"))])
              for a in items(document, "access")]
    lines += scoped(document, "global", None, ("attr", "controller", "partition"))
    lines += networks(document)
    lines += scoped(document, "global", None, ("firewall",))
    for os in items(document, "os"):
        lines += scoped(os, "os", required(os, "os"))
    lines += software(document.get("software") or {})
    lines += scoped(document, "global", None, ("route",))
    for appliance in items(document, "appliance"):
        name = required(appliance, "appliance")
        lines.append(Line("add appliance", [name], [("public", appliance.get("public"))]))
        lines += scoped(appliance, "appliance", name)
    lines += [Line("add bootaction", [required(b, "bootaction")],
                   [(k, b.get(k)) for k in ("type", "os", "kernel", "ramdisk", "args")])
              for b in items(document, "bootaction")]
    for environment in items(document, "environment"):
        name = required(environment, "environment")
        lines.append(Line("add environment", [name]))
        lines += scoped(environment, "environment", name)
    groups = names(document, "group")
    lines += [Line("add group", [g]) for g in groups]
    hosts = items(document, "host")
    for host in hosts:
        required(host, "host")
    # Imported here: the vm, switch and firmware sections are built from this
    # module's Line.
    from stacki.commands.firmware_dump import load_lines
    from stacki.commands.switch_dump import switch_lines
    from stacki.commands.vm_dump import vm_lines

    after = vm_lines(document) + switch_lines(document)
    if document.get("firmware") is not None:
        after += load_lines(document["firmware"])
    after += api(document.get("api") or {}, frozenset(groups), skip_users)
    return lines, hosts, after


def networks(document: dict[str, Any]) -> list[Line]:
    keys = ("address", "mask", "gateway", "mtu", "zone", "dns", "pxe")
    return [Line("add network", [required(n, "network")], [(k, n.get(k)) for k in keys])
            for n in items(document, "network")]


def scoped(entry: dict[str, Any], scope: str, target: str | None,
           kinds: tuple[str, ...] = ("attr", "controller", "partition", "firewall", "route")
           ) -> list[Line]:
    """The attributes, storage, firewall rules and routes stored at one target."""
    words = "" if scope == "global" else f"{scope} "
    args = [] if target is None else [target]
    lines: list[Line] = []
    if "attr" in kinds:
        # `set attr value=` would delete the attribute: an empty value cannot be loaded.
        lines += [Line(f"set {words}attr", args, [("attr", a.get("name")), ("value", a.get("value")),
                                                   ("shadow", a.get("shadow"))])
                  for a in items(entry, "attr") if a.get("value") not in (None, "")]
    if "controller" in kinds:
        keys = ("enclosure", "adapter", "slot", "raidlevel", "arrayid", "options")
        lines += [Line(f"add {words}storage controller", args, [(k, c.get(k)) for k in keys])
                  for c in items(entry, "controller")]
    if "partition" in kinds and items(entry, "partition"):
        lines.append(Line(f"remove {words}storage partition", args, [("device", "*")],
                          clearing=True))
        lines += [Line(f"add {words}storage partition", args, [
            ("device", p.get("device")), ("partid", p.get("partid")),
            ("mountpoint", p.get("mountpoint")), ("size", p.get("size")),
            ("type", p.get("fstype")), ("options", p.get("options"))])
            for p in items(entry, "partition")]
    if "firewall" in kinds:
        lines += [Line(f"add {words}firewall", args, firewall_params(f))
                  for f in items(entry, "firewall")]
    if "route" in kinds:
        lines += [Line(f"add {words}route", args, [
            ("address", r.get("address")), ("gateway", r.get("gateway") or r.get("subnet")),
            ("netmask", r.get("netmask")), ("interface", r.get("interface"))])
            for r in items(entry, "route")]
    return lines


def firewall_params(rule: dict[str, Any]) -> list[tuple[str, Any]]:
    # Dumps spell it output_network; older documents output-network.
    output = rule.get("output_network", rule.get("output-network"))
    return [("service", rule.get("service")), ("network", rule.get("network")),
            ("output-network", output), ("chain", rule.get("chain")),
            ("action", rule.get("action")), ("protocol", rule.get("protocol")),
            ("flags", rule.get("flags")), ("comment", rule.get("comment")),
            ("table", rule.get("table")), ("rulename", rule.get("name"))]


def software(section: dict[str, Any]) -> list[Line]:
    if not isinstance(section, dict):
        raise errors.CommandError('"software" section must be an object')
    repo_keys = ("alias", "url", "autorefresh", "assumeyes", "type", "is_mirrorlist",
                 "gpgcheck", "gpgkey", "os")
    # Pallets come back from where they were added (when that is still
    # there); a cart's directory is kept, or made anew.
    lines = [Line("add pallet", [str(p["url"])]) for p in items(section, "pallet")
             if p.get("url")]
    lines += [Line("add cart", [required(c, "cart")]) for c in items(section, "cart")]
    lines += [Line("add repo", [required(r, "repo")], [(k, r.get(k)) for k in repo_keys])
              for r in items(section, "repo")]
    pallet_keys = ("version", "release", "arch", "os")
    for box in items(section, "box"):
        name = required(box, "box")
        lines.append(Line("add box", [name], [("os", box.get("os"))]))
        lines += [Line("enable pallet", [required(p, "pallet")],
                       [("box", name), *((k, p.get(k)) for k in pallet_keys)])
                  for p in items(box, "pallet")]
        lines += [Line("enable cart", [c], [("box", name)]) for c in names(box, "cart")]
        lines += [Line("enable repo", [required(r, "repo")], [("box", name)])
                  for r in items(box, "repo")]
    for pallet in items(section, "pallet"):
        for tag in pallet.get("tag") or []:
            lines.append(Line("add pallet tag", [required(pallet, "pallet")], [
                *((k, pallet.get(k)) for k in pallet_keys),
                ("tag", tag.get("name")), ("value", tag.get("value"))]))
    return lines


def host_lines(host: dict[str, Any]) -> Iterator[Line]:
    name = required(host, "host")
    yield Line("add host", [name], [(k, host.get(k)) for k in (
        "rack", "rank", "appliance", "box", "environment", "osaction", "installaction")])
    if host.get("comment") is not None:
        yield Line("set host comment", [name], [("comment", host["comment"])])
    if host.get("metadata") is not None:
        yield Line("set host metadata", [name], [("metadata", host["metadata"])])
    for group in names(host, "group"):
        yield Line("add host group", [name], [("group", group)])
    keys = ("interface", "default", "network", "mac", "ip", "name", "module", "vlan", "options",
            "channel")
    for nic in items(host, "interface"):
        yield Line("add host interface", [name], [(k, nic.get(k)) for k in keys])
        for alias in names(nic, "alias"):
            yield Line("add host interface alias", [name],
                       [("interface", nic.get("interface")), ("alias", alias)])
    yield from key_lines(host, name)
    yield from scoped(host, "host", name)


def key_lines(host: dict[str, Any], name: str) -> Iterator[Line]:
    for key in names(host, "key"):
        yield Line("add host key", [name], [("key", key)])


def api(section: dict[str, Any], groups: frozenset[str] = frozenset(),
        skip_users: frozenset[str] = frozenset()) -> list[Line]:
    if not isinstance(section, dict):
        raise errors.CommandError('"api" section must be an object')
    lines = [Line("add api sudo command", [], [("command", c)]) for c in names(section, "sudo")]
    lines += [Line("add api blacklist command", [], [("command", c)])
              for c in names(section, "blacklist")]
    for group in items(section, "group"):
        name = required(group, "group")
        if name not in groups:  # `add group` made it already: the same groups
            lines.append(Line("add api group", [name]))
        lines += [Line("add api group perms", [name], [("perm", p)]) for p in names(group, "perm")]
    for user in items(section, "user"):
        name = required(user, "user")
        if name not in skip_users:
            lines.append(Line("add api user", [name], [
                ("admin", user.get("admin")), ("group", ",".join(names(user, "group")) or None)]))
        lines += [Line("add api user perms", [name], [("perm", p)]) for p in names(user, "perm")]
    return lines
