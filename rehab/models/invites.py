"""Invitations: how a patient gets a login to the app."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehab.models.patient import Patient


class PatientInvite(models.Model):
    """A one-time, expiring link a clinician gives a patient to set up their app login.

    Only a hash of the token is stored: the link itself is shown once and mailed.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a newer invitation replaced this one."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invite_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient} until {self.expires_at:%Y-%m-%d %H:%M}"
