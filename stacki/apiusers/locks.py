"""Login locks: the failed logins the web service counts (stacki.ws.throttle
decides with them) and the locks they make, read and lifted here so that
`list api lock` and `remove api lock` need nothing of the web service."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from stacki.inventory.models import LoginFailure

PAIR, ADDRESS = "pair", "address"
MAX_SUBJECT = 255
MAX_NAME = 150


def pair(username: str, address: str) -> str:
    """The subject of a (user name, address) pair: `name@address` (an
    address has no `@`, so the last one separates them)."""
    return f"{username[:MAX_NAME]}@{address}"[:MAX_SUBJECT]


def limits() -> tuple[int, timedelta]:
    return settings.STACKI_LOGIN_FAILURES, timedelta(seconds=settings.STACKI_LOGIN_WINDOW)


def locks(now: datetime | None = None) -> list[tuple[str, str, int, datetime]]:
    """The locks in force: (user name or "", address, failures, until), by address."""
    limit, window = limits()
    if limit <= 0:
        return []
    now = now or timezone.now()
    times: dict[tuple[str, str], list[datetime]] = {}
    for kind, subject, when in (LoginFailure.objects.filter(time__gt=now - window)
                                .order_by("time").values_list("kind", "subject", "time")):
        user, _, address = subject.rpartition("@") if kind == PAIR else ("", "", subject)
        key = (user, address)
        times.setdefault(key, []).append(when)
    return sorted((user, address, len(t), t[len(t) - limit] + window)
                  for (user, address), t in times.items() if len(t) >= limit)


def lift(usernames: list[str], address: str | None) -> int:
    """Forget the failures of these users (from `address`, else from
    anywhere) and, given an address, those of the address itself."""
    doomed = Q(pk__in=[])
    for name in usernames:
        doomed |= (Q(kind=PAIR, subject=pair(name, address)) if address is not None
                   else Q(kind=PAIR, subject__startswith=f"{name[:MAX_NAME]}@"))
    if address is not None and not usernames:
        doomed |= Q(kind=ADDRESS, subject=address) | Q(kind=PAIR, subject__endswith=f"@{address}")
    return LoginFailure.objects.filter(doomed).delete()[0]
