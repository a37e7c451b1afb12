"""The console in a real browser (headless Chromium through Selenium) against
a real `stacki-ws`: what a person does, and what the page refuses them."""

from __future__ import annotations

import json

import pytest

from tests.console.conftest import HOSTS, RACKS, screenshot_dir

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WAIT = 20


def wait_for(browser, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_text(browser, css: str, text: str):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    # The page may replace the node while Chromium reads it: that is a retry, not a failure.
    WebDriverWait(browser, WAIT, ignored_exceptions=(WebDriverException,)).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    return browser.find_element(By.CSS_SELECTOR, css)


def texts(browser, css: str) -> list[str]:
    """The visible text of every match, read in one step so a re-render cannot interleave."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim())", css)


def all_of(browser, css: str) -> list:
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, css)


def shot(browser, name: str) -> None:
    """The window, and the page's content alone (docs/console.png is racks-content.png)."""
    browser.save_screenshot(str(screenshot_dir() / f"{name}.png"))
    all_of(browser, "body")[0].screenshot(str(screenshot_dir() / f"{name}-content.png"))


def base(server) -> str:
    return f"http://127.0.0.1:{server.port}"


def log_in(browser, server, username: str, key: str) -> None:
    browser.delete_all_cookies()
    browser.get(base(server) + "/")
    wait_for(browser, "#username").send_keys(username)
    all_of(browser, "#key")[0].send_keys(key)
    all_of(browser, "#login button")[0].click()
    wait_text(browser, "#who", username)


def fetch(browser, path: str, body: dict, csrf: bool = True) -> dict:
    """POST from the page's own origin, as a script on it could."""
    return browser.execute_async_script("""
        const [path, body, csrf, done] = arguments;
        const token = document.cookie.split("; ").find(c => c.startsWith("csrftoken="));
        const headers = {"Content-Type": "application/json"};
        if (csrf) headers["X-CSRFToken"] = token.split("=")[1];
        fetch(path, {method: "POST", headers, body: JSON.stringify(body)})
            .then(r => r.text().then(t => done({status: r.status, text: t})));
    """, path, body, csrf)


def test_login_overview_and_logout(console, browser):
    server, _ = console
    browser.get(base(server) + "/console/hosts")
    wait_for(browser, "#login")  # no session: the login form, coming back here after
    shot(browser, "login")
    creds = server.admin_creds()
    all_of(browser, "#username")[0].send_keys("admin")
    all_of(browser, "#key")[0].send_keys("not-the-key")
    all_of(browser, "#login button")[0].click()
    assert wait_text(browser, "#login-error", "Wrong").text == "Wrong user name or key"
    all_of(browser, "#key")[0].clear()
    all_of(browser, "#key")[0].send_keys(creds["key"])
    all_of(browser, "#login button")[0].click()
    wait_for(browser, "#hosts")
    assert browser.current_url.endswith("/console/hosts")
    assert all_of(browser, "#who")[0].text == "admin · admin"
    browser.get(base(server) + "/")
    assert wait_for(browser, "#host-count").text == str(HOSTS)
    shot(browser, "overview")
    all_of(browser, "#logout")[0].click()
    wait_for(browser, "#login")
    browser.get(base(server) + "/console/racks")
    wait_for(browser, "#login")
    assert all_of(browser, "#who") == []


def test_a_command_and_its_table(console, browser):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    browser.get(base(server) + "/console/run")
    box = wait_for(browser, "#cmd")
    box.send_keys("list ho")
    wait_for(browser, "#suggestions li")
    assert "host" in texts(browser, "#suggestions li")
    box.clear()
    box.send_keys("list host attr backend-1-0 attr=x ")
    wait_text(browser, "#suggestions", "display=")
    assert texts(browser, "#suggestions li") == ["display="]
    box.clear()
    box.send_keys("list host a:backend")
    all_of(browser, "#runner button")[0].click()
    wait_for(browser, "#result table")
    rows = all_of(browser, "#result tbody tr")
    expected = json.loads(server.stack("list", "host", "a:backend", "output-format=json").stdout)
    assert [r.find_elements("css selector", "td")[0].text for r in rows] == \
        [h["host"] for h in expected]
    assert len(rows) == RACKS["1"][1] + RACKS["2"][1]
    # Sorted by rank, largest first (a second click reverses).
    rank = [th for th in all_of(browser, "#result th") if th.text.startswith("rank")][0]
    rank.click()
    rank.click()
    assert all_of(browser, "#result tbody tr td:nth-child(3)")[0].text == "5"
    filter_box = all_of(browser, "#result input.table-filter")[0]
    filter_box.send_keys("backend-2-")
    visible = [r for r in all_of(browser, "#result tbody tr") if r.is_displayed()]
    assert len(visible) == RACKS["2"][1]
    shot(browser, "command")
    all_of(browser, "#copy-curl")[0].click()
    assert "-d '{\"cmd\": \"list host a:backend\"}'" in all_of(browser, "#copied")[0].text.replace(
        '{"cmd":"', '{"cmd": "')
    box = all_of(browser, "#cmd")[0]
    box.clear()
    box.send_keys("list host nosuch-host")
    all_of(browser, "#runner button")[0].click()
    error = wait_for(browser, "#result pre.error").text
    assert error == server.stack("list", "host", "nosuch-host").stderr.strip()
    assert texts(browser, "#history a") == [
        "list host nosuch-host", "list host a:backend"]
    # A report is text, as the command line prints it.
    box = all_of(browser, "#cmd")[0]
    box.clear()
    box.send_keys("report host")
    all_of(browser, "#runner button")[0].click()
    text = wait_for(browser, "#result pre.output").get_attribute("textContent")
    assert text == server.stack("report", "host").stdout


def test_host_filtering_and_paging(console, browser):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    browser.get(base(server) + "/console/hosts")
    assert wait_for(browser, "#host-total").text == f"1–{HOSTS} of {HOSTS} hosts"
    rack = all_of(browser, "input[name=rack]")[0]
    rack.send_keys("2")
    all_of(browser, "#host-filters button")[0].click()
    wait_text(browser, "#host-total", f"of {RACKS['2'][1]} hosts")
    names = texts(browser, "#hosts tbody td:first-child")
    assert names == [f"backend-2-{n}" for n in range(RACKS["2"][1])]
    assert all_of(browser, "input.table-filter") == []  # the server filters this table
    browser.get(base(server) + "/console/hosts?group=compute&q=-1-3")
    assert texts(browser, "#hosts tbody td:first-child") == ["backend-1-3"]
    browser.get(base(server) + "/console/hosts?appliance=nas")
    assert len(all_of(browser, "#hosts tbody tr")) == RACKS["3"][1]
    shot(browser, "hosts")


def test_rack_view(console, browser):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    browser.get(base(server) + "/console/racks")
    wait_for(browser, "svg.racks")
    assert len(all_of(browser, "svg.racks g.host")) == HOSTS
    assert len(all_of(browser, "svg.racks g.rack")) == len(RACKS) + 1  # rack 0: the frontend
    assert len(all_of(browser, "svg.racks g.rack[data-rack='1'] g.host")) == RACKS["1"][1]
    assert texts(browser, "ul.legend li") == ["backend", "frontend", "nas"]
    shot(browser, "racks")
    # A host is a link to its page.
    all_of(browser, "svg.racks g.host[data-host='nas-3-1']")[0].click()
    assert wait_for(browser, "#hostname").text == "nas-3-1"
    browser.get(base(server) + "/console/networks")
    assert wait_for(browser, "section[data-network=private] .used-count").text == str(HOSTS)
    shot(browser, "networks")


def test_admin_edits_a_host(console, browser):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    browser.get(base(server) + "/console/host/backend-1-0")
    form = wait_for(browser, "form[data-cmd='set host comment backend-1-0']")
    field = form.find_element("css selector", "input[name=comment]")
    field.clear()
    field.send_keys("fan noise, it's loud")
    form.find_element("css selector", "button").click()
    assert wait_text(browser, "#comment", "fan").text == "fan noise, it's loud"
    assert "fan noise, it's loud" in server.stack("list", "host", "backend-1-0").stdout
    shot(browser, "host")


def test_non_admin_cannot_write(console, browser):
    server, greg = console
    log_in(browser, server, "greg", greg)
    assert all_of(browser, "#who")[0].text == "greg · read-only"
    browser.get(base(server) + "/console/host/backend-1-1")
    wait_for(browser, "#hostname")
    assert all_of(browser, "#edit") == [] and all_of(browser, "form.command") == []
    assert texts(browser, "header nav a") == [
        "Hosts", "Racks", "Networks", "Command"]
    shot(browser, "read-only-host")
    # Whatever the page sends, the server refuses.
    refused = fetch(browser, "/stack", {"cmd": "set host comment backend-1-1 comment=mine"})
    assert refused == {"status": 403, "text":
                       "Unauthorized Command: User greg is not allowed to run set.host.comment"}
    browser.get(base(server) + "/console/run?cmd=set%20host%20comment%20backend-1-1%20comment%3Dx")
    wait_for(browser, "#cmd")
    assert all_of(browser, "#result")[0].text == ""  # a command from a link is not run
    all_of(browser, "#runner button")[0].click()
    assert wait_for(browser, "#result pre.error").text == (
        "Unauthorized Command: User greg is not allowed to run set.host.comment")
    browser.get(base(server) + "/console/audit")
    assert wait_for(browser, "p.error").text == (
        'Command "list api audit" requires Admin Privileges')
    assert "comment=mine" not in server.stack("list", "host", "backend-1-1").stdout


def test_csrf_refused_without_the_token(console, browser):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    refused = fetch(browser, "/stack", {"cmd": "set host comment backend-1-2 comment=x"},
                    csrf=False)
    assert refused["status"] == 403
    assert json.loads(refused["text"])["API Error"].startswith("CSRF verification failed")
    assert "comment=x" not in server.stack("list", "host", "backend-1-2").stdout
    allowed = fetch(browser, "/stack", {"cmd": "set host comment backend-1-2 comment=y"})
    assert allowed == {"status": 200, "text": "{}"}


def test_spreadsheet_preview_then_load(console, browser, tmp_path):
    server, _ = console
    log_in(browser, server, "admin", server.admin_creds()["key"])
    good = tmp_path / "new.csv"
    good.write_text("name,appliance,ip,mac,interface,rack,rank,network\n"
                    "backend-5-0,backend,192.168.0.90,00:00:00:00:05:00,eth0,5,0,private\n"
                    "backend-5-1,nosuch,192.168.0.91,00:00:00:00:05:01,eth0,5,1,private\n")
    browser.get(base(server) + "/console/spreadsheets")
    wait_for(browser, "#csvfile").send_keys(str(good))
    all_of(browser, "#hostfile button")[0].click()
    wait_for(browser, "#preview table")
    errors = texts(browser, "#preview tbody td:last-child")
    assert errors == ["", 'appliance "nosuch" does not exist in the database']
    assert not all_of(browser, "#load")[0].is_displayed()
    shot(browser, "spreadsheet-preview")
    assert "backend-5-0" not in server.stack("list", "host").stdout
    good.write_text(good.read_text().replace("nosuch", "backend"))
    all_of(browser, "#csvfile")[0].send_keys(str(good))
    all_of(browser, "#hostfile button")[0].click()
    load = all_of(browser, "#load")[0]
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(lambda _: load.is_displayed())
    load.click()
    wait_text(browser, "#loaded", "done")
    assert "backend-5-1" in server.stack("list", "host").stdout
