"""Login throttling: after STACKI_LOGIN_FAILURES failed logins (form or Basic)
for one user name from one address, or from one address whatever the names,
within STACKI_LOGIN_WINDOW seconds, further attempts for that name from that
address, or from that address, are answered 429 with a Retry-After until
enough failures have aged out of the window.

A lock never reaches beyond the address the failures came from: wrong keys
sent from elsewhere cannot lock a user (an admin included) out of their own
machine. `remove api lock` lifts a lock before its time.

The failures are rows in the database, so every server sharing it counts
the same; a refused attempt is not checked and not counted (it costs no
hash). Unknown user names are counted like known ones: the answers must
not tell them apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from stacki.apiusers.locks import ADDRESS, PAIR, limits, pair
from stacki.inventory.models import LoginFailure
from stacki.ws.replies import error_response


def client_address(request: HttpRequest) -> str:
    """The caller's address: the peer's, or behind trusted reverse proxies the
    last X-Forwarded-For hop they did not add (earlier hops can be forged)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.STACKI_TRUSTED_PROXIES
    if peer not in proxies:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop and hop not in proxies:
            return hop[:64]
    return peer


@dataclass
class Gate:
    """The failures in the window for one attempt's user name and address."""

    username: str
    address: str
    # Looked up at each call, not bound once: tests move the clock.
    now: datetime = field(default_factory=lambda: timezone.now())

    def __post_init__(self) -> None:
        self.pair = pair(self.username, self.address)
        self.limit, self.window = limits()
        self.times: dict[str, list[datetime]] = {PAIR: [], ADDRESS: []}
        if self.limit <= 0:
            return
        subjects = Q(kind=PAIR, subject=self.pair) | Q(kind=ADDRESS, subject=self.address)
        for kind, when in (LoginFailure.objects.filter(subjects, time__gt=self.now - self.window)
                           .order_by("time").values_list("kind", "time")):
            self.times[kind].append(when)

    def retry_after(self) -> int | None:
        """Seconds until an attempt will be checked again; None when it is now."""
        if self.limit <= 0:
            return None
        waits = [times[len(times) - self.limit] + self.window - self.now
                 for times in self.times.values() if len(times) >= self.limit]
        if not waits:
            return None
        return max(1, math.ceil(max(waits).total_seconds()))

    def failed(self) -> None:
        if self.limit <= 0:
            return
        # Old failures go as new ones come: the table holds one window at most.
        LoginFailure.objects.filter(time__lte=self.now - self.window).delete()
        LoginFailure.objects.bulk_create([
            LoginFailure(kind=PAIR, subject=self.pair, time=self.now),
            LoginFailure(kind=ADDRESS, subject=self.address, time=self.now)])

    def succeeded(self) -> None:
        """A user who gets in starts afresh from there (the address's count stays)."""
        if self.times[PAIR]:
            LoginFailure.objects.filter(kind=PAIR, subject=self.pair).delete()


def too_many(retry_after: int) -> HttpResponse:
    response = error_response(f"Too many failed logins; try again in {retry_after} seconds", 429)
    response["Retry-After"] = str(retry_after)
    return response
