"""The console's pages through Django's test client: who sees what, the
hosts table's filters and pages, the pictures, and the static files."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stacki.console import static
from stacki.inventory import models as m
from tests.conftest import run_cli


def add_hosts(count: int, rack: int = 1, appliance: str = "backend") -> None:
    app = m.Appliance.objects.get(name=appliance)
    box = m.Box.objects.get(name="default")
    m.Host.objects.bulk_create([
        m.Host(name=f"{appliance}-{rack}-{i}", appliance=app, box=box, rack=str(rack),
               rank=str(i), osaction="default", installaction="default", boot="os")
        for i in range(count)])


def page(api, path: str, status: int = 200) -> str:
    response = api.client.get(path)
    assert response.status_code == status, response.content[:300]
    return response.content.decode()


def cells(html: str, table_id: str, column: int = 0) -> list[str]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1])
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", row)[column]) for row in rows]


# --- login, sessions ---------------------------------------------------------
def test_the_login_form_for_anyone():
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response.cookies["csrftoken"].value
    html = response.content.decode()
    assert 'id="login"' in html and 'data-next="/"' in html
    assert static.url("console.js") in html


@pytest.mark.parametrize("path", ["/console/hosts", "/console/host/frontend-0-0",
                                  "/console/racks", "/console/networks", "/console/run",
                                  "/console/spreadsheets", "/console/audit"])
def test_pages_need_a_session(path):
    response = Client().get(path)
    assert (response.status_code, response["Location"]) == (
        302, "/?next=" + path.replace("/", "%2F"))


def test_after_login_only_a_page_of_this_site():
    for given, kept in (("/console/racks", "/console/racks"), ("//evil.example/x", "/"),
                        ("https://evil.example/", "/"), ("/\\evil.example", "/")):
        html = Client().get("/", {"next": given}).content.decode()
        assert f'data-next="{kept}"' in html


def test_the_overview_says_who_you_are(login_as):
    add_hosts(3)
    admin = login_as("root2", admin=True)
    html = page(admin, "/")
    assert 'id="host-count">4<' in html  # and the frontend
    assert "an admin: you may change the cluster" in html
    assert '<b class="badge admin">admin</b>' in html
    greg = login_as("greg")
    html = page(greg, "/")
    assert "you may look, not change" in html and "Spreadsheets" not in html


def test_pages_are_gets(login_as):
    admin = login_as("root2", admin=True)
    response = admin.client.post("/console/hosts", HTTP_X_CSRFTOKEN=admin.token())
    assert response.status_code == 405


def test_a_user_without_list_permission_sees_the_refusal(login_as):
    nobody = login_as("nobody", groups=())
    html = page(nobody, "/console/hosts")
    assert "Unauthorized Command: User nobody is not allowed to run list.host" in html


# --- hosts ---------------------------------------------------------------
def test_hosts_in_pages_of_fifty(login_as):
    add_hosts(120)
    greg = login_as("greg")
    first = page(greg, "/console/hosts")
    assert "1–50 of 121 hosts" in first and "page 1 of 3" in first
    assert cells(first, "hosts")[:3] == ["frontend-0-0", "backend-1-0", "backend-1-1"]
    last = page(greg, "/console/hosts?page=3")
    assert "101–121 of 121 hosts" in last
    assert cells(last, "hosts") == [f"backend-1-{i}" for i in range(99, 120)]
    assert cells(page(greg, "/console/hosts?page=99"), "hosts") == cells(last, "hosts")
    assert cells(page(greg, "/console/hosts?page=x"), "hosts") == cells(first, "hosts")


def test_host_filters(login_as):
    add_hosts(5, rack=1)
    add_hosts(4, rack=2)
    run_cli("add", "environment", "test")
    run_cli("set", "host", "environment", "backend-2-1", "backend-1-3", "environment=test")
    run_cli("add", "group", "compute")
    run_cli("add", "host", "group", "r:1", "group=compute")
    run_cli("set", "host", "comment", "backend-2-2", "comment=Noisy fan")
    greg = login_as("greg")
    names = lambda query: cells(page(greg, "/console/hosts?" + query), "hosts")  # noqa: E731
    assert names("rack=2") == [f"backend-2-{i}" for i in range(4)]
    assert names("environment=test") == ["backend-1-3", "backend-2-1"]
    assert names("group=compute&environment=test") == ["backend-1-3"]
    assert names("appliance=frontend") == ["frontend-0-0"]
    assert names("appliance=backend&rack=2&q=NOISY") == ["backend-2-2"]
    assert names("box=default&q=-1-") == [f"backend-1-{i}" for i in range(5)]
    html = page(greg, "/console/hosts?rack=9")
    assert "0–0 of 0 hosts" in html
    assert '<option selected>compute</option>' in page(greg, "/console/hosts?group=compute")


def test_hosts_page_queries_do_not_grow_with_hosts(login_as):
    greg = login_as("greg")
    add_hosts(10, rack=1)
    greg.client.get("/console/hosts")  # warm
    with CaptureQueriesContext(connection) as few:
        page(greg, "/console/hosts?q=backend")
    add_hosts(200, rack=2)
    with CaptureQueriesContext(connection) as many:
        page(greg, "/console/hosts?q=backend")
    assert len(many) == len(few)


# --- a host --------------------------------------------------------------
def test_host_page_for_an_admin(login_as):
    add_hosts(1)
    run_cli("add", "host", "interface", "backend-1-0", "interface=eth0", "ip=192.168.0.20",
            "network=private", "mac=00:11:22:33:44:55")
    run_cli("add", "host", "attr", "backend-1-0", "attr=bmc.pw", "value=sesame", "shadow=true")
    run_cli("add", "group", "compute")
    run_cli("add", "host", "group", "backend-1-0", "group=compute")
    run_cli("add", "host", "storage", "partition", "backend-1-0", "device=sda",
            "mountpoint=/scratch", "size=4096", "type=xfs")
    admin = login_as("root2", admin=True)
    html = page(admin, "/console/host/backend-1-0")
    assert '<h1 id="hostname">backend-1-0</h1>' in html
    assert "<td>bmc.pw</td><td>sesame</td>" in html
    assert "<td>eth0</td>" in html and "<td>192.168.0.20</td>" in html
    assert 'href="/console/hosts?group=compute">compute</a>' in html
    assert "LOOPBACK-NET" in html  # firewall rules
    assert "<td>224.0.0.0</td>" in html  # routes
    assert "<h2>Storage controllers</h2>" in html and "<td>/scratch</td>" in html
    assert '<p class="source">stack <a href="/console/run?cmd=list%20host%20storage%20partition' \
        '%20backend-1-0">' in html
    for cmd in ("set host attr backend-1-0", "set host boot backend-1-0",
                "set host bootaction backend-1-0", "set host comment backend-1-0"):
        assert f'data-cmd="{cmd}"' in html


def test_host_page_for_a_reader(login_as):
    add_hosts(1)
    run_cli("add", "host", "attr", "backend-1-0", "attr=bmc.pw", "value=sesame", "shadow=true")
    greg = login_as("greg")
    html = page(greg, "/console/host/backend-1-0")
    assert "sesame" not in html and "bmc.pw" not in html
    assert 'id="edit"' not in html and "data-cmd=" not in html
    assert '<p class="source">stack <a href="/console/run?cmd=list%20host%20attr%20backend-1-0">' \
        in html


def test_unknown_host(login_as):
    greg = login_as("greg")
    html = page(greg, "/console/host/nosuch", status=404)
    assert run_cli("list", "host", "nosuch").err.strip() in html.replace("&quot;", '"')


# --- pictures ------------------------------------------------------------
def test_rack_view(login_as):
    add_hosts(7, rack=1)
    add_hosts(3, rack=10)
    add_hosts(2, rack=2)
    greg = login_as("greg")
    html = page(greg, "/console/racks")
    assert html.count('<g class="host"') == 13
    assert re.findall(r'data-rack="([^"]*)"', html) == ["0", "1", "2", "10"]
    rack1 = html.split('data-rack="1"', 1)[1].split('data-rack="2"', 1)[0]
    assert re.findall(r'data-host="([^"]*)"', rack1) == [f"backend-1-{i}" for i in range(7)]
    assert 'href="/console/host/backend-10-2"' in html


def test_rack_view_coloured_by_an_attribute(login_as):
    add_hosts(3)
    run_cli("add", "host", "attr", "backend-1-0", "backend-1-1", "attr=row", "value=A")
    run_cli("add", "host", "attr", "backend-1-2", "attr=row", "value=B")
    greg = login_as("greg")
    html = page(greg, "/console/racks?colour=row")
    legend = html.split('class="legend"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"</svg> ([^<]*)</li>", legend) == ["A", "B", "(none)"]
    run_cli("set", "host", "attr", "backend-1-2", "attr=row", "value=<b>B</b>")
    html = page(greg, "/console/racks?colour=row")
    assert "<b>B</b>" not in html and "&lt;b&gt;B&lt;/b&gt;" in html
    html = page(greg, "/console/racks?colour=*")
    assert '<p class="error">&quot;*&quot; is a pattern: colour by one attribute</p>' in html
    assert html.count('<g class="host"') == 4


def test_network_view(login_as):
    add_hosts(3)
    for i in range(3):
        run_cli("add", "host", "interface", f"backend-1-{i}", "interface=eth0",
                f"ip=192.168.0.{30 + i}", "network=private", f"mac=00:11:22:33:44:{i:02x}")
    greg = login_as("greg")
    html = page(greg, "/console/networks")
    section = html.split('data-network="private"', 1)[1].split("</section>", 1)[0]
    used = len(m.Interface.objects.filter(network__name="private").exclude(ip=None))
    assert f'<b class="used-count">{used}</b> used, <b class="free-count">{254 - used}</b>' \
        in section
    assert section.count('<rect class="used"') == used
    assert section.count("<rect ") == 256
    assert 'href="/console/host/backend-1-2">backend-1-2</a>' in section


# --- audit, runner, spreadsheets -----------------------------------------
def test_audit_for_admins_only(login_as):
    greg = login_as("greg")
    greg.run("add host x-0-0")
    html = page(greg, "/console/audit")
    assert 'Command &quot;list api audit&quot; requires Admin Privileges' in html
    admin = login_as("root2", admin=True)
    html = page(admin, "/console/audit?user=greg&outcome=denied")
    assert cells(html, "audit", 4) == ["add.host"]
    assert cells(html, "audit", 1) == ["greg"]
    assert cells(page(admin, "/console/audit?command=/stack/login"), "audit", 1) == [
        "root2", "greg"]


def test_runner_and_spreadsheet_pages(login_as):
    admin = login_as("root2", admin=True)
    html = page(admin, "/console/run?cmd=list+host")
    assert 'id="cmd" name="cmd" value="list host"' in html
    assert 'id="hostfile"' in page(admin, "/console/spreadsheets")
    html = page(login_as("greg"), "/console/spreadsheets")
    assert "Loading spreadsheets is for admins." in html and 'id="hostfile"' not in html


def test_nothing_is_fetched_from_elsewhere():
    """No CDN, no external font or script: the console works offline."""
    from pathlib import Path

    root = Path(static.ROOT).parent
    for path in [*root.joinpath("templates").iterdir(), *root.joinpath("static").iterdir()]:
        assert not re.search(r"(https?:)?//[a-z0-9]", path.read_text(), re.IGNORECASE), path


# --- static files ----------------------------------------------------------
def test_static_files_cached_by_version():
    client = Client()
    hashed = client.get(static.url("console.js"))
    assert hashed.status_code == 200
    assert hashed["Cache-Control"] == "max-age=315360000, public, immutable"
    assert hashed["Content-Type"].startswith("text/javascript")
    plain = client.get("/console/static/console.css")
    assert (plain.status_code, plain["Cache-Control"]) == (200, "max-age=60, public")
    assert client.get("/console/static/nothing.js").status_code == 404
    again = client.get(static.url("console.js"), HTTP_IF_NONE_MATCH=hashed["ETag"])
    assert again.status_code == 304
