"""Help output generated from command declarations (cli.md §3)."""

from __future__ import annotations

from typing import Iterable

from stacki import errors
from stacki.framework.command import Command


def help_line(cls: type[Command]) -> str:
    """`<path> <usage> `: every word followed by one space (one space after an empty usage)."""
    return "".join(f"{word} " for word in [cls.path, *_tokens(cls)])


def help_lines(commands: Iterable[type[Command]]) -> str:
    return "".join(help_line(c) + "\n" for c in commands)


def wrapped_lines(commands: Iterable[type[Command]], cols: int) -> str:
    """`list help`: each usage token that would reach `cols` starts a TAB line (cols=0: no wrapping)."""
    out = []
    for cls in commands:
        line = f"{cls.path} "
        length = len(line)
        for token in _tokens(cls):
            if cols and length + len(token) >= cols:
                out.append(line)
                line = f"\t{token} "
                length = len(token) + 9
            else:
                line += f"{token} "
                length += len(token) + 1
        out.append(line)
    return "".join(line + "\n" for line in out)


def _tokens(cls: type[Command]) -> list[str]:
    return cls.usage().split()


def _prompt(cls: type[Command]) -> str:
    return "#" if cls.mutates() else "$"


def plain(cls: type[Command]) -> str:
    lines = [f"stack {cls.path} {cls.usage()}".rstrip(), "", "Description", cls.description()]
    if cls.args:
        lines += ["", "Arguments", ""]
        for a in cls.args:
            lines += [f"\t{a.usage()}", f"\t{a.help}", ""]
        lines.pop()
    if cls.all_params():
        lines += ["", "Parameters", ""]
        for p in cls.all_params():
            lines += [f"\t{p.usage()}", f"\t{p.help}", ""]
        lines.pop()
    if cls.examples:
        lines += ["", "Examples", ""]
        for e in cls.examples:
            lines += [f"\t{_prompt(cls)} stack {e.command}", f"\t{e.text}", ""]
        lines.pop()
    if cls.related:
        lines += ["", "Related Commands", ""]
        lines += [f"\tstack {r}" for r in cls.related]
    return "\n".join(lines) + "\n"


def markdown(cls: type[Command]) -> str:
    out = [f"## {cls.path}", "", "### Usage", "", f"`stack {cls.path} {cls.usage()}`".replace(" `", "`")]
    out += ["", "### Description", "", cls.description()]
    if cls.args:
        out += ["", "### Arguments", ""]
        out += [f"* `{a.usage()}`\n\n   {a.help}\n" for a in cls.args]
    if cls.all_params():
        out += ["", "### Parameters", ""]
        out += [f"* `{p.usage()}`\n\n   {p.help}\n" for p in cls.all_params()]
    if cls.examples:
        out += ["", "### Examples", ""]
        out += [f"* `stack {e.command}`\n\n   {e.text}\n" for e in cls.examples]
    if cls.related:
        out += ["", "### Related", ""]
        out += [f"* [{r}]" for r in cls.related]
    return "\n".join(out) + "\n"


def parsed(cls: type[Command]) -> str:
    doc = {
        "description": cls.description(),
        "optarg": [(a.name, a.type, a.help) for a in cls.args if a.optional],
        "reqarg": [(a.name, a.type, a.help) for a in cls.args if not a.optional],
        "optparam": [(p.name, p.kind.label, p.help) for p in cls.all_params() if p.optional],
        "reqparam": [(p.name, p.kind.label, p.help) for p in cls.all_params() if not p.optional],
        "example": [(e.command, e.text) for e in cls.examples],
        "related": list(cls.related),
    }
    return repr(doc) + "\n"


def command_help(cls: type[Command], fmt: str | None) -> str:
    fmt = (fmt or "plain").lower()
    if fmt == "docbook":
        raise errors.CommandError('"docbook" no longer supported - use "markdown"')
    if fmt in ("md", "markdown"):
        return markdown(cls)
    if fmt == "parsed":
        return parsed(cls)
    if fmt == "raw":
        text = plain(cls).rstrip("\n").split("\n")
        return "".join(f"{n}:{line}\n" for n, line in enumerate(text, 1))
    return plain(cls)


def catalogue_entry(cls: type[Command]) -> dict:
    """A machine-readable description of a command (the command catalogue)."""
    return {
        "command": cls.path,
        "usage": cls.usage(),
        "summary": cls.summary(),
        "description": cls.description(),
        "arguments": [
            {"name": a.name, "type": a.type, "required": not a.optional,
             "repeat": a.repeat, "help": a.help}
            for a in cls.args
        ],
        "parameters": [
            {"name": p.name, "type": p.kind.name, "label": p.kind.label,
             "required": not p.optional, "repeat": p.repeat, "default": p.default,
             "choices": list(p.kind.choices), "hidden": p.hidden, "help": p.help}
            for p in cls.all_params()
        ],
        "examples": [{"command": e.command, "text": e.text} for e in cls.examples],
    }
