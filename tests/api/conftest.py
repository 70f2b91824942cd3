"""One clinic for all the API tests, built once and rolled back after the last of them.

The clinic: the library, a clinician (House) with patients at every stage, a colleague
(Wilson) with a patient of his own, and a superuser. Each test runs in a savepoint
inside the package's transaction, so what a test writes is gone before the next one.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from notifications.models import Notification
from planner import selectors, services
from planner.models import Program, ReviewProposal, SupervisedSession
from rehab import services as rehab_services
from rehab.models import Clinician, Patient
from tests.conftest import (
    PASSWORD,
    log_home_days,
    make_clinician,
    make_patient,
    start_program,
)

ACTORS = ("anonymous", "other_patient", "owner_patient", "colleague", "clinician", "superuser")


def login(patient: Patient, username: str) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def with_sciatica(clinician: Clinician, first_name: str, **extra: Any) -> Patient:
    patient = make_patient(clinician, first_name=first_name, **extra)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


def current_items(program: Program) -> list:
    return selectors.program_exercises(version=selectors.program_current_version(program=program))


def log_days(program: Program, first: date, days: int, *, pain: int = 1) -> None:
    log_home_days(program, first, days, pain=pain)


def at_home_with_review(patient: Patient, by: Any, today: date) -> tuple[Program, ReviewProposal]:
    """Home training since ten days ago, its first week logged and waiting for review."""
    start = today - timedelta(days=10)
    program = start_program(patient, by, start, master=True)
    log_days(program, start, 7)
    return program, services.review_propose(program=program, week_start=start)


@dataclass
class Clinic:
    today: date
    clinician: Clinician
    colleague: Clinician
    superuser: Any
    home: Patient  # the owner patient: at home, a week logged, a review pending
    home_program: Program
    review: ReviewProposal
    learner: Patient  # the other patient: still in supervised sessions
    learner_program: Program
    session: SupervisedSession  # the learner's next clinic session
    newcomer: Patient  # no program yet
    drafted: Program  # a draft waiting for approval
    paused: Program  # paused by the clinician
    foreign: Patient  # the colleague's patient, at home with a review pending
    foreign_program: Program
    foreign_review: ReviewProposal
    tokens: dict[str, str]

    def user_of(self, actor: str) -> Any:
        return {
            "other_patient": self.learner.user,
            "owner_patient": self.home.user,
            "colleague": self.colleague.user,
            "clinician": self.clinician.user,
            "superuser": self.superuser,
        }[actor]


def build_clinic() -> Clinic:
    house, wilson = make_clinician("house"), make_clinician("wilson")
    superuser = get_user_model().objects.create_superuser("chief", password=PASSWORD)
    home = with_sciatica(house, "Homer", time_zone="Europe/Moscow")
    login(home, "homer")
    today = selectors.patient_local_today(patient=home)
    home_program, review = at_home_with_review(home, house.user, today)
    learner = with_sciatica(house, "Lena")
    login(learner, "lena")
    learner_program = start_program(learner, house.user, today - timedelta(days=1), master=False)
    session = learner_program.supervised_sessions.filter(status="planned").order_by("number")[0]
    newcomer = with_sciatica(house, "Nina")
    drafted = services.program_generate(
        patient=with_sciatica(house, "Dora"), by=house.user, start_date=today
    )
    paused = start_program(with_sciatica(house, "Paul"), house.user, today, master=False)
    paused = services.program_pause(program=paused, by=house.user, reason="Flu; rest a week.")
    foreign = with_sciatica(wilson, "Fiona")
    login(foreign, "fiona")
    foreign_program, foreign_review = at_home_with_review(foreign, wilson.user, today)
    # The in-app list: two unread for the owner, one each for the other patient and House.
    for user, title in (
        (home.user, "Time for today's exercises"),
        (home.user, "Shall we start again today?"),
        (learner.user, "Clinic session at 10:00"),
        (house.user, "Red flag reported by Paul"),
    ):
        Notification.objects.create(user=user, title=title, body=f"{title}.", link="/app/today/")
    clinic = Clinic(
        today=today,
        clinician=house,
        colleague=wilson,
        superuser=superuser,
        home=home,
        home_program=home_program,
        review=review,
        learner=learner,
        learner_program=learner_program,
        session=session,
        newcomer=newcomer,
        drafted=drafted,
        paused=paused,
        foreign=foreign,
        foreign_program=foreign_program,
        foreign_review=foreign_review,
        tokens={},
    )
    for actor in ACTORS[1:]:
        clinic.tokens[actor] = Token.objects.create(user=clinic.user_of(actor)).key
    clinic.tokens["foreign_patient"] = Token.objects.create(user=foreign.user).key
    return clinic


@pytest.fixture(scope="package")
def clinic(django_db_setup: None, django_db_blocker: Any) -> Iterator[Clinic]:
    """Built once inside a transaction that is rolled back after the package's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_clinic()
        transaction.set_rollback(True)


@pytest.fixture
def world(clinic: Clinic, db: None) -> Clinic:
    """The clinic, inside this test's savepoint; read objects again from the database."""
    return clinic


def client_for(clinic: Clinic, actor: str) -> APIClient:
    """A client signed in with the actor's token (anonymous: no credentials)."""
    client = APIClient()
    if actor != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Token {clinic.tokens[actor]}")
    return client


@pytest.fixture
def as_actor(world: Clinic):
    def make(actor: str) -> APIClient:
        return client_for(world, actor)

    return make


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}
