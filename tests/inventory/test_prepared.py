"""Queries compiled once: the same rows and writes as the ORM's own calls."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from stacki.inventory.prepared import Prepared, PreparedInsert

pytestmark = pytest.mark.django_db

USER_COLUMNS = ("id", "username", "admin", "active", "joined")


def users_named(name):
    return m.User.objects.filter(username=name).values_list(*USER_COLUMNS)


@pytest.fixture
def users():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    return [m.User.objects.create(username=name, password="!", admin=admin, joined=when)
            for name, admin in (("ann", True), ("bob", False))]


def test_rows_are_those_of_the_queryset_with_each_value(users):
    named = Prepared(users_named)
    for name in ("ann", "bob", "nobody"):
        assert named(name) == list(users_named(name))
    # Booleans and datetimes come back converted, as the ORM gives them.
    [(_, _, admin, active, joined)] = named("ann")
    assert (admin, active, joined) == (True, True, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))


def test_integer_values_and_joins(users):
    staff = m.Group.objects.create(name="staff")
    users[1].groups.add(staff)
    m.GroupPerm.objects.create(group=staff, command="list.*")
    perms = Prepared(lambda user: m.GroupPerm.objects.filter(group__users__id=user)
                     .values_list("command"))
    assert perms(users[1].id) == [("list.*",)]
    assert perms(users[0].id) == []


def test_compiled_once_then_only_run(users, monkeypatch):
    named = Prepared(users_named)
    named("ann")

    def no_compiling(self, *args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_compiling)
    with CaptureQueriesContext(connection) as captured:
        assert [row[1] for row in named("bob")] == ["bob"]
    assert len(captured) == 1


def test_a_value_a_lookup_changes_is_refused(db):
    with pytest.raises(ValueError, match="a lookup changes value 0"):
        Prepared(lambda name: m.User.objects.filter(username__contains=name)
                 .values_list("id"))("a")


def test_a_value_that_does_not_reach_the_query_is_refused(db):
    with pytest.raises(ValueError, match="not every value reaches the query"):
        Prepared(lambda name: m.User.objects.values_list("id"))("a")


def test_insert_writes_what_save_writes(db, monkeypatch):
    when = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)
    insert = PreparedInsert(m.AuditRecord)
    fields = dict(time=when, username="ann", command="list.host", args=["a", "b"],
                  params={"expanded": "true"}, status=200, duration=1.5, outcome="ok")
    insert(m.AuditRecord(**fields))
    m.AuditRecord(**dict(fields, username="bob")).save()
    monkeypatch.setattr(SQLInsertCompiler, "as_sql", lambda *a, **k: pytest.fail("compiled"))
    insert(m.AuditRecord(**dict(fields, username="cid", key_number=None)))

    columns = [f.attname for f in m.AuditRecord._meta.concrete_fields
               if f.attname not in ("id", "username")]
    rows = {name: dict(zip(columns, row)) for name, *row in
            m.AuditRecord.objects.values_list("username", *columns)}
    assert set(rows) == {"ann", "bob", "cid"}
    assert rows["ann"] == rows["bob"] == rows["cid"]
    assert (rows["ann"]["time"], rows["ann"]["args"], rows["ann"]["detail"]) == (when, ["a", "b"], "")
