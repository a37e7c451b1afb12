import random

import pytest

from stacki.framework.command import resolve
from stacki.framework.context import Context
from stacki.framework.runner import run_command
from stacki.inventory import attrs
from stacki.inventory import models as m
from tests.commands import scopes
from tests.commands.scopes import TARGETS, as_json, bulk_backends, error, query_counts
from tests.conftest import Result

backend, in_test = scopes.backend, scopes.in_test  # fixtures

SET_USAGE = "{attr=string} {value=string} [shadow=boolean]"
USAGES = {
    "set attr": SET_USAGE,
    "add attr": SET_USAGE,
    "remove attr": "{attr=string}",
    "list attr": "[attr=string] [shadow=boolean]",
    "list attr doc": "[attr=string]",
    "set attr doc": "{attr=string} {doc=string}",
    "list host attr": "[host] [attr=string] [display=string]",
    **{f"{verb} {scope} attr": f"{{{scope} ...}} {SET_USAGE}"
       for verb in ("set", "add") for scope in ("os", "appliance", "environment", "host")},
    **{f"remove {scope} attr": f"[{scope} ...] {{attr=string}}"
       for scope in ("os", "appliance", "environment", "host")},
    **{f"list {scope} attr": f"[{scope}]" for scope in ("os", "appliance", "environment")},
}






@pytest.mark.parametrize("path, usage", sorted(USAGES.items()))
def test_usage_lines(path, usage):
    assert resolve(path.split()).command.usage() == usage


def test_global_listing_drops_the_owner_column(stack):
    r = stack("list", "attr", "attr=os")
    assert r == Result(0, "SCOPE  TYPE ATTR VALUE\nglobal var  os   redhat\n", "")


def test_global_json_has_no_owner_key(stack):
    assert stack("set", "attr", "attr=test", "value=True", "shadow=True").rc == 0
    assert as_json(stack("list", "attr", "attr=test", "output-format=json")) == [
        {"scope": "global", "type": "shadow", "attr": "test", "value": "True"}]


def test_global_intrinsics_win_over_stored(stack):
    r = stack("list", "attr", "attr=Kickstart_Private*Address", "output-format=json")
    assert as_json(r) == [
        {"scope": "global", "type": "const", "attr": "Kickstart_PrivateAddress",
         "value": "192.168.0.2"}]
    consts = as_json(stack("list", "attr", "var=false", "output-format=json"))
    assert [a["attr"] for a in consts] == [
        "Kickstart_PrivateAddress", "Kickstart_PrivateDNSDomain", "Kickstart_PrivateHostname",
        "Kickstart_PrivateKickstartHost", "Kickstart_PrivateNetmask",
        "Kickstart_PrivateNetmaskCIDR", "Kickstart_PrivateNetwork", "release", "version"]
    assert {a["type"] for a in consts} == {"const"}


def test_set_replaces_and_sorts_case_sensitively(stack):
    for name, value in (("b", "1"), ("B", "2"), ("a", "3"), ("b", "4")):
        assert stack("set", "attr", f"attr={name}", f"value={value}") == Result(0, "", "")
    r = stack("list", "attr", "attr=[aBb]", "output-format=col:value")
    assert r == Result(0, "2\n3\n4\n", "")


def test_set_shadow_replaces_var(stack):
    stack("set", "attr", "attr=x", "value=plain")
    stack("set", "attr", "attr=x", "value=secret", "shadow=yes")
    assert stack("list", "attr", "attr=x") == Result(
        0, "SCOPE  TYPE   ATTR VALUE\nglobal shadow x    secret\n", "")
    assert m.Attribute.objects.filter(scope="global", name="x").count() == 1


def test_add_existing_attr(stack):
    assert stack("add", "attr", "attr=x", "value=1") == Result(0, "", "")
    error(stack("add", "attr", "attr=x", "value=2"), 'attr "x" already exists')
    error(stack("add", "attr", "attr=ssh.use_dns", "value=2"), 'attr "ssh.use_dns" already exists')


def test_glob_name_with_value(stack):
    error(stack("set", "attr", "attr=test*", "value=1"), 'invalid attr name "test*"')
    error(stack("add", "host", "attr", "frontend-0-0", "attr=1x", "value=1"),
          'invalid attr name "1x"')


def test_missing_params(stack):
    error(stack("set", "attr", "value=1"), '"attr" parameter is required', SET_USAGE)
    error(stack("set", "attr", "attr=x"), '"value" parameter is required', SET_USAGE)
    error(stack("remove", "attr"), '"attr" parameter is required', "{attr=string}")


def test_bad_scope(stack):
    error(stack("list", "attr", "scope=foo"), '"scope" parameter is not valid',
          USAGES["list attr"])
    error(stack("set", "attr", "attr=x", "value=1", "scope=foo"),
          '"scope" parameter is not valid', SET_USAGE)


def test_arguments_at_global_scope(stack):
    error(stack("list", "attr", "foo"), "Arguments are not allowed at the global scope.")
    error(stack("set", "attr", "foo", "attr=x", "value=1"),
          "Arguments are not allowed at the global scope.")


def test_scope_parameter_without_targets(stack):
    error(stack("set", "attr", "scope=os", "attr=x", "value=1"), "argument is required", SET_USAGE)


@pytest.mark.parametrize("scope", ["os", "appliance", "environment", "host"])
def test_wrappers_need_a_target(stack, scope):
    for verb in ("set", "add"):
        error(stack(verb, scope, "attr", "attr=x", "value=1"),
              f'"{scope}" argument is required', USAGES[f"{verb} {scope} attr"])
    error(stack("remove", scope, "attr", "attr=x"), "argument is required",
          USAGES[f"remove {scope} attr"])


def test_bad_targets(stack):
    error(stack("set", "host", "attr", "nope", "attr=x", "value=1"), 'cannot resolve host "nope"')
    error(stack("set", "appliance", "attr", "nope", "attr=x", "value=1"),
          '"nope" argument is not a valid appliance', USAGES["set appliance attr"])
    error(stack("list", "os", "attr", "nope"), '"nope" argument is not a valid OS', "[os]")
    error(stack("set", "host", "attr", "a:nothing", "attr=x", "value=1"),
          '"host" argument is required', USAGES["set host attr"])


def test_error_writes_nothing(stack, backend):
    before = list(m.Attribute.objects.order_by("id").values())
    error(stack("add", "host", "attr", "frontend-0-0", "backend-0-0", "attr=roll_install_on_the_fly",
                "value=1"), 'attr "roll_install_on_the_fly" already exists')
    assert list(m.Attribute.objects.order_by("id").values()) == before


@pytest.mark.parametrize("scope", ["os", "appliance", "environment", "host"])
def test_set_list_remove_at_each_scope(stack, in_test, scope):
    target = TARGETS[scope]
    assert stack("set", scope, "attr", target, "attr=test.x", "value=1") == Result(0, "", "")
    r = stack("list", scope, "attr", target, "attr=test.*", "resolve=false", "output-format=json")
    assert as_json(r) == [
        {scope: target, "scope": scope, "type": "var", "attr": "test.x", "value": "1"}]
    assert stack("remove", scope, "attr", target, "attr=test.*") == Result(0, "", "")
    assert stack("list", scope, "attr", target, "attr=test.*", "resolve=false") == \
        Result(0, "", "")


def test_list_appliance_attr(stack):
    r = stack("list", "appliance", "attr", "backend", "output-format=json")
    assert as_json(r)[1] == {"appliance": "backend", "scope": "appliance", "type": "var",
                             "attr": "managed", "value": "True"}
    r = stack("list", "appliance", "attr", "back%", "attr=node")
    assert r == Result(0, "APPLIANCE SCOPE     TYPE ATTR VALUE\n"
                          "backend   appliance var  node backend\n", "")


def test_list_environment_attr_without_environments(stack):
    assert stack("list", "environment", "attr") == Result(0, "", "")


def test_set_many_targets(stack):
    assert stack("set", "os", "attr", "redhat", "sles", "attr=a", "value=1") == Result(0, "", "")
    assert stack("list", "os", "attr", "attr=a", "output-format=col:os").out == "redhat\nsles\n"


def test_remove_glob_and_missing(stack):
    assert stack("remove", "attr", "attr=nothing") == Result(0, "", "")
    assert stack("remove", "attr", "attr=*") == Result(0, "", "")
    assert stack("list", "attr", "const=false", "output-format=json") == Result(0, "", "")
    assert stack("set", "attr", "attr=os", "value=") == Result(0, "", "")


def test_scope_resolving(stack, in_test):
    for words in (
        ("add", "attr", "attr=test.global", "value=test_1"),
        ("add", "appliance", "attr", "backend", "attr=test.appliance", "value=test_2"),
        ("add", "os", "attr", "redhat", "attr=test.os", "value=test_3"),
        ("add", "environment", "attr", "test", "attr=test.environment", "value=test_4"),
        ("add", "host", "attr", "backend-0-0", "attr=test.host", "value=test_5"),
        ("add", "attr", "attr=test.override", "value=test_6"),
        ("add", "appliance", "attr", "backend", "attr=test.override", "value=test_7"),
        ("add", "os", "attr", "redhat", "attr=test.override", "value=test_8"),
        ("add", "environment", "attr", "test", "attr=test.override", "value=test_9"),
        ("add", "host", "attr", "backend-0-0", "attr=test.override", "value=test_10"),
    ):
        assert stack(*words) == Result(0, "", ""), words
    r = stack("list", "host", "attr", "backend-0-0", "attr=test.*", "output-format=json")
    assert [tuple(row.values()) for row in as_json(r)] == [
        ("backend-0-0", "appliance", "var", "test.appliance", "test_2"),
        ("backend-0-0", "environment", "var", "test.environment", "test_4"),
        ("backend-0-0", "global", "var", "test.global", "test_1"),
        ("backend-0-0", "host", "var", "test.host", "test_5"),
        ("backend-0-0", "os", "var", "test.os", "test_3"),
        ("backend-0-0", "host", "var", "test.override", "test_10"),
    ]
    stack("remove", "host", "attr", "backend-0-0", "attr=test.override")
    r = stack("list", "host", "attr", "backend-0-0", "attr=test.override")
    assert r.out.splitlines()[1].split() == ["backend-0-0", "environment", "var", "test.override",
                                             "test_9"]


def test_host_rows_sorted_by_name_not_cluster_order(stack, backend):
    r = stack("list", "host", "attr", "attr=hostname")
    assert r == Result(0, "HOST         SCOPE TYPE  ATTR     VALUE\n"
                          "backend-0-0  host  const hostname backend-0-0\n"
                          "frontend-0-0 host  const hostname frontend-0-0\n", "")


def test_host_intrinsics(stack, in_test):
    r = stack("list", "host", "attr", "backend-0-0", "const=true", "var=false",
              "output-format=json")
    values = {row["attr"]: row["value"] for row in as_json(r)}
    assert {row["type"] for row in as_json(r)} == {"const"}
    assert values["hostname"] == "backend-0-0"
    assert values["environment"] == "test"
    assert values["pallets"] == [] and values["os.version"] is None
    assert values["groups"] == "" and "hostaddr" not in values
    assert values["release"] == "redhat7"


def test_const_overwrite(stack, backend):
    stack("set", "host", "attr", "backend-0-0", "attr=os", "value=test")
    r = stack("list", "host", "attr", "backend-0-0", "attr=os", "output-format=json")
    assert as_json(r) == [{"host": "backend-0-0", "scope": "host", "type": "const",
                           "attr": "os", "value": "redhat"}]
    stack("set", "host", "attr", "backend-0-0", "attr=const_overwrite", "value=False")
    r = stack("list", "host", "attr", "backend-0-0", "attr=os", "output-format=json")
    assert as_json(r) == [{"host": "backend-0-0", "scope": "host", "type": "var",
                           "attr": "os", "value": "test"}]
    r = stack("list", "host", "attr", "backend-0-0", "attr=rack", "output-format=json")
    assert as_json(r) == [{"host": "backend-0-0", "scope": "host", "type": "const",
                           "attr": "rack", "value": "0"}]


def test_appliance_const_overwrite_is_inert(stack):
    stack("add", "host", "replicant-0-0")
    stack("set", "appliance", "attr", "replicant", "attr=rack", "value=9")
    r = stack("list", "host", "attr", "replicant-0-0", "attr=rack", "output-format=col:value")
    assert r.out == "0\n"


def test_resolve_false_shows_host_scope_only(stack, backend):
    stack("set", "host", "attr", "backend-0-0", "attr=x", "value=1")
    r = stack("list", "host", "attr", "backend-0-0", "resolve=false", "const=false")
    assert r == Result(0, "HOST        SCOPE TYPE ATTR VALUE\nbackend-0-0 host  var  x    1\n", "")


def test_shadow_and_var_switches(stack, backend):
    stack("set", "host", "attr", "backend-0-0", "attr=s", "value=1", "shadow=true")

    def listed(*w):
        return stack("list", "host", "attr", "backend-0-0", "attr=s", *w).out

    assert "shadow" in listed()
    assert listed("shadow=false") == ""
    assert listed("var=false") == ""


def test_non_admins_never_see_shadow(stack, backend):
    stack("set", "host", "attr", "backend-0-0", "attr=s", "value=1", "shadow=true")
    reader = Context(user="nobody", admin=False, readonly=True)
    for words in (["list", "host", "attr", "backend-0-0", "attr=s", "shadow=true"],
                  ["list", "attr", "attr=Kickstart_PrivateRootPassword"],
                  ["list", "host", "attr", "attr=roll_install_on_the_fly"]):
        assert run_command(words, reader).render() == ""
    assert "shadow" in run_command(["list", "host", "attr", "backend-0-0", "attr=s"]).render()


def test_display_common_and_distinct(stack, backend):
    common = as_json(stack("list", "host", "attr", "display=common", "output-format=json"))
    names = {row["attr"] for row in common}
    assert {row["host"] for row in common} == {"_common_"}
    assert {row["scope"] for row in common} == {None}
    assert "Kickstart_PrivateRootPassword" in names and "rank" in names
    assert [row["attr"] for row in common] == sorted(row["attr"] for row in common)
    distinct = as_json(stack("list", "host", "attr", "display=distinct", "output-format=json"))
    by_host = {}
    for row in distinct:
        by_host.setdefault(row["host"], set()).add(row["attr"])
    assert list(by_host) == ["backend-0-0", "frontend-0-0"]
    assert "hostaddr" in by_host["frontend-0-0"] and "hostname" in by_host["backend-0-0"]
    assert not names & by_host["backend-0-0"]
    r = stack("list", "host", "attr", "display=common", "attr=rank")
    assert r == Result(0, "HOST     SCOPE TYPE ATTR VALUE\n_common_ ----- ---- rank 0\n", "")


def test_attr_docs(stack):
    assert stack("list", "attr", "doc") == Result(0, "", "")
    stack("set", "attr", "attr=test", "value=True")
    assert stack("set", "attr", "doc", "attr=test", "doc=foo") == Result(0, "", "")
    assert stack("set", "attr", "doc", "attr=ssh.use_dns", "doc=dns") == Result(0, "", "")
    assert as_json(stack("list", "attr", "doc", "attr=t*", "output-format=json")) == [
        {"attr": "test", "doc": "foo"}]
    assert stack("list", "attr", "doc") == Result(
        0, "ATTR        DOC\nssh.use_dns dns\ntest        foo\n", "")
    assert stack("set", "attr", "doc", "attr=test", "doc=") == Result(0, "", "")
    assert stack("list", "attr", "doc", "output-format=col:attr").out == "ssh.use_dns\n"


def test_attr_doc_errors(stack):
    stack("set", "attr", "attr=secret", "value=1", "shadow=true")
    for name in ("nope", "secret"):
        error(stack("set", "attr", "doc", f"attr={name}", "doc=x"),
              "Cannot set documentation for a non-existant attribute")
    error(stack("set", "attr", "doc", "attr=test"), '"doc" parameter is required',
          USAGES["set attr doc"])


def test_resolution_is_most_specific_scope():
    """Random assignments of one name to random scopes: every host resolves to
    the value of its most specific scope holding the name."""
    rng = random.Random(20240611)
    app, default = m.Appliance.objects.get(name="backend"), m.Box.objects.get(name="default")
    sles_box = m.Box.objects.create(name="slesbox", os=m.OS.objects.get(name="sles"))
    envs = [m.Environment.objects.create(name=f"env{i}") for i in range(3)]
    hosts = m.Host.objects.bulk_create([
        m.Host(name=f"node-{i}", appliance=rng.choice([app, m.Appliance.objects.get(
            name="builder")]), box=rng.choice([default, sles_box]),
            environment=rng.choice(envs + [None]), rack="1", rank=str(i), boot="os")
        for i in range(12)])
    hosts = list(m.Host.objects.select_related("appliance", "box__os", "environment")
                 .filter(name__startswith="node-"))
    scopes = {"global": [None], "appliance": [h.appliance for h in hosts],
              "os": [h.box.os for h in hosts], "environment": envs, "host": hosts}
    for round_ in range(40):
        m.Attribute.objects.filter(name="prop").delete()
        stored = {}
        for scope, candidates in scopes.items():
            for target in {getattr(t, "pk", None): t for t in candidates}.values():
                if rng.random() < 0.4:
                    value = f"{scope}-{round_}-{rng.randrange(1000)}"
                    fields = {} if target is None else {scope: target}
                    m.Attribute.objects.create(scope=scope, name="prop", value=value,
                                               shadow=rng.random() < 0.3, **fields)
                    stored[(scope, None if target is None else target.id)] = value
        resolved = attrs.resolve(hosts, pattern="prop")
        for h in hosts:
            chain = [("host", h.id), ("environment", h.environment_id), ("os", h.box.os_id),
                     ("appliance", h.appliance_id), ("global", None)]
            expected = next((stored[k] for k in chain if k in stored), None)
            got = resolved[h.id].get("prop")
            assert (got.value if got else None) == expected, (round_, h.name)


def test_list_host_attr_queries_do_not_grow():
    def add(start, count):
        m.Attribute.objects.bulk_create([
            m.Attribute(scope="host", host=h, name="bulk", value=h.name)
            for h in bulk_backends(start, count)])

    words = ("list host attr", "list host attr a:backend", "list host attr backend-9-1",
             "list host attr display=common", "list host attr attr=bulk")
    add(0, 5)
    small = query_counts(words)
    add(5, 600)
    assert query_counts(words) == small


def test_set_and_remove_over_many_hosts(stack):
    bulk_backends(0, 700)
    assert stack("set", "host", "attr", "backend-9-*", "attr=x", "value=1") == Result(0, "", "")
    assert m.Attribute.objects.filter(scope="host", name="x").count() == 700
    error(stack("add", "host", "attr", "a:backend", "attr=x", "value=2"), 'attr "x" already exists')
    assert stack("remove", "host", "attr", "a:backend", "attr=x") == Result(0, "", "")
    assert not m.Attribute.objects.filter(name="x").exists()
