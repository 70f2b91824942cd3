"""The questionnaires a patient is asked in the app, edited on the patient's page."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rehab.models import QuestionnaireSchedule
from rehab.questionnaires.due import GRACE_DAYS
from rehab.questionnaires.selectors import patient_local_day, schedule_due, with_last_answers


class QuestionnaireScheduleInline(admin.TabularInline):
    """ODI and STarT Back every 4 weeks and the weekly pain score are given with the first
    approved program; the doctor changes the interval, the first day, or switches one off."""

    model = QuestionnaireSchedule
    extra = 0
    max_num = 3  # one per questionnaire
    fields = ("kind", "every_days", "starts_on", "active", "state_display")
    readonly_fields = ("state_display",)
    verbose_name = gettext_lazy("questionnaire in the app")
    verbose_name_plural = gettext_lazy("questionnaires in the app")

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionnaireSchedule]:
        # The latest answer of each kind comes with the rows: no query per row.
        return with_last_answers(super().get_queryset(request).select_related("patient"))

    @admin.display(description=gettext_lazy("now"))
    def state_display(self, obj: QuestionnaireSchedule) -> str:
        if obj.pk is None or not hasattr(obj, f"last_{obj.kind}"):
            return "—"
        last = getattr(obj, f"last_{obj.kind}")
        answered = (
            _("last answered %(day)s") % {"day": last.isoformat()} if last else _("never answered")
        )
        if not obj.active:
            return _("off; %(answered)s") % {"answered": answered}
        due = schedule_due(schedule=obj, today=patient_local_day(patient=obj.patient))
        if due is None:
            return _("not due; %(answered)s") % {"answered": answered}
        if due.overdue:
            return _("overdue: due since %(day)s (more than %(grace)d days); %(answered)s") % {
                "day": due.since.isoformat(),
                "grace": GRACE_DAYS,
                "answered": answered,
            }
        return _("due since %(day)s; %(answered)s") % {
            "day": due.since.isoformat(),
            "answered": answered,
        }
