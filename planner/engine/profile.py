"""Reading a patient profile from JSON-like data, with one clear message per mistake."""

import reprlib
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple, cast

from planner.engine.types import (
    FITNESS_LEVELS,
    SIDES,
    STAGES,
    DiagnosisInput,
    Fitness,
    PatientProfile,
    Risk,
    Sex,
    Stage,
)

MIN_AGE, MAX_AGE = 16, 110
MIN_BMI, MAX_BMI = 12.0, 80.0
MAX_PREGNANCY_WEEKS = 42
# Pregnancy past this age is so rare, even with assisted reproduction, that a profile claiming
# it is far likelier a typing error in the age or the weeks than a fact to plan around.
MAX_PREGNANCY_AGE = 55
# CLINICAL.md: obesity is BMI 30 or more (the engine also derives it from the BMI).
OBESITY_MIN_BMI = 30.0
# Complications that only exist with the disease they complicate.
NEEDS_COMORBIDITY = {
    "diabetic_neuropathy": "diabetes",
    "diabetic_retinopathy": "diabetes",
}
REQUIRED_KEYS = ("age", "sex", "fitness", "diagnoses", "comorbidities", "red_flags")
OPTIONAL_KEYS = ("bmi", "pregnancy_weeks", "start_back", "low_muscle_mass", "fat_percent")
RISKS: tuple[Risk, ...] = ("low", "medium", "high")
MIN_FAT, MAX_FAT = 2.0, 75.0
SEXES: tuple[Sex, ...] = ("female", "male")


# A value quoted back in a message stays short: a 4,000-digit number or a long string would
# turn one clear line into a screenful.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 40


def _shown(value: object) -> str:
    return _SHORT.repr(value)


class ProfileError(ValueError):
    """A profile that cannot be planned for; `field` names where the mistake is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _choice(field: str, value: object, valid: Collection[str], what: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ProfileError(
            field, f"unknown {what} {_shown(value)}; valid values: {', '.join(sorted(valid))}."
        )
    return value


def _whole(field: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProfileError(field, f"must be a whole number, got {_shown(value)}.")
    if not low <= value <= high:
        raise ProfileError(field, f"must be between {low} and {high}, got {_shown(value)}.")
    return value


def _slugs(field: str, value: object, valid: Collection[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProfileError(field, f"must be a list of {what} slugs, got {_shown(value)}.")
    return tuple(
        _choice(f"{field}[{index}]", item, valid, what) for index, item in enumerate(value)
    )


class Contradiction(NamedTuple):
    field: str
    message: str


def profile_contradictions(
    *,
    age: int,
    sex: str,
    comorbidities: Collection[str],
    bmi: float | None,
    pregnancy_weeks: int | None,
) -> list[Contradiction]:
    """Facts of one patient that cannot all be true, each with the field to correct.

    Pure, so the admin and the API can ask the same of patient records (pass the
    recorded comorbidities, the BMI and the gestational weeks on the day); empty
    when the facts agree. Each field is checked on its own elsewhere.
    """
    found: list[Contradiction] = []
    pregnant = pregnancy_weeks is not None or "pregnancy" in comorbidities
    if pregnant and sex != "female":
        found.append(
            Contradiction("pregnancy_weeks", "pregnancy is only possible for sex 'female'.")
        )
    if pregnant and age > MAX_PREGNANCY_AGE:
        found.append(
            Contradiction(
                "pregnancy_weeks",
                f"pregnancy at age {age} is implausible (the bound is {MAX_PREGNANCY_AGE}); "
                "correct the age or the pregnancy.",
            )
        )
    if "obesity" in comorbidities and bmi is not None and bmi < OBESITY_MIN_BMI:
        found.append(
            Contradiction(
                "comorbidities",
                f"obesity is BMI {OBESITY_MIN_BMI:g} or more, but bmi is {bmi:g}; either remove "
                "obesity or correct the BMI.",
            )
        )
    for complication, disease in NEEDS_COMORBIDITY.items():
        if complication in comorbidities and disease not in comorbidities:
            found.append(
                Contradiction(
                    "comorbidities",
                    f"{complication.replace('_', ' ')} needs {disease} in comorbidities.",
                )
            )
    return found


def parse_profile(
    data: object,
    *,
    diagnoses: Collection[str],
    comorbidities: Collection[str],
    red_flags: Collection[str],
) -> PatientProfile:
    if not isinstance(data, Mapping):
        raise ProfileError("profile", "must be a JSON object.")
    raw = cast(Mapping[str, Any], data)
    for key in REQUIRED_KEYS:
        if key not in raw:
            raise ProfileError(key, "is required.")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        valid = ", ".join((*REQUIRED_KEYS, *OPTIONAL_KEYS))
        raise ProfileError(unknown[0], f"is not a profile key; valid keys: {valid}.")

    age = _whole("age", raw["age"], MIN_AGE, MAX_AGE)
    sex = cast(Sex, _choice("sex", raw["sex"], SEXES, "sex"))
    fitness = cast(Fitness, _choice("fitness", raw["fitness"], FITNESS_LEVELS, "fitness level"))

    bmi: float | None = None
    if raw.get("bmi") is not None:
        value = raw["bmi"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ProfileError("bmi", f"must be a number, got {_shown(value)}.")
        if not MIN_BMI <= value <= MAX_BMI:  # NaN fails this too
            raise ProfileError(
                "bmi", f"must be between {MIN_BMI:g} and {MAX_BMI:g}, got {_shown(value)}."
            )
        bmi = float(value)

    pregnancy_weeks: int | None = None
    if raw.get("pregnancy_weeks") is not None:
        pregnancy_weeks = _whole("pregnancy_weeks", raw["pregnancy_weeks"], 0, MAX_PREGNANCY_WEEKS)

    items = raw["diagnoses"]
    if not isinstance(items, list) or not items:
        raise ProfileError("diagnoses", "must be a non-empty list of {code, side, stage} objects.")
    parsed: list[DiagnosisInput] = []
    for index, item in enumerate(items):
        where = f"diagnoses[{index}]"
        if not isinstance(item, Mapping):
            raise ProfileError(where, "must be an object with code, side and stage.")
        for key in ("code", "side", "stage"):
            if key not in item:
                raise ProfileError(f"{where}.{key}", "is required.")
        extra = sorted(set(item) - {"code", "side", "stage"})
        if extra:
            raise ProfileError(f"{where}.{extra[0]}", "is not a diagnosis key (code, side, stage).")
        parsed.append(
            DiagnosisInput(
                code=_choice(f"{where}.code", item["code"], diagnoses, "diagnosis"),
                side=_choice(f"{where}.side", item["side"], SIDES, "side"),
                stage=cast(Stage, _choice(f"{where}.stage", item["stage"], STAGES, "stage")),
            )
        )
    codes = [d.code for d in parsed]
    duplicate = next((code for code in codes if codes.count(code) > 1), None)
    if duplicate is not None:
        raise ProfileError("diagnoses", f"diagnosis {duplicate!r} is listed twice.")

    conditions = _slugs("comorbidities", raw["comorbidities"], comorbidities, "comorbidity")
    if "pregnancy" in conditions and pregnancy_weeks is None:
        raise ProfileError("pregnancy_weeks", "is required when comorbidities include 'pregnancy'.")
    flags = _slugs("red_flags", raw["red_flags"], red_flags, "red flag")
    contradictions = profile_contradictions(
        age=age, sex=sex, comorbidities=conditions, bmi=bmi, pregnancy_weeks=pregnancy_weeks
    )
    if contradictions:
        raise ProfileError(*contradictions[0])
    start_back: Risk | None = None
    if raw.get("start_back") is not None:
        start_back = cast(Risk, _choice("start_back", raw["start_back"], RISKS, "STarT Back risk"))
    low_muscle = raw.get("low_muscle_mass", False)
    if not isinstance(low_muscle, bool):
        raise ProfileError("low_muscle_mass", f"must be true or false, got {_shown(low_muscle)}.")
    fat: float | None = None
    if raw.get("fat_percent") is not None:
        value = raw["fat_percent"]
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ProfileError("fat_percent", f"must be a number, got {_shown(value)}.")
        if not MIN_FAT <= value <= MAX_FAT:
            raise ProfileError(
                "fat_percent", f"must be between {MIN_FAT:g} and {MAX_FAT:g}, got {value}."
            )
        fat = float(value)
    return PatientProfile(
        age=age,
        sex=sex,
        fitness=fitness,
        diagnoses=tuple(parsed),
        comorbidities=frozenset(conditions),
        red_flags=tuple(sorted(set(flags))),
        bmi=bmi,
        pregnancy_weeks=pregnancy_weeks,
        start_back=start_back,
        low_muscle_mass=low_muscle,
        fat_percent=fat,
    )
