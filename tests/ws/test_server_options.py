"""`stacki-ws` options and the address it records for credentials."""

import pytest

from stacki.ws import server


@pytest.mark.parametrize("bind, address", [
    ("127.0.0.1:8000", "127.0.0.1:8000"),
    ("0.0.0.0:8000", "fe:8000"),
    ("[::]:8443", "fe:8443"),
    ("[::1]:9000", "[::1]:9000"),
    ("0.0.0.0:80", "fe"),
    ("frontend.example.com:80", "frontend.example.com"),
])
def test_service_address(bind, address):
    assert server.service_address(bind, "fe") == address


def test_defaults():
    args = server.parse_args([])
    assert (args.bind, args.workers, args.log_file) == ("127.0.0.1:8000", 2, None)


def test_workers_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        server.parse_args(["--workers", "0"])
    assert "--workers must be at least 1" in capsys.readouterr().err
