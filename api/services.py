"""Writes of the API's own: the authentication tokens of REST clients."""

from typing import Any

from rest_framework.authtoken.models import Token

from rehab.auth import token_expired


def auth_token_obtain(*, user: Any) -> Token:
    """The user's token, made on first use; the same one until it expires or is revoked (a
    password change), then a new one."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


def auth_token_revoke(*, user: Any) -> int:
    """Delete the user's token; returns how many were deleted (0 or 1)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted
