"""The audit trail of the web service (stacki.ws.audit): query and prune it."""

from __future__ import annotations

from stacki import errors
from stacki.apiusers.access import dotted
from stacki.apiusers.timestamps import parse, show
from stacki.framework.command import Command, Example, Param, Params
from stacki.framework.output import Table
from stacki.inventory.models import AuditRecord

HEADER = ["time", "user", "via", "address", "command", "arguments", "outcome", "detail",
          "status", "duration"]
MOMENT = "a date (YYYY-MM-DD[ HH:MM[:SS]], UTC) or an age (30d, 12h)"


def command_filter(value: str) -> dict[str, str]:
    """`list.host` or `list host` exactly, `list.*` every list command; an
    endpoint (/stack/login) as it is."""
    if value.startswith("/"):
        return {"command": value.rstrip("/") or "/"}
    path = dotted(value)
    if path.endswith("*"):
        return {"command__startswith": path.rstrip("*")}
    return {"command": path}


def arguments(record: AuditRecord) -> str:
    words = [str(a) for a in record.args or []]
    words += [f"{k}={v}" for k, v in (record.params or {}).items()]
    return " ".join(words)


def via(record: AuditRecord) -> str | None:
    if not record.auth:
        return None
    return f"{record.auth} key {record.key_number}" if record.key_number else record.auth


class ListApiAudit(Command):
    """List the web-service calls recorded in the audit trail, oldest first.

    Every call is recorded, allowed or not: when (UTC), who, how they
    authenticated (session, form login or basic, and which key), from which
    address, the command path (or the endpoint, e.g. /stack/login) with its
    arguments and parameters (secrets redacted), the outcome (ok, denied,
    error, failed for a wrong key, throttled), why, the HTTP status and the
    duration in milliseconds. Admin-only over the web service.
    """

    path = "list api audit"
    params = (
        Param("user", help="Only the calls of this user (the name given, for failed logins)."),
        Param("command", help="Only this command (list.host), these commands (list.*) or "
                              "this endpoint (/stack/login)."),
        Param("since", help=f"Only calls at or after this moment: {MOMENT}."),
        Param("until", help=f"Only calls before this moment: {MOMENT}."),
        Param("outcome", help="Only calls with this outcome: " + ", ".join(AuditRecord.OUTCOMES) + "."),
    )
    examples = (
        Example("list api audit user=greg since=1d", "What greg did in the last day."),
        Example("list api audit outcome=denied command=add.*",
                "Refused add commands, whoever tried them."),
        Example("list api audit outcome=failed since=1h", "Wrong keys in the last hour."),
    )
    related = ("remove api audit",)
    admin_only_on_api = True

    def run(self, args: list[str], params: Params) -> Table:
        records = AuditRecord.objects.filter(**self.filters(params)).order_by("time", "id")
        return Table(HEADER, [
            [show(r.time), r.username, via(r), r.address, r.command, arguments(r), r.outcome,
             r.detail, r.status, round(r.duration, 1)] for r in records.iterator()])

    @staticmethod
    def filters(params: Params) -> dict:
        filters: dict = {}
        if params.value("user"):
            filters["username"] = params["user"]
        if params.value("command"):
            filters.update(command_filter(params["command"]))
        if params.value("since"):
            filters["time__gte"] = parse(params["since"], "since")
        if params.value("until"):
            filters["time__lt"] = parse(params["until"], "until")
        outcome = params.value("outcome")
        if outcome is not None:
            if outcome not in AuditRecord.OUTCOMES:
                raise errors.ParamValue("outcome", "one of " + ", ".join(AuditRecord.OUTCOMES))
            filters["outcome"] = outcome
        return filters


class RemoveApiAudit(Command):
    """Prune the audit trail: remove the records of calls before a moment."""

    path = "remove api audit"
    params = (Param("before", optional=False,
                    help=f"Remove the records older than this: {MOMENT}."),)
    examples = (Example("remove api audit before=90d", "Keeps the last 90 days."),
                Example("remove api audit before=2030-01-01", "Removes everything before 2030."))
    related = ("list api audit",)

    def run(self, args: list[str], params: Params) -> None:
        before = parse(params.require("before"), "before")
        AuditRecord.objects.filter(time__lt=before).delete()
