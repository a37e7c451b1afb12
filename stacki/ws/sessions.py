"""The session engine of the web service: Django's database sessions, kept
in api_session, whose `user` column mirrors the user id the session holds
(stacki.ws.authentication). Loading a session reads its user in the same
query, and removing a user removes their sessions."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.utils import timezone

from stacki.inventory.models import Session, User

# The session entry holding the user's id.
USER_ID = "stacki_user"


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
        rows = list(self.model.objects.select_related("user").filter(
            session_key=self.session_key)) if self.session_key else []
        if not rows or rows[0].expire_date <= timezone.now():
            self._session_key = None
            return None
        self.user = rows[0].user
        return rows[0]

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id = data.get(USER_ID)
        return row

