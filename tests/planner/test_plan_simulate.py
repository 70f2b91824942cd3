"""`manage.py plan_simulate`: a course through the real services, leaving nothing behind."""

import itertools
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.conftest import same_on_every_database
from tests.planner.test_plan_preview import BAD_FILES, bad_file, row_counts, run_manage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
START = "2025-03-03"  # a Monday: supervised sessions Monday, Wednesday, Friday

DISC = {
    "age": 30,
    "sex": "male",
    "fitness": "moderate",
    "diagnoses": [{"code": "disc_herniation", "side": "left", "stage": "chronic"}],
    "comorbidities": [],
    "red_flags": [],
}
PREGNANT = {
    "age": 30,
    "sex": "female",
    "fitness": "moderate",
    "pregnancy_weeks": 11,
    "diagnoses": [{"code": "sciatica", "side": "left", "stage": "subacute"}],
    "comorbidities": [],
    "red_flags": [],
}
WEEK_KEYS = ["week", "date", "status", "exercises", "changes", "alerts"]
EXERCISE_KEYS = ["slug", "name", "movement_tags", "difficulty", "mode", "dose"]


def simulate(tmp_path: Path, profile: object, *args: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile))
    out = StringIO()
    call_command("plan_simulate", str(path), "--start", START, *args, stdout=out)
    return out.getvalue()


def doses(week: dict) -> dict[str, tuple[int, ...]]:
    return {e["slug"]: tuple(e["dose"].values()) for e in week["exercises"]}


def test_steady_six_weeks_progresses_and_leaves_nothing_behind(
    tmp_path, django_capture_on_commit_callbacks
):
    before = row_counts()
    with django_capture_on_commit_callbacks() as callbacks:
        first = simulate(tmp_path, DISC, "--weeks", "6", "--pattern", "steady")
    assert callbacks == []  # nothing committed, so no alert or task was queued
    assert row_counts() == before  # no patient, program, user or log is left
    assert simulate(tmp_path, DISC, "--weeks", "6", "--pattern", "steady") == first

    course = json.loads(first)
    assert list(course) == ["weeks"]
    weeks = course["weeks"]
    assert [w["week"] for w in weeks] == [1, 2, 3, 4, 5, 6]
    # Home starts the day after the third supervised session (Friday 7 March).
    assert [w["date"] for w in weeks][:2] == ["2025-03-08", "2025-03-15"]
    for week in weeks:
        assert list(week) == WEEK_KEYS
        assert week["status"] == "active"
        assert week["alerts"] == []
        assert week["exercises"]
        for exercise in week["exercises"]:
            assert list(exercise) == EXERCISE_KEYS
            assert list(exercise["dose"]) == ["sets", "reps", "hold_s", "duration_s"]
            assert exercise["mode"] in ("home", "supervised")
        for change in week["changes"]:
            assert list(change) == ["slug", "change", "rule"]
            assert change["change"].split()[0] in ("progress", "harder_variant")
            assert change["rule"].startswith("V-")
    assert all(e["mode"] == "home" for e in weeks[0]["exercises"])
    assert any(week["changes"] for week in weeks)  # easy weeks progress
    for earlier, later in itertools.pairwise(weeks):
        old, new = doses(earlier), doses(later)
        for slug in old.keys() & new.keys():
            assert all(b >= a for a, b in zip(old[slug], new[slug], strict=True)), slug


@same_on_every_database
def test_pregnancy_weeks_advance_no_supine_or_prone_from_13_weeks(tmp_path):
    weeks = json.loads(simulate(tmp_path, PREGNANT, "--weeks", "4", "--pattern", "steady"))["weeks"]
    start = date.fromisoformat(START)
    checked = 0
    for week in weeks:
        gestational = 11 + (date.fromisoformat(week["date"]) - start).days // 7
        if gestational >= 13:
            checked += 1
            for exercise in week["exercises"]:
                assert not {"supine", "prone"} & set(exercise["movement_tags"]), (
                    week["week"],
                    exercise["slug"],
                )
    assert checked >= 2


@same_on_every_database
def test_a_flare_alerts_steps_back_and_the_clinician_resumes(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        weeks = json.loads(simulate(tmp_path, DISC, "--weeks", "5", "--pattern", "flare"))["weeks"]
    assert callbacks == []  # the pain alert's email is never queued
    assert mail.outbox == []
    flare = weeks[3]
    assert flare["status"] == "active, progression paused"
    kinds = [a["kind"] for a in flare["alerts"]]
    assert "pain_high" in kinds
    assert "progression_paused" in kinds
    assert kinds[-1] == "progression_resumed"
    assert flare["changes"]
    assert {c["change"].split()[0] for c in flare["changes"]} <= {"step_back", "easier_variant"}
    assert all(w["alerts"] == [] for w in weeks[:3])
    assert weeks[4]["status"] == "active"  # resumed: the course goes on


def test_creeping_pain_alerts(tmp_path):
    weeks = json.loads(simulate(tmp_path, DISC, "--weeks", "6", "--pattern", "creep"))["weeks"]
    kinds = {a["kind"] for week in weeks for a in week["alerts"]}
    assert "creeping_pain" in kinds


def test_missed_days_hold_the_doses(tmp_path):
    weeks = json.loads(simulate(tmp_path, DISC, "--weeks", "3", "--pattern", "missed"))["weeks"]
    assert all(week["changes"] == [] for week in weeks)  # holds are not changes
    assert doses(weeks[0]) == doses(weeks[1]) == doses(weeks[2])


def test_text_format(tmp_path):
    text = simulate(tmp_path, DISC, "--weeks", "1", "--pattern", "steady", "--format", "text")
    assert text.startswith("Week 1 from 2025-03-08: active\n")
    assert " - home" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "27", "--pattern", "steady"], "--weeks must be between 1 and 26, got 27."),
        (["--weeks", "0", "--pattern", "steady"], "--weeks must be between 1 and 26, got 0."),
        (
            ["--weeks", "2", "--pattern", "steady", "--start", "March"],
            "--start must be a date as YYYY-MM-DD, got 'March'.",
        ),
    ],
)
def test_bad_options_exit_2(tmp_path, args, message):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(DISC))
    with pytest.raises(CommandError) as error:
        call_command("plan_simulate", str(path), *args)
    assert error.value.returncode == 2
    assert str(error.value) == message


def test_a_profile_with_red_flags_is_not_simulated(tmp_path):
    before = row_counts()
    with pytest.raises(CommandError) as error:
        simulate(tmp_path, {**DISC, "red_flags": ["fever"]}, "--weeks", "2", "--pattern", "steady")
    assert error.value.returncode == 2
    assert "without red flags" in str(error.value)
    assert row_counts() == before


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_and_exit_code_2(tmp_path, case):
    path, message = bad_file(tmp_path, case)
    with pytest.raises(CommandError) as error:
        call_command("plan_simulate", str(path), "--weeks", "1", "--pattern", "steady")
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_from_the_shell_a_long_number_is_one_line_without_traceback(tmp_path):
    path, message = bad_file(tmp_path, "long_number")
    result = run_manage(tmp_path, "plan_simulate", str(path), "--weeks", "1", "--pattern", "steady")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"CommandError: {path}: not valid JSON for a profile ({message}).\n"
