"""The worklist's marks: "Mark handled" from the admin index, and who handled what, when.

The list itself is on the admin index (workspace's index template); this page keeps the
marks, read-only, and takes the index's "Mark handled" button.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from planner import services
from planner.admin.shared import errors
from planner.models import WorklistKind, WorklistMark
from rehab.selectors import patient_visible_to


@admin.register(WorklistMark)
class WorklistMarkAdmin(admin.ModelAdmin):
    list_display = ("patient", "kind", "since", "by_name", "at")
    list_filter = ("kind",)
    list_select_related = ("patient", "by")
    search_fields = ("patient__first_name", "patient__last_name")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorklistMark]:
        return (
            super().get_queryset(request).filter(patient__in=patient_visible_to(user=request.user))
        )

    @admin.display(description=_lazy("handled by"), ordering="by__last_name")
    def by_name(self, mark: WorklistMark) -> str:
        return mark.by.get_full_name() or mark.by.get_username()

    # Marks are made from the worklist only, and never edited.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        handle = path(
            "handle/",
            self.admin_site.admin_view(self.handle_view),
            name="planner_worklistmark_handle",
        )
        return [handle, *super().get_urls()]

    def handle_view(self, request: HttpRequest) -> HttpResponse:
        """The index's "Mark handled" button: one reason, then back to the worklist."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("planner.view_worklistmark"):
            raise PermissionDenied
        since = parse_datetime(request.POST.get("since", "")) if request.POST.get("since") else None
        try:
            if since is None:
                raise ValidationError({"since": _("This reason is not on the worklist now.")})
            mark = services.worklist_reason_handle(
                user=request.user,
                patient_id=request.POST.get("patient"),
                kind=request.POST.get("kind", ""),
                since=since,
            )
        except (ValidationError, ValueError) as refused:
            text = errors(refused) if isinstance(refused, ValidationError) else str(refused)
            self.message_user(request, text, messages.ERROR)
        else:
            self.message_user(
                request,
                _("Marked handled: %(reason)s, %(patient)s.")
                % {"reason": WorklistKind(mark.kind).label, "patient": mark.patient},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:index"))
