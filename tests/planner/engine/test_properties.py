"""Properties of plan generation over random patients, on the real seeded library."""

import json
import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.generate.parameters import FITNESS_DIFFICULTY_CAP
from planner.engine.generate.plan import generate_plan
from planner.engine.serialize import plan_to_dict
from planner.engine.types import CatalogueExercise, DiagnosisInput, PatientProfile
from planner.selectors import engine_catalogue
from rehab.clinical_catalogue import COMORBIDITIES, DIAGNOSES, RED_FLAGS

# The module fixture below needs the test database, which pytest-django sets up only
# for modules that ask for it; without the mark it would reach the development file.
pytestmark = pytest.mark.django_db
DIAGNOSIS_CODES = sorted(dx.code for dx in DIAGNOSES)
COMORBIDITY_CODES = sorted(c.code for c in COMORBIDITIES if c.code != "pregnancy")
RED_FLAG_CODES = sorted(f.code for f in RED_FLAGS)


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker) -> tuple[CatalogueExercise, ...]:
    with django_db_blocker.unblock():
        return engine_catalogue()


@st.composite
def profiles(draw: st.DrawFn, red_flags: bool = False) -> PatientProfile:
    sex = draw(st.sampled_from(["female", "male"]))
    codes = draw(st.lists(st.sampled_from(DIAGNOSIS_CODES), min_size=1, max_size=3, unique=True))
    diagnoses = tuple(
        DiagnosisInput(
            code,
            draw(st.sampled_from(["left", "right", "bilateral"])),
            draw(st.sampled_from(["acute", "subacute", "chronic"])),
        )
        for code in codes
    )
    pregnant = sex == "female" and draw(st.booleans())
    flags = (
        draw(st.lists(st.sampled_from(RED_FLAG_CODES), min_size=1, max_size=3, unique=True))
        if red_flags
        else ()
    )
    return PatientProfile(
        age=draw(st.integers(16, 45 if pregnant else 100)),
        sex=sex,  # type: ignore[arg-type]
        fitness=draw(st.sampled_from(["low", "moderate", "high"])),
        diagnoses=diagnoses,
        comorbidities=frozenset(
            draw(st.lists(st.sampled_from(COMORBIDITY_CODES), max_size=4, unique=True))
        ),
        red_flags=tuple(flags),
        bmi=draw(st.one_of(st.none(), st.floats(16, 48, allow_nan=False))),
        pregnancy_weeks=draw(st.integers(0, 42)) if pregnant else None,
    )


FAST = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(profile=profiles())
def test_no_included_exercise_carries_a_tag_an_applying_rule_blocks(catalogue, profile):
    plan = generate_plan(profile, catalogue, DEFAULT_RULES)
    applying = [rule for rule in DEFAULT_RULES if rule.applies_to(profile)]
    for exercise in plan.exercises:
        tags = set(exercise.movement_tags)
        for rule in applying:
            assert not tags & rule.block_tags, (exercise.slug, rule.id)
            if rule.max_difficulty is not None:
                assert exercise.difficulty <= rule.max_difficulty, (exercise.slug, rule.id)
        assert exercise.difficulty <= FITNESS_DIFFICULTY_CAP[profile.fitness]
        if profile.pregnancy_weeks is not None and profile.pregnancy_weeks >= 13:
            assert not tags & {"supine", "prone"}


@FAST
@given(profile=profiles(red_flags=True))
def test_any_red_flag_always_blocks(catalogue, profile):
    plan = generate_plan(profile, catalogue, DEFAULT_RULES)
    assert plan.status == "blocked"
    assert plan.exercises == ()
    assert {r.rule for r in plan.reasons} == {"RED-FLAG"}
    assert len(plan.reasons) == len(set(profile.red_flags))


@FAST
@given(profile=profiles())
def test_a_plan_is_sound_or_says_why_not(catalogue, profile):
    plan = generate_plan(profile, catalogue, DEFAULT_RULES)
    if plan.status == "ok":
        assert 3 <= len(plan.exercises) <= (4 if profile.is_frail else 6)
        assert plan.daily_seconds <= 25 * 60
        # A frail patient's day reaches its ten minutes with the longer walk.
        walk = plan.activity.minutes * 60 if profile.is_frail else 0
        assert plan.daily_seconds + walk >= 10 * 60
        assert plan.activity is not None  # every plan has aerobic work
    else:
        assert plan.status == "needs_review"
        assert any(r.rule.startswith("P-") for r in plan.reasons)
    for exercise in plan.exercises:
        assert exercise.why and exercise.why[0].rule == "INDICATION"
    assert len({e.slug for e in plan.exercises}) == len(plan.exercises)


@FAST
@given(profile=profiles(), seed=st.integers(0, 2**16))
def test_the_same_input_gives_the_same_output_byte_for_byte(catalogue, profile, seed):
    shuffled = list(catalogue)
    random.Random(seed).shuffle(shuffled)
    rules = list(DEFAULT_RULES)
    random.Random(seed).shuffle(rules)
    one = json.dumps(plan_to_dict(generate_plan(profile, catalogue, DEFAULT_RULES)))
    two = json.dumps(plan_to_dict(generate_plan(profile, shuffled, rules)))
    assert one == two


@FAST
@given(profile=profiles(), data=st.data())
def test_only_mastered_exercises_are_planned_for_home(catalogue, profile, data):
    slugs = sorted(ex.slug for ex in catalogue)
    mastered = frozenset(data.draw(st.lists(st.sampled_from(slugs), max_size=20, unique=True)))
    plan = generate_plan(replace(profile, mastered=mastered), catalogue, DEFAULT_RULES)
    for exercise in plan.exercises:
        if exercise.mode == "home":
            assert exercise.slug in mastered and not exercise.supervised_only


def test_the_library_serves_most_patients_with_a_sound_plan(catalogue):
    """Not a vacuous property: ordinary patients get `ok` plans from the seeded library."""
    rng = random.Random(2026)
    statuses = []
    for _ in range(300):
        code = rng.choice(DIAGNOSIS_CODES)
        profile = PatientProfile(
            age=rng.randint(20, 85),
            sex=rng.choice(["female", "male"]),  # type: ignore[arg-type]
            fitness=rng.choice(["low", "moderate", "high"]),  # type: ignore[arg-type]
            diagnoses=(DiagnosisInput(code, "left", rng.choice(["acute", "subacute", "chronic"])),),
            comorbidities=frozenset(rng.sample(COMORBIDITY_CODES, rng.randint(0, 2))),
        )
        statuses.append(generate_plan(profile, catalogue, DEFAULT_RULES).status)
    assert statuses.count("ok") >= 0.95 * len(statuses), statuses.count("needs_review")
