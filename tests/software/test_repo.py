import json

from tests.conftest import Result
from tests.software.media import pallet_tree

USAGE = ("{repo} [alias=string] [assumeyes=bool] [autorefresh=bool] [gpgcheck=bool] "
         "[gpgkey=string] [is_mirrorlist=bool] [os=string] [pallet=string] [type=string] "
         "[url=string]")


def repos(stack, *words):
    r = stack("list", "repo", *words, "output-format=json")
    assert r.rc == 0, r
    return json.loads(r.out)


def test_add_list_repo(stack):
    assert stack("add", "repo", "EPEL", "url=http://mirror/epel/7") == Result(0, "", "")
    assert stack("add", "repo", "site stuff", "url=http://{{ Kickstart_PrivateAddress }}/site",
                 "assumeyes=yes", "gpgcheck=true", "gpgkey=http://x/key", "os=sles") == Result(
        0, "", "")
    assert stack("list", "repo") == Result(0, (
        "NAME       ALIAS      URL\n"
        "EPEL       EPEL       http://mirror/epel/7\n"
        "site stuff site-stuff http://{{ Kickstart_PrivateAddress }}/site\n"), "")
    assert repos(stack, "site%", "expanded=true") == [{
        "name": "site stuff", "alias": "site-stuff",
        "url": "http://{{ Kickstart_PrivateAddress }}/site", "autorefresh": "no",
        "assumeyes": "yes", "type": "rpm-md", "is_mirrorlist": "no", "gpgcheck": "yes",
        "gpgkey": "http://x/key", "os": "sles", "pallet name": None}]
    # A repo is found by its alias too.
    assert [r["name"] for r in repos(stack, "site-stuff")] == ["site stuff"]


def test_add_repo_errors(stack):
    stack("add", "repo", "EPEL", "url=http://mirror/epel/7")
    assert stack("add", "repo", "a", "b", "url=x") == Result(
        255, "", "error - only one repo may be specified at a time\n")
    assert stack("add", "repo", "x") == Result(
        255, "", "error - url is a required parameter when adding a repo\n")
    assert stack("add", "repo", "EPEL", "url=x") == Result(
        255, "", 'error - "EPEL" argument a repo already exists with the name/alias: EPEL/EPEL\n'
                 f"{USAGE}\n")
    assert stack("add", "repo", "other", "alias=EPEL", "url=x").rc == 255
    assert stack("add", "repo", "x", "url=x", "type=deb") == Result(
        255, "", f'error - "type" parameter must be one of rpm-md, yast2, plaindir\n{USAGE}\n')
    assert stack("add", "repo", "x", "url=x", "os=nope") == Result(
        255, "", f'error - "nope" argument is not a valid OS\n{USAGE}\n')
    assert stack("add", "repo", "x", "url=a\nb").rc == 255
    assert stack("add", "repo", "x", "url=x", "alias=a b") == Result(
        255, "", f'error - "alias" parameter must be a name without spaces or brackets\n{USAGE}\n')
    assert stack("add", "repo", "[x]", "url=x").rc == 255
    assert stack("add", "repo", "[x]", "url=x", "alias=x").rc == 0
    assert stack("remove", "repo", "x").rc == 0
    assert stack("add", "repo", "x", "url=x", "pallet=nope") == Result(
        255, "", f'error - "nope" argument is not a valid pallet\n{USAGE}\n')
    assert [r["name"] for r in repos(stack)] == ["EPEL"]


def test_set_repo(stack):
    stack("add", "repo", "EPEL", "url=http://mirror/epel/7")
    stack("add", "repo", "other", "url=http://other")
    assert stack("set", "repo", "EPEL", "name=epel", "alias=epel7", "autorefresh=yes",
                 "url=http://new") == Result(0, "", "")
    assert repos(stack, "epel7", "expanded=true")[0]["autorefresh"] == "yes"
    assert repos(stack, "epel") == [{"name": "epel", "alias": "epel7", "url": "http://new"}]
    assert stack("set", "repo", "epel", "alias=other").rc == 255
    assert stack("set", "repo", "nope", "url=x").err.startswith(
        'error - "nope" argument is not a valid repo\n')


def test_enable_disable_remove_repo(stack):
    stack("add", "repo", "EPEL", "url=http://mirror/epel/7")
    stack("add", "box", "develop")
    assert stack("enable", "repo", "EPEL", "box=develop") == Result(0, "", "")
    assert stack("list", "box", "repo") == Result(0, "BOX     REPO ALIAS\ndevelop EPEL EPEL\n", "")
    assert json.loads(stack("list", "box", "develop", "output-format=json").out)[0]["repos"] == (
        "EPEL")
    assert stack("disable", "repo", "EPEL", "box=develop") == Result(0, "", "")
    assert stack("list", "box", "repo") == Result(0, "", "")
    stack("enable", "repo", "EPEL")
    assert stack("remove", "repo", "EPEL") == Result(0, "", "")
    assert stack("list", "box", "repo") == Result(0, "", "")
    assert stack("remove", "repo") == Result(
        255, "", 'error - "repo" argument is required\n{repo ...}\n')


def test_report_host_repo(stack, tmp_path):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a")))
    stack("add", "cart", "site")
    stack("add", "repo", "EPEL", "url=http://{{ Kickstart_PrivateAddress }}/epel",
          "autorefresh=yes", "assumeyes=yes", "gpgkey=http://{{ hostname }}/key", "gpgcheck=yes")
    stack("add", "repo", "mirrors", "url=http://m/list", "is_mirrorlist=yes")
    stack("add", "box", "compute")
    stack("add", "host", "backend-0-0", "box=compute")
    for what in ("pallet foo", "cart site", "repo EPEL", "repo mirrors"):
        assert stack("enable", *what.split(), "box=compute").rc == 0
    expected = (
        '<stack:file stack:name="/etc/yum.repos.d/stacki.repo">\n'
        "[foo-1.0-redhat7]\n"
        "name=foo 1.0 redhat7\n"
        "baseurl=http://{fe}/install/pallets/foo/1.0/redhat7/redhat/x86_64\n"
        "gpgcheck=0\n"
        "\n"
        "[site-cart]\n"
        "name=site cart\n"
        "baseurl=http://{fe}/install/carts/site\n"
        "gpgcheck=0\n"
        "\n"
        "[EPEL]\n"
        "name=EPEL\n"
        "baseurl=http://{fe}/epel\n"
        "type=rpm-md\n"
        "autorefresh=1\n"
        "assumeyes=1\n"
        "gpgkey=http://backend-0-0/key\n"
        "gpgcheck=1\n"
        "\n"
        "[mirrors]\n"
        "name=mirrors\n"
        "mirrorlist=http://m/list\n"
        "type=rpm-md\n"
        "gpgcheck=0\n"
        "</stack:file>\n"
        "yum clean all\n")
    fe = json.loads(stack("list", "host", "attr", "backend-0-0", "attr=Kickstart_PrivateAddress",
                          "output-format=json").out)[0]["value"]
    assert stack("report", "host", "repo", "backend-0-0") == Result(
        0, expected.format(fe=fe), "")
    assert stack("set", "attr", "attr=repo.server", "value=10.1.1.1:8080").rc == 0
    assert stack("report", "host", "repo", "backend-0-0").out == expected.format(fe="10.1.1.1:8080"
                                                                                ).replace(
        "http://10.1.1.1:8080/epel", f"http://{fe}/epel")
    # The frontend's box enables nothing: an empty file.
    assert stack("report", "host", "repo", "frontend-0-0") == Result(0, (
        '<stack:file stack:name="/etc/yum.repos.d/stacki.repo">\n'
        "</stack:file>\n"
        "yum clean all\n"), "")
    assert stack("report", "host", "repo") == Result(
        255, "", 'error - "host" argument is required\n{host ...}\n')


def test_report_host_repo_sles_and_others(stack, tmp_path):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a", os="sles", release="sles12")))
    stack("add", "box", "suse", "os=sles")
    stack("add", "box", "deb", "os=ubuntu")
    stack("enable", "pallet", "foo", "box=suse")
    for osname in ("sles", "ubuntu"):
        assert stack("add", "bootaction", "default", "type=install", f"os={osname}",
                     "kernel=vmlinuz").rc == 0
    assert stack("add", "host", "backend-0-0", "box=suse").rc == 0
    assert stack("add", "host", "backend-0-1", "box=deb").rc == 0
    out = stack("report", "host", "repo", "backend-0-0").out.splitlines()
    assert out[0] == '<stack:file stack:name="/etc/zypp/repos.d/stacki.repo">'
    assert out[1] == "[foo-1.0-sles12]"
    assert out[-1] == "zypper clean --all"
    assert stack("report", "host", "repo", "backend-0-1") == Result(0, "", "")


def test_sync_host_repo_writes_the_frontends_file(stack, tmp_path, sysroot):
    stack("add", "pallet", str(pallet_tree(tmp_path / "a")))
    repo_file = sysroot / "etc/yum.repos.d/stacki.repo"
    assert stack("enable", "pallet", "foo", "box=frontend") == Result(0, "", "")
    # Enabling rewrote it already, as Stacki does.
    assert "[foo-1.0-redhat7]\n" in repo_file.read_text()
    repo_file.unlink()
    assert stack("sync", "host", "repo") == Result(0, "", "")
    lines = repo_file.read_text().splitlines()
    assert lines[:2] == ["[foo-1.0-redhat7]", "name=foo 1.0 redhat7"]
    stack("disable", "pallet", "foo", "box=frontend")
    assert repo_file.read_text() == ""
