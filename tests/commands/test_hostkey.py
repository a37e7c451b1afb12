import pytest

from stacki.inventory import models as m
from tests.conftest import Result

ADD_USAGE = "{host} [file=string] [key=string]"
REMOVE_USAGE = "{host} [id=string]"


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


@pytest.fixture
def backend(stack):
    assert stack("add", "host", "backend-0-0").rc == 0
    return "backend-0-0"


def ids(host):
    return list(m.HostKey.objects.filter(host__name=host).order_by("id").values_list("id", flat=True))


@pytest.mark.parametrize("words, text, usage", [
    ((), '"host" argument is required', ADD_USAGE),
    (("a:nothing",), '"host" argument is required', ADD_USAGE),
    (("frontend-0-0", "backend-0-0"), '"host" argument must be unique', ADD_USAGE),
    (("frontend-0-0",), '"key" parameter is required', ADD_USAGE),
    (("frontend-0-0", "key="), '"key" parameter is required', ADD_USAGE),
    (("frontend-0-0", "key=a", "file=b"), '"file" parameter cannot be given with "key"', ADD_USAGE),
    (("frontend-0-0", "file=/nonexistent/key.pub"), 'file "/nonexistent/key.pub" does not exist',
     None),
    (("frontend-0-0", "key=a\x07b"),
     '"key" parameter "a\\x07b" must not contain control characters', None),
    (("nohost", "key=a"), 'cannot resolve host "nohost"', None),
])
def test_add_errors(stack, backend, words, text, usage):
    error(stack("add", "host", "key", *words), text, usage)
    assert not m.HostKey.objects.exists()


def test_add_list_remove(stack, backend, tmp_path):
    assert stack("add", "host", "key", "frontend-0-0", "key=frontend_key") == Result(0, "", "")
    pub = tmp_path / "backend.pub"
    pub.write_text("ssh-rsa AAAA backend\r\nsecond line\n")
    assert stack("add", "host", "key", backend, f"file={pub}") == Result(0, "", "")
    # As in Stacki, a key= that names a file is read from it (the command line only).
    other = tmp_path / "other.pub"
    other.write_text("ssh-ed25519 BBBB other\n")
    assert stack("add", "host", "key", backend, f"key={other}").rc == 0
    f, b1, b2 = ids("frontend-0-0") + ids(backend)
    assert stack("list", "host", "key") == Result(0, (
        "HOST         ID PUBLIC KEY\n"
        f"frontend-0-0 {f:<2} frontend_key\n"
        f"backend-0-0  {b1:<2} ssh-rsa AAAA backend\n"
        f"backend-0-0  {b1:<2} second line\n"
        f"backend-0-0  {b2:<2} ssh-ed25519 BBBB other\n"), "")
    assert stack("list", "host", "key", backend, "output-format=col:public key").out == (
        "ssh-rsa AAAA backend\nsecond line\nssh-ed25519 BBBB other\n")
    error(stack("add", "host", "key", backend, f"file={pub}"),
          "the public key already exists for host backend-0-0")
    error(stack("remove", "host", "key", "frontend-0-0", f"id={b1}"),
          f"public key with id {b1} doesn't exist for host frontend-0-0")
    error(stack("remove", "host", "key", "frontend-0-0", "id=x"),
          "public key with id x doesn't exist for host frontend-0-0")
    error(stack("remove", "host", "key", "frontend-0-0"), '"id" parameter is required',
          REMOVE_USAGE)
    error(stack("remove", "host", "key"), '"host" argument is required', REMOVE_USAGE)
    assert stack("remove", "host", "key", backend, f"id={b1}") == Result(0, "", "")
    assert ids(backend) == [b2]
    # Keys go with their host.
    assert stack("remove", "host", backend).rc == 0
    assert stack("list", "host", "key", "output-format=col:host").out == "frontend-0-0\n"


def test_key_over_the_web_service_is_never_a_server_path(stack, tmp_path):
    from tests.ws.conftest import Api, body

    secret = tmp_path / "secret"
    secret.write_text("not for the client\n")
    m.User.create("keyadmin", "key-of-keyadmin", admin=True)
    api = Api()
    assert api.login("keyadmin", "key-of-keyadmin").status_code == 200
    reply = api.run(f"add host key frontend-0-0 key={secret}")
    assert (reply.status_code, body(reply)) == (200, {})
    assert list(m.HostKey.objects.values_list("key", flat=True)) == [str(secret)]
    reply = api.run(f"add host key frontend-0-0 file={secret}")
    assert reply.status_code == 403
    reply = api.run("list host key")
    assert body(reply) == [{"host": "frontend-0-0", "id": ids("frontend-0-0")[0],
                            "public key": str(secret)}]
