"""`manage.py plan_preview PROFILE.json`: a dry run of the planner on the seeded library."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
ROOT = Path(__file__).resolve().parents[2]

PREGNANT_WITH_SCIATICA = {
    "age": 31,
    "sex": "female",
    "fitness": "moderate",
    "pregnancy_weeks": 24,
    "diagnoses": [{"code": "sciatica", "side": "left", "stage": "subacute"}],
    "comorbidities": [],
    "red_flags": [],
}


def preview(tmp_path: Path, profile: object, *args: str) -> str:
    path = tmp_path / "profile.json"
    path.write_text(profile if isinstance(profile, str) else json.dumps(profile))
    out = StringIO()
    call_command("plan_preview", str(path), *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_prints_the_plan_as_json_with_the_documented_keys(tmp_path):
    before = row_counts()
    plan = json.loads(preview(tmp_path, PREGNANT_WITH_SCIATICA))
    assert row_counts() == before  # a dry run writes nothing
    assert set(plan) >= {"status", "reasons", "exercises", "excluded", "daily_minutes"}
    assert plan["status"] == "ok", plan["reasons"]
    assert 3 <= len(plan["exercises"]) <= 6
    assert 10 <= plan["daily_minutes"] <= 25
    for exercise in plan["exercises"]:
        assert set(exercise) >= {
            "slug",
            "name",
            "category",
            "difficulty",
            "movement_tags",
            "dose",
            "mode",
            "why",
        }
        assert set(exercise["dose"]) == {"sets", "reps", "hold_s", "duration_s"}
        assert exercise["mode"] == "supervised"  # nothing is mastered yet
        assert exercise["why"] and all({"rule", "text"} <= set(w) for w in exercise["why"])
        # Pregnancy from week 13: never on the back or stomach, never breath-holding.
        assert not set(exercise["movement_tags"]) & {
            "supine",
            "prone",
            "breath_hold",
            "high_impact",
            "loaded_spinal_flexion",
            "head_down",
        }
    categories = {e["category"] for e in plan["exercises"]}
    assert "neural_mobilisation" in categories  # radicular pain
    # Pregnancy: daily moderate activity, in the session or as the day's separate walk.
    assert "aerobic" in categories or plan.get("activity") is not None
    assert "core_stabilisation" in categories
    excluded_rules = {x["rule"] for x in plan["excluded"]}
    assert {"R-PREG-1", "R-PREG-2"} <= excluded_rules
    assert all(set(x) == {"slug", "rule", "reason", "because"} for x in plan["excluded"])
    # Why, as the explanation rows the app renders in the reader's language.
    assert all(x["because"]["text"] == x["reason"] for x in plan["excluded"])


def test_same_profile_same_output_byte_for_byte(tmp_path):
    assert preview(tmp_path, PREGNANT_WITH_SCIATICA) == preview(tmp_path, PREGNANT_WITH_SCIATICA)


def test_text_format_for_people(tmp_path):
    text = preview(tmp_path, PREGNANT_WITH_SCIATICA, "--format", "text")
    assert text.startswith("Status: ok\n")
    assert "Left out:" in text and "[R-PREG-2]" in text


def test_red_flag_blocks(tmp_path):
    profile = {**PREGNANT_WITH_SCIATICA, "red_flags": ["saddle_anesthesia"]}
    plan = json.loads(preview(tmp_path, profile))
    assert plan["status"] == "blocked"
    assert plan["exercises"] == []
    assert plan["reasons"][0]["rule"] == "RED-FLAG"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "profile: must be a JSON object"),
        ({**PREGNANT_WITH_SCIATICA, "age": 7}, "age: must be between 16 and 110, got 7"),
        ({**PREGNANT_WITH_SCIATICA, "age": "old"}, "age: must be a whole number"),
        ({**PREGNANT_WITH_SCIATICA, "pregnancy_weeks": 45}, "pregnancy_weeks: must be between 0"),
        ({**PREGNANT_WITH_SCIATICA, "fitness": "super"}, "valid values: high, low, moderate"),
        (
            {k: v for k, v in PREGNANT_WITH_SCIATICA.items() if k != "diagnoses"},
            "diagnoses: is required",
        ),
        (
            {
                **PREGNANT_WITH_SCIATICA,
                "diagnoses": [{"code": "flu", "side": "left", "stage": "acute"}],
            },
            "diagnoses[0].code: unknown diagnosis 'flu'; valid values: disc_herniation,",
        ),
        (
            {**PREGNANT_WITH_SCIATICA, "comorbidities": ["asthma"]},
            "comorbidities[0]: unknown comorbidity 'asthma'; valid values: balance_disorder,",
        ),
        (
            {**PREGNANT_WITH_SCIATICA, "red_flags": ["headache"]},
            "red_flags[0]: unknown red flag 'headache'; valid values: bladder_bowel_dysfunction,",
        ),
        ({**PREGNANT_WITH_SCIATICA, "sex": "male"}, "pregnancy_weeks: pregnancy is only possible"),
        ({**PREGNANT_WITH_SCIATICA, "height": 170}, "height: is not a profile key"),
        (
            {**PREGNANT_WITH_SCIATICA, "comorbidities": ["diabetic_neuropathy"]},
            "comorbidities: diabetic neuropathy needs diabetes in comorbidities.",
        ),
        (
            {**PREGNANT_WITH_SCIATICA, "age": 58},
            "pregnancy_weeks: pregnancy at age 58 is implausible (the bound is 55)",
        ),
    ],
)
def test_malformed_profile_names_the_field(tmp_path, profile, message):
    before = row_counts()
    with pytest.raises(CommandError) as error:
        preview(tmp_path, profile)
    assert message in str(error.value)
    assert row_counts() == before


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("plan_preview", str(tmp_path / "absent.json"))


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "profile.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# Each bad file, made in a test's tmp_path, and what the one line on stderr says of it.
BAD_FILES = {
    "directory": (lambda tmp: tmp, "is a directory, not a profile file."),
    "missing": (lambda tmp: tmp / "absent.json", "no such file."),
    "not_utf8": (lambda tmp: _write(tmp, b'{"age": "\xff\xfe"}'), "not UTF-8 text (byte 0xff"),
    "deep": (lambda tmp: _write(tmp, "[" * 100_000), "nested too deeply"),
    "long_number": (
        lambda tmp: _write(tmp, '{"age": ' + "9" * 5_000 + "}"),
        "a number is too long: Exceeds the limit (4300 digits) for integer string conversion",
    ),
    "invalid_json": (lambda tmp: _write(tmp, "{not json"), "not valid JSON (Expecting"),
    "nan": (lambda tmp: _write(tmp, '{"bmi": NaN}'), "NaN is not a JSON number"),
    "duplicate_key": (
        lambda tmp: _write(tmp, '{"age": 30, "age": 31}'),
        "key 'age' appears twice in one object",
    ),
    "invalid_profile": (
        lambda tmp: _write(tmp, json.dumps({**PREGNANT_WITH_SCIATICA, "age": 200})),
        "Invalid profile: age: must be between 16 and 110, got 200.",
    ),
}


def bad_file(tmp_path: Path, case: str) -> tuple[Path, str]:
    make, message = BAD_FILES[case]
    return make(tmp_path), message


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_and_exit_code_2(tmp_path, case):
    path, message = bad_file(tmp_path, case)
    with pytest.raises(CommandError) as error:
        call_command("plan_preview", str(path))
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def run_manage(tmp_path: Path, *args: str, migrate: bool = False) -> subprocess.CompletedProcess:
    """manage.py in a child process on a database of its own (migrated only when asked)."""
    database = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if migrate:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_from_the_shell_a_deep_json_is_one_line_without_traceback(tmp_path):
    path, message = bad_file(tmp_path, "deep")
    # The file is refused before the database is opened: no migration needed.
    result = run_manage(tmp_path, "plan_preview", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"CommandError: {path}: not valid JSON for a profile ({message}).\n"


def test_from_the_shell_a_bad_profile_exits_non_zero_with_one_message_and_no_traceback(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({**PREGNANT_WITH_SCIATICA, "age": 200}))
    result = run_manage(tmp_path, "plan_preview", str(path), migrate=True)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == "CommandError: Invalid profile: age: must be between 16 and 110, got 200."
    )
