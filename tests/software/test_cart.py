import json
import tarfile

from tests.conftest import Result
from tests.software.media import http_served, tree_bytes

CARTS = "export/stack/carts"


def test_add_cart_skeleton(stack, sysroot):
    assert stack("add", "cart", "site") == Result(0, "", "")
    cart = sysroot / CARTS / "site"
    assert sorted(str(p.relative_to(cart)) for p in cart.rglob("*")) == [
        "RPMS", "graph", "graph/cart-site.xml", "nodes", "nodes/cart-site-backend.xml"]
    assert (cart / "graph/cart-site.xml").read_text() == (
        "<graph>\n\n\t<description>\n\tsite cart\n\t</description>\n\n"
        '\t<order head="backend" tail="cart-site-backend"/>\n'
        '\t<edge  from="backend"   to="cart-site-backend"/>\n\n</graph>\n')
    assert "<stack:package><!-- add packages here --></stack:package>" in (
        cart / "nodes/cart-site-backend.xml").read_text()
    assert stack("list", "cart") == Result(0, "NAME BOXES\nsite -----\n", "")


def test_add_cart_errors(stack, tmp_path):
    stack("add", "cart", "site")
    assert stack("add", "cart", "site") == Result(255, "", 'error - "site" cart exists\n')
    assert stack("add", "cart") == Result(
        255, "", 'error - "cart" argument is required\n[cart] [file=string] [url=string]\n')
    assert stack("add", "cart", "a", "b") == Result(
        255, "", 'error - "cart" argument must be unique\n[cart] [file=string] [url=string]\n')
    assert stack("add", "cart", "../x") == Result(
        255, "", 'error - "../x" is not a valid cart name\n')
    evil = tmp_path / "evil.tgz"
    with tarfile.open(evil, "w:gz") as tar:
        (tmp_path / "f").write_text("x")
        tar.add(tmp_path / "f", arcname="other/f")
    assert stack("add", "cart", f"file={evil}") == Result(
        255, "", 'error - evil.tgz: "other/f" is not inside the cart "evil"\n')
    assert json.loads(stack("list", "cart", "output-format=json").out) == [
        {"name": "site", "boxes": ""}]


def test_enable_disable_remove_cart(stack, sysroot):
    stack("add", "cart", "site")
    stack("add", "cart", "extra")
    stack("add", "box", "develop")
    assert stack("enable", "cart", "site", "extra", "box=develop") == Result(0, "", "")
    assert stack("enable", "cart", "site") == Result(0, "", "")
    assert stack("list", "cart") == Result(0, (
        "NAME  BOXES\n"
        "site  default develop\n"
        "extra develop\n"), "")
    assert json.loads(stack("list", "box", "develop", "output-format=json").out) == [
        {"name": "develop", "os": "redhat", "pallets": "", "carts": "site extra", "repos": ""}]
    assert stack("disable", "cart", "site", "box=develop") == Result(0, "", "")
    assert stack("enable", "cart", "site", "box=nope") == Result(
        255, "", 'error - unknown box "nope"\n')
    assert stack("disable", "cart", "nope") == Result(
        255, "", 'error - "nope" argument is not a valid cart\n{cart ...} [box=string]\n')
    assert stack("remove", "cart", "site") == Result(0, "", "")
    assert not (sysroot / CARTS / "site").exists()
    assert stack("list", "cart") == Result(0, "NAME  BOXES\nextra develop\n", "")


def test_pack_and_add_cart_from_file_and_url(stack, sysroot, tmp_path):
    stack("add", "cart", "site")
    (sysroot / CARTS / "site/RPMS/tool-1.0.rpm").write_bytes(b"\x00rpm" * 100)
    before = tree_bytes(sysroot / CARTS / "site")
    packed = sysroot / CARTS / "site.tgz"
    assert stack("pack", "cart", "site") == Result(0, f"CART FILE\nsite {packed}\n", "")
    out = tmp_path / "out"
    assert stack("pack", "cart", "site", f"dir={out}").rc == 0
    assert (sysroot / str(out).lstrip("/") / "site.tgz").is_file()
    assert stack("remove", "cart", "site").rc == 0
    assert stack("add", "cart", f"file={packed}") == Result(0, "", "")
    assert tree_bytes(sysroot / CARTS / "site") == before
    stack("remove", "cart", "site")
    served = tmp_path / "served"
    served.mkdir()
    packed.rename(served / "site.tgz")
    with http_served(served) as url:
        assert stack("add", "cart", f"url={url}/site.tgz") == Result(0, "", "")
        assert stack("add", "cart", "x", f"url={url}/x.tgz") == Result(
            255, "", f"error - cannot fetch {url}/x.tgz: HTTP 404\n")
    assert tree_bytes(sysroot / CARTS / "site") == before


def test_compile_cart(stack, sysroot):
    stack("add", "cart", "site")
    (sysroot / CARTS / "site/RPMS/tool-1.0-1.noarch.rpm").write_bytes(b"rpm")
    assert stack("compile", "cart", "site") == Result(0, "", "")
    assert (sysroot / CARTS / "site/repodata/repomd.xml").is_file()
    assert stack("compile", "cart") == Result(
        255, "", 'error - "cart" argument is required\n{cart ...}\n')
