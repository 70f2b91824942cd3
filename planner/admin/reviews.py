"""Weekly reviews waiting for the clinician: approve or reject."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from planner import services
from planner.admin.shared import OwnProgramsMixin, errors, why_html
from planner.engine.serialize import dose_text
from planner.models import (
    ReviewItem,
    ReviewProposal,
)


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    can_delete = False
    fields = ("program_exercise", "action", "variable", "proposed", "new_exercise", "why")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="proposed dose")
    def proposed(self, obj: ReviewItem) -> str:
        return dose_text(obj.sets, obj.reps, obj.hold_s, obj.duration_s)

    @admin.display(description="why")
    def why(self, obj: ReviewItem) -> str:
        return why_html(obj.reasons)


@admin.register(ReviewProposal)
class ReviewProposalAdmin(OwnProgramsMixin, admin.ModelAdmin):
    list_display = ("program", "week_start", "status", "pause_progression", "created_at")
    list_filter = ("status", "pause_progression")
    list_select_related = ("program__patient",)
    readonly_fields = (
        "program",
        "week_start",
        "status",
        "pause_progression",
        "week_reasons",
        "decided_by",
        "decided_at",
        "resulting_version",
    )
    fields = readonly_fields
    inlines = (ReviewItemInline,)
    actions = ("approve", "reject")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewProposal]:
        return self.restrict(request, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="reasons")
    def week_reasons(self, obj: ReviewProposal) -> str:
        return why_html(obj.reasons)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ReviewProposal], approve: bool
    ) -> None:
        for proposal in queryset:
            try:
                if approve:
                    services.review_approve(proposal=proposal, by=request.user)
                else:
                    services.review_reject(proposal=proposal, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{proposal}: {errors(error)}", messages.ERROR)
            else:
                verb = "approved" if approve else "rejected"
                self.message_user(request, f"{proposal}: {verb}.", messages.SUCCESS)

    @admin.action(description="Approve the selected reviews (makes the next program version)")
    def approve(self, request: HttpRequest, queryset: QuerySet[ReviewProposal]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected reviews")
    def reject(self, request: HttpRequest, queryset: QuerySet[ReviewProposal]) -> None:
        self._decide(request, queryset, approve=False)
