"""Signing in (tokens, sessions with CSRF), the health check, the error format and the
OpenAPI schema."""

import secrets

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.exceptions import exception_handler, field_errors
from rehab.models import PatientRedFlag
from tests.api.conftest import client_for, row_counts
from tests.conftest import PASSWORD

V1 = "/api/v1"


# -- tokens -------------------------------------------------------------------------------------


def test_a_password_obtains_the_token_and_the_token_opens_the_api(world):
    client = APIClient()
    response = client.post(f"{V1}/auth/token/", {"username": "homer", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == world.tokens["owner_patient"]  # the same token until it is revoked
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"{V1}/me/").json()["id"] == world.home.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "homer", "password": "wrong"}, "non_field_errors"),
        ({"username": "nobody", "password": PASSWORD}, "non_field_errors"),
        ({"username": "homer"}, "password"),
    ],
)
def test_bad_credentials_obtain_nothing(world, body, field):
    before = row_counts()
    response = APIClient().post(f"{V1}/auth/token/", body)
    assert response.status_code == 400 and list(response.json()) == [field]
    after = row_counts()
    # Nothing but the failed sign-in itself, counted towards the account's lockout.
    attempts = after.pop("axes.AccessAttempt") - before.pop("axes.AccessAttempt")
    assert attempts == (1 if field == "non_field_errors" else 0)
    assert after == before


@pytest.fixture
def fresh_throttle():
    cache.clear()  # the throttle counts attempts in the cache
    yield
    cache.clear()


def test_guessing_passwords_is_slowed_down(world, fresh_throttle):
    client = APIClient()
    # Spread over accounts, so that no account's lockout (tests/api/test_auth_lockout.py)
    # answers first: the address's rate is what stops the 21st.
    for number in range(20):
        guess = {"username": f"homer{number}", "password": "guess"}
        response = client.post(f"{V1}/auth/token/", guess)
        assert response.status_code == 400
    response = client.post(f"{V1}/auth/token/", {"username": "homer", "password": PASSWORD})
    assert response.status_code == 429 and "throttled" in response.json()["detail"]


def test_a_revoked_token_is_refused(world):
    client = client_for(world, "owner_patient")
    assert client.delete(f"{V1}/auth/token/").status_code == 204
    assert not Token.objects.filter(user=world.home.user).exists()
    response = client.get(f"{V1}/me/")
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}


def test_without_credentials_the_answer_is_401_and_says_how_to_sign_in(world):
    response = APIClient().get(f"{V1}/today/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert APIClient().delete(f"{V1}/auth/token/").status_code == 401


# -- sessions -----------------------------------------------------------------------------------


@pytest.fixture
def web_app(world) -> APIClient:
    """The patient's browser: signed in with a session, CSRF checked as in production."""
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="homer", password=PASSWORD)
    return client


def test_a_session_reads_without_a_csrf_token(web_app, world):
    assert web_app.get(f"{V1}/me/").json()["id"] == world.home.pk


def test_a_session_write_without_the_csrf_token_is_refused_and_writes_nothing(web_app):
    before = row_counts()
    response = web_app.post(f"{V1}/symptom-reports/", {"codes": ["fever"]})
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert row_counts() == before


def test_a_session_write_with_the_csrf_token_goes_through(web_app, world):
    secret = secrets.token_hex(16)
    web_app.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = web_app.post(
        f"{V1}/symptom-reports/", {"codes": ["fever"]}, headers={"X-CSRFToken": secret}
    )
    assert response.status_code == 201
    assert PatientRedFlag.objects.filter(patient=world.home, red_flag__code="fever").exists()


# -- health -------------------------------------------------------------------------------------


def test_the_liveness_check_answers_anyone_without_touching_the_database(world):
    # Readiness (/health/, which checks the database, Redis and the workers): test_health.py.
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(f"{V1}/health/live/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0


# -- one error format ---------------------------------------------------------------------------


def test_errors_of_services_and_of_serializers_read_the_same():
    nested = {
        "day": ["Enter a valid date."],
        "entries": [{}, {"pain_during": ["A valid integer is required."]}],
        "keys": {"auth": ["This field is required."]},
        "codes": {2: ["Enter a valid slug."]},
        "list": {"non_field_errors": ["This list may not be empty."]},
    }
    assert field_errors(nested) == {
        "day": ["Enter a valid date."],
        "entries[1].pain_during": ["A valid integer is required."],
        "keys.auth": ["This field is required."],
        "codes[2]": ["Enter a valid slug."],
        "list": ["This list may not be empty."],
    }
    service = DjangoValidationError({"entries[0].pain_during": "Pain is 0 to 10, got 11."})
    response = exception_handler(service, {})
    assert response.status_code == 400
    assert response.data == {"entries[0].pain_during": ["Pain is 0 to 10, got 11."]}
    whole = exception_handler(DjangoValidationError("Nothing to change."), {})
    assert whole.data == {"non_field_errors": ["Nothing to change."]}
    denied = exception_handler(exceptions.PermissionDenied("No."), {})
    assert (denied.status_code, denied.data) == (403, {"detail": "No."})


# -- the OpenAPI schema -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    """The schema as `manage.py spectacular` writes it: validated, failing on any warning."""
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_is_valid_and_has_no_warnings_and_covers_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert len(list(operations(schema))) == 35
    assert {path.split("/")[3] for path in schema["paths"]} == {
        "auth",
        "clinician",
        "exercises",
        "health",
        "me",
        "notifications",
        "program",
        "push-subscriptions",
        "questionnaires",
        "reminder-preferences",
        "session-logs",
        "sessions",
        "symptom-reports",
        "today",
    }


def test_every_operation_documents_its_error_codes(schema):
    public = {
        ("/api/v1/health/", "get"),
        ("/api/v1/health/live/", "get"),
        ("/api/v1/auth/token/", "post"),
    }
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        assert {"200", "201", "204"} & documented, (path, method)
        # Only readiness answers 503 (a dependency is down); only the push registration 409
        # (the endpoint is another account's).
        allowed = {"200", "201", "204", "400", "401", "403", "404", "429"}
        allowed |= {"503"} if path == "/api/v1/health/" else set()
        allowed |= {"409"} if path == "/api/v1/push-subscriptions/" else set()
        assert documented <= allowed
        if (path, method) not in public:
            assert {"401", "403"} <= documented, (path, method)
        if method in ("post", "patch"):
            assert "400" in documented, (path, method)
        if "{" in path and path != "/api/v1/sessions/{day}/":
            assert "404" in documented, (path, method)


def test_the_schema_and_the_interactive_docs_are_served_without_a_cdn(world):
    client = client_for(world, "clinician")
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html and "cdn." not in html
    # The page's own script is served by the view, not written inline (the CSP has no
    # 'unsafe-inline' for scripts); it points Swagger UI at the schema.
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
    policy = dict(part.split(maxsplit=1) for part in page["Content-Security-Policy"].split("; "))
    assert (policy["style-src"], policy["script-src"]) == ("'self' 'unsafe-inline'", "'self'")


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_the_schema_and_docs_need_signing_in_unless_made_public(world, settings, path):
    assert APIClient().get(path).status_code == 401
    assert client_for(world, "owner_patient").get(path).status_code == 200
    session = APIClient()
    session.force_login(world.clinician.user)
    assert session.get(path).status_code == 200
    settings.API_DOCS_PUBLIC = True  # a developer's machine (local.py)
    assert APIClient().get(path).status_code == 200
