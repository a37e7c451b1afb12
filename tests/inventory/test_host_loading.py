"""Selected hosts come with what commands read off them, at a fixed query cost."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.framework.context import Context
from stacki.inventory import models as m
from stacki.inventory.hostsel import all_hosts, select_hosts


def loaded(select) -> tuple[list[m.Host], int]:
    with CaptureQueriesContext(connection) as captured:
        hosts = select()
    return hosts, len(captured)


def test_related_objects_come_loaded(stack):
    stack("add", "environment", "prod")
    stack("add", "host", "backend-0-0", "environment=prod")
    stack("add", "host", "backend-0-1")
    hosts, _ = loaded(all_hosts)
    with CaptureQueriesContext(connection) as captured:
        seen = [(h.name, h.appliance.name, h.box.name, h.box.os.name,
                 h.environment.name if h.environment else None) for h in hosts]
    assert len(captured) == 0
    assert seen == [("frontend-0-0", "frontend", "frontend", "redhat", None),
                    ("backend-0-0", "backend", "default", "redhat", "prod"),
                    ("backend-0-1", "backend", "default", "redhat", None)]
    # Shared between hosts, as the rows they stand for.
    assert hosts[1].appliance is hosts[2].appliance
    assert hosts[1].box.os is hosts[0].box.os


def test_environments_are_read_only_when_a_host_has_one(stack):
    stack("add", "host", "backend-0-0")
    _, without = loaded(all_hosts)
    stack("add", "environment", "prod")
    stack("set", "host", "environment", "backend-0-0", "environment=prod")
    _, with_environment = loaded(all_hosts)
    assert with_environment == without + 1
    assert loaded(lambda: all_hosts(name="nope")) == ([], 1)


def test_loaded_hosts_are_ordinary_instances(stack):
    stack("add", "host", "backend-0-0")
    host = select_hosts(Context(), ["backend-0-0"])[0]
    host.comment = "saved"
    host.save()
    assert m.Host.objects.get(name="backend-0-0").comment == "saved"
    assert [g.name for g in host.groups.all()] == []


def test_each_selection_reads_the_current_hosts(stack):
    assert [h.name for h in all_hosts()] == ["frontend-0-0"]
    stack("add", "host", "backend-0-0")
    assert [h.name for h in all_hosts()] == ["frontend-0-0", "backend-0-0"]
    assert [h.name for h in select_hosts(Context(), ["BACKEND-0-0", "a:frontend"])] == [
        "frontend-0-0", "backend-0-0"]
