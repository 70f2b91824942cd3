from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


def _sync_clinician_group(**kwargs: Any) -> None:
    # Permissions exist only after migrate has created them, so the group is
    # brought up to date after every migrate rather than in a data migration.
    from rehab.services import clinician_group_sync

    clinician_group_sync()


class RehabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rehab"
    verbose_name = "Clinical records"

    def ready(self) -> None:
        post_migrate.connect(_sync_clinician_group, dispatch_uid="rehab.sync_clinician_group")
        from django.conf import settings

        from rehab.signals import revoke_tokens_on_password_change

        pre_save.connect(
            revoke_tokens_on_password_change,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="rehab.revoke_tokens_on_password_change",
        )
