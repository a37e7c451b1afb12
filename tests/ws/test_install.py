"""Installers' view of a running `stacki-ws`: the baseurls of a host's
repository file answer, and the files a pallet or cart holds come back byte
for byte; nothing outside the pallet and cart trees is ever served."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.software.media import installed, make_iso, os_medium, pallet_tree, tree_bytes


def crawl(url: str) -> dict[str, bytes]:
    """Every file below a directory URL, through its listings."""
    found: dict[str, bytes] = {}
    pending = [url]
    while pending:
        where = pending.pop()
        page = requests.get(where, timeout=30)
        assert page.status_code == 200, where
        assert page.headers["Content-Type"].startswith("text/html")
        for link in re.findall(r'href="([^"]+)"', page.text):
            target = urljoin(where, link)
            if not target.startswith(where) or target == where:
                continue
            if target.endswith("/"):
                pending.append(target)
            else:
                got = requests.get(target, timeout=30)
                assert got.status_code == 200, target
                found[target[len(url):]] = got.content
    return found


def raw_get(port: int, path: str) -> int:
    """The status of a GET whose path is sent exactly as given."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_repo_file_baseurls_serve_the_pallet_cart_and_repo(server, tmp_path):
    sysroot = Path(server.env["STACKI_SYSROOT"])
    medium = pallet_tree(tmp_path / "foo")
    iso = make_iso(medium, tmp_path / "foo.iso")
    centos = os_medium(tmp_path / "centos")
    for words in (["add", "pallet", str(iso)], ["add", "pallet", str(centos)],
                  ["add", "cart", "site"], ["add", "box", "compute"],
                  ["add", "host", "backend-0-0", "box=compute"],
                  ["add", "repo", "os", "url=http://{{ repo.server }}/install/pallets/CentOS/7/"
                                        "redhat7/redhat/x86_64"],
                  ["enable", "pallet", "foo", "box=compute"],
                  ["enable", "cart", "site", "box=compute"],
                  ["enable", "repo", "os", "box=compute"],
                  ["set", "attr", "attr=repo.server", f"value=127.0.0.1:{server.port}"]):
        done = server.stack(*words)
        assert done.returncode == 0, (words, done.stderr)
    cart = sysroot / "export/stack/carts/site"
    (cart / "RPMS" / "site-tools-1.0-1.noarch.rpm").write_bytes(bytes(range(256)) * 64)

    report = server.stack("report", "host", "repo", "backend-0-0").stdout
    baseurls = re.findall(r"^baseurl=(.*)$", report, re.MULTILINE)
    base = f"http://127.0.0.1:{server.port}/install"
    assert baseurls == [f"{base}/pallets/foo/1.0/redhat7/redhat/x86_64", f"{base}/carts/site",
                        f"{base}/pallets/CentOS/7/redhat7/redhat/x86_64"]
    contents = [installed(medium), tree_bytes(cart), tree_bytes(centos)]
    for url, files in zip(baseurls, contents):
        # What yum asks for first, then every file of the tree.
        if "repodata/repomd.xml" in files:
            repomd = requests.get(url + "/repodata/repomd.xml", timeout=30)
            assert repomd.content == files["repodata/repomd.xml"]
        assert crawl(url + "/") == files
    # A directory without its slash is redirected to it; HEAD answers too.
    bare = requests.get(baseurls[1], allow_redirects=False, timeout=30)
    assert (bare.status_code, bare.headers["Location"]) == (301, "/install/carts/site/")
    head = requests.head(f"{baseurls[0]}/repodata/repomd.xml", timeout=30)
    assert head.status_code == 200 and head.headers["Content-Length"] == "10"
    # The served pallet is a pallet medium itself (its roll XML is in it).
    listed = server.stack("list", "pallet", "foo").stdout
    served = crawl(baseurls[0] + "/")
    readd = server.stack("add", "pallet", baseurls[0] + "/")
    assert readd.returncode == 0, readd.stderr
    assert server.stack("list", "pallet", "foo").stdout == listed
    assert crawl(baseurls[0] + "/") == served


def test_nothing_outside_the_trees(server, tmp_path):
    sysroot = Path(server.env["STACKI_SYSROOT"])
    assert server.stack("add", "cart", "leak").returncode == 0
    secret = sysroot / "etc" / "secret"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("top secret\n")
    carts = sysroot / "export/stack/carts"
    (carts / "leak" / "outside").symlink_to(secret)
    (carts / "leak" / "updir").symlink_to(sysroot / "etc", target_is_directory=True)
    port = server.port
    for path in ("/install/carts/leak/outside", "/install/carts/leak/updir/secret",
                 "/install/carts/../../etc/secret", "/install/carts/%2e%2e/%2e%2e/etc/secret",
                 "/install/carts/leak/..%2f..%2f..%2fetc/secret", "/install/etc/secret",
                 "/install/", "/install/pallets/nothing", "/export/stack/carts/leak/RPMS"):
        assert raw_get(port, path) in (400, 404), path
    listing = requests.get(f"http://127.0.0.1:{port}/install/carts/leak/", timeout=30)
    assert listing.status_code == 200
    assert "top secret" not in listing.text
    posted = requests.post(f"http://127.0.0.1:{port}/install/carts/leak/", timeout=30)
    assert posted.status_code in (403, 405)
