"""Property: over the real library and the real services, random patients and random
12-week logs never give a week whose exercises a rule of that week blocks, or a dose outside
the exercise's bounds or a caution's cap (CLINICAL.md: "the rules hold for every day").

Each example is a whole course through `simulate_course` (generation, supervised mastery,
logs, a daily re-check and an approved review every week), checked by `course_violations`.
Examples are few because each is a 12-week course; `scripts/safety_sweep.py` runs hundreds.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.profile import parse_profile
from planner.selectors import engine_catalogue, engine_rules
from planner.simulate import DayLog, course_violations, simulate_course
from rehab.models import Comorbidity, Diagnosis, RedFlag
from tests.conftest import same_on_every_database

pytestmark = [pytest.mark.django_db, same_on_every_database]
START = date(2026, 3, 2)
DIAGNOSES = (
    "lumboischialgia",
    "disc_herniation",
    "spondylolisthesis",
    "spinal_stenosis",
    "piriformis_syndrome",
    "scoliosis",
)
ILLNESSES = (
    "hypertension",
    "coronary_heart_disease",
    "heart_failure",
    "osteoporosis",
    "varicose_veins",
    "peripheral_arterial_disease",
    "knee_osteoarthritis",
    "balance_disorder",
)


@st.composite
def patients(draw: st.DrawFn) -> dict:
    pregnant = draw(st.booleans())
    comorbidities = set(draw(st.lists(st.sampled_from(ILLNESSES), max_size=3, unique=True)))
    if draw(st.booleans()):
        complication = draw(st.sampled_from(["diabetic_neuropathy", "diabetic_retinopathy"]))
        comorbidities |= {"diabetes", complication}
    profile = {
        "age": draw(st.integers(20, 42)) if pregnant else draw(st.integers(18, 95)),
        "sex": "female" if pregnant else draw(st.sampled_from(["female", "male"])),
        "fitness": draw(st.sampled_from(["low", "moderate", "high"])),
        "diagnoses": [
            {
                "code": draw(st.sampled_from(DIAGNOSES)),
                "side": "left",
                "stage": draw(st.sampled_from(["acute", "subacute", "chronic"])),
            }
        ],
        "comorbidities": sorted(comorbidities),
        "red_flags": [],
    }
    if pregnant:
        profile["pregnancy_weeks"] = draw(st.integers(8, 14))  # crosses 13 weeks in the course
    return profile


days = st.lists(
    st.one_of(
        st.none(),
        st.builds(
            DayLog,
            pain_during=st.integers(0, 10),
            pain_after=st.integers(0, 10),
            difficulty=st.sampled_from(["easy", "right", "hard"]),
        ),
    ),
    min_size=84,
    max_size=84,
)


@pytest.fixture
def world(library: None) -> dict:
    return {
        "catalogue": {e.slug: e for e in engine_catalogue()},
        "rules": engine_rules(),
        "vocab": {
            "diagnoses": set(Diagnosis.objects.values_list("code", flat=True)),
            "comorbidities": set(Comorbidity.objects.values_list("code", flat=True)),
            "red_flags": set(RedFlag.objects.values_list("code", flat=True)),
        },
    }


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=patients(), logs=days)
def test_no_week_of_a_random_course_breaks_that_weeks_rules(world, data, logs):
    course = simulate_course(profile_data=data, weeks=12, pattern="steady", start=START, logs=logs)
    profile = parse_profile(data, **world["vocab"])
    assert course["weeks"], "a course with home weeks"
    assert (
        course_violations(
            profile=profile,
            course=course,
            start=START,
            catalogue=world["catalogue"],
            rules=world["rules"],
        )
        == []
    )
