"""The whole story over real HTTP against a `stacki-ws` process, and `wsclient`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import subprocess_env
from tests.ws.conftest import Session, start_server


def admin_session(server) -> Session:
    creds = server.admin_creds()
    session = Session(server.url)
    assert session.login(creds["username"], creds["key"]).json() == {"login": "True"}
    return session


def test_the_story(server):
    admin = admin_session(server)
    assert server.stack("add", "host", "backend-0-0").returncode == 0
    listed = admin.run("list host")
    assert listed.status_code == 200
    assert listed.headers["Content-Type"] == "application/json"
    assert listed.json() == json.loads(server.stack("list", "host", "output-format=json").stdout)

    made = server.stack("add", "user", "greg", "group=default", "admin=False",
                        "output-format=json")
    [greg_creds] = json.loads(made.stdout)
    # stacki-ws recorded where it listens: the CLI's credentials point there.
    assert greg_creds["hostname"] == f"127.0.0.1:{server.port}"
    greg_key = greg_creds["key"]
    greg = Session(server.url)
    assert greg.login("greg", greg_key).status_code == 200
    assert greg.http.get(server.url + "/user").json() == {"user": "greg"}
    assert [h["host"] for h in greg.run("list host").json()] == ["frontend-0-0", "backend-0-0"]

    # greg can list but not change anything.
    refused = greg.run("add host backend-0-1")
    assert (refused.status_code, refused.text) == (
        403, "Unauthorized Command: User greg is not allowed to run add.host")
    report = greg.run("report api sudo command")
    assert (report.status_code, report.text) == (
        403, "Unauthorized Command: User greg is not allowed to run report.api.sudo.command")

    assert server.stack("add", "user", "perms", "greg", "perms=report.*").returncode == 0
    assert greg.run("report api sudo command").status_code == 200

    sync = greg.run("sync api sudo command")
    assert sync.status_code == 403
    assert greg.run("run host backend-0-0 command=ls").text == "'run host' command is not permitted"

    assert server.stack("set", "user", "admin", "greg", "admin=True").returncode == 0
    assert greg.run("add host backend-0-1").json() == {}
    assert "backend-0-1" in server.stack("list", "host").stdout
    assert greg.run("run host backend-0-0 command=ls").status_code == 403

    assert greg.post("/logout").json() == {"logout": "True"}
    assert greg.run("list host").json() == {"logged_in": False}


def test_read_only_user_changes_nothing(server):
    admin = admin_session(server)
    made = admin.run("add api user ro")
    assert made.status_code == 200
    [creds] = made.json()
    assert creds["hostname"] == f"127.0.0.1:{server.port}"
    assert admin.run("add api user perms ro perm=add.*").json() == {}
    ro = Session(server.url)
    ro.login("ro", creds["key"])
    before = server.stack("list", "host").stdout
    response = ro.run("add host backend-0-7")
    assert (response.status_code, response.json()) == (
        403, {"API Error": "Database Permission Denied. Admin privileges required"})
    assert server.stack("list", "host").stdout == before


@pytest.mark.parametrize("data, status, message", [
    (b"not json", 400, "Request body is not JSON"),
    (b'{"cmd": "list host \'oops"}', 400, "Cannot split the command"),
    (b'{"nocmd": 1}', 400, "Request body must be"),
    (b'{"cmd": "frobnicate"}', 404, "Command Not Found"),
    (json.dumps({"cmd": "list host", "data": "x" * 70000}).encode(), 413, "Request body too large"),
])
def test_bad_input(server, data, status, message):
    admin = admin_session(server)
    response = admin.post(data=data, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["API Error"].startswith(message)
    assert "Traceback" not in response.text


def test_csrf_is_required(server):
    creds = server.admin_creds()
    http = requests.Session()
    http.get(server.url)
    response = http.post(server.url + "/login",
                         data={"USERNAME": creds["username"], "PASSWORD": creds["key"]})
    assert response.status_code == 403
    assert response.json()["API Error"].startswith("CSRF verification failed")


def test_upload(server):
    anonymous = Session(server.url)
    anonymous.http.get(server.url)
    refused = anonymous.post("/upload", files={"csvFile": ("a.csv", b"x")})
    assert (refused.status_code, refused.json()) == (403, {"logged_in": False})

    admin = admin_session(server)
    stored = admin.post("/upload", files={"csvFile": ("../../../etc/cron.d/evil", b"a,b\n")})
    assert stored.status_code == 200
    result = stored.json()
    uploads = (Path(server.env["STACKI_HOME"]) / "uploads" / "admin").resolve()
    assert os.path.dirname(result["dir"]) == str(uploads)
    assert result["name"].endswith("-evil") and result["csv"] == "a,b\n"
    assert admin.run(f"list host file={result['dir']}").status_code == 200
    assert admin.run("list host file=/etc/passwd").status_code == 403

    missing = admin.post("/upload", data={"x": "y"})
    assert missing.status_code == 400
    too_big = admin.post("/upload", files={"csvFile": ("big.csv", b"x" * 5000)})
    assert too_big.status_code == 413


def write_creds(server, tmp_path, **extra) -> str:
    creds = dict(server.admin_creds(), hostname=f"127.0.0.1:{server.port}", **extra)
    path = tmp_path / "admin.cred"
    path.write_text(json.dumps([creds]))
    return str(path)


def test_wsclient_prints_what_stack_prints(server, tmp_path):
    cred = write_creds(server, tmp_path)
    r = server.wsclient("-f", cred, "list", "host")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == server.stack("list", "host", "output-format=json").stdout


def test_wsclient_error(server, tmp_path):
    cred = write_creds(server, tmp_path)
    r = server.wsclient("-f", cred, "add", "host")
    assert (r.returncode, r.stdout) == (255, "")
    assert r.stderr == 'error - "host" argument is required\n'
    r = server.wsclient("-f", cred, "run", "host", "backend-0-0", "command=ls")
    assert (r.returncode, r.stderr) == (255, "'run host' command is not permitted\n")
    r = server.wsclient("-f", str(tmp_path / "missing.cred"), "list", "host")
    assert r.returncode == 255 and r.stderr.startswith("error - cannot read credentials")


def test_wsclient_bad_key(server, tmp_path):
    cred = write_creds(server, tmp_path)
    creds = json.loads(Path(cred).read_text())[0]
    (tmp_path / "bad.cred").write_text(json.dumps(dict(creds, key="wrong")))
    r = server.wsclient("-f", str(tmp_path / "bad.cred"), "list", "host")
    assert r.returncode == 255
    assert r.stderr == 'error - login failed (401): {"login": "False"}\n'


def test_url_key_overrides_the_hostname(server, tmp_path):
    cred = write_creds(server, tmp_path, url=server.url)
    creds = json.loads(Path(cred).read_text())
    creds[0]["hostname"] = "unreachable.invalid"
    (tmp_path / "url.cred").write_text(json.dumps(creds))
    r = server.wsclient("-f", str(tmp_path / "url.cred"), "list", "host")
    assert r.returncode == 0, r.stderr


def test_import_wsclient(server, tmp_path):
    import wsclient

    creds = server.admin_creds()
    client = wsclient.StackWSClient(f"127.0.0.1:{server.port}", creds["username"], creds["key"])
    assert client.url == server.url
    client.login()
    hosts = json.loads(client.run("list host"))
    assert hosts[0]["host"] == "frontend-0-0"
    assert client.status == 200
    with pytest.raises(wsclient.StackWSError) as exc:
        client.call("list host 'oops")
    assert exc.value.status == 400

    local = tmp_path / "hosts.csv"
    local.write_text("Name,Appliance\nbackend-0-5,backend\n")
    cmd, data = client.prepare(f"load hostfile file={local}")
    server_path = cmd.split("file=")[1]
    assert data is None
    assert server_path != str(local) and server_path.endswith("-hosts.csv")
    assert Path(server_path).read_text() == local.read_text()
    assert client.prepare("list host file=x") == ("list host file=x", None)


def test_wsclient_loads_a_local_document(server, tmp_path):
    """`wsclient load FILE exec=true` sends the JSON document as data."""
    assert server.stack("add", "host", "backend-0-3").returncode == 0
    document = tmp_path / "hosts.json"
    document.write_text(server.stack("dump", "host", "backend-0-3").stdout)
    assert server.stack("remove", "host", "backend-0-3").returncode == 0
    cred = write_creds(server, tmp_path)
    r = server.wsclient("-f", cred, "load", str(document), "exec=true")
    assert (r.returncode, r.stdout, r.stderr) == (0, "{}\n", "")
    assert "backend-0-3" in server.stack("list", "host").stdout


def test_call_log(server):
    admin_session(server).run("list host password=hunter2")
    log = server.log.read_text()
    assert "user=admin command=list.host args=[] params={'password': '<redacted>'} status=200" in log
    assert "hunter2" not in log


def test_fresh_home_works_out_of_the_box(tmp_path):
    """stacki-ws initialises an empty home: the credentials name its port,
    `wsclient list host` works without options, SIGTERM stops it cleanly."""
    (tmp_path / "user").mkdir()
    env = subprocess_env(tmp_path / "home", tmp_path / "user")
    server = start_server(env, tmp_path / "server.log")
    try:
        cred = tmp_path / "user" / "stacki-ws.cred"
        assert cred.stat().st_mode & 0o777 == 0o600
        [creds] = json.loads(cred.read_text())
        assert creds["hostname"] == f"127.0.0.1:{server.port}"
        r = server.wsclient("list", "host")
        assert (r.returncode, r.stderr) == (0, "")
        assert [h["host"] for h in json.loads(r.stdout)] == ["frontend-0-0"]
    finally:
        assert server.stop() == 0
    assert "Shutting down" in (tmp_path / "server.log").read_text()


def test_two_workers_share_the_state(pristine_home, tmp_path):
    shutil.copytree(pristine_home, tmp_path / "state")
    env = subprocess_env(tmp_path / "state" / "home", tmp_path / "state" / "user")
    server = start_server(env, tmp_path / "server.log", workers=2)
    try:
        admin = admin_session(server)
        for n in range(6):
            assert admin.run(f"add host backend-0-{n}").status_code == 200
        assert len(admin.run("list host").json()) == 7
    finally:
        assert server.stop() == 0


def test_a_database_that_cannot_be_reached_is_an_error_line_not_a_traceback(stacki_home):
    env = dict(stacki_home, STACKI_DATABASE_URL="postgresql://stacki:x@127.0.0.1:1/stacki")
    proc = subprocess.run([sys.executable, "-m", "stacki.ws.server", "--bind", "127.0.0.1:0"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 255
    assert proc.stderr.startswith("stacki-ws: error - database unavailable: ")
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1
