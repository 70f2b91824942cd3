"""The patient answers questionnaires in the app: a card on Today when one is due, one
question per screen (a multi-step form without JavaScript), in English and Russian, and
answers sent from the offline queue stored once."""

import re

import pytest
from django.conf import settings

from rehab import scoring
from rehab.models import OswestryAssessment, PainAssessment, QuestionnaireAnswer
from rehab.questionnaires.questions import ODI_QUESTIONS

ODI_URL = "/app/questionnaires/odi/"
PAIN_URL = "/app/questionnaires/pain/"
TODAY = "/app/today/"


def visible_questions(html: str) -> list[str]:
    """The names of the questions on screen (fieldsets without `hidden`)."""
    found = re.findall(r'<fieldset class="question card[^"]*" data-question="(\d+)"([^>]*)>', html)
    return [index for index, rest in found if "hidden" not in rest]


def test_today_shows_the_card_while_due_and_not_after_answering(owner_client, owner):
    page = owner_client.get(TODAY).content.decode()
    assert "Questions from your clinic" in page
    for url in (PAIN_URL, ODI_URL, "/app/questionnaires/start_back/"):
        assert f'href="{url}"' in page
    # The day is cached now; answering changes the card without a new stamp.
    response = owner_client.post(PAIN_URL, {"client_key": "k1", "step": "0", "score": "3"})
    assert response.status_code == 302 and response.url == TODAY
    page = owner_client.get(TODAY).content.decode()
    assert f'href="{PAIN_URL}"' not in page and f'href="{ODI_URL}"' in page
    assert "Your answers have been sent to your clinic." in page
    owner.questionnaire_schedules.update(active=False)
    assert "Questions from your clinic" not in owner_client.get(TODAY).content.decode()


def test_today_with_the_card_costs_no_more_queries(owner_client, django_assert_max_num_queries):
    owner_client.get(TODAY)
    # As before the card: the session, the user and patient, the stamp (the card's values in it).
    with django_assert_max_num_queries(3):
        page = owner_client.get(TODAY).content.decode()
    assert f'href="{ODI_URL}"' in page


def test_the_odi_one_question_per_screen_to_an_assessment(owner_client, owner):
    page = owner_client.get(ODI_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert visible_questions(html) == ["0"]
    assert "Question 1 of 10" in html
    key = re.search(r'name="client_key" value="([^"]+)"', html).group(1)
    answers: dict[str, str] = {}
    for index, question in enumerate(ODI_QUESTIONS):
        answers[question.name] = str(index % 6)
        response = owner_client.post(ODI_URL, {"client_key": key, "step": index, **answers})
        if index < 9:
            html = response.content.decode()
            assert response.status_code == 200
            assert visible_questions(html) == [str(index + 1)]
            assert f"Question {index + 2} of 10" in html
            # The answers so far travel in their hidden screens.
            assert f'name="{question.name}" value="{index % 6}" checked' in html
    assert response.status_code == 302 and response.url == TODAY
    stored = OswestryAssessment.objects.get(patient=owner)
    assert stored.result == scoring.odi_score([i % 6 for i in range(10)])
    assert QuestionnaireAnswer.objects.get(patient=owner).client_key == key
    # Answered: the questionnaire leads back to Today.
    again = owner_client.get(ODI_URL)
    assert again.status_code == 302 and again.url == TODAY


def test_a_screen_without_an_answer_is_shown_again_and_nothing_written(owner_client, owner):
    response = owner_client.post(
        ODI_URL, {"client_key": "k", "step": "1", "section_1": "2", "section_2": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert visible_questions(html) == ["1"]
    assert "Please choose an answer." in html
    out_of_range = owner_client.post(PAIN_URL, {"client_key": "k", "step": "0", "score": "11"})
    assert out_of_range.status_code == 400
    assert "Choose one of the answers given (0 to 10)." in out_of_range.content.decode()
    assert not OswestryAssessment.objects.exists() and not PainAssessment.objects.exists()


def test_the_sex_life_screen_offers_to_pass_and_the_odi_is_scored_without_it(owner_client, owner):
    answers = {question.name: "2" for question in ODI_QUESTIONS[:7]}
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = owner_client.post(ODI_URL, {"client_key": "k", "step": "6", **answers}).content.decode()
    assert '<input type="radio" name="section_8" value=""> Предпочитаю не отвечать' in html
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = owner_client.post(ODI_URL, {"client_key": "k", "step": "6", **answers}).content.decode()
    assert visible_questions(html) == ["7"]
    assert '<input type="radio" name="section_8" value=""> I would rather not answer' in html
    # Passed over (the empty answer), then the last two: stored with nine sections.
    answers |= {"section_8": "", "section_9": "2"}
    html = owner_client.post(ODI_URL, {"client_key": "k", "step": "7", **answers}).content.decode()
    assert visible_questions(html) == ["8"]
    answers["section_10"] = "2"
    response = owner_client.post(ODI_URL, {"client_key": "k", "step": "9", **answers})
    assert response.status_code == 302
    stored = OswestryAssessment.objects.get(patient=owner)
    assert stored.section_8 is None and stored.result.answered == 9
    assert stored.result.percent == 40  # 18 of 45
    # Only that one: another screen left empty is asked again.
    assert 'value=""> I would rather' not in owner_client.get(ODI_URL).content.decode()


def test_back_shows_the_previous_screen_with_its_answer(owner_client):
    response = owner_client.post(
        ODI_URL, {"client_key": "k", "step": "2", "section_1": "1", "section_2": "4", "back": "1"}
    )
    html = response.content.decode()
    assert visible_questions(html) == ["1"]
    assert 'name="section_2" value="4" checked' in html


def test_the_questionnaire_in_russian(owner_client):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = owner_client.get(ODI_URL).content.decode()
    assert "Вопрос 1 из 10" in html
    assert "Сейчас боли нет." in html
    assert "Далее" in html
    key = re.search(r'name="client_key" value="([^"]+)"', html).group(1)
    second = owner_client.post(ODI_URL, {"client_key": key, "step": "0", "section_1": "1"})
    html = second.content.decode()
    assert "Вопрос 2 из 10" in html and "Уход за собой" in html
    missing = owner_client.post(ODI_URL, {"client_key": key, "step": "1", "section_1": "1"})
    assert missing.status_code == 400 and "Выберите ответ." in missing.content.decode()
    today = owner_client.get(TODAY).content.decode()
    assert "Вопросы от вашей клиники" in today


def test_an_answer_from_the_offline_queue_is_stored_once(owner_client, owner):
    body = {"client_key": "phone-7", "step": "0", "score": "6"}
    headers = {"accept": "application/json"}
    first = owner_client.post(PAIN_URL, body, headers=headers)
    assert first.status_code == 201 and first.json() == {"stored": True, "created": True}
    # Sent again when the phone was not sure it had gone through: no longer due, still fine.
    again = owner_client.post(PAIN_URL, body, headers=headers)
    assert again.status_code == 200 and again.json() == {"stored": True, "created": False}
    assert PainAssessment.objects.get(patient=owner).score == 6
    bad = owner_client.post(
        ODI_URL, {"client_key": "phone-8", "step": "9", "section_1": "9"}, headers=headers
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"section_1"}
    not_due = owner_client.post(PAIN_URL, {**body, "client_key": "phone-9"}, headers=headers)
    assert not_due.status_code == 400 and set(not_due.json()["errors"]) == {"kind"}
    assert PainAssessment.objects.count() == 1


def test_who_may_open_it(client, owner, other_patient, clinician):
    assert client.get(ODI_URL).status_code == 302  # to sign in
    client.force_login(clinician.user)
    assert client.get(ODI_URL).status_code == 403
    assert client.post(PAIN_URL, {"client_key": "x", "step": "0", "score": "2"}).status_code == 403
    client.force_login(other_patient.user)
    assert client.get("/app/questionnaires/sf36/").status_code == 404
    # The other patient answers their own; the owner's stays due.
    client.post(PAIN_URL, {"client_key": "x", "step": "0", "score": "2"})
    assert list(PainAssessment.objects.values_list("patient", flat=True)) == [other_patient.pk]


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_dated_the_patients_local_day(owner_client, owner, zone):
    owner.time_zone = zone
    owner.save(update_fields=["time_zone"])
    owner_client.post(PAIN_URL, {"client_key": "z", "step": "0", "score": "2"})
    stored = PainAssessment.objects.get(patient=owner)
    from planner.selectors import patient_local_today

    assert stored.assessed_on == patient_local_today(patient=owner)
