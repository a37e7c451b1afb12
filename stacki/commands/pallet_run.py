"""`run pallet`: the shell script that installs pallets on this machine."""

from __future__ import annotations

import html
import re
import shlex

from stacki import errors
from stacki.commands import software_args as sw
from stacki.commands.report_common import frontend_os, local_frontend
from stacki.framework.command import Arg, Command, Example, Params
from stacki.framework.output import Text
from stacki.inventory import media, software
from stacki.inventory import models as m

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
PACKAGE = re.compile(r"<stack:package\b([^>]*)>(.*?)</stack:package>", re.DOTALL)
SCRIPT = re.compile(r"<stack:script\b([^>]*)>(.*?)</stack:script>", re.DOTALL)
POST = re.compile(r"""stack:stage\s*=\s*["']install-post["']""")
DISABLED = re.compile(r"""stack:enable\s*=\s*["'](false|no|0)["']""", re.IGNORECASE)
# The pallet's own tree is the only repository the packages come from.
INSTALL = {"redhat": "yum install -y --disablerepo='*' --repofrompath={repo},{path} "
                     "--enablerepo={repo}",
           "sles": "zypper --non-interactive --plus-repo {path} install"}


def text(body: str) -> str:
    """The character data of an XML fragment: comments dropped, CDATA and entities decoded."""
    body = COMMENT.sub("", body)
    parts, last = [], 0
    for match in CDATA.finditer(body):
        parts.append(html.unescape(body[last:match.start()]))
        parts.append(match.group(1))
        last = match.end()
    parts.append(html.unescape(body[last:]))
    return "".join(parts)


def node_contents(pallet: m.Pallet) -> tuple[list[str], list[str]]:
    """The packages and install-post scripts of a pallet's node XML files."""
    nodes = media.pallet_dir(software.pallets_root(), pallet.identity) / "nodes"
    packages: list[str] = []
    scripts: list[str] = []
    for node in sorted(nodes.glob("*.xml")) if nodes.is_dir() else []:
        source = COMMENT.sub("", node.read_text(errors="replace"))
        for attrs, body in PACKAGE.findall(source):
            if not DISABLED.search(attrs):
                packages += [p for p in text(body).split() if p not in packages]
        scripts += [text(body).strip("\n") for attrs, body in SCRIPT.findall(source)
                    if POST.search(attrs)]
    return packages, [s for s in scripts if s.strip()]


class RunPallet(Command):
    """Print the shell script that installs pallets on this frontend: their
    packages (from the pallet's own tree) and the install-post scripts
    of their node XML files. Run it with `stack run pallet NAME | sh`.
    """

    path = "run pallet"
    args = (Arg("pallet", repeat=True, help="Pallet names (SQL LIKE patterns)."),)
    params = sw.PALLET_PARAMS
    verbatim = True
    examples = (Example("run pallet tools | sh", "Installs the tools pallet on the frontend."),)
    related = ("add pallet", "enable pallet", "list pallet")

    def run(self, args: list[str], params: Params) -> Text:
        if not args:
            raise errors.ArgRequired("pallet")
        pallets = sw.pallets(args, params)
        osname = frontend_os(local_frontend())
        if osname not in INSTALL:
            raise errors.CommandError(f'pallets cannot be installed on OS "{osname}"')
        lines = ["#!/bin/sh", "set -e"]
        for p in pallets:
            packages, scripts = node_contents(p)
            repo = f"{p.name}-{p.version}-{p.release}"
            path = media.pallet_dir(software.pallets_root(), p.identity)
            lines.append(f"# pallet {p.name} {p.version} {p.release} {p.os} {p.arch}")
            if packages:
                lines.append(INSTALL[osname].format(repo=shlex.quote(repo),
                                                    path=shlex.quote(str(path))) + " "
                             + " ".join(shlex.quote(pkg) for pkg in packages))
            for script in scripts:
                lines += ["(", script, ")"]
        return Text("\n".join(lines) + "\n")
