"""GET /stack/commands: the commands the caller may run, from the same
declarations as help, filtered by the same checks as POST /stack."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from stacki.framework.command import registry
from stacki.framework.helptext import catalogue_entry
from tests.conftest import run_cli
from tests.ws.basicauth import basic_get, basic_run
from tests.ws.conftest import body


def catalogue(name: str, key: str | None = None) -> list[dict]:
    response = basic_get(name, key or f"key-of-{name}", "/stack/commands")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return body(response)


def paths(entries: list[dict]) -> set[str]:
    return {e["command"] for e in entries}


def test_entries_come_from_the_declarations(make_user):
    make_user("greg")
    entries = {e["command"]: e for e in catalogue("greg")}
    assert entries["list host"] == catalogue_entry(registry().get(("list", "host")))
    host = entries["list host"]
    assert host["usage"] == registry().get(("list", "host")).usage()
    assert host["summary"] and host["examples"][0]["command"].startswith("list host")
    assert {"name", "type", "required", "default", "help"} <= set(host["parameters"][0])
    assert {"name", "type", "required", "help"} <= set(host["arguments"][0])


def test_a_plain_user_sees_what_they_may_run(make_user):
    make_user("greg")
    seen = paths(catalogue("greg"))
    assert {"help", "list help", "list host", "list network", "list api key",
            "set api user key"} <= seen
    # Admin-only, mutating, sudo-listed, blacklisted and refused commands are not shown.
    for hidden in ("list api audit", "add host", "add api user", "remove api key",
                   "sync host config", "load", "list host message", "run host"):
        assert hidden not in seen, hidden
    for path in seen:
        assert basic_run("greg", "key-of-greg", f"{path} help").status_code == 200, path


def test_an_admin_sees_everything_but_the_blacklist(make_user):
    make_user("boss", admin=True)
    seen = paths(catalogue("boss"))
    every = {c.path for c in registry().commands.values()}
    assert every - seen == {"list host message", "add api sudo command", "report system",
                            "run host", "iterate host"} & every


def test_permissions_widen_the_catalogue(make_user):
    make_user("greg", perms=("report.*",))
    make_user("fred")
    assert "report host" in paths(catalogue("greg"))
    assert "report host" not in paths(catalogue("fred"))
    run_cli("add", "api", "blacklist", "command", "command=report.host")
    assert "report host" not in paths(catalogue("greg"))


def test_a_user_without_groups_sees_help_and_their_keys(make_user):
    make_user("greg", groups=())
    assert paths(catalogue("greg")) == {"help", "list help", "list api key",
                                        "set api user key"}


def test_session_and_not_logged_in(login_as):
    api = login_as("greg")
    assert paths(body(api.client.get("/stack/commands/"))) == paths(catalogue("greg"))
    anonymous = Client().get("/stack/commands")
    assert (anonymous.status_code, body(anonymous)) == (403, {"logged_in": False})
    assert Client().post("/stack/commands").status_code in (403, 405)


def test_a_few_queries_whatever_the_number_of_commands(make_user, django_assert_max_num_queries):
    make_user("greg", perms=("report.*",))
    # Authentication, throttle, audit and the four access lists: not one per command.
    with django_assert_max_num_queries(14):
        catalogue("greg")


def test_list_help_is_unchanged(stack):
    listed = stack("list", "help")
    assert listed.rc == 0
    assert "list api key [username ...] \n" in listed.out


# --- over real HTTP -------------------------------------------------------------
@pytest.fixture(scope="module")
def greg_cred(server, tmp_path_factory):
    made = server.stack("add", "api", "user", "greg", "output-format=json")
    path = tmp_path_factory.mktemp("cat") / "greg.cred"
    path.write_text(made.stdout)
    return path


@pytest.mark.parametrize("mode", [[], ["--basic"]])
def test_wsclient_commands(server, greg_cred, mode, tmp_path):
    printed = server.wsclient("-f", str(greg_cred), *mode, "--commands")
    assert (printed.returncode, printed.stderr) == (0, "")
    seen = paths(json.loads(printed.stdout))
    assert "list host" in seen and "add host" not in seen and "list api audit" not in seen
    admin_cred = tmp_path / "admin.cred"
    admin_cred.write_text(json.dumps({**server.admin_creds(),
                                      "hostname": f"127.0.0.1:{server.port}"}))
    admin = server.wsclient("-f", str(admin_cred), *mode, "--commands")
    assert "list api audit" in paths(json.loads(admin.stdout))


def test_wsclient_commands_with_a_wrong_key(server, tmp_path):
    cred = tmp_path / "bad.cred"
    cred.write_text(json.dumps({"username": "greg", "hostname": f"127.0.0.1:{server.port}",
                                "key": "wrong"}))
    failed = server.wsclient("-f", str(cred), "--basic", "--commands")
    assert (failed.returncode, failed.stdout, failed.stderr) == (
        255, "", "error - login failed (401): Wrong user name or key\n")
