"""The clinician: a login that treats patients."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Clinician(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    title = models.CharField(max_length=120, default="Rehabilitation doctor")
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        user: User = self.user
        return user.get_full_name() or user.get_username()
