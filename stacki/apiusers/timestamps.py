"""Moments given as command parameters (`expires=`, `since=`, `before=`) and
how the API-management commands print them.

A moment is a date or date and time in ISO form (`2030-01-31`,
`2030-01-31 12:00`, `2030-01-31T12:00:00+02:00`; without a zone it is UTC),
or a duration counted from now (`30d`, `12h`, `90m`, `2w`, `45s`): into the
future for an expiry, into the past for a query bound.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone as dj_timezone

from stacki import errors

_DURATION = re.compile(r"(\d{1,9})([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FORMAT = "%Y-%m-%d %H:%M:%S"
EXPECTED = "a date (YYYY-MM-DD[ HH:MM[:SS]]) or a duration like 30d or 12h"


def parse(value: str, param: str, future: bool = False) -> datetime:
    """The moment `value` names; ParamValue naming `param` when it names none."""
    text = value.strip()
    try:
        duration = _DURATION.fullmatch(text)
        if duration:
            delta = timedelta(**{_UNITS[duration.group(2)]: int(duration.group(1))})
            now = dj_timezone.now()
            return now + delta if future else now - delta
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # In UTC, as stored and shown: 9999-12-31T23:59-01:00 is past year 9999.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise errors.ParamValue(param, EXPECTED) from None


def parse_future(value: str, param: str) -> datetime:
    moment = parse(value, param, future=True)
    if moment <= dj_timezone.now():
        raise errors.ParamValue(param, "in the future")
    return moment


def show(moment: datetime | None) -> str | None:
    """UTC, to the second; None (printed as dashes) for no moment."""
    return moment.astimezone(UTC).strftime(FORMAT) if moment else None
