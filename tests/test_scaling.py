"""The number of queries of the host-wide commands does not grow with the hosts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.framework.runner import run_command
from stacki.inventory import models as m


def add_backends(count: int, start: int = 0) -> None:
    app = m.Appliance.objects.get(name="backend")
    box = m.Box.objects.get(name="default")
    m.Host.objects.bulk_create([
        m.Host(name=f"backend-9-{i}", appliance=app, box=box, rack="9", rank=str(i),
               osaction="default", installaction="default", boot="os")
        for i in range(start, start + count)
    ])


def queries(words: list[str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run_command(words).render()
    return len(captured)


def test_list_host_queries_do_not_grow():
    add_backends(5)
    small = {w: queries(w.split()) for w in ("list host", "list host a:backend",
                                              "list host backend-9-1 backend-9-*")}
    add_backends(200, start=5)
    large = {w: queries(w.split()) for w in small}
    assert large == small


def test_list_host_lists_every_added_host(stack):
    add_backends(50)
    r = stack("list", "host", "a:backend", "output-format=col:host")
    assert r.out.split() == [f"backend-9-{i}" for i in range(50)]
