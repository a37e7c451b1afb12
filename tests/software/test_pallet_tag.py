from tests.conftest import Result
from tests.software.media import pallet_tree

USAGE = ("{pallet ...} {tag=string} {value=string} [arch=string] [os=string] [release=string] "
         "[version=string]")


def test_pallet_tags(stack, tmp_path):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a", version="1.0")))
    stack("add", "pallet", str(pallet_tree(tmp_path / "b", version="2.0")))
    assert stack("add", "pallet", "tag", "foo", "tag=channel", "value=stable") == Result(0, "", "")
    assert stack("add", "pallet", "tag", "stacki", "tag=owner", "value=us") == Result(0, "", "")
    assert stack("add", "pallet", "tag", "foo", "version=2.0", "tag=channel", "value=x") == Result(
        255, "", 'error - pallet "foo-2.0-redhat7-x86_64-redhat" already has tag "channel"\n')
    assert stack("set", "pallet", "tag", "foo", "version=2.0", "tag=channel",
                 "value=testing") == Result(0, "", "")
    assert stack("set", "pallet", "tag", "foo", "version=2.0", "tag=new",
                 "value=1") == Result(0, "", "")
    assert stack("list", "pallet", "tag") == Result(0, (
        "PALLET VERSION RELEASE ARCH   OS     TAG     VALUE\n"
        "stacki 5.7.0   redhat7 x86_64 redhat owner   us\n"
        "foo    1.0     redhat7 x86_64 redhat channel stable\n"
        "foo    2.0     redhat7 x86_64 redhat channel testing\n"
        "foo    2.0     redhat7 x86_64 redhat new     1\n"), "")
    assert stack("list", "pallet", "tag", "foo", "tag=ch*").out.count("channel") == 2
    assert stack("remove", "pallet", "tag", "foo", "tag=*n*") == Result(0, "", "")
    assert stack("list", "pallet", "tag", "foo") == Result(0, "", "")
    assert stack("add", "pallet", "tag", "foo", "tag=x") == Result(
        255, "", f'error - "value" parameter is required\n{USAGE}\n')
    assert stack("add", "pallet", "tag", "tag=x", "value=y") == Result(
        255, "", f'error - "pallet" argument is required\n{USAGE}\n')
    assert stack("remove", "pallet", "tag", "foo") == Result(255, "", (
        'error - "tag" parameter is required\n'
        "{pallet ...} {tag=string} [arch=string] [os=string] [release=string] [version=string]\n"))
