"""What the interface tests share: a host with two interfaces, snapshots and
listings (fixtures are in tests/commands/conftest.py)."""

from stacki.inventory import models as m
from tests.conftest import Result

MAC = "00:11:22:33:44:55"


def snapshot():
    return (list(m.Interface.objects.order_by("id").values()),
            list(m.Alias.objects.order_by("id").values()))


def error(r, text, usage=None):
    expected = f"error - {text}\n" + (f"{usage}\n" if usage is not None else "")
    assert r == Result(255, "", expected)


def rows(stack, *words, col=None):
    fmt = f"output-format=col:{col}" if col else "output-format=json"
    return stack("list", "host", "interface", *words, fmt).out


def field_of(device="eth0", field="ip", host="backend-0-0"):
    return m.Interface.objects.values_list(field, flat=True).get(host__name=host, device=device)
