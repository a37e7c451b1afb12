import json
import shutil

from tests.conftest import Result
from tests.software.media import (
    http_served,
    installed,
    make_iso,
    os_medium,
    pallet_tree,
    sles_medium,
    tree_bytes,
)

PALLET_DIR = "export/stack/pallets/foo/1.0/redhat7/redhat/x86_64"


def pallets(stack, *words):
    r = stack("list", "pallet", *words, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out)


def test_fresh_frontend_has_the_stacki_pallet(stack):
    assert stack("list", "pallet") == Result(0, (
        "NAME   VERSION RELEASE ARCH   OS     BOXES\n"
        "stacki 5.7.0   redhat7 x86_64 redhat -----\n"), "")


def test_add_pallet_from_iso(stack, tmp_path, sysroot):
    medium = pallet_tree(tmp_path / "medium")
    iso = make_iso(medium, tmp_path / "foo-1.0.iso")
    assert stack("add", "pallet", str(iso)) == Result(0, (
        "NAME VERSION RELEASE ARCH   OS\n"
        "foo  1.0     redhat7 x86_64 redhat\n"), "")
    assert pallets(stack, "foo", "expanded=true") == [
        {"name": "foo", "version": "1.0", "release": "redhat7", "arch": "x86_64",
         "os": "redhat", "boxes": "", "url": str(iso)}]
    # The files of the pallet, byte for byte, and nothing left behind.
    assert tree_bytes(sysroot / PALLET_DIR) == installed(medium)
    assert sorted(p.name for p in (sysroot / "export/stack/pallets").iterdir()) == ["foo"]


def test_iso_directory_and_url_list_identically(stack, tmp_path, sysroot):
    medium = pallet_tree(tmp_path / "medium")
    iso = make_iso(medium, tmp_path / "foo.iso")
    listings, trees = [], []
    copy = tmp_path / "copy"
    for source in ("iso", "dir", "url", "served"):
        if source == "iso":
            r = stack("add", "pallet", str(iso))
        elif source == "dir":
            r = stack("add", "pallet", str(medium))
        elif source == "url":
            with http_served(medium) as url:
                r = stack("add", "pallet", url + "/")
        else:
            # A pallet as a frontend serves it (its own tree) is a medium too.
            with http_served(copy) as url:
                r = stack("add", "pallet", url + "/")
        assert r.rc == 0, r
        listings.append(stack("list", "pallet", "foo"))
        trees.append(tree_bytes(sysroot / PALLET_DIR))
        if not copy.exists():
            shutil.copytree(sysroot / PALLET_DIR, copy)
        assert stack("remove", "pallet", "foo").rc == 0
        assert not (sysroot / "export/stack/pallets/foo").exists()
    assert listings[0] == listings[1] == listings[2] == listings[3] == Result(0, (
        "NAME VERSION RELEASE ARCH   OS     BOXES\n"
        "foo  1.0     redhat7 x86_64 redhat -----\n"), "")
    assert trees[0] == trees[1] == trees[2] == trees[3] == installed(medium)


def test_add_pallet_iso_over_http(stack, tmp_path, sysroot):
    iso = make_iso(pallet_tree(tmp_path / "medium"), tmp_path / "served" / "foo.iso"
                   ) if (tmp_path / "served").mkdir() is None else None
    with http_served(tmp_path / "served") as url:
        r = stack("add", "pallet", f"{url}/foo.iso")
    assert r.rc == 0, r
    assert pallets(stack, "foo", "expanded=true")[0]["url"] == f"{url}/foo.iso"
    assert (sysroot / PALLET_DIR / "repodata/repomd.xml").read_bytes() == b"<repomd/>\n"
    assert iso.exists()


def test_add_os_media(stack, tmp_path, sysroot):
    iso = make_iso(os_medium(tmp_path / "centos"), tmp_path / "CentOS-7.iso")
    assert stack("add", "pallet", str(iso)) == Result(0, (
        "NAME   VERSION RELEASE ARCH   OS\n"
        "CentOS 7       redhat7 x86_64 redhat\n"), "")
    served = sysroot / "export/stack/pallets/CentOS/7/redhat7/redhat/x86_64"
    assert tree_bytes(served) == tree_bytes(tmp_path / "centos")
    assert stack("add", "pallet", str(sles_medium(tmp_path / "sles"))) == Result(0, (
        "NAME VERSION RELEASE ARCH   OS\n"
        "SLES 12      sp3     x86_64 sles\n"), "")


def test_add_pallet_options(stack, tmp_path, sysroot):
    medium = pallet_tree(tmp_path / "medium")
    assert stack("add", "pallet", str(medium), "updatedb=false").rc == 0
    assert [p["name"] for p in pallets(stack)] == ["stacki"]
    assert (sysroot / PALLET_DIR / "repodata/repomd.xml").exists()
    # Without clean, files of an earlier copy stay; with it, they go.
    (sysroot / PALLET_DIR / "stale.rpm").write_bytes(b"old")
    assert stack("add", "pallet", str(medium)).rc == 0
    assert (sysroot / PALLET_DIR / "stale.rpm").exists()
    assert stack("add", "pallet", str(medium), "clean=yes").rc == 0
    assert not (sysroot / PALLET_DIR / "stale.rpm").exists()
    # A pallet added from its own tree stays as it is, even with clean.
    assert stack("add", "pallet", str(sysroot / PALLET_DIR), "clean=yes").rc == 0
    assert tree_bytes(sysroot / PALLET_DIR) == installed(medium)
    assert stack("add", "pallet", str(medium), "dir=/srv/pallets").rc == 0
    assert (sysroot / "srv/pallets/foo/1.0/redhat7/redhat/x86_64/repodata/repomd.xml").exists()


def test_add_pallet_errors(stack, tmp_path, sysroot):
    usage = "{pallet ...} [clean=bool] [dir=string] [run_hooks=bool] [updatedb=bool]"
    assert stack("add", "pallet") == Result(
        255, "", f'error - "pallet" argument is required\n{usage}\n')
    missing = tmp_path / "nothing.iso"
    assert stack("add", "pallet", str(missing)) == Result(
        255, "", f"error - Cannot find {missing} or {missing} is not an ISO image\n")
    (tmp_path / "empty").mkdir()
    assert stack("add", "pallet", str(tmp_path / "empty")) == Result(
        255, "", f"error - unknown pallet on {tmp_path / 'empty'}\n")
    bad = tmp_path / "bad.iso"
    bad.write_bytes(b"not an iso" * 300)
    r = stack("add", "pallet", str(bad))
    assert r.rc == 255 and r.err.startswith("error - bad.iso is not a readable ISO image")
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "roll-evil.xml").write_text(
        '<roll name="../../etc"><info version="1" release="r" arch="x86_64" os="redhat"/></roll>')
    assert stack("add", "pallet", str(evil)) == Result(
        255, "", 'error - roll-evil.xml: "../../etc" is not a valid pallet name, version, '
                 "release, arch or OS\n")
    with http_served(tmp_path / "empty") as url:
        assert stack("add", "pallet", url + "/missing/") == Result(
            255, "", f"error - cannot fetch {url}/missing/: HTTP 404\n")
    assert sorted(p.name for p in (sysroot / "export/stack/pallets").iterdir()) == []
    assert [p["name"] for p in pallets(stack)] == ["stacki"]


def test_list_pallet_filters(stack, tmp_path):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a", version="1.0")))
    stack("add", "pallet", str(pallet_tree(tmp_path / "b", version="2.0")))
    stack("add", "pallet", str(pallet_tree(tmp_path / "c", name="bar", os="sles",
                                           release="sles12")))
    assert [(p["name"], p["version"]) for p in pallets(stack)] == [
        ("stacki", "5.7.0"), ("foo", "1.0"), ("foo", "2.0"), ("bar", "1.0")]
    assert [p["version"] for p in pallets(stack, "f%", "version=2%")] == ["2.0"]
    assert [p["name"] for p in pallets(stack, "os=sles")] == ["bar"]
    assert stack("list", "pallet", "Foo") == Result(255, "", (
        'error - "Foo" argument is not a valid pallet\n'
        "[pallet ...] [arch=string] [expanded=bool] [os=string] [release=string] "
        "[version=string]\n"))
    assert stack("list", "pallet", "foo", "version=3.0").err.startswith(
        'error - "foo" argument is not a valid pallet with parameters version=3.0\n')


def test_enable_disable_pallet(stack, tmp_path):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a")))
    stack("add", "pallet", str(pallet_tree(tmp_path / "c", name="bar", os="sles",
                                           release="sles12")))
    stack("add", "box", "develop")
    assert stack("enable", "pallet", "foo") == Result(0, "", "")
    assert stack("enable", "pallet", "foo", "box=develop") == Result(0, "", "")
    assert stack("enable", "pallet", "foo") == Result(0, "", "")  # again: no change
    assert pallets(stack, "foo")[0]["boxes"] == "default develop"
    assert stack("list", "box", "default", "develop") == Result(0, (
        "NAME    OS     PALLETS         CARTS REPOS\n"
        "default redhat foo-1.0-redhat7 ----- -----\n"
        "develop redhat foo-1.0-redhat7 ----- -----\n"), "")
    assert stack("list", "box", "pallet") == Result(0, (
        "BOX     PALLET ARCH   VERSION RELEASE OS\n"
        "default foo    x86_64 1.0     redhat7 redhat\n"
        "develop foo    x86_64 1.0     redhat7 redhat\n"), "")
    assert stack("disable", "pallet", "foo", "box=develop") == Result(0, "", "")
    assert pallets(stack, "foo")[0]["boxes"] == "default"
    usage = "{pallet ...} [arch=string] [box=string] [os=string] [release=string] [version=string]"
    assert stack("enable", "pallet", "foo", "box=nope") == Result(
        255, "", 'error - unknown box "nope"\n')
    assert stack("enable", "pallet") == Result(
        255, "", f'error - "pallet" argument is required\n{usage}\n')
    assert stack("enable", "pallet", "bar") == Result(255, "", (
        'error - pallet "bar-1.0-sles12-sles-x86_64" is for OS "sles": box "default" is for '
        'OS "redhat"\n'))
    assert stack("disable", "pallet", "baz") == Result(
        255, "", f'error - "baz" argument is not a valid pallet\n{usage}\n')
    # Removing a box ends what it enabled; a box hosts use cannot be removed.
    stack("add", "host", "backend-0-0", "box=develop")
    assert stack("remove", "box", "develop").err == (
        'error - cannot remove box "develop" because host "backend-0-0" is assigned to it\n')
    stack("enable", "pallet", "foo", "box=develop")
    stack("remove", "host", "backend-0-0")
    assert stack("remove", "box", "develop") == Result(0, "", "")
    assert pallets(stack, "foo")[0]["boxes"] == "default"


def test_remove_pallet(stack, tmp_path, sysroot):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a", version="1.0")))
    stack("add", "pallet", str(pallet_tree(tmp_path / "b", version="2.0")))
    stack("enable", "pallet", "foo", "version=2.0")
    assert stack("remove", "pallet", "foo", "version=2.0") == Result(
        0, "Removing foo 2.0-redhat7-redhat-x86_64 pallet ...\n", "")
    assert [p["version"] for p in pallets(stack, "foo")] == ["1.0"]
    assert stack("list", "box", "pallet") == Result(0, "", "")
    assert (sysroot / PALLET_DIR).is_dir()
    assert not (sysroot / "export/stack/pallets/foo/2.0").exists()
    assert stack("remove", "pallet") == Result(255, "", (
        'error - "pallet" argument is required\n'
        "{pallet ...} [arch=string] [os=string] [release=string] [run_hooks=bool] "
        "[version=string]\n"))


def test_list_pallet_command(stack):
    r = stack("list", "pallet", "command", "stacki")
    assert r.rc == 0
    lines = r.out.splitlines()
    assert lines[0].split() == ["PALLET", "COMMAND"]
    assert "stacki add pallet" in [" ".join(line.split()) for line in lines]
    assert "stacki list pallet command" in [" ".join(line.split()) for line in lines]
    assert stack("list", "pallet", "command", "CentOS") == Result(0, "", "")


def test_hosts_know_their_box_pallets_and_carts(stack, tmp_path):
    iso = make_iso(os_medium(tmp_path / "centos", version="7.6.1810"), tmp_path / "c.iso")
    stack("add", "pallet", str(iso))
    stack("add", "pallet", str(pallet_tree(tmp_path / "a")))
    stack("add", "cart", "site")
    stack("add", "box", "develop")
    stack("add", "host", "backend-0-0", "box=develop")
    for words in (["enable", "pallet", "CentOS", "foo", "box=develop"],
                  ["enable", "cart", "site", "box=develop"]):
        assert stack(*words).rc == 0
    r = stack("list", "host", "attr", "backend-0-0", "const=true", "var=false",
              "output-format=json")
    values = {row["attr"]: row["value"] for row in json.loads(r.out)}
    assert values["pallets"] == ["CentOS-7.6.1810-redhat7", "foo-1.0-redhat7"]
    assert values["carts"] == ["site"]
    assert (values["os.version"], values["os.minor_version"]) == ("7.x", "6")
    frontend = stack("list", "host", "attr", "frontend-0-0", "attr=pallets",
                     "output-format=json")
    assert json.loads(frontend.out)[0]["value"] == []


def test_pallet_hooks(stack, tmp_path, sysroot):
    hooks = sysroot / "opt/stack/pallet_hooks/site"
    hooks.mkdir(parents=True)
    log = tmp_path / "hooks.log"
    for script in ("b-note", "a-note"):
        (hooks / script).write_text(
            f'#!/bin/sh\necho "{script} $name $version $rel $arch $os $PWD" >> {log}\n')
        (hooks / script).chmod(0o755)
    (hooks / "fail").write_text("#!/bin/sh\necho oops >&2\nexit 3\n")
    (hooks / "fail").chmod(0o755)
    (hooks / "pallet_hooks.json").write_text(json.dumps({
        "b-note": {"name": "foo", "version": ".*", "rel": ".*", "arch": ".*", "os": "redhat",
                   "operations": ["add", "remove"]},
        "a-note": {"name": "f.*", "version": "1\\..*", "rel": ".*", "arch": ".*", "os": ".*",
                   "operations": ["add"]},
        "fail": {"name": "foo", "version": "2.0", "rel": ".*", "arch": ".*", "os": ".*",
                 "operations": ["add"]},
    }))
    medium = pallet_tree(tmp_path / "a")
    assert stack("add", "pallet", str(medium)).rc == 0
    assert log.read_text() == (f"a-note foo 1.0 redhat7 x86_64 redhat {hooks}\n"
                               f"b-note foo 1.0 redhat7 x86_64 redhat {hooks}\n")
    assert stack("add", "pallet", str(medium), "run_hooks=false").rc == 0
    assert stack("remove", "pallet", "foo").rc == 0
    assert log.read_text().splitlines()[2:] == [
        f"b-note foo 1.0 redhat7 x86_64 redhat {hooks}"]
    r = stack("add", "pallet", str(pallet_tree(tmp_path / "b", version="2.0")))
    assert r.rc == 0
    assert f"Unable to run hook {hooks / 'fail'}: exit 3" in r.err and "oops" in r.err
