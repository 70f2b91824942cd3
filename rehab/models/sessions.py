"""Signed-in sessions, stored with the id of the user they sign in.

Django's database sessions keep who is signed in only inside the encoded session data.
Keeping the user's id in a column of its own (Django's documented way to extend the
database session engine: `AbstractBaseSession`) lets the patient app read the session,
its user and what the page shows in one query (`config.sessions`), and lets a user's
sessions be found and ended without decoding every session (erasure, a password reset).
"""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    # Null while nobody is signed in (a visitor's session: the language, a form's step).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        db_table = "rehab_user_session"
        verbose_name = "signed-in session"
