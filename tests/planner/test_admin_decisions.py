"""Approve and reject from the draft's and the review's own pages, and no Save where nothing
can be edited.

A decision is asked once more on a confirmation page (a GET changes nothing) and posted from
it; it goes through the same services as the list's actions, the safety check included. A
colleague is told the page does not exist, a patient is sent to sign in, and a refused
POST (a bare one, a second one, one the rules refuse) changes nothing.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from planner import selectors
from planner.models import Program, ReviewProposal, SupervisedSession
from rehab import services as rehab_services
from tests.api.conftest import ACTORS, Clinic, build_clinic
from tests.conftest import PASSWORD
from tests.planner.test_admin import login, row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]

CONFIRM = {"confirm": "yes"}
# A confirmation page: the session and user, the object, its rows (one query for all of them),
# the header's unread notifications.
QUERIES = 9


@pytest.fixture(scope="module")
def clinic(django_db_setup: None, django_db_blocker: Any) -> Iterator[Clinic]:
    """The API tests' clinic (a draft, a review waiting, patients of two clinicians), built
    once for the module inside a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_clinic()
        transaction.set_rollback(True)


@pytest.fixture
def world(clinic: Clinic, db: None) -> Clinic:
    return clinic


def client_as(world: Clinic, actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        assert client.login(username=world.user_of(actor).username, password=PASSWORD)
    return client


def state() -> dict[str, Any]:
    return {
        "counts": row_counts(),
        "programs": list(Program.objects.order_by("pk").values()),
        "reviews": list(ReviewProposal.objects.order_by("pk").values()),
    }


def approve_url(program: Program) -> str:
    return reverse("admin:planner_program_approve", args=[program.pk])


def review_url(proposal: ReviewProposal, verb: str) -> str:
    return reverse(f"admin:planner_reviewproposal_{verb}", args=[proposal.pk])


# -- The draft -----------------------------------------------------------------------------------


def test_the_draft_page_offers_approve_and_the_button_asks_first(client, world):
    login(client, world.clinician.user)
    page = client.get(reverse("admin:planner_program_change", args=[world.drafted.pk]))
    assert approve_url(world.drafted) in page.content.decode()
    before = state()
    asked = client.get(approve_url(world.drafted))
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Approve the program of Dora Ient?" in text
    assert "supervised sessions at the clinic" in text
    for item in selectors.program_exercises(
        version=selectors.program_current_version(program=world.drafted)
    ):
        assert item.exercise.name in text  # what the patient will be asked to do
    assert 'name="confirm" value="yes"' in text
    assert state() == before  # a GET approves nothing


def test_approving_from_the_page_goes_through_the_service_and_lays_out_the_schedule(client, world):
    login(client, world.clinician.user)
    response = client.post(approve_url(world.drafted), CONFIRM, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:planner_program_change", args=[world.drafted.pk]
    )
    program = Program.objects.get(pk=world.drafted.pk)
    assert program.status == "active" and program.approved_by == world.clinician.user
    assert SupervisedSession.objects.filter(program=program).exists()
    text = response.content.decode()
    assert "The program of Dora Ient is approved" in text
    assert "patient:" not in text and "status:" not in text


def test_a_second_post_and_a_bare_post_change_nothing(client, world):
    login(client, world.clinician.user)
    before = state()
    bare = client.post(approve_url(world.drafted), {})
    assert (
        bare.status_code == 400 and "Approve with the button on this page." in bare.content.decode()
    )
    assert state() == before

    assert client.post(approve_url(world.drafted), CONFIRM).status_code == 302
    approved = state()
    again = client.post(approve_url(world.drafted), CONFIRM)
    assert again.status_code == 400
    text = again.content.decode()
    assert "Only a draft program can be approved; this one is active." in text
    assert 'name="confirm"' not in text  # nothing left to approve
    assert state() == approved


def test_the_safety_check_refuses_a_draft_the_rules_no_longer_allow(client, world):
    rehab_services.red_flag_raise(patient=world.drafted.patient, code="saddle_anesthesia")
    login(client, world.clinician.user)
    before = state()
    response = client.post(approve_url(world.drafted), CONFIRM)
    assert response.status_code == 400
    text = response.content.decode()
    assert "the rules in force do not allow this draft" in text
    assert "saddle anaesthesia" in text.lower()
    assert state() == before
    assert Program.objects.get(pk=world.drafted.pk).status == "draft"


def test_an_active_program_has_no_approve_button_and_its_page_asks_nothing(client, world):
    login(client, world.clinician.user)
    page = client.get(reverse("admin:planner_program_change", args=[world.home_program.pk]))
    assert approve_url(world.home_program) not in page.content.decode()
    asked = client.get(approve_url(world.home_program))
    assert asked.status_code == 200
    assert (
        "This program is no longer a draft: there is nothing to approve." in asked.content.decode()
    )
    assert 'name="confirm"' not in asked.content.decode()


# -- The weekly review ---------------------------------------------------------------------------


def test_the_review_page_offers_approve_and_reject_and_approve_asks_first(client, world):
    login(client, world.clinician.user)
    page = client.get(reverse("admin:planner_reviewproposal_change", args=[world.review.pk]))
    text = page.content.decode()
    assert (
        review_url(world.review, "approve") in text and review_url(world.review, "reject") in text
    )
    before = state()
    asked = client.get(review_url(world.review, "approve"))
    assert asked.status_code == 200
    assert "Approve the review of the week from" in asked.content.decode()
    assert state() == before


def test_approving_a_review_from_its_page_makes_the_next_version(client, world):
    login(client, world.clinician.user)
    number = selectors.program_current_version(program=world.home_program).number
    response = client.post(review_url(world.review, "approve"), CONFIRM, follow=True)
    assert "The review is approved" in response.content.decode()
    proposal = ReviewProposal.objects.get(pk=world.review.pk)
    assert proposal.status == "approved" and proposal.decided_by == world.clinician.user
    assert selectors.program_current_version(program=world.home_program).number == number + 1
    # Decided: the page offers no decision any more, and a second POST changes nothing.
    page = client.get(reverse("admin:planner_reviewproposal_change", args=[proposal.pk]))
    assert review_url(proposal, "reject") not in page.content.decode()
    after = state()
    assert client.post(review_url(proposal, "reject"), CONFIRM).status_code == 400
    assert state() == after


def test_rejecting_a_review_from_its_page_keeps_the_program(client, world):
    login(client, world.clinician.user)
    number = selectors.program_current_version(program=world.home_program).number
    assert client.get(review_url(world.review, "reject")).status_code == 200
    assert ReviewProposal.objects.get(pk=world.review.pk).status == "pending"
    before = state()
    bare = client.post(review_url(world.review, "reject"), {})
    assert bare.status_code == 400 and state() == before
    response = client.post(review_url(world.review, "reject"), CONFIRM, follow=True)
    assert "The review is rejected" in response.content.decode()
    assert ReviewProposal.objects.get(pk=world.review.pk).status == "rejected"
    assert selectors.program_current_version(program=world.home_program).number == number


# -- Who may decide ------------------------------------------------------------------------------

# The admin's answers: a patient (no staff account) and a visitor are sent to sign in; a
# colleague is told the object does not exist; the clinician and a superuser may decide.
ASKED = {
    "anonymous": 302,
    "other_patient": 302,
    "owner_patient": 302,
    "colleague": 404,
    "clinician": 200,
    "superuser": 200,
}
DECIDED = {**ASKED, "clinician": 302, "superuser": 302}


def decisions(world: Clinic) -> list[str]:
    return [
        approve_url(world.drafted),
        review_url(world.review, "approve"),
        review_url(world.review, "reject"),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_decide_from_the_pages(world, actor):
    client = client_as(world, actor)
    for url in decisions(world):
        before = state()
        response = client.get(url)
        assert response.status_code == ASKED[actor], url
        if ASKED[actor] == 302:
            assert "/login/" in response["Location"]
        assert state() == before
    for url in decisions(world)[:2]:
        before = state()
        response = client.post(url, CONFIRM)
        assert response.status_code == DECIDED[actor], url
        if DECIDED[actor] != 302 or actor in ("anonymous", "other_patient", "owner_patient"):
            assert state() == before  # a refused decision changed nothing
        else:
            assert state() != before


def test_the_colleagues_own_review_is_his_to_decide(world):
    client = client_as(world, "colleague")
    assert client.get(review_url(world.foreign_review, "approve")).status_code == 200
    before = state()
    assert client.post(review_url(world.foreign_review, "reject"), CONFIRM).status_code == 302
    assert state() != before
    assert ReviewProposal.objects.get(pk=world.foreign_review.pk).status == "rejected"


# -- No Save where nothing can be edited ---------------------------------------------------------

SAVE_BUTTONS = ('name="_save"', 'name="_continue"', 'name="_addanother"')


def has_save(client: Client, url: str) -> bool:
    text = client.get(url).content.decode()
    return any(button in text for button in SAVE_BUTTONS)


def test_only_pages_with_something_to_edit_have_a_save_button(client, world):
    login(client, world.clinician.user)
    draft_version = selectors.program_current_version(program=world.drafted)
    active_version = selectors.program_current_version(program=world.home_program)
    assert has_save(client, reverse("admin:planner_program_change", args=[world.drafted.pk]))
    assert has_save(client, reverse("admin:planner_programversion_change", args=[draft_version.pk]))
    for url in (
        reverse("admin:planner_program_change", args=[world.home_program.pk]),
        reverse("admin:planner_program_change", args=[world.paused.pk]),
        reverse("admin:planner_programversion_change", args=[active_version.pk]),
        reverse("admin:planner_reviewproposal_change", args=[world.review.pk]),
    ):
        assert not has_save(client, url), url


# -- In Russian ----------------------------------------------------------------------------------


def test_a_russian_speaking_doctor_is_asked_and_told_in_russian(client, world):
    login(client, world.clinician.user)
    asked = client.get(approve_url(world.drafted), HTTP_ACCEPT_LANGUAGE="ru")
    text = asked.content.decode()
    assert "Утвердить программу пациента Dora Ient?" in text
    assert "Да, утвердить программу" in text
    response = client.post(
        approve_url(world.drafted), CONFIRM, HTTP_ACCEPT_LANGUAGE="ru", follow=True
    )
    assert "Программа пациента Dora Ient утверждена" in response.content.decode()
    rejected = client.get(review_url(world.review, "reject"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Отклонить обзор недели" in rejected.content.decode()


# -- Cost ----------------------------------------------------------------------------------------


def test_the_confirmation_pages_cost_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    login(client, world.clinician.user)
    for url in decisions(world):
        with django_assert_max_num_queries(QUERIES):
            assert client.get(url).status_code == 200
