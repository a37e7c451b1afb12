"""Fixtures of the interface tests (test_interface, test_interface_set, test_interface_alias)."""

import pytest

from tests.commands.interfaces import MAC


@pytest.fixture
def backend(stack):
    assert stack("add", "host", "backend-0-0").rc == 0
    return "backend-0-0"


@pytest.fixture
def two(stack, backend):
    """backend-0-0 with eth0 (private, default) and eth1 (no network)."""
    assert stack("add", "host", "interface", backend, "interface=eth0", f"mac={MAC}",
                 "ip=192.168.0.10", "network=private", "default=true").rc == 0
    assert stack("add", "host", "interface", backend, "interface=eth1",
                 "mac=00:11:22:33:44:66").rc == 0
    return backend
