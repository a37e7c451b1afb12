import json

from tests.conftest import Result
from tests.software.media import make_iso, pallet_tree, tree_bytes


def software(stack, section=""):
    r = stack("dump", *([section] if section else []))
    assert r.rc == 0, r
    return json.loads(r.out)["software"]


def build(stack, tmp_path):
    iso = make_iso(pallet_tree(tmp_path / "medium"), tmp_path / "foo.iso")
    for words in (["add", "pallet", str(iso)], ["add", "cart", "site"],
                  ["add", "repo", "EPEL", "url=http://mirror/epel", "autorefresh=yes"],
                  ["add", "box", "develop"], ["enable", "pallet", "foo", "box=develop"],
                  ["enable", "cart", "site", "box=develop"],
                  ["enable", "repo", "EPEL", "box=develop"],
                  ["add", "pallet", "tag", "foo", "tag=channel", "value=stable"]):
        assert stack(*words).rc == 0, words
    return iso


def test_dump_software(stack, tmp_path):
    iso = build(stack, tmp_path)
    doc = software(stack)
    assert doc["box"][2] == {
        "name": "develop", "os": "redhat", "cart": ["site"],
        "pallet": [{"name": "foo", "version": "1.0", "release": "redhat7", "arch": "x86_64",
                    "os": "redhat"}],
        "repo": [{"name": "EPEL"}]}
    assert doc["pallet"][1] == {"name": "foo", "version": "1.0", "release": "redhat7",
                                "arch": "x86_64", "os": "redhat", "url": str(iso),
                                "tag": [{"name": "channel", "value": "stable"}]}
    assert doc["cart"] == [{"name": "site", "url": None}]
    assert doc["repo"] == [{"name": "EPEL", "alias": "EPEL", "url": "http://mirror/epel",
                            "autorefresh": True, "assumeyes": False, "type": "rpm-md",
                            "is_mirrorlist": False, "gpgcheck": False, "gpgkey": None,
                            "os": "redhat"}]
    assert software(stack, "pallet") == {"pallet": doc["pallet"]}
    assert software(stack, "cart") == {"cart": doc["cart"]}
    assert software(stack, "repo") == {"repo": doc["repo"]}
    assert software(stack, "box") == {"box": doc["box"]}


def test_load_script_of_software(stack, tmp_path):
    iso = build(stack, tmp_path)
    from stacki.commands.load import stack_program

    full = tmp_path / "full.json"
    full.write_text(stack("dump").out)
    prefix = stack_program()
    wanted = ('"add pallet', '"add cart', '"add repo', '"add box', '"enable ')
    lines = ["/opt/stack/bin/stack" + line[len(prefix):]
             for line in stack("load", str(full)).out.splitlines()
             if line[len(prefix) + 1:].startswith(wanted)]
    assert lines == [
        f'/opt/stack/bin/stack "add pallet" {iso} ',
        '/opt/stack/bin/stack "add cart" site ',
        '/opt/stack/bin/stack "add repo" EPEL alias=EPEL url=http://mirror/epel autorefresh=True '
        "assumeyes=False type=rpm-md is_mirrorlist=False gpgcheck=False os=redhat",
        '/opt/stack/bin/stack "add box" frontend os=redhat',
        '/opt/stack/bin/stack "add box" default os=redhat',
        '/opt/stack/bin/stack "add box" develop os=redhat',
        '/opt/stack/bin/stack "enable pallet" foo box=develop version=1.0 release=redhat7 '
        "arch=x86_64 os=redhat",
        '/opt/stack/bin/stack "enable cart" site box=develop',
        '/opt/stack/bin/stack "enable repo" EPEL box=develop',
        '/opt/stack/bin/stack "add pallet tag" foo version=1.0 release=redhat7 arch=x86_64 '
        "os=redhat tag=channel value=stable"]


def test_dump_load_round_trip_into_an_empty_database(stack, tmp_path, sysroot):
    from stacki.inventory import models as m

    build(stack, tmp_path)
    (sysroot / "export/stack/carts/site/RPMS/mine.rpm").write_bytes(b"mine")
    files = tree_bytes(sysroot / "export/stack")
    dump = tmp_path / "dump.json"
    dump.write_text(stack("dump").out)
    before = software(stack)
    # A new database on the same disk: the rows go, the files stay.
    for model in (m.Repo, m.Cart, m.Pallet):
        model.objects.all().delete()
    m.Box.objects.filter(name="develop").delete()
    assert stack("list", "box", "develop").rc == 255
    assert stack("load", str(dump), "exec=true") == Result(0, "", "")
    after = software(stack)
    # The stacki pallet of a home is its own: it is not re-added from anywhere.
    assert after["pallet"][0]["name"] == "foo"
    after["pallet"].insert(0, before["pallet"][0])
    assert after == before
    assert tree_bytes(sysroot / "export/stack") == files
    assert stack("list", "box", "develop") == Result(0, (
        "NAME    OS     PALLETS         CARTS REPOS\n"
        "develop redhat foo-1.0-redhat7 site  EPEL\n"), "")
