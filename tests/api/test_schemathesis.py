"""Schemathesis over the whole API: every operation of the OpenAPI schema, with bounded,
derandomised examples, as a clinician and as a patient; no answer may be a server error.

The schema is the one drf-spectacular serves, generated in-process; requests go to the
Django WSGI application in the same process, so they see the test's database and each test
(one per operation and actor) is rolled back. The number of cases run is printed at the end.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Clinic

CASES: dict[str, int] = {}
SERVER_ERRORS: list[str] = []
EXAMPLES_PER_OPERATION = 12

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIHandler()
bounded = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module", autouse=True)
def _report_the_count(request: pytest.FixtureRequest) -> Iterator[None]:
    # As Django's test client does: the request must not close the test's connection (on
    # PostgreSQL the end of a WSGI request would, and the next one would find it closed).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    actors = ", ".join(f"{count} as {actor}" for actor, count in CASES.items())
    line = (
        f"schemathesis: {sum(CASES.values())} cases ({actors}), {len(SERVER_ERRORS)} server errors"
    )
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():  # shown without -s, for the integrator
        print(f"\n{line}")


def run(case: Any, world: Clinic, actor: str) -> None:
    CASES[actor] = CASES.get(actor, 0) + 1
    response = case.call(headers={"Authorization": f"Token {world.tokens[actor]}"})
    documented = set(case.operation.definition.raw.get("responses", {}))
    if str(response.status_code) in documented:
        return  # the readiness check's 503 without Redis is an answer, not a failure
    if response.status_code >= 500:
        SERVER_ERRORS.append(f"{case.method} {case.formatted_path}: {response.status_code}")
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@bounded
def test_as_a_clinician(case: Any, world: Clinic) -> None:
    run(case, world, "clinician")


@schema.parametrize()
@bounded
def test_as_a_patient(case: Any, world: Clinic) -> None:
    run(case, world, "owner_patient")
