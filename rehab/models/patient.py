"""The patient: who they are, their body, pregnancy, time zone and language."""

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from planner.engine.profile import MAX_PREGNANCY_AGE
from rehab import scoring
from rehab.models.clinician import Clinician
from rehab.models.validators import validate_not_future, validate_time_zone

TIME_ZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if "/" in tz or tz == "UTC")

HEIGHT_CM_RANGE = (100, 250)
WEIGHT_KG_RANGE = (Decimal("25"), Decimal("300"))
MAX_GESTATIONAL_WEEKS = 42
FULL_TERM_WEEKS = 40


class FitnessLevel(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


def site_languages() -> list[tuple[str, str]]:
    """The languages a patient may have: the site's (`settings.LANGUAGES`)."""
    return list(settings.LANGUAGES)


class Patient(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        help_text="The patient's own login to the mobile app, created by invitation.",
    )
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="patients")
    date_of_birth = models.DateField(validators=[validate_not_future])
    sex = models.CharField(max_length=8, choices=Sex.choices)
    height_cm = models.PositiveSmallIntegerField(
        "height (cm)",
        validators=[MinValueValidator(HEIGHT_CM_RANGE[0]), MaxValueValidator(HEIGHT_CM_RANGE[1])],
    )
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(WEIGHT_KG_RANGE[0]), MaxValueValidator(WEIGHT_KG_RANGE[1])],
    )
    # No model choices: the tz database changes with tzdata releases, and a
    # migration per release would be noise. The admin form offers the list.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    reminder_time = models.TimeField(default="09:00", help_text="Local time of the daily reminder.")
    language = models.CharField(
        max_length=8,
        # A callable: the site's languages come from the settings (EXTRA_LANGUAGES), and
        # a clinic adding one needs no migration.
        choices=site_languages,
        default="en",
        help_text="The language of the app, the reminders and what the clinic writes to them.",
    )
    fitness_level = models.CharField(
        max_length=10, choices=FitnessLevel.choices, default=FitnessLevel.MODERATE
    )
    pregnancy_weeks = models.PositiveSmallIntegerField(
        "gestational weeks",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_GESTATIONAL_WEEKS)],
        help_text="Weeks of pregnancy on the day below; leave empty if not pregnant.",
    )
    pregnancy_weeks_on = models.DateField(
        "weeks recorded on", null=True, blank=True, validators=[validate_not_future]
    )
    pregnancy_due_date = models.DateField("due date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the person was erased (anonymised); their de-identified records remain.",
    )

    # Every state of the record, for the record of care (rehab.models.care).
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(height_cm__gte=HEIGHT_CM_RANGE[0], height_cm__lte=HEIGHT_CM_RANGE[1]),
                name="patient_height_human_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__gte=WEIGHT_KG_RANGE[0], weight_kg__lte=WEIGHT_KG_RANGE[1]),
                name="patient_weight_human_range",
            ),
            models.CheckConstraint(
                condition=Q(pregnancy_weeks__isnull=True)
                | Q(pregnancy_weeks__lte=MAX_GESTATIONAL_WEEKS, pregnancy_weeks_on__isnull=False),
                name="patient_pregnancy_weeks_dated_and_in_range",
            ),
            models.CheckConstraint(
                condition=Q(sex=Sex.FEMALE)
                | Q(pregnancy_weeks__isnull=True, pregnancy_due_date__isnull=True),
                name="patient_pregnancy_only_if_female",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_valid"),
            # Which languages: the site's, checked by the field's choices (the list is
            # the settings', so not written into the schema).
            models.CheckConstraint(condition=~Q(language=""), name="patient_language_given"),
            models.CheckConstraint(
                condition=Q(fitness_level__in=FitnessLevel.values), name="patient_fitness_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age(self, on: date | None = None) -> int:
        return scoring.age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def bmi(self) -> Decimal:
        return scoring.bmi(self.weight_kg, self.height_cm)

    def gestational_weeks(self, on: date | None = None) -> int | None:
        """Weeks of pregnancy today, from the due date when known, else from recorded weeks."""
        today = on or timezone.localdate()
        if self.pregnancy_due_date is not None:
            weeks = FULL_TERM_WEEKS - (self.pregnancy_due_date - today).days // 7
        elif self.pregnancy_weeks is not None and self.pregnancy_weeks_on is not None:
            weeks = self.pregnancy_weeks + (today - self.pregnancy_weeks_on).days // 7
        else:
            return None
        if weeks > MAX_GESTATIONAL_WEEKS:
            return None  # the pregnancy is over; the record is stale, not a week-50 pregnancy
        return max(weeks, 0)

    @property
    def is_pregnant(self) -> bool:
        return self.gestational_weeks() is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        pregnancy_given = self.pregnancy_weeks is not None or self.pregnancy_due_date is not None
        if pregnancy_given and self.sex != Sex.FEMALE:
            field = "pregnancy_weeks" if self.pregnancy_weeks is not None else "pregnancy_due_date"
            errors[field] = "Pregnancy can only be recorded for a female patient."
        if pregnancy_given and self.date_of_birth is not None:
            # The same bound as plan_preview's profiles (planner.engine.profile).
            age = self.age()
            if age > MAX_PREGNANCY_AGE:
                field = (
                    "pregnancy_weeks" if self.pregnancy_weeks is not None else "pregnancy_due_date"
                )
                errors[field] = (
                    f"Pregnancy at age {age} is implausible (the bound is {MAX_PREGNANCY_AGE}); "
                    "correct the date of birth or the pregnancy."
                )
        if self.pregnancy_weeks is not None and self.pregnancy_weeks_on is None:
            self.pregnancy_weeks_on = timezone.localdate()
        if self.pregnancy_due_date is not None:
            today = timezone.localdate()
            earliest = today - timedelta(weeks=MAX_GESTATIONAL_WEEKS - FULL_TERM_WEEKS)
            latest = today + timedelta(weeks=FULL_TERM_WEEKS)
            if not earliest <= self.pregnancy_due_date <= latest:
                errors["pregnancy_due_date"] = (
                    "A due date must fall between two weeks ago and 40 weeks from today "
                    "(0 to 42 weeks of pregnancy)."
                )
        if errors:
            raise ValidationError(errors)
