"""Dated measurements: pain, the Oswestry Disability Index, STarT Back, fitness tests and
body composition."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rehab import scoring
from rehab.models.patient import Patient, Sex
from rehab.models.validators import validate_not_future


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
