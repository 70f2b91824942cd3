"""Weekly reviews waiting for the clinician: approve or reject."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from planner import services
from planner.admin.shared import (
    Decision,
    OwnProgramsMixin,
    SaveWhereEditableMixin,
    decision_page,
    decision_post,
    errors,
    why_html,
)
from planner.engine.serialize import dose_text
from planner.models import (
    ReviewItem,
    ReviewProposal,
    ReviewStatus,
)

# What each proposal does, as the doctor reads it on the confirmation page.
ACTIONS = {
    "progress": _noop("a little more"),
    "hold": _noop("unchanged"),
    "step_back": _noop("a step back"),
    "harder_variant": _noop("the harder variant"),
    "easier_variant": _noop("the easier variant"),
}


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
class ReviewProposalAdmin(SaveWhereEditableMixin, OwnProgramsMixin, admin.ModelAdmin):
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

    change_form_template = "admin/planner/reviewproposal_change_form.html"

    def get_urls(self) -> list[URLPattern]:
        decide = [
            path(
                f"<int:proposal_id>/{verb}/",
                self.admin_site.admin_view(self.decide_view),
                {"approve": verb == "approve"},
                name=f"planner_reviewproposal_{verb}",
            )
            for verb in ("approve", "reject")
        ]
        return [*decide, *super().get_urls()]

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = kwargs.get("obj")
        if (
            obj is not None
            and obj.status == ReviewStatus.PENDING
            and self.has_change_permission(request, obj)
        ):
            context["approve_url"] = reverse("admin:planner_reviewproposal_approve", args=[obj.pk])
            context["reject_url"] = reverse("admin:planner_reviewproposal_reject", args=[obj.pk])
        return super().render_change_form(request, context, *args, **kwargs)

    def decide_view(self, request: HttpRequest, proposal_id: int, approve: bool) -> HttpResponse:
        """Approve or reject the review from its own page: asked once more, then the same
        services as the list's actions (an approval is checked against the rules in force on
        the day it takes effect). A GET only asks; a POST without the page's confirmation,
        or for a review already decided, changes nothing."""
        proposal = get_object_or_404(
            self.get_queryset(request).select_related("program__patient"), pk=proposal_id
        )
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        problems: list[str] = []
        if request.method == "POST":

            def decide() -> object:
                if approve:
                    return services.review_approve(proposal=proposal, by=request.user)
                return services.review_reject(proposal=proposal, by=request.user)

            done, problems = decision_post(
                self,
                request,
                decide=decide,
                unconfirmed=_("Decide with the button on this page."),
                done=_("The review is approved: the program has its next version.")
                if approve
                else _("The review is rejected: the program stays as it was."),
                done_url=reverse("admin:planner_reviewproposal_change", args=[proposal.pk]),
            )
            if done is not None:
                return done
            proposal.refresh_from_db()
        pending = proposal.status == ReviewStatus.PENDING
        if not pending and not problems:
            problems = [_("This review is already decided.")]
        return decision_page(
            self,
            request,
            proposal,
            review_decision(proposal, approve=approve),
            can_decide=pending,
            problems=problems,
            status=400 if request.method == "POST" else 200,
        )


def review_decision(proposal: ReviewProposal, *, approve: bool) -> Decision:
    patient = proposal.program.patient
    week = proposal.week_start.isoformat()
    if not approve:
        return Decision(
            step=_("Reject"),
            question=_(
                "Reject the review of the week from %(week)s for %(patient)s? The program "
                "stays as it is: the patient's exercises and doses do not change."
            )
            % {"week": week, "patient": patient},
            button=_("Yes, reject the review"),
        )
    items = proposal.items.select_related("program_exercise__exercise", "new_exercise")
    details = [
        _("%(exercise)s: %(action)s, %(dose)s")
        % {
            "exercise": item.program_exercise.exercise.name,
            "action": _(ACTIONS.get(item.action, item.action))
            + (f" ({item.new_exercise.name})" if item.new_exercise else ""),
            "dose": dose_text(item.sets, item.reps, item.hold_s, item.duration_s),
        }
        for item in items
    ]
    return Decision(
        step=_("Approve"),
        question=_(
            "Approve the review of the week from %(week)s for %(patient)s? From today the "
            "patient is asked to do the following:"
        )
        % {"week": week, "patient": patient},
        details=details,
        note=_(
            "The changes are checked against the rules in force today: one they do not allow "
            "is held back, and the new version says why. A harder or new exercise is practised "
            "at the clinic first."
        ),
        button=_("Yes, approve the review"),
    )
