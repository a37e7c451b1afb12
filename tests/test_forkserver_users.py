"""Two Unix users through one fork server see exactly what they see in-process:
outputs, refusals by the access table, files they may not read."""

from __future__ import annotations

import os

import pytest

from tests import unixusers
from tests.conftest import Result
from tests.forkserver import ServerProcess
from tests.unixusers import PYTHON, open_to_group, run_as, shared_home, user_env

unix_users = unixusers.unix_users  # the fixture


def both_ways(server, user, env, *words, **kw):
    """The result through the server (checked to be served) and in-process."""
    before = server.served(user.uid)
    through = run_as(user, env, *words, **kw)
    assert server.served(user.uid) == before + 1, (words, server.output())
    in_process = run_as(user, {**env, "STACKI_NO_SERVER": "1"}, *words, **kw)
    return through, in_process


@pytest.fixture
def shared(unix_users):
    """A home both users share, made by a, and a root server for it."""
    users = unix_users
    home = shared_home(users, f"fork-home-{os.urandom(3).hex()}")
    env_a = user_env(users.a, home)
    assert run_as(users.a, env_a, "list", "os", "output-format=null") == Result(0, "", "")
    open_to_group(home)
    server = ServerProcess({**env_a, "HOME": "/root", "USER": "root", "LOGNAME": "root"},
                           python=PYTHON, cwd=users.root)
    yield users, home, server
    assert server.stop() == 0


def test_two_users_through_the_server_see_what_they_see_in_process(shared):
    users, home, server = shared
    a, b = users.a, users.b
    env_a, env_b = user_env(a, home), user_env(b, home)
    secret = users.root / a.name / "private.txt"
    secret.write_text('<stack:file stack:name="/etc/motd">\nhello\n</stack:file>\n')
    os.chown(secret, a.uid, a.gid)
    secret.chmod(0o600)

    # b may list and run `report script`, nothing else.
    for words in (("set", "access", "command=list *", f"group={b.group}"),
                  ("set", "access", "command=report script", f"group={b.group}")):
        assert run_as(a, env_a, *words) == Result(0, "", "")

    checks = [
        (a, env_a, ("list", "host"), None),
        (a, env_a, ("list", "access"), None),
        (a, env_a, ("report", "script", f"file={secret}"), None),
        (b, env_b, ("list", "host"), None),
        (b, env_b, ("list", "access", "output-format=json"), None),
        (b, env_b, ("add", "host", "backend-0-1"),
         Result(255, "", f'error - user "{b.name}" does not have access "add host"\n')),
        (b, env_b, ("report", "host"),
         Result(255, "", f'error - user "{b.name}" does not have access "report host"\n')),
        (b, env_b, ("report", "script", f"file={secret}"),
         Result(255, "", f'error - cannot read "{secret}": Permission denied\n')),
    ]
    for user, env, words, expected in checks:
        through, in_process = both_ways(server, user, env, *words)
        assert through == in_process, (user.name, words)
        if expected is not None:
            assert through == expected
        else:
            assert through.rc == 0 and through.out, (user.name, words, through)
    assert "hello" in both_ways(server, a, env_a, "report", "script", f"file={secret}")[0].out

    # A change made through the server is a's, and b sees it either way.
    assert run_as(a, env_a, "add", "host", "backend-0-1") == Result(0, "", "")
    through, in_process = both_ways(server, b, env_b, "list", "host", "output-format=col:host")
    assert through == in_process == Result(0, "frontend-0-0\nbackend-0-1\n", "")

    # The server's children ran as the callers, with their groups.
    assert a.group in both_ways(server, a, env_a, "list", "access")[0].out
    files = {p.name: p.stat() for p in home.iterdir()}
    assert all(st.st_uid != 0 for name, st in files.items() if name.startswith("stacki.db"))


def test_a_server_that_is_not_root_serves_only_its_own_user(unix_users):
    users = unix_users
    a, b = users.a, users.b
    import grp

    home = users.root / f"a-home-{os.urandom(3).hex()}"
    home.mkdir()
    os.chown(home, a.uid, grp.getgrnam(users.shared).gr_gid)
    home.chmod(0o2770)
    env_a, env_b = user_env(a, home), user_env(b, home)
    assert run_as(a, env_a, "set", "access", "command=list *", f"group={b.group}").rc == 0
    open_to_group(home)
    server = ServerProcess(env_a, python=PYTHON, prefix=("runuser", "-u", a.name, "--"),
                           cwd=users.root)
    try:
        assert os.stat(home / "server").st_uid == a.uid
        expected = Result(0, "frontend-0-0\n", "")
        before = server.served()
        assert run_as(a, env_a, "list", "host", "output-format=col:host") == expected
        assert server.served(a.uid) == before + 1
        # b connects, is refused, and runs in-process.
        result = run_as(b, env_b, "--debug", "list", "host", "output-format=col:host")
        assert result == Result(0, expected.out, "debug - in-process: the fork server refused "
                                "(this server serves only its own user)\n")
        assert server.served(b.uid) == 0
    finally:
        # runuser passes SIGTERM on and then ends by it itself: the server's
        # clean exit shows in its socket being gone.
        server.stop()
    assert not server.socket.exists()
