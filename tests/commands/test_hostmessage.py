"""add host message: one UDP datagram per host, only to 127.0.0.x here."""

import json
import socket

import pytest

from tests.conftest import Result

USAGE = "[host ...] {message=string} [channel=string] [source=string] [ttl=string]"


@pytest.fixture
def queues(monkeypatch):
    """UDP listeners on 127.0.0.1 and 127.0.0.2 at one free port (STACKI_MQ_PORT)."""
    first = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    first.bind(("127.0.0.1", 0))
    port = first.getsockname()[1]
    second = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    second.bind(("127.0.0.2", port))
    for s in (first, second):
        s.settimeout(5)
    monkeypatch.setenv("STACKI_MQ_PORT", str(port))
    yield first, second
    first.close()
    second.close()


def received(sock):
    data, _ = sock.recvfrom(65535)
    return json.loads(data)


def pending(sock):
    sock.settimeout(0.2)
    try:
        sock.recvfrom(65535)
        return True
    except socket.timeout:
        return False
    finally:
        sock.settimeout(5)


@pytest.fixture
def backend(stack):
    assert stack("add", "network", "loop", "address=127.0.0.0", "mask=255.0.0.0").rc == 0
    assert stack("add", "host", "backend-0-0").rc == 0
    assert stack("add", "host", "interface", "backend-0-0", "interface=eth0", "network=loop",
                 "ip=127.0.0.2").rc == 0
    return "backend-0-0"


def test_messages_reach_each_queue(stack, queues, backend):
    front, back = queues
    assert stack("add", "host", "message", "frontend-0-0", "message=hello world") == Result(0, "", "")
    assert received(front) == {"channel": "debug", "message": "hello world"}
    assert stack("add", "host", "message", "message=to all", "channel=health", "ttl=30",
                 "source=me") == Result(0, "", "")
    expected = {"channel": "health", "message": "to all", "ttl": 30, "source": "me"}
    assert received(front) == expected and received(back) == expected
    assert not pending(front) and not pending(back)


def test_errors_send_nothing(stack, queues, backend):
    front, back = queues
    assert stack("add", "host", "backend-0-1").rc == 0
    for words, text, usage in [
        (("frontend-0-0",), '"message" parameter is required', USAGE),
        (("frontend-0-0", "message=a", "ttl=x"), '"ttl" parameter must be an integer', USAGE),
        (("frontend-0-0", "message=a\x07"),
         '"message" parameter "a\\x07" must not contain control characters', None),
        (("nohost", "message=a"), 'cannot resolve host "nohost"', None),
        (("message=a",), "host backend-0-1 has no IP address to send the message to", None),
    ]:
        assert stack("add", "host", "message", *words) == Result(
            255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))
    assert not pending(front) and not pending(back)
