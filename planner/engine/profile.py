"""Reading a patient profile from JSON-like data, with one clear message per mistake."""

from collections.abc import Collection, Mapping
from typing import Any, cast

from planner.engine.types import (
    FITNESS_LEVELS,
    SIDES,
    STAGES,
    DiagnosisInput,
    Fitness,
    PatientProfile,
    Sex,
    Stage,
)

MIN_AGE, MAX_AGE = 16, 110
MIN_BMI, MAX_BMI = 12.0, 80.0
MAX_PREGNANCY_WEEKS = 42
REQUIRED_KEYS = ("age", "sex", "fitness", "diagnoses", "comorbidities", "red_flags")
OPTIONAL_KEYS = ("bmi", "pregnancy_weeks")
SEXES: tuple[Sex, ...] = ("female", "male")


class ProfileError(ValueError):
    """A profile that cannot be planned for; `field` names where the mistake is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _choice(field: str, value: object, valid: Collection[str], what: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ProfileError(
            field, f"unknown {what} {value!r}; valid values: {', '.join(sorted(valid))}."
        )
    return value


def _whole(field: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProfileError(field, f"must be a whole number, got {value!r}.")
    if not low <= value <= high:
        raise ProfileError(field, f"must be between {low} and {high}, got {value}.")
    return value


def _slugs(field: str, value: object, valid: Collection[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProfileError(field, f"must be a list of {what} slugs, got {value!r}.")
    return tuple(
        _choice(f"{field}[{index}]", item, valid, what) for index, item in enumerate(value)
    )


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
            raise ProfileError("bmi", f"must be a number, got {value!r}.")
        if not MIN_BMI <= value <= MAX_BMI:
            raise ProfileError("bmi", f"must be between {MIN_BMI:g} and {MAX_BMI:g}, got {value}.")
        bmi = float(value)

    pregnancy_weeks: int | None = None
    if raw.get("pregnancy_weeks") is not None:
        pregnancy_weeks = _whole("pregnancy_weeks", raw["pregnancy_weeks"], 0, MAX_PREGNANCY_WEEKS)
        if sex != "female":
            raise ProfileError("pregnancy_weeks", "pregnancy is only possible for sex 'female'.")

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
    return PatientProfile(
        age=age,
        sex=sex,
        fitness=fitness,
        diagnoses=tuple(parsed),
        comorbidities=frozenset(conditions),
        red_flags=tuple(sorted(set(flags))),
        bmi=bmi,
        pregnancy_weeks=pregnancy_weeks,
    )
