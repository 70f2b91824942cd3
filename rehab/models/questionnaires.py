"""Questionnaires the patient fills in on the phone: what is scheduled, and what was sent.

A schedule says which questionnaire a patient is asked, from which day and how often;
`rehab.questionnaires` works out what is due from it. An answer sent from the phone is
kept with its client key (after Zulip's idempotent requests): the same key sent again
finds the assessment made the first time instead of making a second one.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rehab.models.assessments import OswestryAssessment, PainAssessment, StartBackAssessment
from rehab.models.patient import Patient

# An interval of a day to half a year: shorter would ask every visit, longer is not a schedule.
EVERY_DAYS_RANGE = (1, 183)


class QuestionnaireKind(models.TextChoices):
    ODI = "odi", _("Oswestry Disability Index")
    START_BACK = "start_back", _("STarT Back")
    PAIN = "pain", _("Weekly pain score")


class QuestionnaireSchedule(models.Model):
    """One questionnaire asked of one patient: first on `starts_on`, then every `every_days`
    days (the patient's local days)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="questionnaire_schedules"
    )
    kind = models.CharField(_("questionnaire"), max_length=20, choices=QuestionnaireKind.choices)
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"),
        validators=[MinValueValidator(EVERY_DAYS_RANGE[0]), MaxValueValidator(EVERY_DAYS_RANGE[1])],
        help_text=_("28 for every 4 weeks, 7 for weekly."),
    )
    starts_on = models.DateField(_("first asked on"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire schedule")
        verbose_name_plural = _("questionnaire schedules")
        ordering = ["patient", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"], name="questionnaire_schedule_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(every_days__gte=EVERY_DAYS_RANGE[0])
                & Q(every_days__lte=EVERY_DAYS_RANGE[1]),
                name="questionnaire_schedule_every_days_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionnaireKind.values), name="questionnaire_schedule_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} every {self.every_days} days from {self.starts_on}"


class QuestionnaireAnswer(models.Model):
    """A questionnaire sent from the phone under a client key, and the assessment it made."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    client_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=QuestionnaireKind.choices)
    oswestry = models.OneToOneField(
        OswestryAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_back = models.OneToOneField(
        StartBackAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    pain = models.OneToOneField(
        PainAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "client_key"], name="questionnaire_answer_key_once"
            ),
            # Exactly the assessment of its kind.
            models.CheckConstraint(
                condition=Q(
                    kind=QuestionnaireKind.ODI,
                    oswestry__isnull=False,
                    start_back__isnull=True,
                    pain__isnull=True,
                )
                | Q(
                    kind=QuestionnaireKind.START_BACK,
                    oswestry__isnull=True,
                    start_back__isnull=False,
                    pain__isnull=True,
                )
                | Q(
                    kind=QuestionnaireKind.PAIN,
                    oswestry__isnull=True,
                    start_back__isnull=True,
                    pain__isnull=False,
                ),
                name="questionnaire_answer_one_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_key}"

    @property
    def assessment(self) -> OswestryAssessment | StartBackAssessment | PainAssessment:
        found = self.oswestry or self.start_back or self.pain
        assert found is not None
        return found
