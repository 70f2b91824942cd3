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

pytestmark = pytest.mark.django_db
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


@pytest.fixture(autouse=True)
def library(db: None) -> None:
    call_command("load_library", verbosity=0)


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
    assert "aerobic" in categories  # pregnancy: daily moderate activity
    assert "core_stabilisation" in categories
    excluded_rules = {x["rule"] for x in plan["excluded"]}
    assert {"R-PREG-1", "R-PREG-2"} <= excluded_rules
    assert all(set(x) == {"slug", "rule", "reason"} for x in plan["excluded"])


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


def test_from_the_shell_a_bad_profile_exits_non_zero_with_one_message_and_no_traceback(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({**PREGNANT_WITH_SCIATICA, "age": 200}))
    database = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "plan_preview", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == "CommandError: Invalid profile: age: must be between 16 and 110, got 200."
    )
