"""Repositories: add, list, set, enable, disable and remove them; the
repository files of hosts (`report host repo`, `sync host repo`)."""

from __future__ import annotations

from stacki import errors, sysfiles
from stacki.commands import software_args as sw
from stacki.commands.report_common import host_report, sealed, stack_file
from stacki.framework.command import Arg, Command, Example, Param, Params, bool2str
from stacki.framework.context import Context
from stacki.framework.output import Table
from stacki.inventory import attrs, software
from stacki.inventory import models as m
from stacki.inventory.hostsel import all_hosts, localhost
from stacki.inventory.oses import find_os, native_os

RELATED = ("add repo", "list repo", "set repo", "enable repo", "disable repo", "remove repo")
FLAGS = ("autorefresh", "assumeyes", "is_mirrorlist", "gpgcheck")
TYPES = ("rpm-md", "yast2", "plaindir")
REPO_PARAMS = (
    Param("alias", help="A short name without spaces (default: the name, spaces made -)."),
    Param("url", help="The repository's URL; {{ attribute }} is replaced by the host's "
                      "attribute, e.g. http://{{ Kickstart_PrivateAddress }}/install/..."),
    Param("autorefresh", "bool", help="Refresh the repository's metadata on use."),
    Param("assumeyes", "bool", help="Answer yes to the package manager's questions."),
    Param("type", help="rpm-md (default), yast2 or plaindir."),
    Param("is_mirrorlist", "bool", help="The url is a mirror list."),
    Param("gpgcheck", "bool", help="Check package signatures."),
    Param("gpgkey", help="Where the signing key is."),
    Param("os", help="The OS the repository is for (default: the frontend's)."),
    Param("pallet", help="The pallet the repository belongs to (NAME-VERSION-RELEASE-OS-ARCH)."),
)


def check_alias(alias: str) -> str:
    """The alias heads the repo's stanza: [alias]."""
    if " " in alias or "[" in alias or "]" in alias:
        raise errors.ParamValue("alias", "a name without spaces or brackets")
    return alias


def repo_values(params: Params) -> dict:
    """The fields given as parameters, checked; nothing is written yet."""
    values: dict = {}
    for flag in FLAGS:
        if params.get(flag) not in (None, ""):
            values[flag] = params.flag(flag)
    for text in ("url", "gpgkey"):
        if params.get(text) is not None:
            values[text] = params[text] or None
    if params.value("alias"):
        values["alias"] = check_alias(params["alias"])
    if params.value("type"):
        if params["type"] not in TYPES:
            raise errors.ParamValue("type", "one of " + ", ".join(TYPES))
        values["type"] = params["type"]
    if params.value("os"):
        values["os"] = find_os(params["os"])
    if params.value("pallet"):
        wanted = params["pallet"]
        found = [p for p in m.Pallet.objects.all() if "-".join(p.identity) == wanted]
        if not found:
            raise errors.ArgNotFound(wanted, "pallet")
        values["pallet"] = found[0]
    return values


def one_repo(args: list[str]) -> m.Repo:
    if len(args) != 1:
        raise errors.CommandError("only one repo may be specified at a time")
    return sw.named(m.Repo, args, "repo", "name", "alias")[0]


def clash(name: str, alias: str, exclude: int | None = None) -> None:
    rows = m.Repo.objects.exclude(id=exclude) if exclude else m.Repo.objects.all()
    if rows.filter(name__in=(name, alias)).exists() or rows.filter(
            alias__in=(name, alias)).exists():
        raise errors.ArgError(name, f"a repo already exists with the name/alias: {name}/{alias}")


class AddRepo(Command):
    """Add a software repository that boxes may enable."""

    path = "add repo"
    args = (Arg("repo", help="The name of the repository."),)
    params = REPO_PARAMS
    examples = (Example("add repo EPEL url=http://dl.fedoraproject.org/pub/epel/7/x86_64",
                        "Adds EPEL for the frontend's OS."),
                Example("add repo site url=http://{{ Kickstart_PrivateAddress }}/install/site",
                        "Adds a repository served by the frontend."))
    related = RELATED[1:]

    def run(self, args: list[str], params: Params) -> None:
        if len(args) != 1:
            raise errors.CommandError("only one repo may be specified at a time")
        name = args[0]
        values = repo_values(params)
        if not values.get("url"):
            raise errors.CommandError("url is a required parameter when adding a repo")
        if "alias" not in values:
            values["alias"] = check_alias(name.replace(" ", "-"))
        values.setdefault("os", native_os())
        clash(name, values["alias"])
        m.Repo.objects.create(name=name, **values)


class SetRepo(Command):
    """Change fields of a repository (by name or alias). Run sync host repo
    to rewrite the frontend's file."""

    path = "set repo"
    args = (Arg("repo", help="The name or alias of the repository."),)
    params = REPO_PARAMS + (Param("name", help="A new name."),)
    examples = (Example("set repo EPEL assumeyes=false autorefresh=yes",
                        "Refreshes EPEL on use and asks before installing."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> None:
        repo = one_repo(args)
        values = repo_values(params)
        if params.value("name"):
            values["name"] = params["name"]
        if "url" in values and not values["url"]:
            raise errors.ParamRequired("url")
        clash(values.get("name", repo.name), values.get("alias", repo.alias), exclude=repo.id)
        for key, value in values.items():
            setattr(repo, key, value)
        repo.save()


class ListRepo(Command):
    """List the repositories: name, alias and url (expanded: every field)."""

    path = "list repo"
    args = (Arg("repo", optional=True, repeat=True,
                help="Names or aliases (SQL LIKE patterns); none: every repository."),)
    params = (Param("expanded", "bool", help="Show every field of the repositories."),)
    examples = (Example("list repo", "Lists every repository."),
                Example("list repo expanded=true", "Lists them with every field."))
    related = RELATED

    def run(self, args: list[str], params: Params) -> Table:
        repos = sw.named(m.Repo, args, "repo", "name", "alias")
        if not params.flag("expanded"):
            return Table(["name", "alias", "url"], [(r.name, r.alias, r.url) for r in repos])
        oses = dict(m.OS.objects.values_list("id", "name"))
        pallets = {p.id: "-".join(p.identity) for p in m.Pallet.objects.all()}
        header = ["name", "alias", "url", *FLAGS[:2], "type", *FLAGS[2:], "gpgkey", "os",
                  "pallet name"]
        rows = [(r.name, r.alias, r.url, bool2str(r.autorefresh), bool2str(r.assumeyes), r.type,
                 bool2str(r.is_mirrorlist), bool2str(r.gpgcheck), r.gpgkey, oses[r.os_id],
                 pallets.get(r.pallet_id)) for r in repos]
        return Table(header, rows)


class RepoBoxCommand(Command):
    args = (Arg("repo", repeat=True, help="Names or aliases of repositories."),)
    params = (sw.BOX_PARAM,)
    related = RELATED + ("list box repo",)

    def chosen(self, args: list[str], params: Params) -> tuple[m.Box, list[m.Repo]]:
        if not args:
            raise errors.ArgRequired("repo")
        return sw.box(params), sw.named(m.Repo, args, "repo", "name", "alias")


class EnableRepo(RepoBoxCommand):
    """Enable repositories in a box."""

    path = "enable repo"
    examples = (Example("enable repo EPEL box=develop", "Hosts of develop install from EPEL."),)

    def run(self, args: list[str], params: Params) -> None:
        box, repos = self.chosen(args, params)
        box.repos.add(*repos)
        sw.refresh_frontend_repo(self.ctx)


class DisableRepo(RepoBoxCommand):
    """Disable repositories in a box."""

    path = "disable repo"
    examples = (Example("disable repo EPEL box=develop", "Takes EPEL out of develop."),)

    def run(self, args: list[str], params: Params) -> None:
        box, repos = self.chosen(args, params)
        box.repos.remove(*repos)
        sw.refresh_frontend_repo(self.ctx)


class RemoveRepo(Command):
    """Remove repositories (by name or alias); boxes no longer enable them."""

    path = "remove repo"
    args = (Arg("repo", repeat=True, help="Names or aliases of repositories."),)
    examples = (Example("remove repo EPEL", "Removes the EPEL repository."),)
    related = RELATED

    def run(self, args: list[str], params: Params) -> None:
        if not args:
            raise errors.ArgRequired("repo")
        repos = sw.named(m.Repo, args, "repo", "name", "alias")
        m.Repo.objects.filter(id__in=[r.id for r in repos]).delete()
        sw.refresh_frontend_repo(self.ctx)


# --- the repository files of hosts -----------------------------------------------------

def repo_reports(hosts: list[m.Host]) -> list[tuple[m.Host, list[str]]]:
    """Each redhat/sles host's repository file block and clean command."""
    hosts = [h for h in hosts if h.box.os.name in software.REPO_FILES]
    if not hosts:
        return []
    contents = software.BoxContents({h.box_id for h in hosts})
    resolved = attrs.resolve(hosts, shadow=False)
    result = []
    for h in hosts:
        values = {k: a.value for k, a in resolved[h.id].items()}
        osname = h.box.os.name
        lines = software.repo_lines(contents, h.box_id, values)
        result.append((h, sealed(stack_file(software.REPO_FILES[osname], lines))
                       + [software.CLEAN_COMMANDS[osname]]))
    return result


def frontend_repo_blocks(ctx: Context) -> list[sysfiles.FileBlock]:
    frontends = localhost(all_hosts(appliance__name="frontend"))
    return [block for _, lines in repo_reports(frontends) for block in sysfiles.parse(lines)]


class ReportHostRepo(Command):
    """Print the repository file of hosts: a yum .repo (redhat) or zypper
    repo file (sles) naming their box's pallets, carts and repositories.

    Pallets and carts are served by the frontend under /install: the host's
    attribute repo.server (host:port) names that server, else its
    Kickstart_PrivateAddress. Hosts of other OSes get nothing.
    """

    path = "report host repo"
    args = (Arg("host", repeat=True, help="Host names or selections."),)
    examples = (Example("report host repo backend-0-0",
                        "Prints /etc/yum.repos.d/stacki.repo for backend-0-0."),)
    related = ("sync host repo", "list box")

    def run(self, args: list[str], params: Params) -> Table:
        hosts = self.hosts(args, required=True)
        return host_report((h.name, line) for h, lines in repo_reports(hosts) for line in lines)


class SyncHostRepo(Command):
    """Write the frontend's own repository file (report host repo localhost)
    under STACKI_SYSROOT.

    Other hosts get theirs when they install (report host repo): this
    product does not push files to hosts over ssh.
    """

    path = "sync host repo"
    args = (Arg("host", optional=True, repeat=True,
                help="Host names or selections (default: localhost)."),)
    examples = (Example("sync host repo", "Rewrites the frontend's stacki.repo."),)
    related = ("report host repo", "sync config")

    def run(self, args: list[str], params: Params) -> None:
        hosts = self.hosts(args or ["localhost"])
        mine = localhost(all_hosts(appliance__name="frontend"))
        if any(h.id == f.id for h in hosts for f in mine):
            sysfiles.write(frontend_repo_blocks(self.ctx), allowed=tuple(software.REPO_FILES.values()))
