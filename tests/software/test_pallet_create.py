import json

from tests.conftest import Result


def test_create_new_pallet_then_create_and_add_it(stack, tmp_path, sysroot):
    src = tmp_path / "src"
    src.mkdir()
    assert stack("create", "new", "pallet", "name=tools", "version=2.1", f"dir={src}") == Result(
        0, f"NAME  DIRECTORY\ntools {src / 'tools'}\n", "")
    tree = src / "tools"
    assert sorted(str(p.relative_to(tree)) for p in tree.rglob("*")) == [
        "RPMS", "graph", "graph/tools.xml", "nodes", "nodes/tools.xml", "roll-tools.xml"]
    assert (tree / "roll-tools.xml").read_text().splitlines()[1] == (
        '\t<info version="2.1" release="redhat7" arch="x86_64" os="redhat"/>')
    (tree / "RPMS" / "tools-2.1-1.x86_64.rpm").write_bytes(b"\xed\xab\xee\xdb" * 100)
    out = tmp_path / "out"
    out.mkdir()
    iso = out / "tools-2.1-redhat7.x86_64.disk1.iso"
    assert stack("create", "pallet", str(tree / "roll-tools.xml"), f"dir={out}") == Result(0, (
        "NAME  VERSION RELEASE ARCH   OS     ISO\n"
        f"tools 2.1     redhat7 x86_64 redhat {iso}\n"), "")
    assert sorted(p.name for p in out.iterdir()) == [iso.name]
    assert stack("add", "pallet", str(iso)).rc == 0
    assert json.loads(stack("list", "pallet", "tools", "output-format=json").out) == [
        {"name": "tools", "version": "2.1", "release": "redhat7", "arch": "x86_64",
         "os": "redhat", "boxes": ""}]
    added = sysroot / "export/stack/pallets/tools/2.1/redhat7/redhat/x86_64"
    assert (added / "RPMS/tools-2.1-1.x86_64.rpm").read_bytes() == b"\xed\xab\xee\xdb" * 100
    assert (added / "nodes/tools.xml").read_bytes() == (tree / "nodes/tools.xml").read_bytes()
    assert (added / "roll-tools.xml").is_file()
    assert (added / "repodata/repomd.xml").is_file()


def test_create_pallet_errors(stack, tmp_path):
    assert stack("create", "new", "pallet") == Result(255, "", (
        'error - "name" parameter is required\n'
        "{name=string} [arch=string] [dir=string] [os=string] [release=string] "
        "[version=string]\n"))
    assert stack("create", "new", "pallet", "name=a/b").err == (
        'error - "a/b" is not a valid pallet name\n')
    assert stack("create", "new", "pallet", "name=x", f"dir={tmp_path}").rc == 0
    assert stack("create", "new", "pallet", "name=x", f"dir={tmp_path}") == Result(
        255, "", f"error - {tmp_path / 'x'} exists\n")
    assert stack("create", "pallet") == Result(
        255, "", 'error - "roll" argument is required\n{roll} [dir=string]\n')
    assert stack("create", "pallet", str(tmp_path / "nope.xml")) == Result(
        255, "", f"error - cannot read {tmp_path / 'nope.xml'}\n")
    (tmp_path / "bad.xml").write_text("<graph/>")
    assert stack("create", "pallet", str(tmp_path / "bad.xml")) == Result(
        255, "", "error - bad.xml is not a roll description\n")
