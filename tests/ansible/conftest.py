"""Real ansible-core against a populated STACKI_HOME: the collection built and
installed with ansible-galaxy, `ansible`, `ansible-playbook` and
`ansible-inventory` run as processes, locally or over a running stacki-ws."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ws.conftest import Server, start_server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
VERSION = "5.7.0"


def tool(name: str) -> str:
    return str(BIN / name)


@pytest.fixture(scope="session")
def collection(tmp_path_factory) -> dict[str, Path]:
    """The collection built from ansible/ and installed into a private path."""
    root = tmp_path_factory.mktemp("collection")
    subprocess.run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(root),
                    str(ROOT / "ansible")], check=True, capture_output=True, text=True)
    tarball = root / f"stacki-stacki-{VERSION}.tar.gz"
    subprocess.run([tool("ansible-galaxy"), "collection", "install", "-p", str(root / "path"),
                    str(tarball)], check=True, capture_output=True, text=True)
    return {"tarball": tarball, "path": root / "path"}


@dataclass
class Run:
    rc: int
    out: str
    err: str
    status: str = ""
    data: Any = None

    def recap(self) -> dict[str, int]:
        """localhost's counts in the PLAY RECAP."""
        line = re.search(r"^localhost\s*:(.*)$", self.out, re.M).group(1)
        return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


class Ansible:
    """Runs ansible tools with an environment pointing at one STACKI_HOME."""

    def __init__(self, env: dict[str, str], workdir: Path):
        self.env = env
        self.workdir = workdir

    def run(self, *argv: str, **env: str | None) -> Run:
        """Run a tool; ENV adds variables, or removes those given as None."""
        environ = {k: v for k, v in {**self.env, **env}.items() if v is not None}
        proc = subprocess.run([tool(argv[0]), *argv[1:]], env=environ,
                              cwd=self.workdir, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        return Run(proc.returncode, proc.stdout, proc.stderr)

    def module(self, module: str, /, *options: str, **args: Any) -> Run:
        """`ansible localhost -m stacki.stacki.NAME -a ARGS`: status is SUCCESS,
        CHANGED or FAILED!, data the module's result."""
        argv = ["-a", json.dumps(args)] if args else []
        result = self.run("ansible", "localhost", "-m", f"stacki.stacki.{module}", *argv,
                          *options)
        match = re.search(r"^localhost \| (\S+) => (\{.*?^\})", result.out, re.M | re.S)
        assert match, (result.out, result.err)
        result.status, result.data = match.group(1), json.loads(match.group(2))
        return result

    def playbook(self, tasks: list[dict], *options: str, play: dict | None = None) -> Run:
        """Run TASKS on localhost (PLAY: more keys of the play); each task's
        result is in data, in order."""
        registered = [dict(t, register=f"r{i}") for i, t in enumerate(tasks)]
        results = self.workdir / "results.json"
        names = ", ".join(f"r{i}" for i in range(len(tasks)))
        registered.append({"ansible.builtin.copy": {
            "content": "{{ [" + names + "] | to_json }}", "dest": str(results)},
            "check_mode": False, "changed_when": False})
        plays = [{"hosts": "localhost", "gather_facts": False, **(play or {}),
                  "tasks": registered}]
        path = self.workdir / "play.yml"
        path.write_text(json.dumps(plays))
        result = self.run("ansible-playbook", str(path), *options)
        result.data = json.loads(results.read_text()) if results.exists() else None
        if results.exists():
            results.unlink()
        return result

    def inventory(self, source: str, *options: str, **env: str) -> Run:
        result = self.run("ansible-inventory", "-i", source, "--list", *options, **env)
        if result.rc == 0:
            result.data = json.loads(result.out)
        return result

    def stack(self, *words: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "stacki.cli", *words], env=self.env,
                              capture_output=True, text=True, check=True)

    def stack_json(self, *words: str) -> Any:
        out = self.stack(*words, "output-format=json").stdout
        return json.loads(out) if out.strip() else []


def ansible_env(base: dict[str, str], collection_path: Path) -> dict[str, str]:
    env = dict(base)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(ROOT),
        ANSIBLE_COLLECTIONS_PATH=str(collection_path),
        ANSIBLE_INVENTORY_ENABLED="stacki.stacki.stacki",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        STACKI_COMMAND=f"{sys.executable} -m stacki.cli",
    )
    for name in ("STACKI_URL", "STACKI_USER", "STACKI_KEY", "STACKI_CREDENTIALS",
                 "STACKI_TRANSPORT"):
        env.pop(name, None)
    return env


def populate(ansible: Ansible) -> None:
    """A small cluster: backends in two racks, a group, an environment, an
    interface, a shadow attribute and host attributes."""
    for words in (
        ["add", "host", "backend-0-0"],
        ["add", "host", "backend-0-1"],
        ["add", "host", "backend-1-0"],
        ["add", "environment", "test"],
        ["set", "host", "environment", "backend-1-0", "environment=test"],
        ["add", "group", "compute"],
        ["add", "host", "group", "backend-0-0", "backend-1-0", "group=compute"],
        ["add", "host", "interface", "backend-0-0", "interface=eth0", "mac=00:11:22:33:44:55",
         "ip=192.168.0.10", "network=private", "default=true"],
        ["add", "host", "attr", "backend-0-0", "attr=rack.label", "value=blue"],
        ["add", "host", "attr", "backend-0-1", "attr=bmc.pw", "value=s3cret", "shadow=true"],
    ):
        ansible.stack(*words)


@pytest.fixture
def local(stacki_home, collection, tmp_path) -> Ansible:
    """Ansible using the local `stack` command on a populated home."""
    ansible = Ansible(ansible_env(stacki_home, collection["path"]), tmp_path)
    populate(ansible)
    return ansible


@pytest.fixture(scope="module")
def web(pristine_home, collection, tmp_path_factory):
    """A populated home served by a real stacki-ws on a free loopback port;
    yields (server, env): ansible with no usable local `stack` command."""
    import shutil

    from tests.conftest import subprocess_env

    root = tmp_path_factory.mktemp("ansible-ws")
    shutil.copytree(pristine_home, root / "state")
    base = subprocess_env(root / "state" / "home", root / "state" / "user")
    env = ansible_env(base, collection["path"])
    populate(Ansible(env, root))
    server = start_server(env, root / "server.log")
    yield server, env
    server.stop()


@pytest.fixture
def remote(web, tmp_path) -> Ansible:
    """Ansible reaching Stacki only through the web service (the admin's
    credentials file); the local command would fail."""
    server, env = web
    env = dict(env, STACKI_URL=server.url, STACKI_CREDENTIALS=str(server.home / "stacki-ws.cred"),
               STACKI_COMMAND="/nonexistent/stack")
    return Ansible(env, tmp_path)


def tar_names(tarball: Path) -> set[str]:
    with tarfile.open(tarball) as tar:
        return set(tar.getnames())


def make_user(server: Server, name: str, admin: bool) -> dict[str, str]:
    made = server.stack("add", "api", "user", name, f"admin={admin}", "output-format=json")
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)[0]
