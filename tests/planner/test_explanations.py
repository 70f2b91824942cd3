"""Every explanation of the engine can be read in every language the app speaks.

The engine writes its explanations as data (`Reason.of(rule, "<English template>", **params)`)
and `planner.explanations` renders them from the catalogues in `planner/messages/<language>/`.
These tests find every message of the engine in its source, and fail naming what a language
lacks: a message, a plain message, or a name (diagnosis, category, red flag, rule).
"""

import ast
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from exercises.vocabulary import CATEGORIES, MOVEMENT_TAGS
from planner import explanations
from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.generate.plan import generate_plan
from planner.engine.serialize import reason_row
from planner.engine.types import CatalogueExercise, DiagnosisInput, PatientProfile, Plan
from planner.explanations import (
    Names,
    catalogue,
    plain_messages,
    reason_text,
    reasons_text,
)
from planner.selectors import engine_catalogue
from rehab.clinical_catalogue import DIAGNOSES, RED_FLAGS

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "planner" / "engine"
# Where explanations are written: the engine, and the services and the daily safety check
# that add their own (a review's change, an exercise swapped in by the rules).
SOURCES = (ENGINE, ROOT / "planner" / "services", ROOT / "planner" / "safety.py")
# ...except the one place that reads stored explanations back (`reason_of_row`): the messages
# it builds were written, and found here, where they were first made.
READ_BACK = ENGINE / "serialize.py"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")  # noqa: RUF001


def _is_reason_call(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "Reason"
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "of"
        and isinstance(func.value, ast.Name)
        and func.value.id == "Reason"
    )


def _message_argument(node: ast.Call) -> ast.expr | None:
    if len(node.args) >= 2:
        return node.args[1]
    return next((k.value for k in node.keywords if k.arg == "message"), None)


def find_engine_messages() -> tuple[set[str], list[str]]:
    """Every message of the engine (`Reason(...)` and `Reason.of(...)` calls), and where a
    call's message is not one string literal (file:line)."""
    messages: set[str] = set()
    not_literal: list[str] = []
    files = [path for source in SOURCES if source.is_file() for path in [source]]
    files += [path for source in SOURCES if source.is_dir() for path in source.rglob("*.py")]
    for path in sorted(set(files) - {READ_BACK}):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and _is_reason_call(node)):
                continue
            message = _message_argument(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                messages.add(message.value)
            else:
                not_literal.append(where)
    return messages, not_literal


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != "en"]


# -- 1. every message of the engine can be found ----------------------------------------------


def test_every_explanation_of_the_engine_is_one_string_literal():
    messages, not_literal = find_engine_messages()
    assert not not_literal, (
        "An explanation's message must be one string literal (the English template, "
        "parameters as %(name)s), so that it can be found and translated: " + ", ".join(not_literal)
    )
    # The finder really finds them (plan generation, the safety check and the review).
    assert "Suits %(diagnoses)s." in messages
    assert "Dose halved because it involves %(tags)s." in messages
    assert len(messages) > 50


def test_a_message_that_is_built_at_run_time_is_named_by_file_and_line(tmp_path, monkeypatch):
    source = tmp_path / "planner" / "engine" / "bad.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from planner.engine.types import Reason\n\n"
        "def why(n):\n"
        "    return Reason('P-X', f'{n} exercises')\n"
    )
    monkeypatch.setattr(__name__ + ".SOURCES", (source.parent,))
    monkeypatch.setattr(__name__ + ".ROOT", tmp_path)
    assert find_engine_messages() == (set(), ["planner/engine/bad.py:4"])


# -- 2. every language has them all ----------------------------------------------------------


@pytest.mark.parametrize("language", other_languages())
def test_every_message_of_the_engine_is_translated(language):
    messages, _ = find_engine_messages()
    translated = catalogue(language).messages
    missing = sorted(m for m in messages if m not in translated)
    assert not missing, f"{language} lacks {len(missing)} messages:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", other_languages())
def test_every_plain_message_is_translated(language):
    translated = catalogue(language).messages
    missing = sorted(m for m in plain_messages().values() if m not in translated)
    assert not missing, f"{language} lacks plain messages:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", other_languages())
def test_every_diagnosis_category_and_red_flag_has_its_name(language):
    names = catalogue(language).names
    wanted = {
        "diagnosis": {d.code for d in DIAGNOSES},
        "category": set(CATEGORIES),
        "red_flag": {f.code for f in RED_FLAGS},
    }
    missing = [
        f"{kind} {key}"
        for kind, keys in wanted.items()
        for key in sorted(keys)
        if not names.get(kind, {}).get(key, "").strip()
    ]
    assert not missing, f"{language} lacks names: " + ", ".join(missing)


@pytest.mark.parametrize("language", other_languages())
def test_every_movement_tag_has_its_name(language):
    names = catalogue(language).names.get("tag", {})
    missing = sorted(tag for tag in MOVEMENT_TAGS if tag not in names)
    assert not missing, f"{language} lacks names of tags: " + ", ".join(missing)


@pytest.mark.parametrize("language", other_languages())
def test_every_language_says_how_it_writes_a_day(language):
    assert catalogue(language).day_format.strip(), f"{language} lacks [formats] day"


@pytest.mark.parametrize("language", other_languages())
def test_every_default_rule_is_translated_from_its_current_english(language):
    rules = catalogue(language).rules
    missing = [r.id for r in DEFAULT_RULES if r.id not in rules]
    assert not missing, f"{language} lacks rules: " + ", ".join(missing)
    # A translation of an older English would never be shown (see the clinic's edit below).
    stale = [r.id for r in DEFAULT_RULES if rules[r.id][0] != r.explanation]
    assert not stale, f"{language} translates an older English of: " + ", ".join(stale)


# -- 3. the catalogue refuses what it cannot render ------------------------------------------


@pytest.fixture
def messages_dir(tmp_path, monkeypatch) -> Iterator[Path]:
    """A catalogue folder of the test's own; the real catalogue is read again afterwards."""
    monkeypatch.setattr(explanations, "MESSAGES_DIR", tmp_path)
    (tmp_path / "ru").mkdir()
    catalogue.cache_clear()
    yield tmp_path / "ru"
    catalogue.cache_clear()


MESSAGE = "Pain reached %(pain)s out of 10."


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        (f'[[message]]\nen = "{MESSAGE}"\ntext = "Боль дошла до %(bol)s из 10."\n', "placeholders"),
        (f'[[message]]\nen = "{MESSAGE}"\ntext = "Боль дошла до 7 из 10."\n', "placeholders"),
        (f'[[message]]\nen = "{MESSAGE}"\ntext = "  "\n', "needs en and text"),
        ('[names.colour]\nred = "красный"\n', "unknown kind"),
        ('[names.diagnosis]\nsciatica = ""\n', "has no text"),
        ('[names.rule."R-X"]\nen = "No impact"\n', "needs en and text"),
        ('[formats]\nday = ""\n', "day format"),
        ('[formats]\ntime = "H:i"\n', "unknown format"),
    ],
    ids=[
        "other placeholder",
        "placeholder left out",
        "blank text",
        "unknown kind",
        "no name",
        "rule",
        "blank day format",
        "unknown format",
    ],
)
def test_the_catalogue_refuses_a_translation_it_cannot_render(messages_dir, document, complaint):
    (messages_dir / "bad.toml").write_text(document, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=complaint):
        catalogue("ru")


def test_the_catalogue_reads_a_good_translation(messages_dir):
    (messages_dir / "good.toml").write_text(
        f'[[message]]\nen = "{MESSAGE}"\ntext = "Боль дошла до %(pain)s из 10."\n',
        encoding="utf-8",
    )
    assert catalogue("ru").messages == {MESSAGE: "Боль дошла до %(pain)s из 10."}


# -- 4. a clinic's own English of a rule ------------------------------------------------------


def test_a_rule_a_clinic_edited_is_shown_in_the_clinics_english_not_the_old_translation():
    rule = next(r for r in DEFAULT_RULES if r.id == "R-ACUTE")
    names = Names("ru")
    assert names.name("rule", rule.id, rule.explanation) == catalogue("ru").rules[rule.id][1]
    edited = "In the acute stage, only exercises of difficulty 1"
    assert names.name("rule", rule.id, edited) == edited


# -- 5. a whole plan in Russian ---------------------------------------------------------------


def _profile(**changes) -> PatientProfile:
    values = {
        "age": 45,
        "sex": "female",
        "fitness": "moderate",
        "diagnoses": (DiagnosisInput("disc_herniation", "left", "acute"),),
    }
    values.update(changes)
    return PatientProfile(**values)  # type: ignore[arg-type]


PROFILES = {
    "pregnant, 20 weeks": _profile(
        age=31, pregnancy_weeks=20, diagnoses=(DiagnosisInput("sciatica", "left", "subacute"),)
    ),
    "stenosis, heart disease, varicose veins": _profile(
        age=70,
        sex="male",
        diagnoses=(DiagnosisInput("spinal_stenosis", "bilateral", "chronic"),),
        comorbidities=frozenset({"coronary_heart_disease", "varicose_veins"}),
    ),
    "low muscle mass, high body fat": _profile(
        sex="male",
        fitness="high",
        diagnoses=(DiagnosisInput("osteochondrosis", "bilateral", "chronic"),),
        low_muscle_mass=True,
        fat_percent=31.0,
        start_back="low",
    ),
    "frail, osteoporosis, knee arthritis": _profile(
        age=82,
        fitness="low",
        diagnoses=(DiagnosisInput("spondylolisthesis", "bilateral", "chronic"),),
        comorbidities=frozenset({"osteoporosis", "knee_osteoarthritis"}),
    ),
    "red flags": _profile(red_flags=("saddle_anesthesia", "fever")),
}


@pytest.fixture(scope="module")
def library_catalogue(django_db_setup, django_db_blocker) -> tuple[CatalogueExercise, ...]:
    with django_db_blocker.unblock():
        return engine_catalogue()


def _rows(plan: Plan) -> list[dict]:
    reasons = [*plan.reasons, *plan.advice]
    for exercise in plan.exercises:
        reasons.extend(exercise.why)
    if plan.activity is not None:
        reasons.extend(plan.activity.why)
    return [reason_row(r) for r in reasons]


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(PROFILES))
@pytest.mark.parametrize("patient", [False, True], ids=["clinician", "patient"])
def test_a_whole_plan_reads_in_russian(library_catalogue, who, patient):
    profile = PROFILES[who]
    assert not profile.comorbidities - {c for r in DEFAULT_RULES for c in r.comorbidities}, (
        "a comorbidity no rule knows: the profile would test nothing"
    )
    plan = generate_plan(profile, library_catalogue, DEFAULT_RULES)
    assert (plan.status == "blocked") == bool(profile.red_flags)
    rows = _rows(plan)
    assert len(rows) >= (2 if profile.red_flags else 6)
    for shown in reasons_text(rows, language="ru", patient=patient):
        assert CYRILLIC.search(shown["text"]), shown
        assert "%(" not in shown["text"] and "%%" not in shown["text"], shown
    if not patient:
        # Stored as data, an explanation renders back to the very English the engine wrote.
        english = reasons_text(rows, language="en")
        assert [shown["text"] for shown in english] == [row["text"] for row in rows]


@pytest.mark.django_db
def test_names_inside_explanations_read_in_russian(library_catalogue):
    pregnant = generate_plan(PROFILES["pregnant, 20 weeks"], library_catalogue, DEFAULT_RULES)
    texts = " ".join(row["text"] for row in reasons_text(_rows(pregnant), language="ru"))
    assert "Показано при диагнозе: ишиас." in texts
    # A rule's own explanation, its Russian where the English is the default one.
    assert catalogue("ru").rules["R-PREG-2"][1] in texts
    older = PROFILES["stenosis, heart disease, varicose veins"]
    rows = _rows(generate_plan(older, library_catalogue, DEFAULT_RULES))
    texts = " ".join(row["text"] for row in reasons_text(rows, language="ru"))
    assert "Показано при диагнозе: стеноз позвоночного канала." in texts
    # Exercise names inside sentences are the library's Russian, not the English the engine
    # read ("Easier variant of <exercise>: ...").
    named = [
        value
        for row in rows
        for value in row.get("params", {}).values()
        if isinstance(value, dict) and value.get("name") == "exercise"
    ]
    assert named, "the profile should replace an exercise by its easier variant"
    for value in named:
        assert value["text"] not in texts
        assert Names("ru").exercise_names()[value["key"]] in texts
    # No placeholder is left in the clinician's English either.
    assert all("%(" not in row["text"] for row in rows)


def test_a_fraction_is_written_as_the_reader_writes_it():
    row = {
        "rule": "D-DOSE",
        "message": "%(factor)s for moderate fitness",
        "params": {"factor": 0.8},
    }
    assert reason_text(row, language="en") == "0.8 for moderate fitness"
    assert reason_text(row, language="ru").startswith("0,8 ")


def test_a_day_is_written_as_the_reader_writes_dates():
    from planner.engine.serialize import reason_row
    from planner.engine.types import Name, Reason

    week = Reason.of(
        "CHANGE", "Weekly review of the week from %(day)s.", day=Name.of_day(date(2026, 11, 16))
    )
    row = reason_row(week)
    # The record's English, and the same in the English reader's way.
    assert row["text"] == "Weekly review of the week from Monday 16 November."
    assert reason_text(row, language="en") == "Weekly review of the week from Monday 16 November."
    assert reason_text(row, language="ru") == (
        "Еженедельный пересмотр программы за неделю с 16 ноября."  # noqa: RUF001
    )
    # A day kept before days were names of their own keys by its ISO date all the same.
    old = reason_row(
        Reason.of(
            "CHANGE",
            "Weekly review of the week from %(day)s.",
            day=Name("day", "2026-03-04", "2026-03-04"),
        )
    )
    assert reason_text(old, language="ru").endswith("с 4 марта.")  # noqa: RUF001
