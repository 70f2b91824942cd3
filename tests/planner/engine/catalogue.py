"""A small, hand-made catalogue for engine tests: every category, known doses, no Django."""

from planner.engine.types import CatalogueExercise, DiagnosisInput, Dose, PatientProfile

ALL_DIAGNOSES = frozenset(
    {
        "lumboischialgia",
        "sciatica",
        "osteochondrosis",
        "disc_protrusion",
        "disc_herniation",
        "spondylolisthesis",
        "piriformis_syndrome",
        "spinal_stenosis",
        "facet_arthropathy",
        "segmental_instability",
        "scoliosis",
        "hyperlordosis",
        "myositis",
    }
)


def exercise(
    slug: str,
    category: str = "mobility",
    difficulty: int = 1,
    tags: tuple[str, ...] = ("standing",),
    indications: frozenset[str] = ALL_DIAGNOSES,
    *,
    reps: int = 10,
    hold_s: int = 0,
    duration_s: int = 0,
    sets: int = 2,
    easier: str | None = None,
    harder: str | None = None,
) -> CatalogueExercise:
    if duration_s:
        dose = Dose(sets, 0, 0, duration_s)
        low = Dose(1, 0, 0, max(1, duration_s // 3))
        high = Dose(sets + 1, 0, 0, duration_s * 2)
    else:
        dose = Dose(sets, reps, hold_s, 0)
        low = Dose(1, max(1, reps // 2), 0, 0)
        high = Dose(sets + 1, reps * 2, hold_s * 2, 0)
    return CatalogueExercise(
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
        category=category,
        difficulty=difficulty,
        tags=frozenset(tags),
        indications=indications,
        dose=dose,
        dose_min=low,
        dose_max=high,
        seconds_per_rep=4,
        easier=easier,
        harder=harder,
    )


# Enough for a sound plan for any diagnosis, with nothing any rule removes.
BASE: tuple[CatalogueExercise, ...] = (
    exercise("seated-tilt", "mobility", 1, ()),
    exercise("seated-brace", "core_stabilisation", 1, (), hold_s=5),
    exercise("chair-rise", "strengthening", 2, ()),
    exercise("counter-calf-stretch", "stretching", 1, ("standing",), reps=3, hold_s=30),
    exercise("slow-walk", "aerobic", 1, ("standing", "aerobic"), duration_s=300, sets=1),
    exercise(
        "seated-glide",
        "neural_mobilisation",
        1,
        ("neural_mobilization",),
        frozenset({"sciatica", "lumboischialgia", "disc_herniation", "disc_protrusion"}),
    ),
    exercise("counter-weight-shift", "balance", 1, ("standing",), reps=6, hold_s=10),
    exercise("chair-breathing", "breathing_relaxation", 1, (), duration_s=180, sets=1),
)


def catalogue(*extra: CatalogueExercise) -> tuple[CatalogueExercise, ...]:
    return BASE + extra


def profile(
    code: str = "osteochondrosis",
    stage: str = "chronic",
    *,
    age: int = 45,
    sex: str = "female",
    fitness: str = "moderate",
    comorbidities: tuple[str, ...] = (),
    red_flags: tuple[str, ...] = (),
    bmi: float | None = None,
    pregnancy_weeks: int | None = None,
    more: tuple[DiagnosisInput, ...] = (),
) -> PatientProfile:
    return PatientProfile(
        age=age,
        sex=sex,  # type: ignore[arg-type]
        fitness=fitness,  # type: ignore[arg-type]
        diagnoses=(DiagnosisInput(code, "left", stage), *more),  # type: ignore[arg-type]
        comorbidities=frozenset(comorbidities),
        red_flags=red_flags,
        bmi=bmi,
        pregnancy_weeks=pregnancy_weeks,
    )
