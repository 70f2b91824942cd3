"""Authentication that loads a user together with their patient or clinician record.

Every request of the patient app and the API asks who the user is as a patient or a
clinician; loading both with the user saves those queries on every request.
"""

from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

# The user's own records. (Not more: on the busiest requests, Today from the cache, each
# joined table costs more than it saves.)
WITH_RECORDS = ("patient", "clinician")
# Signed-in sessions are the patient app's (clinicians' admin pages are not the hot path).
SESSION_WITH_RECORDS = ("patient",)


class AccountLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout, first of the backends: a locked account is refused before its
    password is checked.

    Every sign-in over the web (the patient app, the admin, the API's token endpoint)
    passes its request, and those are the ones counted and locked. A check of a password
    with no request (the test client's `login()`, a shell) has no client to lock out, and
    is let through to the next backend instead of failing as axes' own backend does.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UserWithRecordsBackend(ModelBackend):
    """Django's model backend; a signed-in user comes with their records in one query."""

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related(*SESSION_WITH_RECORDS)
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class TokenWithRecordsAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's user comes with their records in one query."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        model: Any = self.get_model()
        related = [f"user__{path}" for path in WITH_RECORDS]
        try:
            token = model.objects.select_related("user", *related).get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(_("Token has expired; sign in again."))
        return (token.user, token)


def token_expired(token: Token) -> bool:
    """Whether the API token was issued API_TOKEN_TTL_DAYS days ago or longer."""
    return timezone.now() - token.created >= timedelta(days=settings.API_TOKEN_TTL_DAYS)


def tokens_revoke(*, user_id: Any) -> int:
    """Delete every API token of the user (a password change or reset); how many."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted
