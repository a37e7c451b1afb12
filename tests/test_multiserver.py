"""Two `stacki-ws` servers on different loopback ports sharing one database,
spoken to with real HTTP. On PostgreSQL the second server has a STACKI_HOME
of its own, as on a second machine, and shares only the database and the
secret key; on SQLite both serve one STACKI_HOME."""

from __future__ import annotations

import shutil

import pytest

from tests import engines
from tests.conftest import subprocess_env
from tests.ws.conftest import Session, start_server


@pytest.fixture(scope="module")
def servers(pristine_home, tmp_path_factory):
    """Two servers with 2 workers each, for the whole module (each test uses
    host names of its own)."""
    root = tmp_path_factory.mktemp("multiserver")
    shutil.copytree(pristine_home, root / "state")
    first_env = subprocess_env(root / "state" / "home", root / "state" / "user")
    if engines.POSTGRES:
        key = (root / "state" / "home" / "secret_key").read_text().strip()
        first_env["STACKI_SECRET_KEY"] = key
        second_env = dict(first_env, STACKI_HOME=str(root / "second-home"))
    else:
        second_env = dict(first_env)
    pair = []
    try:
        pair.append(start_server(first_env, root / "first.log", workers=2))
        pair.append(start_server(second_env, root / "second.log", workers=2))
        yield pair
    finally:
        for server in pair:
            assert server.stop() == 0


def login(server) -> Session:
    creds = server.admin_creds()
    session = Session(server.url)
    assert session.login(creds["username"], creds["key"]).status_code == 200
    return session


def on(session: Session, server) -> Session:
    """The same cookies (session and CSRF token) sent to another server."""
    other = Session(server.url)
    other.http.cookies.update(session.http.cookies)
    return other


def hosts(reply) -> list[str]:
    assert reply.status_code == 200, reply.text
    return [h["host"] for h in reply.json()]


def test_a_session_made_on_one_works_on_the_other(servers):
    first, second = servers
    assert first.port != second.port
    one = login(first)
    two = on(one, second)
    assert two.http.get(second.url + "/user", timeout=30).json() == {"user": "admin"}
    assert hosts(two.run("list host"))[0] == "frontend-0-0"
    # logging out on the second ends the session on the first too
    assert two.post("/logout").json() == {"logout": "True"}
    reply = one.run("list host")
    assert (reply.status_code, reply.json()) == (403, {"logged_in": False})


def test_a_change_through_one_is_seen_by_the_other_at_once(servers):
    first, second = servers
    one = login(first)
    two = on(one, second)
    for n in range(5):
        assert one.run(f"add host backend-1-{n}").status_code == 200
        assert f"backend-1-{n}" in hosts(two.run("list host"))
        assert two.run(f"set host attr backend-1-{n} attr=seen value=v{n}").status_code == 200
        reply = one.run(f"list host attr backend-1-{n} attr=seen")
        assert [(a["attr"], a["value"]) for a in reply.json()] == [("seen", f"v{n}")]
    assert two.run("remove host backend-1-0").status_code == 200
    assert "backend-1-0" not in hosts(one.run("list host"))
    # and the command line agrees with both
    r = first.stack("list", "host", "r:1", "output-format=col:host")
    assert r.stdout.split() == [f"backend-1-{n}" for n in range(1, 5)]


def test_conflicting_adds_through_both(servers):
    """The same name added through each server: one success, one Stacki error."""
    first, second = servers
    one = login(first)
    two = on(one, second)
    replies = [one.run("add host backend-0-7"), two.run("add host backend-0-7")]
    assert [r.status_code for r in replies] == [200, 500]
    assert replies[1].json() == {
        "API Error": 'error - host "backend-0-7" already exists in the database\n', "Output": ""}
