"""Scoring of outcome measures as plain functions (CLINICAL.md, "Outcome measures").

No Django here: the admin, the API and the planner all call these, and the
edge cases are tested directly.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

OdiBand = Literal["minimal", "moderate", "severe", "crippled", "bed_bound"]
StartBackRisk = Literal["low", "medium", "high"]
FitnessLevel = Literal["low", "moderate", "high"]

ODI_SECTIONS = 10
ODI_MAX_PER_SECTION = 5
# Fairbank & Pynsent advise not to score a questionnaire with more than two
# sections missing: the percentage would rest on too little.
ODI_MIN_ANSWERED = 8

ODI_BAND_LABELS: dict[OdiBand, str] = {
    "minimal": "Minimal disability (0-20 %)",
    "moderate": "Moderate disability (21-40 %)",
    "severe": "Severe disability (41-60 %)",
    "crippled": "Crippling back pain (61-80 %)",
    "bed_bound": "Bed-bound or exaggerating (81-100 %)",
}


class ScoringError(ValueError):
    """An answer set that cannot be scored; the message says which answer."""


@dataclass(frozen=True)
class OdiResult:
    percent: int
    band: OdiBand
    answered: int


def odi_band(percent: int) -> OdiBand:
    if not 0 <= percent <= 100:
        raise ScoringError(f"ODI percent must be 0-100, got {percent}.")
    if percent <= 20:
        return "minimal"
    if percent <= 40:
        return "moderate"
    if percent <= 60:
        return "severe"
    if percent <= 80:
        return "crippled"
    return "bed_bound"


def odi_score(answers: list[int | None]) -> OdiResult | None:
    """Percent = sum / (5 x sections answered) x 100, rounded half up.

    Returns None when fewer than eight sections are answered.
    """
    if len(answers) != ODI_SECTIONS:
        raise ScoringError(f"ODI has {ODI_SECTIONS} sections, got {len(answers)} answers.")
    given = []
    for index, answer in enumerate(answers, start=1):
        if answer is None:
            continue
        if not 0 <= answer <= ODI_MAX_PER_SECTION:
            raise ScoringError(f"ODI section {index} must be scored 0-5, got {answer}.")
        given.append(answer)
    if len(given) < ODI_MIN_ANSWERED:
        return None
    raw = Decimal(sum(given)) * 100 / (ODI_MAX_PER_SECTION * len(given))
    percent = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return OdiResult(percent=percent, band=odi_band(percent), answered=len(given))


@dataclass(frozen=True)
class StartBackResult:
    total: int
    psychosocial: int
    risk: StartBackRisk


STARTBACK_ITEMS = 9


def start_back_score(items: list[bool]) -> StartBackResult:
    """Hill et al. 2008: total <= 3 low; else psychosocial (items 5-9) >= 4 high, else medium.

    Each item is already dichotomised: True is the scoring answer ("agree";
    for item 9, "very much" or "extremely" bothered).
    """
    if len(items) != STARTBACK_ITEMS:
        raise ScoringError(f"STarT Back has {STARTBACK_ITEMS} items, got {len(items)}.")
    total = sum(1 for item in items if item)
    psychosocial = sum(1 for item in items[4:] if item)
    if total <= 3:
        risk: StartBackRisk = "low"
    elif psychosocial >= 4:
        risk = "high"
    else:
        risk = "medium"
    return StartBackResult(total=total, psychosocial=psychosocial, risk=risk)


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years completed on the given day (a 29 February birthday counts on 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def bmi(weight_kg: Decimal, height_cm: int) -> Decimal:
    """Body mass index to one decimal place."""
    if height_cm <= 0:
        raise ScoringError("Height must be positive to compute BMI.")
    metres = Decimal(height_cm) / 100
    return (Decimal(weight_kg) / (metres * metres)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# 30-second chair stand, normal range (25th-75th percentile) by age band
# (Rikli & Jones, Senior Fitness Test norms): (age from, women, men).
_CHAIR_STAND_NORMS: tuple[tuple[int, tuple[int, int], tuple[int, int]], ...] = (
    (90, (4, 11), (7, 12)),
    (85, (8, 13), (8, 14)),
    (80, (9, 14), (10, 15)),
    (75, (10, 15), (11, 17)),
    (70, (10, 15), (12, 17)),
    (65, (11, 16), (12, 18)),
    (0, (12, 17), (14, 19)),
)


def chair_stand_norm(age: int, sex: Literal["female", "male"]) -> tuple[int, int]:
    """The normal range of stands for this age and sex.

    The published norms start at 60; younger patients are compared with the
    60-64 band, so a young patient must still reach the upper quartile of
    that band to rate as high fitness.
    """
    for age_from, women, men in _CHAIR_STAND_NORMS:
        if age >= age_from:
            return women if sex == "female" else men
    raise ScoringError(f"Age must not be negative, got {age}.")  # pragma: no cover


def fitness_from_chair_stand(age: int, sex: Literal["female", "male"], stands: int) -> FitnessLevel:
    """Below the normal range: low; within it: moderate; above it: high."""
    if stands < 0:
        raise ScoringError(f"Chair stands cannot be negative, got {stands}.")
    low, high = chair_stand_norm(age, sex)
    if stands < low:
        return "low"
    if stands > high:
        return "high"
    return "moderate"
