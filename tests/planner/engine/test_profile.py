"""parse_profile: facts that contradict each other are refused, with the field to correct."""

import pytest

from planner.engine.profile import (
    MAX_PREGNANCY_AGE,
    Contradiction,
    ProfileError,
    parse_profile,
    profile_contradictions,
)

DIAGNOSES = {"sciatica", "disc_herniation"}
COMORBIDITIES = {
    "diabetes",
    "diabetic_neuropathy",
    "diabetic_retinopathy",
    "hypertension",
    "obesity",
    "pregnancy",
}
RED_FLAGS = {"fever"}
BASE = {
    "age": 34,
    "sex": "female",
    "fitness": "moderate",
    "diagnoses": [{"code": "sciatica", "side": "left", "stage": "subacute"}],
    "comorbidities": [],
    "red_flags": [],
}


def parse(**changes: object):
    return parse_profile(
        {**BASE, **changes},
        diagnoses=DIAGNOSES,
        comorbidities=COMORBIDITIES,
        red_flags=RED_FLAGS,
    )


def test_a_consistent_profile_has_no_contradictions():
    assert (
        profile_contradictions(
            age=34,
            sex="female",
            comorbidities={"diabetes", "diabetic_neuropathy", "obesity"},
            bmi=31.5,
            pregnancy_weeks=20,
        )
        == []
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"age": MAX_PREGNANCY_AGE + 1, "pregnancy_weeks": 10},
            "pregnancy_weeks",
            f"pregnancy at age 56 is implausible (the bound is {MAX_PREGNANCY_AGE})",
        ),
        (
            {"comorbidities": ["obesity"], "bmi": 24.5},
            "comorbidities",
            "obesity is BMI 30 or more, but bmi is 24.5; either remove obesity or correct the BMI",
        ),
        (
            {"comorbidities": ["diabetic_neuropathy"]},
            "comorbidities",
            "diabetic neuropathy needs diabetes in comorbidities",
        ),
        (
            {"comorbidities": ["hypertension", "diabetic_retinopathy"]},
            "comorbidities",
            "diabetic retinopathy needs diabetes in comorbidities",
        ),
        (
            {"sex": "male", "pregnancy_weeks": 12},
            "pregnancy_weeks",
            "pregnancy is only possible for sex 'female'",
        ),
    ],
)
def test_contradictions_are_refused_naming_the_field(changes, field, message):
    with pytest.raises(ProfileError) as error:
        parse(**changes)
    assert error.value.field == field
    assert message in str(error.value)


def test_the_bounds_themselves_are_accepted():
    assert parse(age=MAX_PREGNANCY_AGE, pregnancy_weeks=8).pregnancy_weeks == 8
    assert parse(comorbidities=["obesity"], bmi=30.0).bmi == 30.0
    assert parse(comorbidities=["obesity"]).comorbidities == {"obesity"}  # no BMI to contradict
    assert parse(comorbidities=["diabetes", "diabetic_retinopathy"]).comorbidities == {
        "diabetes",
        "diabetic_retinopathy",
    }


def test_pregnancy_weeks_without_pregnancy_listed_is_fine_it_is_derived():
    profile = parse(pregnancy_weeks=20)
    assert "pregnancy" not in profile.comorbidities
    assert "pregnancy" in profile.conditions


def test_the_helper_reports_every_contradiction_at_once():
    found = profile_contradictions(
        age=60,
        sex="male",
        comorbidities={"pregnancy", "obesity", "diabetic_neuropathy", "diabetic_retinopathy"},
        bmi=22.0,
        pregnancy_weeks=None,
    )
    assert [c.field for c in found] == ["pregnancy_weeks"] * 2 + ["comorbidities"] * 3
    assert all(isinstance(c, Contradiction) and c.message.endswith(".") for c in found)


def test_a_huge_value_is_quoted_short():
    with pytest.raises(ProfileError) as error:
        parse(age=10**4000)
    assert len(str(error.value)) < 120
