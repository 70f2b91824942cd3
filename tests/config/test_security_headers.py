"""Headers every response carries (Content-Security-Policy, Permissions-Policy), no-store on
whatever may carry a patient's data, and the mail server from the environment."""

import base64
import hashlib
import json
import re

import pytest
from rest_framework.authtoken.models import Token

from config.middleware import NO_STORE_PREFIXES, no_store_for, permissions_policy
from notifications.selectors import reminder_preferences_get
from planner import selectors
from tests.config.test_settings import PRODUCTION_ENV, manage
from tests.conftest import program_for
from tests.web.conftest import sciatica_patient
from web.assets import inline_stylesheet

CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}


def page_csp() -> dict[str, list[str]]:
    """An HTML page's policy: also the app's stylesheet inside the page, by its hash (a
    phone's first visit carries it; web.middleware)."""
    return {**CSP, "style-src": ["'self'", inline_stylesheet().csp_source]}


def directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: sources} (its order is not fixed)."""
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


# -- which paths get no-store: the rule, path by path -------------------------------------------


@pytest.mark.parametrize(
    ("path", "signed_in", "no_store"),
    [
        ("/app/today/", True, True),
        ("/app/login/", False, True),
        ("/app/offline/", False, True),  # the service worker keeps its own copy
        ("/api/v1/me/", True, True),
        ("/api/v1/health/", False, True),
        ("/api/schema/", True, True),
        ("/admin/rehab/patient/", True, True),
        ("/calendar/abc.ics", False, True),
        ("/", True, True),  # any page to a signed-in user
        ("/", False, False),  # the public front door
        ("/app/sw.js", True, False),  # no-cache, set by its view
        ("/app/manifest.webmanifest", True, False),
        ("/app/exercises/cat-camel/start.svg", True, False),  # the same for every patient
        ("/static/web/app.css", True, False),
        ("/media/exercises/x.png", True, False),
    ],
)
def test_the_no_store_rule(path, signed_in, no_store):
    assert no_store_for(path, signed_in=signed_in) is no_store


def test_the_prefixes_cover_every_part_of_the_site_with_patient_data():
    assert set(NO_STORE_PREFIXES) == {"/app/", "/api/", "/admin/", "/calendar/"}


# -- what responses really carry ----------------------------------------------------------------


@pytest.fixture
def vera(clinician, library):
    patient = sciatica_patient(clinician, "vera", first_name="Vera")  # in Moscow
    patient.language = "ru"
    patient.save(update_fields=["language"])
    program_for(patient, clinician)
    return patient


def test_the_patients_pages_are_not_stored_and_carry_the_policies(client, vera):
    client.force_login(vera.user)
    for path in ("/app/today/", "/app/progress/", "/app/settings/", "/app/notifications/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store", path
        assert directives(response["Content-Security-Policy"]) == page_csp(), path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "geolocation=()" in response["Permissions-Policy"], path


def test_the_calendar_feed_is_not_stored(client, vera):
    preferences = reminder_preferences_get(patient=vera)
    preferences.save()
    token = preferences.calendar_token
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_api_answers_are_not_stored_signed_in_or_refused(client, vera):
    token = Token.objects.create(user=vera.user)
    answer = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401 and refused["Cache-Control"] == "no-store"


def test_the_admin_is_not_stored(client, clinician):
    client.force_login(clinician.user)
    response = client.get("/admin/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert directives(response["Content-Security-Policy"]) == page_csp()


def test_the_service_worker_manifest_and_pictures_keep_their_caching(client, vera):
    client.force_login(vera.user)
    assert client.get("/app/sw.js")["Cache-Control"] == "no-cache"
    assert "no-store" not in client.get("/app/manifest.webmanifest").get("Cache-Control", "")
    slug = selectors.patient_today(patient=vera).home[0].item.exercise.slug
    picture = client.get(f"/app/exercises/{slug}/start.svg")
    assert picture.status_code == 200
    assert picture["Cache-Control"] == "private, max-age=86400"


def test_the_permissions_policy_is_written_as_browsers_read_it():
    assert permissions_policy({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )


def test_the_public_front_door_may_be_cached(client):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert directives(response["Content-Security-Policy"]) == page_csp()


def test_the_one_inline_style_a_page_may_carry_is_the_stylesheet_it_carries(client, vera):
    """The hash in the policy is that of the <style> in the page, worked out here again; the
    rest of the policy's answers (JSON, pictures) allow no inline style at all."""
    client.force_login(vera.user)
    for path in ("/app/today/", "/app/settings/", "/app/progress/"):
        response = client.get(path)
        (style,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        styles = directives(response["Content-Security-Policy"])["style-src"]
        assert styles == ["'self'", f"'sha256-{digest}'"], path
    answer = client.get("/api/v1/me/")
    assert answer.status_code == 200
    assert directives(answer["Content-Security-Policy"])["style-src"] == ["'self'"]


# -- the mail server from the environment (production) ------------------------------------------

SHOW_MAIL = (
    "from django.conf import settings as s; import json; print(json.dumps([s.EMAIL_HOST, "
    "s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
    "s.EMAIL_TIMEOUT]))"
)


def test_production_reads_the_mail_server_from_the_environment():
    default = manage("shell", "--no-imports", "-c", SHOW_MAIL, **PRODUCTION_ENV)
    assert json.loads(default.stdout) == ["localhost", 25, "", "", False, False, 10]
    chosen = manage(
        "shell", "--no-imports", "-c", SHOW_MAIL, **PRODUCTION_ENV,
        EMAIL_HOST="smtp.example.org", EMAIL_PORT="587", EMAIL_HOST_USER="rehab",
        EMAIL_HOST_PASSWORD="s3cret pass", EMAIL_USE_TLS="true", EMAIL_TIMEOUT="5",
    )  # fmt: skip
    assert json.loads(chosen.stdout) == [
        "smtp.example.org", 587, "rehab", "s3cret pass", True, False, 5,
    ]  # fmt: skip
    implicit = manage(
        "shell", "--no-imports", "-c", SHOW_MAIL, **PRODUCTION_ENV, EMAIL_PORT="465",
        EMAIL_USE_SSL="yes",
    )  # fmt: skip
    assert json.loads(implicit.stdout)[1:6] == [465, "", "", False, True]


def test_production_refuses_both_starttls_and_implicit_tls():
    result = manage("check", **PRODUCTION_ENV, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert result.returncode != 0
    assert "EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL" in result.stderr


def test_production_refuses_a_misspelt_tls_switch():
    result = manage("check", **PRODUCTION_ENV, EMAIL_USE_TLS="maybe")
    assert result.returncode != 0 and "EMAIL_USE_TLS must be one of" in result.stderr


def test_production_keeps_the_api_docs_behind_signing_in():
    show = "from django.conf import settings; print(settings.API_DOCS_PUBLIC)"
    assert manage("shell", "--no-imports", "-c", show, **PRODUCTION_ENV).stdout.strip() == "False"
