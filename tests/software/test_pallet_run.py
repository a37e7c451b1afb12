from tests.conftest import Result
from tests.software.media import pallet_tree

NODE = """<stack:stack>
\t<stack:description>tools</stack:description>
\t<stack:package>
\t\ttools-common
\t\ttools-extra <!-- the extras -->
\t</stack:package>
\t<stack:package stack:enable="false">not-this</stack:package>
<stack:script stack:stage="install-post">
echo "a &amp; b" &gt; /tmp/out
</stack:script>
<stack:script stack:stage="install-pre">
echo never
</stack:script>
<!-- <stack:package>commented-out</stack:package> -->
</stack:stack>
"""


def test_run_pallet_prints_the_install_script(stack, tmp_path, sysroot):
    medium = pallet_tree(tmp_path / "m", files={"nodes/tools.xml": NODE.encode(),
                                                "RPMS/tools-common-1-1.rpm": b"rpm"})
    stack("add", "pallet", str(medium))
    assert stack("run", "pallet", "foo") == Result(0, (
        "#!/bin/sh\n"
        "set -e\n"
        "# pallet foo 1.0 redhat7 redhat x86_64\n"
        "yum install -y --disablerepo='*' --repofrompath=foo-1.0-redhat7,"
        f"{sysroot}/export/stack/pallets/foo/1.0/redhat7/redhat/x86_64 "
        "--enablerepo=foo-1.0-redhat7 tools-common tools-extra\n"
        "(\n"
        'echo "a & b" > /tmp/out\n'
        ")\n"), "")
    # A pallet without node files installs nothing.
    assert stack("run", "pallet", "stacki") == Result(
        0, "#!/bin/sh\nset -e\n# pallet stacki 5.7.0 redhat7 redhat x86_64\n", "")
    assert stack("run", "pallet") == Result(255, "", (
        'error - "pallet" argument is required\n'
        "{pallet ...} [arch=string] [os=string] [release=string] [version=string]\n"))
