"""What the planner's admin pages share: error text, explanations, ownership."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from rehab.selectors import patient_visible_to


def errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
    return " ".join(error.messages)


def why_html(explanation: Sequence[dict[str, str]]) -> str:
    return format_html_join(
        "", "<div><code>{}</code> {}</div>", ((r["rule"], r["text"]) for r in explanation)
    )


class OwnProgramsMixin:
    """Clinicians see only their own patients' programs (superusers see all)."""

    program_path = "program"

    def restrict(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        patients = patient_visible_to(user=request.user)
        return queryset.filter(**{f"{self.program_path}__patient__in": patients})
