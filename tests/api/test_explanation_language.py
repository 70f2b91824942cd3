"""The API's explanations: the patient's program in the reader's language (Accept-Language)
and the patient's plain words; the clinician's program in the clinician's words, in the
clinician's language; a clinician's own note as written; the names inside them read once.
(Who may read which program: tests/api/test_permissions.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.engine.serialize import reason_row
from planner.models import ProgramExercise
from tests.api.conftest import current_items
from tests.web.test_why_language import (
    CLINICIAN_WORDS,
    CYRILLIC,
    DOSE,
    ENGLISH_WORDS,
    NOTE,
    OTHER_DOSE,
    diagnosis_name,
    explanation,
    naming,
    plain,
    translate_dose,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def explain_all(program) -> list[ProgramExercise]:
    items = current_items(program)
    ProgramExercise.objects.filter(pk__in=[i.pk for i in items]).update(explanation=explanation())
    return items


def program_rows(client, language: str) -> list[list[dict]]:
    response = client.get(f"{V1}/program/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [row["explanation"] for row in response.json()["exercises"]]


@pytest.mark.parametrize(
    ("language", "zone"), [("en", "America/Los_Angeles"), ("ru", "Asia/Vladivostok")]
)
def test_the_patients_program_explains_in_the_readers_language_and_plain_words(
    world, as_actor, language, zone
):
    world.home.language, world.home.time_zone = language, zone
    world.home.save(update_fields=["language", "time_zone"])
    explain_all(world.home_program)
    rows = program_rows(as_actor("owner_patient"), language)
    assert rows
    for shown in rows:
        assert shown == [
            {
                "rule": "INDICATION",
                "text": plain("INDICATION", language, diagnoses=diagnosis_name(language)),
            },
            {"rule": "D-DOSE", "text": plain("D-DOSE", language)},
            {"rule": "P-SUPERVISED", "text": plain("P-SUPERVISED", language)},
            NOTE,
        ]
        assert not any(words in row["text"] for row in shown for words in CLINICIAN_WORDS)


def test_accept_language_ru_gives_russian_whatever_the_patients_language(world, as_actor):
    # The header decides, as it does for the exercise texts of the same answer.
    world.home.language = "en"
    world.home.save(update_fields=["language"])
    explain_all(world.home_program)
    russian = program_rows(as_actor("owner_patient"), "ru")[0]
    english = program_rows(as_actor("owner_patient"), "en")[0]
    assert russian[1]["text"] == plain("D-DOSE", "ru") != english[1]["text"]
    assert russian[3] == english[3] == NOTE


def test_an_old_explanation_without_a_message_is_sent_as_it_was_kept(world, as_actor):
    old = [{"rule": "INDICATION", "text": "Suits sciatica."}]
    items = current_items(world.home_program)
    ProgramExercise.objects.filter(pk=items[0].pk).update(explanation=old)
    shown = program_rows(as_actor("owner_patient"), "ru")
    assert shown[0] == old


@pytest.fixture
def russian_dose(monkeypatch) -> str:
    return translate_dose(monkeypatch)


def clinician_rows(client, program, language: str) -> list[list[dict]]:
    response = client.get(f"{V1}/clinician/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [row["explanation"] for row in response.json()["exercises"]]


def test_the_clinician_reads_the_clinicians_words_in_the_clinicians_language(
    world, as_actor, russian_dose
):
    explain_all(world.home_program)
    client = as_actor("clinician")
    english = clinician_rows(client, world.home_program, "en")[0]
    assert english[1] == {"rule": "D-DOSE", "text": DOSE.text}
    assert "x 0.8" in english[1]["text"]
    russian = clinician_rows(client, world.home_program, "ru")[0]
    assert russian[1] == {"rule": "D-DOSE", "text": russian_dose}
    assert russian[3] == NOTE


def test_the_patient_reads_the_same_plain_words_once_the_clinician_each_message(world, as_actor):
    item = current_items(world.home_program)[0]
    twice = [reason_row(DOSE), reason_row(OTHER_DOSE)]
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=twice)
    assert program_rows(as_actor("owner_patient"), "en")[0] == [
        {"rule": "D-DOSE", "text": plain("D-DOSE", "en")}
    ]
    assert clinician_rows(as_actor("clinician"), world.home_program, "en")[0] == [
        {"rule": "D-DOSE", "text": DOSE.text},
        {"rule": "D-DOSE", "text": OTHER_DOSE.text},
    ]


def program_queries(client, language: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        program_rows(client, language)
    return len(captured)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_names_inside_explanations_are_read_once_for_the_whole_program(
    world, as_actor, language
):
    client = as_actor("owner_patient")
    items = explain_all(world.home_program)
    without_names = program_queries(client, language)
    slugs = [item.exercise.slug for item in items]
    ProgramExercise.objects.filter(pk=items[0].pk).update(explanation=naming(slugs[:1]))
    one = program_queries(client, language)
    ProgramExercise.objects.filter(pk__in=[i.pk for i in items]).update(explanation=naming(slugs))
    every = program_queries(client, language)
    assert every == one == without_names + 1  # the names, in any language: one query


def test_a_program_from_the_engine_is_explained_in_russian(world, as_actor):
    rows = program_rows(as_actor("owner_patient"), "ru")
    assert rows and all(rows)
    for shown in rows:
        for row in shown:
            assert CYRILLIC.search(row["text"]), row
            assert not ENGLISH_WORDS.search(row["text"]), row
            assert not any(words in row["text"] for words in CLINICIAN_WORDS), row
