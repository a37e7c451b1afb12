"""Fixtures of the console's tests: a real `stacki-ws` with a small cluster,
and a headless Chromium driven by Selenium (Debian's chromium and
chromium-driver, scripts/apt-packages)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import subprocess_env
from tests.ws.conftest import login_as, make_user, start_server  # noqa: F401 (fixtures)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Two racks of backends with an interface each, and a rack of storage nodes.
RACKS = {"1": ("backend", 6), "2": ("backend", 4), "3": ("nas", 3)}
HOSTS = sum(count for _, count in RACKS.values()) + 1  # and the frontend

_screenshots: list[Path] = []


def hostfile() -> str:
    lines = ["name,appliance,ip,mac,interface,rack,rank,network"]
    n = 10
    for rack, (appliance, count) in RACKS.items():
        for rank in range(count):
            n += 1
            lines.append(f"{appliance}-{rack}-{rank},{appliance},192.168.0.{n},"
                         f"00:00:00:00:{int(rack):02x}:{rank:02x},eth0,{rack},{rank},private")
    return "\n".join(lines) + "\n"


def screenshot_dir() -> Path:
    if not _screenshots:
        root = os.environ.get("STACKI_SCREENSHOTS") or tempfile.mkdtemp(prefix="stacki-screens-")
        _screenshots.append(Path(root))
        _screenshots[0].mkdir(parents=True, exist_ok=True)
    return _screenshots[0]


def pytest_terminal_summary(terminalreporter):
    if _screenshots:
        terminalreporter.write_line(f"console screenshots: {_screenshots[0]}")


@pytest.fixture(scope="module")
def console(pristine_home, tmp_path_factory):
    """A stacki-ws on a private home with the cluster above, an admin and a
    read-only user `greg`; yields (server, greg's key)."""
    root = tmp_path_factory.mktemp("console")
    shutil.copytree(pristine_home, root / "state")
    env = subprocess_env(root / "state" / "home", root / "state" / "user")
    server = start_server(env, root / "server.log")
    try:
        csv = root / "hosts.csv"
        csv.write_text(hostfile())
        for words in (("add", "appliance", "nas"), ("load", "hostfile", f"file={csv}"),
                      ("add", "group", "compute"), ("add", "host", "group", "r:1",
                                                    "group=compute")):
            done = server.stack(*words)
            assert done.returncode == 0, done.stderr
        made = server.stack("add", "user", "greg", "group=default", "admin=False",
                            "output-format=json")
        yield server, json.loads(made.stdout)[0]["key"]
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="stacki-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
