"""Commands that fetch or copy for long do it before their transaction:
other writers do not wait behind SQLite's write lock meanwhile."""

import functools
import http.server
import subprocess
import sys
import threading

import pytest

from tests.software.media import make_iso, pallet_tree


class _Held(http.server.SimpleHTTPRequestHandler):
    """Serves files, but holds the large ones back until the test lets them go."""

    requested: threading.Event
    release: threading.Event

    def do_GET(self):
        if self.path.endswith((".iso", ".img")):
            self.requested.set()
            self.release.wait(120)
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("words, listing", [
    (["add", "pallet", "{url}/foo.iso"], ["list", "pallet", "foo"]),
    (["add", "firmware", "1.0", "source={url}/m7800.img", "make=mellanox", "model=m7800",
      "imp=mellanox"], ["list", "firmware"]),
], ids=["add pallet", "add firmware"])
def test_other_writers_go_on_while_a_command_fetches(stacki_home, tmp_path, words, listing):
    served = tmp_path / "served"
    served.mkdir()
    make_iso(pallet_tree(tmp_path / "medium"), served / "foo.iso")
    (served / "m7800.img").write_bytes(b"firmware image" * 1000)
    requested, release = threading.Event(), threading.Event()
    handler = type("Handler", (_Held,), {"requested": requested, "release": release})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack = [sys.executable, "-m", "stacki.cli"]
    url = f"http://127.0.0.1:{server.server_address[1]}"
    adding = subprocess.Popen([*stack, *(w.format(url=url) for w in words)], env=stacki_home,
                              text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert requested.wait(60), adding.communicate()
        # Mid-copy: another writer commits (it would wait out the busy timeout behind
        # a held write lock, then fail with "database is locked").
        other = subprocess.run([*stack, "set", "attr", "attr=site.note", "value=busy"],
                               env=stacki_home, capture_output=True, text=True, timeout=25)
        assert (other.returncode, other.stderr) == (0, "")
    finally:
        release.set()
        out, err = adding.communicate(timeout=120)
        server.shutdown()
        server.server_close()
    assert (adding.returncode, err) == (0, "")
    listed = subprocess.run([*stack, *listing], env=stacki_home, capture_output=True, text=True)
    assert len(listed.stdout.splitlines()) == 2, listed  # its header and the new row


def test_a_read_only_caller_copies_nothing(tmp_path, monkeypatch):
    # Before its transaction nothing stops a write: a read-only caller is refused there.
    import pytest

    from stacki import errors
    from stacki.framework.command import resolve
    from stacki.framework.context import Context
    from stacki.framework.runner import run_resolved
    from stacki.inventory import media

    monkeypatch.setattr(media, "medium_kind", lambda source: pytest.fail("copied"))
    with pytest.raises(errors.ReadOnlyViolation):
        run_resolved(resolve(["add", "pallet", str(tmp_path)]), Context(readonly=True))
