"""Clinical records: patients, clinicians, diagnoses, comorbidities, red flags, assessments."""

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from planner.engine.profile import MAX_PREGNANCY_AGE
from rehab import scoring

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"


class Stage(models.TextChoices):
    ACUTE = "acute", "Acute (under 6 weeks)"
    SUBACUTE = "subacute", "Subacute (6 to 12 weeks)"
    CHRONIC = "chronic", "Chronic (over 12 weeks)"


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("This date is in the future.")


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Moscow).")


class CatalogueEntry(models.Model):
    """A coded catalogue row; built-in codes come from CLINICAL.md and are not renamed."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(
        default=False, editable=False, help_text="Seeded from CLINICAL.md; its code is a contract."
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Diagnosis(CatalogueEntry):
    icd10 = models.CharField("ICD-10", max_length=16)

    class Meta(CatalogueEntry.Meta):
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.name} ({self.icd10})"


class Comorbidity(CatalogueEntry):
    class Meta(CatalogueEntry.Meta):
        verbose_name_plural = "comorbidities"


class RedFlag(CatalogueEntry):
    same_day = models.BooleanField(
        default=False, help_text="Cauda equina signs: the patient must be seen the same day."
    )


class Clinician(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    title = models.CharField(max_length=120, default="Rehabilitation doctor")
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        user: User = self.user
        return user.get_full_name() or user.get_username()


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
        choices=settings.LANGUAGES,
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
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in settings.LANGUAGES]),
                name="patient_language_valid",
            ),
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


class PatientDiagnosis(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="diagnoses")
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    onset_date = models.DateField(null=True, blank=True, validators=[validate_not_future])
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = "diagnosis"
        verbose_name_plural = "diagnoses"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "diagnosis"], name="patient_diagnosis_once"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="diagnosis_side_valid"),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="diagnosis_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis.code} ({self.side}, {self.stage})"


class PatientComorbidity(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="comorbidities")
    comorbidity = models.ForeignKey(Comorbidity, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = "comorbidity"
        verbose_name_plural = "comorbidities"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "comorbidity"], name="patient_comorbidity_once"
            ),
        ]

    def __str__(self) -> str:
        return self.comorbidity.code

    def clean(self) -> None:
        if self.comorbidity_id is not None and self.comorbidity.code == "pregnancy":
            raise ValidationError(
                {
                    "comorbidity": "Record pregnancy on the patient itself (gestational weeks or "
                    "due date), so its weeks are known."
                }
            )


class PatientRedFlag(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="red_flags")
    red_flag = models.ForeignKey(RedFlag, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    noted_at = models.DateTimeField(default=timezone.now)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True)

    class Meta:
        verbose_name = "red flag"
        ordering = ["-noted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "red_flag"],
                condition=Q(status="active"),
                name="red_flag_active_once",
                violation_error_message="This red flag is already active for the patient.",
            ),
            models.CheckConstraint(
                condition=Q(status="active", resolved_at__isnull=True)
                | Q(status="resolved", resolved_at__isnull=False),
                name="red_flag_resolved_when_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.red_flag.code} ({self.status})"

    def clean(self) -> None:
        if self.status == self.Status.RESOLVED and self.resolved_at is None:
            self.resolved_at = timezone.now()
        if self.status == self.Status.ACTIVE:
            self.resolved_at = None
            self.resolved_by = None
        if self.resolved_at is not None and self.resolved_at < self.noted_at:
            raise ValidationError(
                {"resolved_at": "A red flag cannot be resolved before it was noted."}
            )


class Assessment(models.Model):
    """Common fields of a dated measurement."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    assessed_on = models.DateField(default=timezone.localdate, validators=[validate_not_future])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]


PAIN_VALIDATORS = [MinValueValidator(0), MaxValueValidator(10)]


class PainAssessment(Assessment):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pain_scores")
    score = models.PositiveSmallIntegerField(
        validators=PAIN_VALIDATORS,
        help_text="Numeric rating scale: 0 no pain, 10 worst imaginable.",
    )
    leg_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PAIN_VALIDATORS, help_text="Leg pain, 0-10."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta(Assessment.Meta):
        verbose_name = "pain score"
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="pain_score_0_10"),
            models.CheckConstraint(
                condition=Q(leg_score__isnull=True) | Q(leg_score__lte=10), name="leg_pain_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Pain {self.score}/10 on {self.assessed_on}"


ODI_SECTION_NAMES = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Travelling",
)
ODI_VALIDATORS = [MaxValueValidator(scoring.ODI_MAX_PER_SECTION)]


def _odi_field(index: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"{index}. {ODI_SECTION_NAMES[index - 1]}",
        null=True,
        blank=True,
        validators=ODI_VALIDATORS,
        help_text="0-5; leave empty if the patient skipped this section.",
    )


class OswestryAssessment(Assessment):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="oswestry_scores")
    section_1 = _odi_field(1)
    section_2 = _odi_field(2)
    section_3 = _odi_field(3)
    section_4 = _odi_field(4)
    section_5 = _odi_field(5)
    section_6 = _odi_field(6)
    section_7 = _odi_field(7)
    section_8 = _odi_field(8)
    section_9 = _odi_field(9)
    section_10 = _odi_field(10)

    class Meta(Assessment.Meta):
        verbose_name = "Oswestry Disability Index"
        verbose_name_plural = "Oswestry Disability Index scores"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"section_{i}__isnull": True})
                | Q(**{f"section_{i}__lte": scoring.ODI_MAX_PER_SECTION}),
                name=f"odi_section_{i}_0_5",
            )
            for i in range(1, scoring.ODI_SECTIONS + 1)
        ]

    def __str__(self) -> str:
        result = self.result
        score = f"{result.percent} % ({result.band})" if result else "not scorable"
        return f"ODI {score} on {self.assessed_on}"

    @property
    def answers(self) -> list[int | None]:
        return [getattr(self, f"section_{i}") for i in range(1, scoring.ODI_SECTIONS + 1)]

    @property
    def result(self) -> scoring.OdiResult | None:
        return scoring.odi_score(self.answers)

    def clean(self) -> None:
        answered = sum(1 for a in self.answers if a is not None)
        if answered < scoring.ODI_MIN_ANSWERED:
            raise ValidationError(
                f"Only {answered} of 10 sections answered; at least "
                f"{scoring.ODI_MIN_ANSWERED} are needed to score the ODI."
            )


STARTBACK_QUESTIONS = (
    "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "I have only walked short distances because of my back pain",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "It's not really safe for a person with a condition like mine to be physically active",
    "Worrying thoughts have been going through my mind a lot of the time",
    "I feel that my back pain is terrible and it's never going to get any better",
    "In general I have not enjoyed all the things I used to enjoy",
)


class Bothersomeness(models.IntegerChoices):
    NOT_AT_ALL = 0, "Not at all"
    SLIGHTLY = 1, "Slightly"
    MODERATELY = 2, "Moderately"
    VERY_MUCH = 3, "Very much"
    EXTREMELY = 4, "Extremely"


class StartBackAssessment(Assessment):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="start_back_scores")
    item_1 = models.BooleanField(STARTBACK_QUESTIONS[0], default=False)
    item_2 = models.BooleanField(STARTBACK_QUESTIONS[1], default=False)
    item_3 = models.BooleanField(STARTBACK_QUESTIONS[2], default=False)
    item_4 = models.BooleanField(STARTBACK_QUESTIONS[3], default=False)
    item_5 = models.BooleanField(STARTBACK_QUESTIONS[4], default=False)
    item_6 = models.BooleanField(STARTBACK_QUESTIONS[5], default=False)
    item_7 = models.BooleanField(STARTBACK_QUESTIONS[6], default=False)
    item_8 = models.BooleanField(STARTBACK_QUESTIONS[7], default=False)
    item_9 = models.PositiveSmallIntegerField(
        "Overall, how bothersome has your back pain been in the last 2 weeks?",
        choices=Bothersomeness.choices,
    )

    class Meta(Assessment.Meta):
        verbose_name = "STarT Back screening"
        constraints = [
            models.CheckConstraint(condition=Q(item_9__lte=4), name="startback_item9_0_4"),
        ]

    def __str__(self) -> str:
        return f"STarT Back {self.result.risk} risk on {self.assessed_on}"

    @property
    def items(self) -> list[bool]:
        return [getattr(self, f"item_{i}") for i in range(1, 9)] + [
            self.item_9 >= Bothersomeness.VERY_MUCH
        ]

    @property
    def result(self) -> scoring.StartBackResult:
        return scoring.start_back_score(self.items)


class FitnessTest(Assessment):
    class Kind(models.TextChoices):
        CHAIR_STAND_30S = "chair_stand_30s", "30-second chair stand (stands)"
        TIMED_UP_AND_GO = "timed_up_and_go", "Timed up-and-go (seconds)"

    # Plausible results: nobody stands up 60 times in 30 s, and a TUG under 3 s
    # or over 3 minutes is a typing error, not a measurement.
    RANGES: dict[str, tuple[Decimal, Decimal]] = {
        Kind.CHAIR_STAND_30S: (Decimal(0), Decimal(60)),
        Kind.TIMED_UP_AND_GO: (Decimal(3), Decimal(180)),
    }

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="fitness_tests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta(Assessment.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="chair_stand_30s", value__gte=0, value__lte=60)
                | Q(kind="timed_up_and_go", value__gte=3, value__lte=180),
                name="fitness_test_value_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value} on {self.assessed_on}"

    def clean(self) -> None:
        bounds = self.RANGES.get(self.kind)
        if bounds is None or self.value is None:
            return
        low, high = bounds
        if not low <= self.value <= high:
            raise ValidationError(
                {"value": f"{self.get_kind_display()} must be between {low} and {high}."}
            )
        if self.kind == self.Kind.CHAIR_STAND_30S and self.value != int(self.value):
            raise ValidationError({"value": "Chair stands are counted in whole stands."})

    def fitness_level(self) -> str | None:
        """Fitness by age norms; only the chair stand has them here."""
        if self.kind != self.Kind.CHAIR_STAND_30S:
            return None
        age = scoring.age_on(self.patient.date_of_birth, self.assessed_on)
        return scoring.fitness_from_chair_stand(
            age, "female" if self.patient.sex == Sex.FEMALE else "male", int(self.value)
        )


class BodyComposition(Assessment):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="body_compositions")
    fat_percent = models.DecimalField(
        "body fat (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(2)), MaxValueValidator(Decimal(75))],
    )
    muscle_mass_kg = models.DecimalField(
        "muscle mass (kg)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(10)), MaxValueValidator(Decimal(120))],
    )
    water_percent = models.DecimalField(
        "body water (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(25)), MaxValueValidator(Decimal(80))],
    )
    basal_metabolic_rate_kcal = models.PositiveSmallIntegerField(
        "basal metabolic rate (kcal/day)",
        validators=[MinValueValidator(600), MaxValueValidator(4500)],
    )
    muscle_mass_low = models.BooleanField(
        "muscle mass low",
        default=False,
        help_text="The device's classification or your judgement: strengthening then starts "
        "one step easier (D-MUSCLE).",
    )

    class Meta(Assessment.Meta):
        verbose_name = "body composition"
        verbose_name_plural = "body composition measurements"
        constraints = [
            models.CheckConstraint(
                condition=Q(fat_percent__gte=2, fat_percent__lte=75)
                & Q(muscle_mass_kg__gte=10, muscle_mass_kg__lte=120)
                & Q(water_percent__gte=25, water_percent__lte=80)
                & Q(basal_metabolic_rate_kcal__gte=600, basal_metabolic_rate_kcal__lte=4500),
                name="body_composition_human_ranges",
            ),
        ]

    def __str__(self) -> str:
        return f"Body composition on {self.assessed_on}"


class PatientInvite(models.Model):
    """A one-time, expiring link a clinician gives a patient to set up their app login.

    Only a hash of the token is stored: the link itself is shown once and mailed.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a newer invitation replaced this one."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invite_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.patient} until {self.expires_at:%Y-%m-%d %H:%M}"
