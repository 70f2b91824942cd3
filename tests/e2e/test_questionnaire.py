"""On a phone, the patient answers a due ODI one question per screen; the doctor's admin
shows the score."""

from typing import Any

import pytest

from rehab import scoring
from rehab.models import OswestryAssessment
from tests.conftest import PASSWORD, make_clinician, program_for
from tests.e2e.test_admin_layout import signed_in
from tests.e2e.test_patient_app import PHONE, accessibility_problems, shot
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic(live_server, library) -> tuple[Any, Any]:
    doctor = make_clinician("house")
    vera = sciatica_patient(doctor, "vera", first_name="Vera")
    program_for(vera, doctor, days_ago=3)  # approved now: the questionnaires are due today
    return doctor, vera


def test_the_patient_answers_an_odi_on_a_phone_and_the_doctor_sees_the_score(
    live_server, clinic, browser, artifacts
):
    doctor, vera = clinic
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/app/login/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app/today/")

    page.get_by_role("link", name="Oswestry Disability Index").click()
    page.wait_for_url("**/app/questionnaires/odi/")
    answers = [index % 6 for index in range(10)]
    for index, value in enumerate(answers):
        progress = page.locator("[data-progress]")
        assert progress.inner_text() == f"Question {index + 1} of 10"
        screens = page.locator("fieldset.question:visible")
        assert screens.count() == 1  # one question per screen
        # Back from the second screen on.
        assert page.get_by_role("button", name="Back").is_visible() == (index > 0)
        if index == 0:
            shot(page, artifacts, "questionnaire")
            assert accessibility_problems(page) == []
        screens.locator("label.pill").nth(value).click()
        if index < 9:
            # Choosing moves on to the next screen, on the phone, without the server.
            page.wait_for_function(
                "text => document.querySelector('[data-progress]').textContent === text",
                arg=f"Question {index + 2} of 10",
            )
    # The connection drops before the last screen is sent: the answers wait on the phone.
    context.set_offline(True)
    page.get_by_role("button", name="Send").click()
    page.locator("#network-status").wait_for(state="visible")
    assert not OswestryAssessment.objects.exists()
    # Back online: sent once from the queue, and the app goes back to Today.
    context.set_offline(False)
    page.wait_for_url("**/app/today/")
    stored = OswestryAssessment.objects.get(patient=vera)
    expected = scoring.odi_score(answers)
    assert stored.result == expected
    assert page.locator("section.questionnaires a", has_text="Oswestry").count() == 0
    context.close()

    admin = signed_in(browser, live_server, doctor)
    admin.goto(f"{live_server.url}/admin/rehab/patient/{vera.pk}/change/")
    oswestry = admin.locator("#oswestry_scores-group")
    assert f"{expected.percent} %" in oswestry.inner_text()
    admin.screenshot(path=str(artifacts / "admin-questionnaire-score.png"), full_page=True)
    admin.close()
