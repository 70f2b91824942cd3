"""Who may call what, endpoint by endpoint.

Patients reach only the patient endpoints, and only their own records; clinicians reach
only the clinician endpoints, and another clinician's patient, program, session or
review is a 404, as if it did not exist; a superuser sees everything a clinician would.
A refused write changes nothing in the database.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from notifications.models import Notification, PushSubscription, ReminderPreferences
from planner import selectors
from planner.models import Program, ReviewProposal, SupervisedSession, WorklistMark
from rehab.models import Patient, PatientRedFlag
from tests.api.conftest import ACTORS, Clinic, current_items, row_counts
from tests.notifications.push_keys import AUTH, P256DH

V1 = "/api/v1"


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # a template filled from the clinic, e.g. "/programs/{drafted}/approve/"
    body: Callable[[Clinic], dict[str, Any]] | None = None
    headers: dict[str, str] | None = None

    def url(self, clinic: Clinic) -> str:
        ids = {
            "home": clinic.home.pk,
            "newcomer": clinic.newcomer.pk,
            "home_program": clinic.home_program.pk,
            "drafted": clinic.drafted.pk,
            "paused": clinic.paused.pk,
            "session": clinic.session.pk,
            "review": clinic.review.pk,
            "today": clinic.today.isoformat(),
            "slug": "cat-camel",
        }
        return V1 + self.path.format(**ids)


def codes(**by_actor: int) -> dict[str, int]:
    assert set(by_actor) == set(ACTORS), sorted(set(ACTORS) - set(by_actor))
    return by_actor


# Patient endpoints: each patient gets their own; clinicians and the superuser are refused.
PATIENTS_OWN = codes(
    anonymous=401, other_patient=200, owner_patient=200, colleague=403, clinician=403, superuser=403
)
# Clinician endpoints on the clinician's own patient: the colleague is told it does not exist.
CLINICIANS_OWN = codes(
    anonymous=401, other_patient=403, owner_patient=403, colleague=404, clinician=200, superuser=200
)
# Clinician lists: the colleague gets a list too, of his own patients only.
CLINICIANS_LIST = {**CLINICIANS_OWN, "colleague": 200}


def created(expected: dict[str, int]) -> dict[str, int]:
    return {actor: 201 if code == 200 else code for actor, code in expected.items()}


def log_body(clinic: Clinic) -> dict[str, Any]:
    item = current_items(clinic.home_program)[0]
    entry = {"exercise": item.exercise.slug, "done": True, "pain_during": 2, "pain_after": 1}
    return {"day": clinic.today.isoformat(), "entries": [entry]}


def record_body(clinic: Clinic) -> dict[str, Any]:
    item = current_items(clinic.learner_program)[0]
    return {"entries": [{"program_exercise": item.pk, "technique": 4}]}


def handled_body(clinic: Clinic) -> dict[str, Any]:
    """The owner patient's most urgent reason on the clinician's worklist."""
    rows = selectors.worklist_rows(user=clinic.clinician.user)
    reason = next(r for row in rows if row.patient.pk == clinic.home.pk for r in row.reasons)
    return {"patient": clinic.home.pk, "kind": reason.kind, "since": reason.since.isoformat()}


def questionnaire_body(clinic: Clinic) -> dict[str, Any]:
    """The weekly pain score, due for both patients since their programs were approved."""
    return {"kind": "pain", "client_key": "matrix-q", "answers": {"score": 3}}


PUSH = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
    "keys": {"p256dh": P256DH, "auth": AUTH},
}

MATRIX: list[tuple[Call, dict[str, int]]] = [
    (Call("GET", "/me/"), PATIENTS_OWN),
    (Call("GET", "/today/"), PATIENTS_OWN),
    (Call("GET", "/program/"), PATIENTS_OWN),
    (Call("GET", "/sessions/"), PATIENTS_OWN),
    (Call("GET", "/sessions/{today}/"), PATIENTS_OWN),
    (
        # The other patient cannot log the owner's exercise: it is not in their home day.
        Call("POST", "/session-logs/", log_body, {"Idempotency-Key": "matrix-1"}),
        {**created(PATIENTS_OWN), "other_patient": 400},
    ),
    (Call("POST", "/symptom-reports/", lambda c: {"codes": ["night_pain"]}), created(PATIENTS_OWN)),
    (Call("GET", "/reminder-preferences/"), PATIENTS_OWN),
    (Call("PATCH", "/reminder-preferences/", lambda c: {"push": False}), PATIENTS_OWN),
    (Call("POST", "/push-subscriptions/", lambda c: PUSH), created(PATIENTS_OWN)),
    (Call("GET", "/notifications/"), PATIENTS_OWN),
    # Each patient marks their own; the other patient's call leaves the owner's unread.
    (Call("POST", "/notifications/read/", lambda c: {"up_to": 2**62}), PATIENTS_OWN),
    (Call("GET", "/questionnaires/due/"), PATIENTS_OWN),
    (Call("POST", "/questionnaires/", questionnaire_body), created(PATIENTS_OWN)),
    (Call("GET", "/clinician/patients/"), CLINICIANS_LIST),
    (Call("GET", "/clinician/patients/{home}/"), CLINICIANS_OWN),
    (Call("GET", "/clinician/patients/{home}/logs/"), CLINICIANS_OWN),
    (
        Call("POST", "/clinician/patients/{newcomer}/programs/", lambda c: {"weeks": 4}),
        created(CLINICIANS_OWN),
    ),
    (Call("GET", "/clinician/programs/{home_program}/"), CLINICIANS_OWN),
    (Call("POST", "/clinician/programs/{drafted}/approve/"), CLINICIANS_OWN),
    (
        Call("POST", "/clinician/programs/{home_program}/pause/", lambda c: {"reason": "Surgery"}),
        CLINICIANS_OWN,
    ),
    (Call("POST", "/clinician/programs/{paused}/resume/"), CLINICIANS_OWN),
    (Call("GET", "/clinician/programs/{home_program}/supervised-sessions/"), CLINICIANS_OWN),
    (Call("POST", "/clinician/supervised-sessions/{session}/record/", record_body), CLINICIANS_OWN),
    (Call("GET", "/clinician/reviews/"), CLINICIANS_LIST),
    (Call("POST", "/clinician/reviews/{review}/approve/"), CLINICIANS_OWN),
    (Call("POST", "/clinician/reviews/{review}/reject/"), CLINICIANS_OWN),
    (Call("GET", "/clinician/worklist/"), CLINICIANS_LIST),
    (
        # The colleague names a patient he does not have: a 400 on `patient`.
        Call("POST", "/clinician/worklist/handled/", handled_body),
        {**created(CLINICIANS_OWN), "colleague": 400},
    ),
    (Call("GET", "/exercises/"), CLINICIANS_LIST),
    (Call("GET", "/exercises/{slug}/"), CLINICIANS_LIST),
    # Liveness: readiness answers anyone too, but 503 without Redis and a worker (test_health.py).
    (Call("GET", "/health/live/"), dict.fromkeys(ACTORS, 200)),
]

CASES = [
    pytest.param(call, actor, expected[actor], id=f"{call.method} {call.path} as {actor}")
    for call, expected in MATRIX
    for actor in ACTORS
]


def database_state() -> dict[str, Any]:
    """Row counts of every table, and every row of the tables these writes would change."""
    mutable = (
        Program,
        ReviewProposal,
        SupervisedSession,
        ReminderPreferences,
        PushSubscription,
        Notification,
        Patient,
        PatientRedFlag,
        WorklistMark,
    )
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in mutable}
    return {"counts": row_counts(), **rows}


@pytest.mark.parametrize(("call", "actor", "expected"), CASES)
def test_who_may_call_what(world, as_actor, call, actor, expected):
    before = database_state() if call.method != "GET" else None
    body = call.body(world) if call.body else None
    response = as_actor(actor).generic(
        call.method,
        call.url(world),
        data=None if body is None else json.dumps(body),
        content_type="application/json",
        headers=call.headers,
    )
    assert response.status_code == expected, response.content
    if before is not None and expected >= 400:
        assert database_state() == before  # a refused write changed nothing
