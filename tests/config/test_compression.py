"""Pages, API answers and the pictures drawn by views go out compressed to a browser that
accepts gzip (a phone on a slow connection fetches a third of Today's bytes); to a client
that does not ask, and for what is compressed already or streamed, nothing changes."""

import gzip
import json

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from rest_framework.authtoken.models import Token

from config.middleware import CompressedTextMiddleware
from notifications.selectors import reminder_preferences_get
from planner import selectors
from tests.conftest import program_for
from tests.web.conftest import sciatica_patient

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def nadia(clinician, library):
    """A Russian-speaking patient at home (Moscow, east of UTC)."""
    patient = sciatica_patient(clinician, "nadia", first_name="Надежда")
    patient.language = "ru"
    patient.save(update_fields=["language"])
    program_for(patient, clinician)
    return patient


@pytest.fixture
def tom(clinician, library):
    """An English-speaking patient at home, west of UTC."""
    patient = sciatica_patient(clinician, "tom", first_name="Tom")
    patient.time_zone = "America/Chicago"
    patient.save(update_fields=["time_zone"])
    program_for(patient, clinician)
    return patient


def test_todays_page_is_compressed_for_a_browser_that_accepts_gzip(client, nadia):
    client.force_login(nadia.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"  # as signing in sets it
    plain = client.get("/app/today/")
    packed = client.get("/app/today/", **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Сегодня" in page  # the patient's language survives the trip
    assert len(packed.content) < len(plain.content) / 2
    # Still not stored, still under the policy.
    assert packed["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in packed


def test_an_api_answer_is_compressed_and_reads_the_same(client, tom):
    token = Token.objects.create(user=tom.user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    plain = client.get("/api/v1/today/", **auth)
    packed = client.get("/api/v1/today/", **auth, **GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


def test_a_refusal_is_compressed_too_and_still_a_refusal(client):
    refused = client.get("/api/v1/me/", **GZIP)
    assert refused.status_code == 401
    body = json.loads(gzip.decompress(refused.content)) if "Content-Encoding" in refused else {}
    # Under 200 bytes Django does not bother; either way the client reads the same error.
    assert body == {} or "detail" in body


def test_a_drawn_picture_is_compressed(client, tom):
    client.force_login(tom.user)
    slug = selectors.patient_today(patient=tom).home[0].item.exercise.slug
    picture = client.get(f"/app/exercises/{slug}/demo.svg", **GZIP)
    assert picture.status_code == 200
    assert picture["Content-Encoding"] == "gzip"
    assert b"<svg" in gzip.decompress(picture.content)


def test_a_picture_that_is_compressed_already_goes_out_as_it_is(client, tom):
    client.force_login(tom.user)
    icon = client.get("/static/web/icon-192.png", **GZIP)
    assert icon.status_code == 200 and icon["Content-Type"] == "image/png"
    assert "Content-Encoding" not in icon


def test_the_calendar_feed_is_text_and_compressed(client, tom):
    preferences = reminder_preferences_get(patient=tom)
    preferences.save()
    feed = client.get(f"/calendar/{preferences.calendar_token}.ics", **GZIP)
    assert feed.status_code == 200 and feed["Content-Encoding"] == "gzip"
    assert gzip.decompress(feed.content).startswith(b"BEGIN:VCALENDAR")


def test_a_streamed_answer_goes_out_as_it_is_written(rf):
    def stream(request):
        return StreamingHttpResponse(iter(["<p>", "x" * 500, "</p>"]), content_type="text/html")

    response = CompressedTextMiddleware(stream)(rf.get("/", **GZIP))
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == b"<p>" + b"x" * 500 + b"</p>"
