"""Running commands for hosts (commands.md §14): `iterate host` runs a shell
command here once per host; `run host` runs one on each host over OpenSSH.

Neither may run through the web service: they execute arbitrary commands.
"""

from __future__ import annotations

import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stacki import errors
from stacki.framework.command import ANY_HOSTS, Command, Example, Param, Params, str2bool
from stacki.framework.output import Table, Text
from stacki.inventory import models as m
from stacki.inventory.attrs import resolve, truthy

# Parallel ssh sessions when threads= is not given.
DEFAULT_THREADS = 16
DEFAULT_TIMEOUT = 30
CONNECT_TIMEOUT = 10


def refuse_api(cmd: Command) -> None:
    if cmd.ctx.api:
        raise errors.CommandError(f"'{cmd.path}' command is not permitted")


def substitute(command: str, host: str) -> str:
    """`%` becomes the host name, `%%` a percent sign."""
    return "%".join(part.replace("%", host) for part in command.split("%%"))


class IterateHost(Command):
    """Run a shell command on this machine once for each host.

    In the command, % stands for the host name (%% for a percent sign).
    Without host arguments every host but the frontends is used.
    """

    path = "iterate host"
    verbatim = True
    args = (ANY_HOSTS,)
    params = (Param("command", optional=False, help="The shell command; % is the host name."),)
    examples = (Example('iterate host a:backend command="ping -c 1 %"',
                        "Pings every backend host once."),)
    related = ("run host",)

    def run(self, args: list[str], params: Params) -> Text:
        refuse_api(self)
        command = params.require("command")
        hosts = self.hosts(args)
        if not args:
            hosts = [h for h in hosts if h.appliance.name != "frontend"]
        output = []
        for host in hosts:
            done = subprocess.run(substitute(command, host.name), shell=True, text=True, check=False,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            output.append(done.stdout)
        return Text("".join(output))


def number(params: Params, name: str, kind: type, default: Any) -> Any:
    value = params.value(name)
    if value is None:
        return default
    try:
        result = kind(value)
    except ValueError:
        raise errors.ParamType(name, "integer" if kind is int else "float") from None
    if result < 0:
        raise errors.ParamValue(name, "> 0")
    return result


def addresses(hosts: list[m.Host]) -> dict[int, str]:
    """Where to reach each host: its interface on the network named by its
    `stack.network` attribute, else its default interface, else its name."""
    chosen = resolve(hosts, const=False, pattern="stack.network")
    nics: dict[int, list[tuple]] = {h.id: [] for h in hosts}
    ids = set(nics)
    for host_id, network, ip, default in m.Interface.objects.filter(
            ip__isnull=False).order_by("id").values_list("host_id", "network__name", "ip",
                                                          "default"):
        if host_id in ids:
            nics[host_id].append((network, ip, default))
    result = {}
    for host in hosts:
        attr = chosen[host.id].get("stack.network")
        wanted = [ip for network, ip, _ in nics[host.id] if attr and network == attr.value]
        defaults = [ip for _, ip, is_default in nics[host.id] if is_default]
        result[host.id] = (wanted or defaults or [host.name])[0]
    return result


# The exit status of `run host` when a host failed or timed out: not 255,
# which says that stack refused the command; the outputs still print.
HOST_FAILED = 1


def ssh(address: str, command: str, timeout: int, x11: bool) -> tuple[str, bool]:
    """Output (stdout and stderr) of `command` run on `address`, and whether it succeeded."""
    argv = ["ssh", "-T", "-o", "BatchMode=yes",
            "-o", f"ConnectTimeout={min(timeout, CONNECT_TIMEOUT) if timeout else CONNECT_TIMEOUT}",
            "-X" if x11 else "-x"]
    config = os.environ.get("STACKI_SSH_CONFIG")
    if config:
        argv += ["-F", config]
    env = dict(os.environ)
    if not x11:
        env.pop("DISPLAY", None)
    try:
        done = subprocess.run(argv + [address, command], check=False, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                              timeout=timeout or None)
    except subprocess.TimeoutExpired as exc:
        out = (exc.output or b"").decode(errors="replace").strip()
        return "\n".join(filter(None, [out, f"timed out after {timeout} seconds"])), False
    return done.stdout.decode(errors="replace").strip(), done.returncode == 0


class RunHost(Command):
    """Run a command on hosts over ssh (OpenSSH, batch mode: keys, no passwords).

    With managed=true (default) hosts given by selections, globs or no
    argument at all are kept only when their managed attribute is true;
    hosts named explicitly always run. A host is reached on its interface on
    the network its stack.network attribute names, else its default
    interface. STACKI_SSH_CONFIG names an ssh_config file to use.
    """

    path = "run host"
    args = (ANY_HOSTS,)
    params = (
        Param("command", optional=False, empty_ok=True, help="The command to run on each host."),
        Param("collate", help="yes (default): a host/output table; no: the output as is."),
        Param("delay", help="Seconds to wait between starting two hosts. Default 0."),
        Param("managed", "boolean", help="Only managed hosts (see above). Default true."),
        Param("threads", help=f"Hosts run at once. Default {DEFAULT_THREADS}."),
        Param("timeout", help=f"Seconds a host may take; 0: no limit. Default {DEFAULT_TIMEOUT}."),
        Param("x11", "boolean", help="Forward X11. Default false."),
    )
    examples = (
        Example('run host backend-0-0 command="hostname"', "Runs hostname on backend-0-0."),
        Example('run host a:backend command="uptime" threads=8',
                "Runs uptime on the managed backends, eight at a time."),
    )
    related = ("iterate host",)

    def run(self, args: list[str], params: Params) -> Table | Text:
        refuse_api(self)
        if "command" not in params:
            raise errors.ParamRequired("command")
        command = params["command"]
        if not command.strip():
            raise errors.ParamValue("cmd", "string with contents")
        timeout = number(params, "timeout", int, DEFAULT_TIMEOUT)
        threads = number(params, "threads", int, DEFAULT_THREADS) or DEFAULT_THREADS
        delay = number(params, "delay", float, 0.0)
        hosts = self.chosen(args, params.flag("managed", True))
        where = addresses(hosts)
        x11 = params.flag("x11")
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(hosts)))) as pool:
            futures = []
            for n, host in enumerate(hosts):
                if n and delay:
                    time.sleep(delay)
                futures.append(pool.submit(ssh, where[host.id], command, timeout, x11))
            results = [f.result() for f in futures]
        outputs = [out for out, _ in results]
        result: Table | Text
        if not str2bool(params.value("collate", "yes")):
            result = Text("".join(out + "\n" for out in outputs if out))
        else:
            result = Table(["host", "output"],
                           [(h.name, line) for h, out in zip(hosts, outputs) for line in out.split("\n")])
        if not all(ok for _, ok in results):
            result.status = HOST_FAILED
        return result

    def chosen(self, args: list[str], managed: bool) -> list[m.Host]:
        hosts = self.hosts(args)
        if not managed:
            return hosts
        named = {a.lower() for a in args
                 if ":" not in a and not a.startswith("where") and not set(a) & set("*?[")}
        attrs = resolve(hosts, const=False, pattern="managed")
        return [h for h in hosts if h.name.lower() in named
                or truthy(getattr(attrs[h.id].get("managed"), "value", None))]
