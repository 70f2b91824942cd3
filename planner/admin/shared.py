"""What the planner's admin pages share: error text, explanations, ownership."""

from collections.abc import Sequence
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

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


class OwnHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's History pages, read-only and only for objects the user may see.

    simple-history shows the history of any id it finds rows for (deleted objects too), and
    offers to revert: here an object outside the admin's queryset is not found, as on its
    change page, and records change only through the page and the services."""

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True
