"""Firmware images: add (local file or HTTP), list, remove, sync firmware."""

import hashlib
import http.server
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = ("{version} {make=string} {model=string} {source=string} [hash=string]"
             " [hash_alg=string] [imp=string]")
REMOVE_USAGE = "{versions ...} {make=string} {model=string}"
IMAGE = b"firmware image\x00\x01\x02" * 100


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


@pytest.fixture(autouse=True)
def sysroot(tmp_path, monkeypatch):
    root = tmp_path / "sysroot"
    monkeypatch.setenv("STACKI_SYSROOT", str(root))
    return root


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "img-3.6.5002.img"
    path.write_bytes(IMAGE)
    return path


@pytest.fixture
def web(tmp_path):
    """A small HTTP server on 127.0.0.1 serving tmp_path/www; yields its base URL."""
    www = tmp_path / "www"
    www.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(www), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def tree(root):
    base = root / "export/stack/firmware"
    return sorted(str(p.relative_to(base).parent) for p in base.rglob("*") if p.is_file()) \
        if base.exists() else []


def test_add_from_a_file_list_remove(stack, image, sysroot):
    md5 = hashlib.md5(IMAGE).hexdigest()
    run(stack, "add", "firmware", "3.6.5002", f"source={image}", "make=Mellanox", "model=M7800",
        "imp=mellanox", f"hash={md5}")
    sha = hashlib.sha256(IMAGE).hexdigest()
    run(stack, "add", "firmware", "3.6.5003", f"source=file://{image}", "make=mellanox",
        "model=m7800", "hash_alg=sha256")
    assert run(stack, "list", "firmware").out == (
        "MAKE     MODEL VERSION\nmellanox m7800 3.6.5002\nmellanox m7800 3.6.5003\n")
    rows = m.Firmware.objects.order_by("version")
    files = list(rows.values_list("file", flat=True))
    assert run(stack, "list", "firmware", "expanded=true").out.splitlines()[1:] == [
        f"mellanox m7800 3.6.5002 {image}        {md5}"
        + " " * (len(sha) - len(md5)) + f" md5      {files[0]}",
        f"mellanox m7800 3.6.5003 file://{image} {sha} sha256   {files[1]}"]
    for file in files:
        assert file.startswith("/export/stack/firmware/mellanox/m7800/")
        assert (sysroot / file.lstrip("/")).read_bytes() == IMAGE
    # The model and make were made with the first image.
    assert run(stack, "list", "firmware", "model", "expanded=true").out == (
        "MAKE     MODEL IMP      VERSION_REGEX_NAME\n"
        "mellanox m7800 mellanox ------------------\n")
    run(stack, "remove", "firmware", "3.6.5002", "make=mellanox", "model=m7800")
    assert not (sysroot / files[0].lstrip("/")).exists()
    assert (sysroot / files[1].lstrip("/")).exists()
    # Removing the model removes its images and their files.
    run(stack, "remove", "firmware", "model", "m7800", "make=mellanox")
    assert tree(sysroot) == [] and not m.Firmware.objects.exists()


def test_add_errors_change_nothing(stack, image, sysroot):
    run(stack, "add", "firmware", "1.0", f"source={image}", "make=mellanox", "model=m7800",
        "imp=mellanox")
    run(stack, "add", "firmware", "version_regex", r"^\d+\.\d+$", "name=two", "make=mellanox",
        "description=two numbers")
    before = list(m.Firmware.objects.values()), tree(sysroot)
    ok = (f"source={image}", "make=mellanox", "model=m7800")
    for words, text, usage in [
        ((), '"version" argument is required', ADD_USAGE),
        (("1", "2"), '"version" argument must be unique', ADD_USAGE),
        (("2.0", "make=mellanox", "model=m7800"), '"source" parameter is required', ADD_USAGE),
        (("2.0", f"source={image}", "model=m7800"), '"make" parameter is required', ADD_USAGE),
        (("2.0", f"source={image}", "make=mellanox"), '"model" parameter is required', ADD_USAGE),
        (("2.0", *ok, "hash_alg=crc"), '"hash_alg" parameter hash_alg must be one of the following:'
         " blake2b, blake2s, md5, sha1, sha224, sha256, sha384, sha3_224, sha3_256, sha3_384,"
         " sha3_512, sha512, shake_128, shake_256", ADD_USAGE),
        (("1.0", *ok), '"version" argument The firmware version 1.0 for make mellanox and model'
         " m7800 already exists.", ADD_USAGE),
        (("2.x", *ok), '"version" argument The format of the version number 2.x does not validate'
         r" based on the regex ^\d+\.\d+$ named two with description two numbers.", ADD_USAGE),
        (("2.0", *ok, "hash=0123"), '"hash" parameter Calculated hash'
         f" {hashlib.md5(IMAGE).hexdigest()} does not match expected hash 0123. Algorithm was md5.",
         ADD_USAGE),
        (("2.0", "source=/nonexistent/img", "make=mellanox", "model=m7800"),
         '"source" parameter /nonexistent/img does not exist or is not a file', ADD_USAGE),
        (("2.0", "source=ftp://host/img", "make=mellanox", "model=m7800"),
         '"source" parameter source must use one of the following supported schemes: file, http,'
         " https", ADD_USAGE),
        (("2.0", f"source={image}", "make=mellanox", "model=m6036"), '"imp" parameter is required',
         ADD_USAGE),
        (("2.0", f"source={image}", "make=mellanox", "model=m/6036", "imp=mellanox"),
         '"m/6036" is not a valid model name: use letters, digits and . _ + - only', None),
        (("2.0\x1b", *ok), 'argument "2.0\\x1b" must not contain control characters', None),
    ]:
        error(stack("add", "firmware", *words), text, usage)
    assert (list(m.Firmware.objects.values()), tree(sysroot)) == before
    assert not list((sysroot / "export/stack/firmware/mellanox/m7800").glob(".fetch-*"))


def test_add_over_http(stack, web, sysroot):
    www, base = web
    (www / "fw.bin").write_bytes(IMAGE)
    sha1 = hashlib.sha1(IMAGE).hexdigest()
    run(stack, "add", "firmware", "7.1", f"source={base}/fw.bin", "make=dell", "model=x1052",
        "imp=dell_x1052", "hash_alg=sha1", f"hash={sha1.upper()}")
    file = m.Firmware.objects.get().file
    assert (sysroot / file.lstrip("/")).read_bytes() == IMAGE
    assert m.Firmware.objects.get().hash == sha1
    error(stack("add", "firmware", "7.2", f"source={base}/missing.bin", "make=dell", "model=x1052"),
          f'"source" parameter cannot fetch {base}/missing.bin: HTTP 404 File not found', ADD_USAGE)
    assert m.Firmware.objects.count() == 1 and tree(sysroot) == ["dell/x1052"]


def test_add_when_nothing_answers(stack):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = stack("add", "firmware", "1", f"source=http://127.0.0.1:{port}/x", "make=a", "model=b",
              "imp=mellanox")
    assert r.rc == 255 and r.err.startswith(
        f'error - "source" parameter cannot fetch http://127.0.0.1:{port}/x: [Errno 111]')
    assert not m.Firmware.objects.exists() and not m.FirmwareMake.objects.exists()


def test_remove_errors(stack, image):
    run(stack, "add", "firmware", "1.0", f"source={image}", "make=mellanox", "model=m7800",
        "imp=mellanox")
    error(stack("remove", "firmware", "make=mellanox", "model=m7800"),
          '"version" argument is required', REMOVE_USAGE)
    error(stack("remove", "firmware", "1.0", "model=m7800"), '"make" parameter is required',
          REMOVE_USAGE)
    error(stack("remove", "firmware", "1.0", "make=mellanox"), '"model" parameter is required',
          REMOVE_USAGE)
    error(stack("remove", "firmware", "1.0", "make=dell", "model=m7800"),
          '"make" parameter The firmware make dell doesn\'t exist.', REMOVE_USAGE)
    error(stack("remove", "firmware", "1.0", "make=mellanox", "model=m1"),
          '"model" parameter The firmware model m1 for make mellanox doesn\'t exist.', REMOVE_USAGE)
    error(stack("remove", "firmware", "1.0", "2.0", "3.0", "make=mellanox", "model=m7800"),
          '"version" argument The following firmware versions don\'t exist for make mellanox and'
          " model m7800: ['2.0', '3.0'].", REMOVE_USAGE)
    assert m.Firmware.objects.count() == 1


def test_sync_firmware(stack, web, image, sysroot):
    www, base = web
    (www / "fw.bin").write_bytes(IMAGE)
    run(stack, "add", "firmware", "1.0", f"source={image}", "make=mellanox", "model=m7800",
        "imp=mellanox")
    run(stack, "add", "firmware", "2.0", f"source={base}/fw.bin", "make=mellanox", "model=m7800")
    run(stack, "add", "firmware", "3.0", f"source={image}", "make=mellanox", "model=m6036",
        "imp=mellanox")
    one, two, three = (m.Firmware.objects.get(version=v).file for v in ("1.0", "2.0", "3.0"))
    assert run(stack, "sync", "firmware").out == ""
    (sysroot / one.lstrip("/")).unlink()
    (sysroot / two.lstrip("/")).write_bytes(b"corrupted")
    stray = sysroot / "export/stack/firmware/mellanox/m7800/unknown"
    stray.write_bytes(b"x")
    lines = sorted([(one, "fetched again (missing)"), (two, "fetched again (hash mismatch)"),
                    ("/export/stack/firmware/mellanox/m7800/unknown", "removed (not in the database)")])
    width = max(len(f) for f, _ in lines)
    assert run(stack, "sync", "firmware").out == "".join(
        f"{f:<{width}} {a}\n" for f, a in [("FILE", "ACTION"), *lines])
    for file in (one, two, three):
        assert (sysroot / file.lstrip("/")).read_bytes() == IMAGE
    assert not stray.exists()
    # A source that is gone: the error says which image; the others are still fixed.
    (sysroot / one.lstrip("/")).unlink()
    (sysroot / two.lstrip("/")).unlink()
    (www / "fw.bin").unlink()
    r = stack("sync", "firmware")
    assert r == Result(255, "", f"error - cannot sync firmware: {two}: cannot fetch {base}/fw.bin:"
                       " HTTP 404 File not found\n")
    assert (sysroot / one.lstrip("/")).read_bytes() == IMAGE


def test_list_and_sync_are_set_based(stack, image):
    def count(n):
        for i in range(n):
            run(stack, "add", "firmware", f"{n}.{i}", f"source={image}", "make=mellanox",
                "model=m7800", "imp=mellanox")
        with CaptureQueriesContext(connection) as queries:
            run(stack, "list", "firmware", "expanded=true")
            run(stack, "sync", "firmware")
            run(stack, "remove", "firmware", *[f"{n}.{i}" for i in range(n)], "make=mellanox",
                "model=m7800")
        return len(queries)

    assert count(2) == count(12)


def test_image_paths_do_not_escape_the_tree(stack, image, sysroot):
    run(stack, "add", "firmware", "../../1", f"source={image}", "make=mellanox", "model=m7800",
        "imp=mellanox")
    file = Path(m.Firmware.objects.get().file)
    assert file.parent == Path("/export/stack/firmware/mellanox/m7800")
    assert ".." not in file.parts
