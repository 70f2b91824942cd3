"""The API gives each exercise's name, summary, steps and safety notes in the reader's
language (Accept-Language), as the app does: Today, one day, the program, the exercises
still practised at the clinic."""

import pytest

from exercises.models import Exercise
from exercises.selectors import exercise_text

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def card_texts(card: dict) -> list[str]:
    return [card["name"], card["summary"], *card.get("steps", []), *card.get("safety", [])]


def expected(slug: str, language: str) -> dict:
    text = exercise_text(exercise=Exercise.objects.get(slug=slug), language=language)
    return {"name": text.name, "summary": text.summary, "steps": text.steps, "safety": text.safety}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_today_and_its_day_give_the_exercises_in_the_reader_s_language(world, as_actor, language):
    client = as_actor("owner_patient")
    today = client.get(f"{V1}/today/", HTTP_ACCEPT_LANGUAGE=language).json()
    day = client.get(f"{V1}/sessions/{today['day']}/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert today["exercises"]
    for answer in (today, day):
        for entry in answer["exercises"]:
            card = entry["exercise"]
            wanted = expected(card["slug"], language)
            assert {key: card[key] for key in wanted} == wanted
            other = expected(card["slug"], "en" if language == "ru" else "ru")
            assert not set(card_texts(card)) & set(card_texts(other))


def test_the_program_names_and_describes_the_exercises_in_russian(world, as_actor):
    program = as_actor("owner_patient").get(f"{V1}/program/", HTTP_ACCEPT_LANGUAGE="ru").json()
    for row in program["exercises"]:
        card = row["exercise"]
        wanted = expected(card["slug"], "ru")
        assert (card["name"], card["summary"]) == (wanted["name"], wanted["summary"])


def test_the_exercises_practised_at_the_clinic_are_named_in_russian(world, as_actor):
    today = as_actor("other_patient").get(f"{V1}/today/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert today["to_practise"]
    for row in today["to_practise"]:
        assert row["name"] == expected(row["slug"], "ru")["name"]
        assert row["name"] != Exercise.objects.get(slug=row["slug"]).name
