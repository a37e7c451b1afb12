"""attrs.resolve: the most specific scope wins, whatever the hosts asked for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import attrs, scopes
from stacki.inventory import models as m
from stacki.inventory.hostsel import all_hosts


def values(resolved, hosts, name):
    return {h.name: getattr(resolved[h.id].get(name), "value", None) for h in hosts}


# Few hosts have their own rows picked by id, many read every row of the name.
@pytest.mark.parametrize("few_hosts", [0, 1000])
def test_a_plain_name_is_one_query_and_only_the_asked_hosts(stack, monkeypatch, few_hosts):
    monkeypatch.setattr(attrs, "FEW_HOSTS", few_hosts)
    for words in (("add", "environment", "prod"),
                  ("add", "host", "backend-0-0", "environment=prod"),
                  ("add", "host", "backend-0-1"),
                  ("add", "host", "backend-0-2"),
                  ("set", "appliance", "attr", "backend", "attr=k", "value=app"),
                  ("set", "environment", "attr", "prod", "attr=k", "value=env"),
                  ("set", "host", "attr", "backend-0-1", "attr=k", "value=own"),
                  ("set", "host", "attr", "backend-0-2", "attr=k", "value=hidden",
                   "shadow=true")):
        assert stack(*words).rc == 0, words
    hosts = [h for h in all_hosts() if h.name != "backend-0-2"]
    with CaptureQueriesContext(connection) as captured:
        resolved = attrs.resolve(hosts, const=False, pattern="k")
    assert len(captured) == 1
    assert set(resolved) == {h.id for h in hosts}
    assert values(resolved, hosts, "k") == {
        "frontend-0-0": None, "backend-0-0": "env", "backend-0-1": "own"}
    everyone = all_hosts()
    assert values(attrs.resolve(everyone, shadow=False, const=False, pattern="k"),
                  everyone, "k")["backend-0-2"] == "app"
    assert values(attrs.resolve(everyone, const=False, pattern="k"),
                  everyone, "k")["backend-0-2"] == "hidden"


def test_hosts_sharing_scopes_get_their_own_dicts(stack):
    stack("add", "host", "backend-0-0")
    stack("add", "host", "backend-0-1")
    stack("set", "appliance", "attr", "backend", "attr=k", "value=app")
    hosts = all_hosts(appliance__name="backend")
    resolved = attrs.resolve(hosts, pattern="k*")
    resolved[hosts[0].id]["k"] = "changed"
    assert resolved[hosts[1].id]["k"].value == "app"
    assert set(resolved[hosts[1].id]) == {"k", "kickstartable"}


def test_const_overwrite_reaches_a_plain_name(stack):
    stack("add", "host", "backend-0-0")
    stack("set", "host", "attr", "backend-0-0", "attr=rack", "value=9")
    host = all_hosts(name="backend-0-0")
    assert attrs.resolve(host, pattern="rack")[host[0].id]["rack"].value == "0"
    m.Attribute.objects.create(scope="host", host=host[0], name="const_overwrite",
                               value="false")
    assert attrs.resolve(host, pattern="rack")[host[0].id]["rack"].value == "9"


def test_placement_of_a_host_with_deferred_fields(stack):
    stack("add", "host", "backend-0-0")
    full = m.Host.objects.get(name="backend-0-0")
    deferred = m.Host.objects.only("name").get(name="backend-0-0")
    assert scopes.placement(deferred) == scopes.placement(full) == (
        full.appliance_id, full.box_id, None)
