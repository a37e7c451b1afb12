"""The session engine of the web service: Django's database sessions, kept
in api_session, whose `user` column mirrors the user id the session holds
(stacki.ws.authentication). Loading a session reads its user in the same
query, and removing a user removes their sessions."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from stacki.inventory.models import Session, User, columns_of
from stacki.inventory.prepared import Prepared

# The session entry holding the user's id.
USER_ID = "stacki_user"

_SESSION_FIELDS = columns_of(Session)
_USER_FIELDS = columns_of(User)
_WIDTH, _EXPIRES = len(_SESSION_FIELDS), _SESSION_FIELDS.index("expire_date")
# A session row and its user's (all None when it names none), read together.
_SESSION_AND_USER = Prepared(lambda key: Session.objects.filter(session_key=key).values_list(
    *_SESSION_FIELDS, *columns_of(User, "user__")))


class SessionStore(DatabaseStore):
    # The user of the loaded session row, when it names one.
    user: User | None = None

    @classmethod
    def get_model_class(cls):
        return Session

    def _get_session_from_db(self):
        # An invalid, unknown or expired key reads as no key: a new session
        # would get a new one. Expiry is checked here rather than in SQL,
        # where a datetime comparison costs a quarter of the query.
        rows = _SESSION_AND_USER(self.session_key) if self.session_key else []
        if not rows or rows[0][_EXPIRES] <= timezone.now():
            self._session_key = None
            return None
        session = Session.from_db(DEFAULT_DB_ALIAS, _SESSION_FIELDS, rows[0][:_WIDTH])
        if session.user_id is not None:
            self.user = User.from_db(DEFAULT_DB_ALIAS, _USER_FIELDS, rows[0][_WIDTH:])
        return session

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id = data.get(USER_ID)
        return row

