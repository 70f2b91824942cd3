"""A new password revokes the user's API tokens, however it was set.

Security, not domain flow: the admin's password form, the patient app's reset, `manage.py
changepassword` and any service all end in the user's `save()`, so the check sits there
rather than in each of them. Sessions need nothing: Django's session hash holds the
password's, so a session signed in with the old password ends by itself.
"""

from typing import Any

from django.contrib.auth import get_user_model

from rehab.auth import tokens_revoke


def revoke_tokens_on_password_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of the user model: delete the tokens when the stored password changes."""
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and "password" not in update_fields:
        return  # last_login and the like
    # Django upgrading the hash of an unchanged password at sign-in saves only the
    # password, with the new one not pending: not a change of password.
    if update_fields == frozenset({"password"}) and getattr(instance, "_password", None) is None:
        return
    stored = (
        get_user_model()
        ._default_manager.filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    if stored is not None and stored != instance.password:
        tokens_revoke(user_id=instance.pk)
