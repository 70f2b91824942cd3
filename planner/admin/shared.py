"""What the planner's admin pages share: error text, explanations, ownership."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from exercises.selectors import reading_language
from planner.explanations import Names, reason_text
from rehab.selectors import patient_visible_to


def errors(error: ValidationError) -> str:
    """A refusal in the words a doctor reads: its messages, never the keys of the fields they
    are filed under ("patient:", "status:") that an API client needs."""
    return " ".join(str(message) for message in error.messages)


def why_html(explanation: Sequence[dict[str, Any]], *, names: Names | None = None) -> str:
    """Explanations as stored, each with its rule's code, in the clinician's words and the
    doctor's active language (a clinician's own note as it was written). Pass one `names`
    (`explanation_names()`) where a page shows many, so exercise names are read once."""
    names = names if names is not None else explanation_names()
    return format_html_join(
        "",
        "<div><code>{}</code> {}</div>",
        ((row.get("rule", ""), reason_text(row, names=names)) for row in explanation),
    )


def explanation_names() -> Names:
    """The names inside explanations, in the active language, read once when first needed."""
    return Names(reading_language())


class OwnProgramsMixin:
    """Clinicians see only their own patients' programs (superusers see all)."""

    program_path = "program"

    def restrict(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        patients = patient_visible_to(user=request.user)
        return queryset.filter(**{f"{self.program_path}__patient__in": patients})


class SaveWhereEditableMixin:
    """A change page where nothing can be edited (an approved program, a review) shows no
    Save buttons: Django offers them whenever the user may change the model at all."""

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if change and not _editable(context):
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


def _editable(context: dict[str, Any]) -> bool:
    """Whether the page has a field to type in, or an inline row to add, change or delete."""
    if any(not field.is_hidden for field in context["adminform"].form):
        return True
    for inline in context.get("inline_admin_formsets", ()):
        if inline.has_add_permission or inline.has_delete_permission:
            return True
        if any(not field.is_hidden for form in inline.formset.forms for field in form):
            return True
    return False


@dataclass(frozen=True)
class Decision:
    """What a confirmation page asks before a doctor's decision on a draft or a review."""

    step: str  # the breadcrumb: "Approve"
    question: str
    button: str
    details: Sequence[str] = ()
    note: str = ""


def decision_page(
    model_admin: Any,
    request: HttpRequest,
    obj: Any,
    decision: Decision,
    *,
    can_decide: bool,
    problems: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    """The confirmation page (admin/planner/decision_confirmation.html) in the admin's look."""
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": decision.step,
        "opts": opts,
        "object": obj,
        "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        "step": decision.step,
        "question": decision.question,
        "details": decision.details,
        "note": decision.note,
        "button": decision.button,
        "can_decide": can_decide,
        "problems": problems,
    }
    return TemplateResponse(
        request, "admin/planner/decision_confirmation.html", context, status=status
    )


def confirmed(request: HttpRequest) -> bool:
    """A decision is posted from its confirmation page, never by a bare POST."""
    return request.POST.get("confirm") == "yes"


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


def decision_post(
    model_admin: Any,
    request: HttpRequest,
    *,
    decide: Callable[[], object],
    unconfirmed: str,
    done: str,
    done_url: str,
) -> tuple[HttpResponse | None, list[str]]:
    """A decision page's POST: only with the page's confirmation, `decide()` (the service,
    safety check and all); then the page to go to, or the reasons it was refused (the
    service's own words), for the page to show again."""
    if not confirmed(request):
        return None, [unconfirmed]
    try:
        decide()
    except ValidationError as refused:
        return None, [str(message) for message in refused.messages]
    model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(done_url), []
