""" "Why this exercise" on the exercise page: in the patient's language and plain words (no
factors, no "usual dose"), a clinician's own note as it was written, and the names inside
the explanations read once for the page, however many there are."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planner import explanations, selectors
from planner.engine.serialize import reason_row
from planner.engine.types import Name, Reason
from planner.explanations import Catalogue, catalogue, plain_messages
from planner.models import ProgramExercise

pytestmark = pytest.mark.django_db

# Explanations as the engine writes them (the clinician's words, with numbers).
INDICATION = Reason.of(
    "INDICATION", "Suits %(diagnoses)s.", diagnoses=(Name("diagnosis", "sciatica", "sciatica"),)
)
DOSE = Reason.of(
    "D-DOSE",
    "Starting amount: the usual dose x %(fitness)s for moderate fitness x %(age)s for age 40-64.",
    fitness=0.8,
    age=0.9,
)
SUPERVISED = Reason.of(
    "P-SUPERVISED",
    "New to you: practised first with the specialist at the clinic, then at home once you "
    "have mastered it.",
)
# A clinician's own note (and any row kept before explanations were data): no message.
NOTE = {"rule": "CHANGE", "text": "Swapped for the easier one after Tuesday's session."}
CLINICIAN_WORDS = ("x 0.8", "x 0.9", "usual dose", "40-64")


def translate_dose(monkeypatch) -> str:
    """Translate the clinician's D-DOSE message into Russian for this test (the engine's
    helpers write the real catalogue: the tests do not depend on their wording); returns
    DOSE in Russian."""
    russian = "Начальная нагрузка: обычная доза x %(fitness)s ... x %(age)s."
    real = explanations.catalogue

    def catalogue_with_dose(language: str) -> Catalogue:
        found = real(language)
        if language != "ru":
            return found
        messages = {**found.messages, DOSE.message: russian}
        return Catalogue(language, messages, found.names, found.rules)

    monkeypatch.setattr(explanations, "catalogue", catalogue_with_dose)
    return russian % {"fitness": "0,8", "age": "0,9"}  # fractions as Russian writes them


def explanation() -> list[dict]:
    return [reason_row(INDICATION), reason_row(DOSE), reason_row(SUPERVISED), NOTE]


def plain(rule: str, language: str, **params: str) -> str:
    """The patient's words for a rule in `language`, as the catalogues say them."""
    english = plain_messages()[rule]
    return catalogue(language).messages.get(english, english) % params


def diagnosis_name(language: str) -> str:
    return catalogue(language).names.get("diagnosis", {}).get("sciatica", "sciatica")


def speaks(patient, client, language: str, zone: str) -> None:
    patient.language, patient.time_zone = language, zone
    patient.save(update_fields=["language", "time_zone"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def first_item(patient) -> ProgramExercise:
    program = selectors.patient_current_program(patient=patient)
    version = selectors.program_current_version(program=program)
    return version.exercises.select_related("exercise").order_by("position")[0]


def why_list(html: str) -> list[str]:
    found = re.search(r'<ul class="why">(.*?)</ul>', html, re.S)
    assert found, "no Why this exercise list"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [item.replace("&#x27;", "'").strip() for item in items]


def exercise_page(client, slug: str) -> str:
    response = client.get(reverse("web:exercise", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "zone"), [("en", "America/Los_Angeles"), ("ru", "Pacific/Auckland")]
)
def test_the_why_list_is_in_the_patients_language_and_plain_words(
    owner_client, owner, language, zone
):
    speaks(owner, owner_client, language, zone)
    item = first_item(owner)
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=explanation())
    shown = why_list(exercise_page(owner_client, item.exercise.slug))
    assert shown == [
        plain("INDICATION", language, diagnoses=diagnosis_name(language)),
        plain("D-DOSE", language),
        plain("P-SUPERVISED", language),
        NOTE["text"],
    ]
    assert not any(words in line for line in shown[:3] for words in CLINICIAN_WORDS)


def test_a_russian_patient_reads_no_english_but_the_clinicians_own_note(owner_client, owner):
    speaks(owner, owner_client, "ru", "Europe/Moscow")
    item = first_item(owner)
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=explanation())
    *engine, note = why_list(exercise_page(owner_client, item.exercise.slug))
    assert note == NOTE["text"]
    for line in engine:
        assert re.search("[а-яё]", line), line  # noqa: RUF001
        assert not re.search(r"\b(the|for|you|your|and)\b", line, re.I), line


def test_an_old_explanation_without_a_message_shows_its_text(owner_client, owner):
    speaks(owner, owner_client, "ru", "America/Los_Angeles")
    item = first_item(owner)
    old = [{"rule": "INDICATION", "text": "Suits sciatica."}]
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=old)
    assert why_list(exercise_page(owner_client, item.exercise.slug)) == ["Suits sciatica."]


def test_no_explanation_no_why_heading(owner_client, owner):
    item = first_item(owner)
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=[])
    assert 'class="why"' not in exercise_page(owner_client, item.exercise.slug)


# The same rule twice, as when an exercise swapped in keeps the old one's reasons.
OTHER_DOSE = Reason.of(
    "D-DOSE", "Starting amount: the usual dose x %(fitness)s for low fitness.", fitness=0.6
)


def test_the_patient_reads_the_same_plain_words_once(owner_client, owner):
    speaks(owner, owner_client, "ru", "America/Los_Angeles")
    item = first_item(owner)
    twice = [reason_row(DOSE), NOTE, reason_row(OTHER_DOSE)]
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=twice)
    assert why_list(exercise_page(owner_client, item.exercise.slug)) == [
        plain("D-DOSE", "ru"),
        NOTE["text"],
    ]


def naming(slugs: list[str]) -> list[dict]:
    """Explanations that name other exercises (an easier variant's), one row each."""
    return [
        reason_row(
            Reason.of(
                "R-OSTEO",
                "Easier variant of %(exercise)s: %(reason)s",
                exercise=Name("exercise", slug, slug),
                reason=DOSE,
            )
        )
        for slug in slugs
    ]


def page_queries(client, slug: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        exercise_page(client, slug)
    return len(captured)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_names_in_the_why_list_are_read_once_for_the_page(owner_client, owner, language):
    speaks(owner, owner_client, language, "Europe/Moscow")
    item = first_item(owner)
    slug = item.exercise.slug
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=explanation())
    without_names = page_queries(owner_client, slug)
    others = list(
        ProgramExercise.objects.exclude(pk=item.pk).values_list("exercise__slug", flat=True)
    )[:6]
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=naming(others[:1]))
    one = page_queries(owner_client, slug)
    ProgramExercise.objects.filter(pk=item.pk).update(explanation=naming(others))
    many = page_queries(owner_client, slug)
    assert many == one
    # The library's names, with their translations in any language: one query.
    assert one == without_names + 1
    # And the names come out in the reader's language.
    shown = why_list(exercise_page(owner_client, slug))
    named = item.exercise.__class__.objects.get(slug=others[0])
    if language == "ru":
        russian = named.translations.get(language="ru").name
        assert russian in shown[0] and named.name not in shown[0]
    else:
        assert named.name in shown[0]


CYRILLIC = re.compile("[\u0400-\u04ff]")
ENGLISH_WORDS = re.compile(r"\b(the|and|for|with|you|your|to|of|is|are|at|in|on)\b", re.I)


@pytest.mark.parametrize("zone", ["Asia/Vladivostok", "America/Los_Angeles"])
def test_a_program_from_the_engine_explains_every_exercise_in_russian(owner_client, owner, zone):
    speaks(owner, owner_client, "ru", zone)
    program = selectors.patient_current_program(patient=owner)
    items = selectors.program_current_version(program=program).exercises.select_related("exercise")
    for item in items:
        shown = why_list(exercise_page(owner_client, item.exercise.slug))
        assert shown, item.exercise.slug
        for line in shown:
            assert CYRILLIC.search(line), line
            assert not ENGLISH_WORDS.search(line), line
            assert not any(words in line for words in CLINICIAN_WORDS), line
