"""Authentication that loads a user together with their patient or clinician record.

Every request of the patient app and the API asks who the user is as a patient or a
clinician; loading both with the user saves those queries on every request.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

# The user's own records. (Not more: on the busiest requests, Today from the cache, each
# joined table costs more than it saves.)
WITH_RECORDS = ("patient", "clinician")
# Signed-in sessions are the patient app's (clinicians' admin pages are not the hot path).
SESSION_WITH_RECORDS = ("patient",)


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
        return (token.user, token)
