"""What the attribute, route and firewall tests share: error and JSON
checks, and a backend host (optionally in the environment `test`)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.framework.runner import run_command
from stacki.inventory import models as m
from tests.conftest import Result

TARGETS = {"os": "redhat", "appliance": "backend", "environment": "test", "host": "backend-0-0"}


def error(r, text, usage=None):
    """An error run: exit 255, nothing on stdout, the message (and usage line)."""
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage is not None else ""))


def as_json(r):
    assert r.rc == 0, r.err
    return json.loads(r.out) if r.out else []


@pytest.fixture
def backend(stack):
    assert stack("add", "host", "backend-0-0") == Result(0, "", "")
    return m.Host.objects.get(name="backend-0-0")


@pytest.fixture
def in_test(backend):
    """backend-0-0 in the environment `test` (the TARGETS of every scope exist)."""
    env = m.Environment.objects.create(name="test")
    m.Host.objects.filter(id=backend.id).update(environment=env)
    return m.Host.objects.get(id=backend.id)


def bulk_backends(start, count):
    """backend-9-<start..> through the ORM, every other one in the environment
    `bulk`; returns the new hosts."""
    app, box = m.Appliance.objects.get(name="backend"), m.Box.objects.get(name="default")
    env = m.Environment.objects.get_or_create(name="bulk")[0]
    names = [f"backend-9-{i}" for i in range(start, start + count)]
    m.Host.objects.bulk_create([
        m.Host(name=name, appliance=app, box=box, rack="9", rank=name.split("-")[-1],
               environment=env if n % 2 else None, boot="os") for n, name in enumerate(names)])
    return list(m.Host.objects.filter(name__in=names))


def query_counts(commands):
    """How many queries each command line (one string) makes, output included."""
    counts = {}
    for words in commands:
        with CaptureQueriesContext(connection) as captured:
            run_command(words.split()).render()
        counts[words] = len(captured)
    return counts
