"""The numbers of plan generation (CLINICAL.md): starting caps and dose factors, how many
exercises, how long a day, the daily walk and the supervised course."""

FITNESS_DIFFICULTY_CAP = {"low": 2, "moderate": 3, "high": 4}
FITNESS_FACTOR = {"low": 0.6, "moderate": 0.8, "high": 1.0}
ACUTE_FACTOR = 0.7
MIN_EXERCISES, MAX_EXERCISES = 3, 6
# Fewer exercises done beats many skipped: past the required ones, fill only to this.
TARGET_EXERCISES = 4
# Aged 65 and over with low fitness, or 80 and over: 3 to 4 exercises, and a longer walk.
FRAIL_TARGET_EXERCISES, FRAIL_MAX_EXERCISES = 4, 4
AEROBIC_CATEGORY = "aerobic"
STRENGTH_CATEGORY = "strengthening"
LOW_MUSCLE_FACTOR = 0.8
# The day's separate walk (CLINICAL.md, Dose): about 150 min a week in pregnancy (ACOG), 150 to
# 300 for adults where fitness allows (WHO), a gentler start with low fitness.
ACTIVITY_MINUTES = {"pregnancy": 22, "high": 30, "moderate": 25, "low": 15}
CLAUDICATION_MINUTES = 30
# STarT Back risk -> (supervised sessions a week, sessions in the course).
SUPERVISED_COURSE = {"high": (3, 12), "medium": (2, 10), "low": (2, 8), None: (3, 10)}
MIN_SECONDS, MAX_SECONDS = 10 * 60, 25 * 60
CORE_CATEGORY = "core_stabilisation"
MOBILITY_CATEGORIES = frozenset({"mobility", "stretching"})
FILL_ORDER = (
    "strengthening",
    "aerobic",
    "stretching",
    "mobility",
    "core_stabilisation",
    "balance",
    "breathing_relaxation",
    "neural_mobilisation",
)


# The starting dose by age: (the band's first age, its factor), youngest first.
AGE_BANDS: tuple[tuple[int, float], ...] = ((0, 1.0), (40, 0.9), (65, 0.8), (75, 0.7))


def age_band(age: int) -> tuple[int, int | None, float]:
    """The band `age` is in: its first age, its last (None for the oldest), its factor."""
    index = max(i for i, (start, _factor) in enumerate(AGE_BANDS) if age >= start)
    start, factor = AGE_BANDS[index]
    last = AGE_BANDS[index + 1][0] - 1 if index + 1 < len(AGE_BANDS) else None
    return start, last, factor


def age_factor(age: int) -> float:
    return age_band(age)[2]
