"""Concurrent writers through the web service and the command line at once,
on the suite's engine (SQLite or PostgreSQL): no lost or broken writes, no
internal errors, no "database is locked", and one winner when two add the
same name. Real processes on loopback; every wait is bounded."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.conftest import subprocess_env
from tests.ws.conftest import Session, start_server

CLIENTS = 8
OPERATIONS = 200
# Every CLI_EVERY-th operation of a client is a `stack` process, the others
# are API calls (a process costs a few hundred milliseconds of CPU).
CLI_EVERY = 20
# Every RACE_EVERY-th operation all clients add the same shared host.
RACE_EVERY = 25
HOSTS_PER_CLIENT = 6
DEVICES = ("eth0", "eth1", "eth2")
ATTRS = ("conc_a", "conc_b", "conc_c")
TIMEOUT = 120


@dataclass
class Reply:
    ok: bool
    text: str  # the error the user saw (API Error or stderr), or ""
    detail: str  # status or exit code, for messages


@pytest.fixture(scope="module")
def cluster(pristine_home, tmp_path_factory):
    """A private home with a network, served by one `stacki-ws` with 3 workers."""
    root = tmp_path_factory.mktemp("concurrency")
    shutil.copytree(pristine_home, root / "state")
    env = subprocess_env(root / "state" / "home", root / "state" / "user")
    add = subprocess.run([sys.executable, "-m", "stacki.cli", "add", "network", "conc",
                          "address=10.50.0.0", "mask=255.255.0.0"], env=env,
                         capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert add.returncode == 0, add.stderr
    server = start_server(env, root / "server.log", workers=3)
    yield server
    assert server.stop() == 0


class Client:
    """Runs command lines through the API (one logged-in session) or `stack`."""

    def __init__(self, server):
        self.server = server
        creds = server.admin_creds()
        self.session = Session(server.url)
        assert self.session.login(creds["username"], creds["key"]).status_code == 200

    def api(self, cmd: str) -> Reply:
        reply = self.session.post(json={"cmd": cmd})
        body = reply.json()
        if reply.status_code == 200:
            return Reply(True, "", "200")
        # A command's own error is a 500 carrying `error - ...` (webservice.md §4).
        text = body.get("API Error", "") if isinstance(body, dict) else str(body)
        return Reply(False, text, f"{reply.status_code} {body}")

    def cli(self, cmd: str) -> Reply:
        proc = subprocess.run([sys.executable, "-m", "stacki.cli", *cmd.split()],
                              env=self.server.env, capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL, check=False)
        return Reply(proc.returncode == 0, proc.stderr, f"exit {proc.returncode}")


@dataclass
class Model:
    """What one client's successful operations say its hosts hold."""

    hosts: dict[str, dict] = field(default_factory=dict)
    next_ip: int = 1

    def ip(self, client: int) -> str:
        self.next_ip += 1
        return f"10.50.{client}.{self.next_ip}"


def plan(client: int, model: Model, rng: random.Random) -> tuple[str, bool, Callable[[], None]]:
    """One operation: its command line, whether it must succeed, and its effect."""
    host = f"backend-{10 + client}-{rng.randrange(HOSTS_PER_CLIENT)}"
    present = host in model.hosts
    kind = rng.choice(["add host", "remove host", "add interface", "add interface",
                       "remove interface", "set attr", "set attr", "remove attr"])
    if kind == "add host" or not present and rng.random() < 0.7:
        return f"add host {host}", not present, lambda: model.hosts.setdefault(
            host, {"interfaces": {}, "attrs": {}})
    if kind == "remove host":
        return f"remove host {host}", present, lambda: model.hosts.pop(host, None)
    device = rng.choice(DEVICES)
    if kind == "add interface":
        ip = model.ip(client)
        ok = present and device not in model.hosts[host]["interfaces"]
        return (f"add host interface {host} interface={device} network=conc ip={ip}", ok,
                lambda: model.hosts[host]["interfaces"].__setitem__(device, ip))
    if kind == "remove interface":
        ok = present and device in model.hosts[host]["interfaces"]
        return (f"remove host interface {host} interface={device}", ok,
                lambda: model.hosts[host]["interfaces"].pop(device))
    attr = rng.choice(ATTRS)
    if kind == "set attr":
        value = f"v{rng.randrange(1000)}"
        return (f"set host attr {host} attr={attr} value={value}", present,
                lambda: model.hosts[host]["attrs"].__setitem__(attr, value))
    return (f"remove host attr {host} attr={attr}", present,
            lambda: model.hosts[host]["attrs"].pop(attr, None))


def check_failure(reply: Reply, cmd: str) -> None:
    """A refused operation is a clean Stacki error, nothing else."""
    assert reply.text.startswith("error - "), (cmd, reply.detail, reply.text)
    assert reply.text.count("\n") == 1, (cmd, reply.text)
    for word in ("locked", "Traceback", "Internal server error", "conflicting", "IntegrityError"):
        assert word not in reply.text, (cmd, reply.text)


def work(server, client: int, start: threading.Barrier) -> tuple[Model, dict[str, bool]]:
    rng = random.Random(client)
    model = Model()
    races: dict[str, bool] = {}
    channel = Client(server)
    start.wait(timeout=TIMEOUT)
    for n in range(OPERATIONS):
        run = channel.cli if n % CLI_EVERY == client % CLI_EVERY else channel.api
        if n % RACE_EVERY == 0:
            name = f"backend-99-{n // RACE_EVERY}"
            reply = run(f"add host {name}")
            races[name] = reply.ok
            if not reply.ok:
                check_failure(reply, name)
                assert reply.text == f'error - host "{name}" already exists in the database\n'
            continue
        if n % RACE_EVERY == RACE_EVERY // 2:
            # everyone creates the same new global attribute: all succeed, one row remains
            cmd = f"set attr attr=conc_shared_{n // RACE_EVERY} value=c{client}"
            reply = run(cmd)
            assert reply.ok, (cmd, reply.detail, reply.text)
            continue
        cmd, must_succeed, effect = plan(client, model, rng)
        reply = run(cmd)
        assert reply.ok == must_succeed, (client, n, cmd, reply.detail, reply.text)
        if reply.ok:
            effect()
        else:
            check_failure(reply, cmd)
    return model, races


def stack_json(server, *words: str):
    r = server.stack(*words, "output-format=json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if r.stdout.strip() else []


def test_concurrent_clients_lose_nothing(cluster):
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(work, cluster, c, start) for c in range(CLIENTS)]
        results = [f.result(timeout=900) for f in futures]

    # one winner for each shared name
    names = results[0][1].keys()
    for name in names:
        assert [races[name] for _, races in results].count(True) == 1, name

    expected_hosts, expected_ifs, expected_attrs = set(names), set(), set()
    for model, _ in results:
        for host, held in model.hosts.items():
            expected_hosts.add(host)
            expected_ifs |= {(host, dev, ip) for dev, ip in held["interfaces"].items()}
            expected_attrs |= {(host, attr, value) for attr, value in held["attrs"].items()}
    assert {h["host"] for h in stack_json(cluster, "list", "host")} - {"frontend-0-0"} \
        == expected_hosts
    interfaces = stack_json(cluster, "list", "host", "interface")
    assert {(i["host"], i["interface"], i["ip"]) for i in interfaces
            if i["network"] == "conc"} == expected_ifs
    attrs = stack_json(cluster, "list", "host", "attr") if expected_hosts else []
    assert {(a["host"], a["attr"], a["value"]) for a in attrs
            if a["scope"] == "host" and a["attr"].startswith("conc_")} == expected_attrs
    shared = [(a["attr"], a["value"]) for a in stack_json(cluster, "list", "attr")
              if a["attr"].startswith("conc_shared_")]
    assert sorted(attr for attr, _ in shared) == sorted(
        f"conc_shared_{n}" for n in range(OPERATIONS // RACE_EVERY))
    assert {value for _, value in shared} <= {f"c{c}" for c in range(CLIENTS)}
    # no internal error and no unavailable database behind any reply
    log = cluster.log.read_text()
    assert "Traceback" not in log
    assert "status=503" not in log


def test_two_adds_of_one_name_at_once(cluster):
    """The API and the command line add the same host at the same moment:
    one succeeds, the other gets the command's own error."""
    for n in range(5):
        name = f"backend-98-{n}"
        start = threading.Barrier(2)
        clients = [Client(cluster), Client(cluster)]

        def add(channel: Callable[[str], Reply], start=start, name=name) -> Reply:
            start.wait(timeout=TIMEOUT)
            return channel(f"add host {name}")

        with ThreadPoolExecutor(2) as pool:
            replies = list(pool.map(add, [clients[0].api, clients[1].cli], timeout=TIMEOUT))
        assert sorted(r.ok for r in replies) == [False, True], replies
        [lost] = [r for r in replies if not r.ok]
        assert lost.text == f'error - host "{name}" already exists in the database\n'
    hosts = [h["host"] for h in stack_json(cluster, "list", "host")]
    assert [h for h in hosts if h.startswith("backend-98-")] == [f"backend-98-{n}"
                                                                 for n in range(5)]


# --- the runner's retry, in-process -------------------------------------------------------

def race_command(always_collide: bool):
    """A command whose check-then-insert is beaten on its first run (as when
    another writer commits between the two), or on every run."""
    from stacki.errors import CommandError
    from stacki.framework.command import Command
    from stacki.inventory.models import Setting

    class AddRace(Command):
        path = "add race"
        runs = 0

        def run(self, args, params):
            type(self).runs += 1
            checks = type(self).runs > 1 and not always_collide
            if checks and Setting.objects.filter(key="race").exists():
                raise CommandError('race "race" already exists')
            Setting.objects.create(key="race", value=str(self.runs))

    return AddRace


def test_a_lost_race_answers_the_commands_own_error():
    from stacki.errors import CommandError
    from stacki.framework.command import Resolved
    from stacki.framework.context import Context
    from stacki.framework.runner import run_resolved
    from stacki.inventory.models import Setting

    Setting.objects.create(key="race", value="winner")
    command = race_command(always_collide=False)
    with pytest.raises(CommandError) as lost:
        run_resolved(Resolved(command), Context())
    assert lost.value.message == 'race "race" already exists'
    assert command.runs == 2
    assert list(Setting.objects.filter(key="race").values_list("value", flat=True)) == ["winner"]


def test_a_race_lost_every_time_is_a_clean_error():
    from stacki.framework.command import Resolved
    from stacki.framework.context import Context
    from stacki.framework.runner import RETRIES, Conflict, run_resolved
    from stacki.inventory.models import Setting

    Setting.objects.create(key="race", value="winner")
    command = race_command(always_collide=True)
    with pytest.raises(Conflict) as lost:
        run_resolved(Resolved(command), Context())
    assert lost.value.message.startswith("conflicting concurrent change, try again (")
    assert "\n" not in lost.value.message
    assert command.runs == RETRIES + 1
