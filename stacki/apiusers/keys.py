"""API keys: a user may hold several; each is stored only hashed.

Key 1 of a user is the user's password, the key `add api user` prints and the
credentials file holds: it keeps working unchanged (the user's row keeps its
hash) and is revoked by making the password unusable. Further keys
(`add api key`, `set api user key`) are ApiKey rows numbered 2, 3, ... per
user; they may expire, and revoking one marks it, so an id is never reused.
A row numbered 1, when there is one, only records when key 1 was last used.

Every login attempt hashes once, whoever the user is and whichever key is
tried, so that timing tells an unknown user from a wrong key no better than
chance: the first characters of each key are stored in clear to find its row
without hashing the others (the rest, over 200 bits, stays secret), and an
unknown user or a key that matches nothing is hashed against a dummy. A
process remembers the keys it has verified (as an HMAC, never the key), so
per-request Basic authentication does not pay for a slow hash on every call;
each use still reads the key's row, so a revoked or expired key fails at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from stacki import home
from stacki.inventory.models import ApiKey, User

log = logging.getLogger("stacki.ws")

PASSWORD_KEY = 1
LOOKUP = 8
# `last used` is kept to the minute: no write on every request.
TOUCH_EVERY = timedelta(minutes=1)
# Where a session records the key it was opened with.
SESSION_KEY = "stacki_key"
_REMEMBERED = 4096
_verified: dict[bytes, tuple[int, int, str]] = {}


@dataclass
class Match:
    user: User
    number: int


# --- issuing and revoking ---------------------------------------------------
def issue(user: User, expires: datetime | None = None, comment: str = "") -> tuple[int, str]:
    """A new key for `user`: its number and the key (shown once, never stored)."""
    key = home.new_api_key()
    last = ApiKey.objects.filter(user=user).aggregate(n=Max("number"))["n"] or PASSWORD_KEY
    ApiKey.objects.create(user=user, number=last + 1, lookup=key[:LOOKUP],
                          hash=make_password(key), comment=comment, created=timezone.now(),
                          expires=expires)
    return last + 1, key


def live(user_ids, now: datetime | None = None):
    """The unrevoked, unexpired key rows (2, 3, ...) of some users."""
    now = now or timezone.now()
    return (ApiKey.objects.filter(user__in=user_ids, number__gt=PASSWORD_KEY, revoked__isnull=True)
            .exclude(expires__lte=now))


def held(user: User) -> set[int]:
    """The numbers of the keys of `user` not revoked (expired ones included)."""
    numbers = set(ApiKey.objects.filter(user=user, number__gt=PASSWORD_KEY, revoked__isnull=True)
                  .values_list("number", flat=True))
    if user.has_usable_password():
        numbers.add(PASSWORD_KEY)
    return numbers


def revoke(user: User, numbers: set[int]) -> None:
    if PASSWORD_KEY in numbers:
        # Also ends the sessions opened with it (their password fingerprint).
        user.set_key(None)
        user.save(update_fields=["password"])
    ApiKey.objects.filter(user=user, number__in=numbers, revoked__isnull=True).update(
        revoked=timezone.now())


# --- checking ---------------------------------------------------------------
def authenticate(username: str, key: str) -> Match | None:
    """The user and key number when `key` is a live key of `username`."""
    user = User.objects.filter(username=username).first() if username else None
    if user is None or not user.active or not key:
        make_password(key)  # the cost of a check, for nobody
        return None
    now = timezone.now()
    rows = list(ApiKey.objects.filter(user=user)
                .filter(Q(number=PASSWORD_KEY) | Q(lookup=key[:LOOKUP], revoked__isnull=True))
                .exclude(expires__lte=now))
    candidates = [r for r in rows if r.number != PASSWORD_KEY and r.hash]
    digest = _digest(username, key)
    number = _remembered(digest, user, candidates)
    if number is None:
        number = _check(user, key, candidates)
        if number is None:
            return None
        stored = user.password if number == PASSWORD_KEY else next(
            r.hash for r in candidates if r.number == number)
        _remember(digest, user.id, number, stored)
    row = next((r for r in rows if r.number == number), None)
    _touch(user, number, row, now)
    return Match(user, number)


def _check(user: User, key: str, candidates: list[ApiKey]) -> int | None:
    for row in candidates:
        if check_password(key, row.hash, setter=_rehash(row)):
            return row.number
    if user.has_usable_password():
        return PASSWORD_KEY if user.check_key(key) else None
    if not candidates:
        make_password(key)
    return None


def _rehash(row: ApiKey):
    def setter(raw: str) -> None:
        ApiKey.objects.filter(pk=row.pk).update(hash=make_password(raw))

    return setter


def _digest(username: str, key: str) -> bytes:
    return hmac.digest(settings.SECRET_KEY.encode(), f"{username}\0{key}".encode(), hashlib.sha256)


def _remembered(digest: bytes, user: User, candidates: list[ApiKey]) -> int | None:
    """The key number when this process verified this very key before and
    the stored hash it verified against is still live."""
    known = _verified.get(digest)
    if known is None or known[0] != user.id:
        return None
    _, number, stored = known
    if number == PASSWORD_KEY:
        return number if user.has_usable_password() and user.password == stored else None
    return number if any(r.number == number and r.hash == stored for r in candidates) else None


def _remember(digest: bytes, user_id: int, number: int, stored: str) -> None:
    if len(_verified) >= _REMEMBERED:
        _verified.clear()
    _verified[digest] = (user_id, number, stored)


def _touch(user: User, number: int, row: ApiKey | None, now: datetime) -> None:
    """Record the use; bookkeeping, so a failure to write only warns."""
    if row is not None and row.last_used and now - row.last_used < TOUCH_EVERY:
        return
    try:
        with transaction.atomic():
            if row is not None:
                ApiKey.objects.filter(pk=row.pk).update(last_used=now)
            else:
                ApiKey.objects.create(user=user, number=PASSWORD_KEY, created=user.joined,
                                      last_used=now)
    except IntegrityError:
        pass  # another request recorded the first use at the same moment
    except DatabaseError:
        log.warning("cannot record the use of key %d of %s", number, user.username)


def session_key_live(user_id: int, number: int | None) -> bool:
    """Whether the key a session was opened with still works. Key 1 needs no
    look: making the password unusable already ended its sessions."""
    if number is None or number == PASSWORD_KEY:
        return True
    return live([user_id]).filter(number=number).exists()

