"""The engine's inputs and outputs: frozen dataclasses, no Django."""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Union

Stage = Literal["acute", "subacute", "chronic"]
Fitness = Literal["low", "moderate", "high"]
Sex = Literal["female", "male"]
Status = Literal["ok", "needs_review", "blocked"]
Mode = Literal["supervised", "home"]
Risk = Literal["low", "medium", "high"]
Pace = Literal["talk", "sentence", "claudication"]
CautionAction = Literal["easier_variant", "halve_dose", "supervised_only"]

STAGES: tuple[Stage, ...] = ("acute", "subacute", "chronic")
FITNESS_LEVELS: tuple[Fitness, ...] = ("low", "moderate", "high")
SIDES: tuple[str, ...] = ("left", "right", "bilateral")


@dataclass(frozen=True)
class DiagnosisInput:
    code: str
    side: str
    stage: Stage


@dataclass(frozen=True)
class PatientProfile:
    age: int
    sex: Sex
    fitness: Fitness
    diagnoses: tuple[DiagnosisInput, ...]
    comorbidities: frozenset[str] = frozenset()
    red_flags: tuple[str, ...] = ()
    bmi: float | None = None
    pregnancy_weeks: int | None = None
    # Exercises the patient has already mastered under supervision: they may go home.
    mastered: frozenset[str] = frozenset()
    # The latest STarT Back risk, when the clinic has scored it.
    start_back: Risk | None = None
    # From the latest body composition of the last 6 months (CLINICAL.md, D-MUSCLE, A-FAT).
    low_muscle_mass: bool = False
    fat_percent: float | None = None

    @property
    def conditions(self) -> frozenset[str]:
        """Comorbidities as recorded plus those derived from measurements (CLINICAL.md)."""
        derived = set(self.comorbidities)
        if self.bmi is not None and self.bmi >= 30:
            derived.add("obesity")
        if self.pregnancy_weeks is not None:
            derived.add("pregnancy")
        return frozenset(derived)

    @property
    def diagnosis_codes(self) -> frozenset[str]:
        return frozenset(d.code for d in self.diagnoses)

    @property
    def is_acute(self) -> bool:
        return any(d.stage == "acute" for d in self.diagnoses)

    @property
    def high_body_fat(self) -> bool:
        """A-FAT: fat 35 % or more for women, 25 % or more for men."""
        if self.fat_percent is None:
            return False
        return self.fat_percent >= (35 if self.sex == "female" else 25)

    @property
    def is_frail(self) -> bool:
        """CLINICAL.md, Dose: aged 65 and over with low fitness, or 80 and over."""
        return (self.age >= 65 and self.fitness == "low") or self.age >= 80


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int
    hold_s: int
    duration_s: int

    @property
    def is_timed(self) -> bool:
        return self.duration_s > 0


@dataclass(frozen=True)
class CatalogueExercise:
    slug: str
    name: str
    category: str
    difficulty: int
    tags: frozenset[str]
    indications: frozenset[str]
    dose: Dose
    dose_min: Dose
    dose_max: Dose
    seconds_per_rep: int
    easier: str | None = None
    harder: str | None = None
    # Done on one side, then the other: the dose is "each side", the time counts both sides.
    per_side: bool = False


@dataclass(frozen=True)
class Rule:
    """A contraindication or add-work rule, as stored in the rule table.

    It applies when any of its triggers matches the patient. Its effects are
    blocks (the exercise is removed), cautions (the exercise is kept only in
    the way `caution_action` says), caps, and exercises it adds.
    """

    id: str
    explanation: str
    comorbidities: frozenset[str] = frozenset()
    diagnoses: frozenset[str] = frozenset()
    diagnosis_stages: frozenset[str] = frozenset()  # limits `diagnoses`; empty: any stage
    any_diagnosis_in_stages: frozenset[str] = frozenset()
    pregnancy_min_weeks: int | None = None
    min_age: int | None = None
    block_tags: frozenset[str] = frozenset()
    max_difficulty: int | None = None
    caution_tags: frozenset[str] = frozenset()
    low_fitness_caution_tags: frozenset[str] = frozenset()
    caution_action: CautionAction = "easier_variant"
    # The low-fitness cautions may act differently (R-BAL: floor work kept at the clinic).
    low_fitness_caution_action: CautionAction = "supervised_only"
    max_hold_s: int | None = None
    # The hold cap acts on exercises with these tags (R-HTN: isometric efforts, not stretches);
    # empty: every hold.
    max_hold_tags: frozenset[str] = frozenset()
    max_rpe: int | None = None
    adds_exercise: str | None = None
    adds_category: str | None = None
    adds_without_tags: frozenset[str] = frozenset()

    def applies_to(self, profile: PatientProfile) -> bool:
        if self.comorbidities & profile.conditions:
            return True
        for diagnosis in profile.diagnoses:
            if diagnosis.code in self.diagnoses and (
                not self.diagnosis_stages or diagnosis.stage in self.diagnosis_stages
            ):
                return True
            if diagnosis.stage in self.any_diagnosis_in_stages:
                return True
        if (
            self.pregnancy_min_weeks is not None
            and profile.pregnancy_weeks is not None
            and profile.pregnancy_weeks >= self.pregnancy_min_weeks
        ):
            return True
        return self.min_age is not None and profile.age >= self.min_age


NameKind = Literal["exercise", "diagnosis", "category", "red_flag", "rule", "tag", "day"]


@dataclass(frozen=True)
class Name:
    """A name inside an explanation, shown in the reader's language where it is shown: an
    exercise by its slug, a diagnosis by its code, a category by its code, a red flag by its
    code, a rule's own explanation by the rule's id, a movement tag by its slug. `text` is
    the English, as the engine read it (a clinic may have edited it)."""

    kind: NameKind
    key: str
    text: str

    @classmethod
    def of_day(cls, day: date) -> "Name":
        """A day: its ISO date is the key, shown as the reader writes a day ("4 марта"); the
        English is "Tuesday 4 March" (spelled out here: strftime's names follow the process
        locale)."""
        english = f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
        return cls("day", day.isoformat(), english)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# What a message's placeholders take: a number, a word that needs no translation, a name,
# a list of names (joined with commas), another explanation (a reason inside a reason), or
# several (sentences one after the other).
Param = Union[int, float, str, Name, tuple[Name, ...], "Reason", tuple["Reason", ...]]


@dataclass(frozen=True)
class Reason:
    """An explanation as data: the rule it cites, a message and its parameters.

    `message` is the English template, `%(name)s` placeholders (a literal percent sign is
    `%%`); it is also the message's id: the catalogues of other languages
    (`planner/messages/<language>/*.toml`) translate it, and the text is rendered in the
    reader's language where it is shown (`planner.explanations`). `text` is the English.
    """

    rule: str
    message: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, rule: str, message: str, /, **params: Param) -> "Reason":
        # Positional-only: a message may have a placeholder named "rule" or "message".
        return cls(rule, message, tuple(params.items()))

    @property
    def text(self) -> str:
        return english_text(self)


def english_text(reason: Reason) -> str:
    """The English text of an explanation (its message with its parameters)."""
    if not reason.params:
        return reason.message.replace("%%", "%")
    return reason.message % {key: _english_param(value) for key, value in reason.params}


def _english_param(value: Param) -> str:
    if isinstance(value, Reason):
        return english_text(value)
    if isinstance(value, Name):
        return value.text
    if isinstance(value, tuple):
        # Explanations are sentences, one after the other; names are listed with commas.
        sentences = [english_text(item) for item in value if isinstance(item, Reason)]
        if sentences:
            return " ".join(sentences)
        return ", ".join(item.text for item in value if isinstance(item, Name))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class PlannedExercise:
    slug: str
    name: str
    category: str
    difficulty: int
    movement_tags: tuple[str, ...]
    dose: Dose
    mode: Mode
    supervised_only: bool
    seconds: int
    why: tuple[Reason, ...]
    per_side: bool = False  # the dose is done on each side (`seconds` counts both)


@dataclass(frozen=True)
class Exclusion:
    """An exercise the rules in force leave out, and why (an explanation, rendered in the
    reader's language where it is shown)."""

    slug: str
    rule: str
    because: Reason

    @property
    def reason(self) -> str:
        """Why, in English (the plan preview's text)."""
        return self.because.text


@dataclass(frozen=True)
class DailyActivity:
    """Walking or cycling toward the weekly activity target, apart from the session: done at
    any time of day, counted neither in the session's exercises nor in its minutes."""

    slug: str
    name: str
    minutes: int
    text: str
    why: tuple[Reason, ...]
    # How hard: "talk" (can still talk), "sentence" (a full sentence is easy: R-CHD, frail),
    # "claudication" (walk to moderate calf pain, rest, repeat).
    pace: Pace = "talk"

    @property
    def weekly_minutes(self) -> int:
        return self.minutes * 7


@dataclass(frozen=True)
class Plan:
    status: Status
    reasons: tuple[Reason, ...]
    exercises: tuple[PlannedExercise, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    daily_seconds: int = 0
    max_rpe: int | None = None
    notes: tuple[str, ...] = field(default=())
    activity: DailyActivity | None = None
    # Self-management advice in plain words, and warning signs where they apply.
    advice: tuple[Reason, ...] = ()
    # The supervised course STarT Back risk calls for (CLINICAL.md).
    supervised_per_week: int = 3
    supervised_sessions: int = 10

    @property
    def daily_minutes(self) -> int:
        return round(self.daily_seconds / 60)
