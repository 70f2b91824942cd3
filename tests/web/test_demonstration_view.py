"""/app/exercises/<slug>/demo.svg: the animated demonstration, served like start.svg and end.svg.

The pictures show the library's exercises, not a patient's data: any signed-in patient may
see any exercise's pictures, anonymous visitors are sent to sign in and clinic staff are
pointed to the admin, the same for all three pictures.
"""

import base64
import hashlib
import re
from urllib.parse import unquote

import pytest
from django.conf import settings

from planner import selectors
from tests.web.conftest import from_the_service_worker, sciatica_patient


def own_slug(patient) -> str:
    return selectors.patient_today(patient=patient).home[0].item.exercise.slug


PICTURES = ("demo", "demo-still", "start", "end")


@pytest.mark.parametrize("picture", PICTURES)
def test_anonymous_visitors_are_sent_to_sign_in(client, owner, picture):
    url = f"/app/exercises/{own_slug(owner)}/{picture}.svg"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/app/login/?next={url}"


@pytest.mark.parametrize("picture", PICTURES)
@pytest.mark.parametrize("who", ["clinician", "colleague"])
def test_clinic_staff_are_pointed_to_the_admin(client, owner, request, who, picture):
    client.force_login(request.getfixturevalue(who).user)
    response = client.get(f"/app/exercises/{own_slug(owner)}/{picture}.svg")
    assert response.status_code == 403
    assert b"<svg" not in response.content


@pytest.mark.parametrize("picture", PICTURES)
def test_the_owner_and_another_patient_see_the_same_library_picture(
    client, owner, other_patient, picture
):
    url = f"/app/exercises/{own_slug(owner)}/{picture}.svg"
    bodies = []
    for patient in (owner, other_patient):
        client.force_login(patient.user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert (
            "private" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
        )
        bodies.append(response.content)
    assert bodies[0] == bodies[1]


def test_the_demonstration_moves_and_its_one_style_is_allowed_by_its_hash(owner_client, owner):
    response = owner_client.get(f"/app/exercises/{own_slug(owner)}/demo.svg")
    svg = response.content.decode()
    assert "<animate " in svg and 'class="arrow"' in svg
    (style,) = re.findall(r"<style>(.*?)</style>", svg)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy


def test_the_still_version_is_the_start_and_end_side_by_side_without_movement(owner_client, owner):
    response = owner_client.get(f"/app/exercises/{own_slug(owner)}/demo-still.svg")
    svg = response.content.decode()
    assert "<animate" not in svg and "<style>" not in svg
    assert '<g class="s">' in svg and 'class="arrow"' in svg
    assert ">Start</text>" in svg and ">End</text>" in svg


def test_an_unknown_exercise_is_not_found(owner_client):
    assert owner_client.get("/app/exercises/no-such-thing/demo.svg").status_code == 404
    assert owner_client.get("/app/exercises/no-such-thing/demo-still.svg").status_code == 404


def test_the_demonstration_takes_three_queries_whatever_the_exercise(
    owner_client, owner, django_assert_max_num_queries
):
    """The session, the user with the patient, the exercise."""
    for slug in (own_slug(owner), "clamshell", "sit-to-stand"):
        with django_assert_max_num_queries(3):
            assert owner_client.get(f"/app/exercises/{slug}/demo.svg").status_code == 200


def test_a_russian_patient_gets_russian_labels(client, clinician, library):
    patient = sciatica_patient(clinician, "olga", first_name="Olga")
    type(patient).objects.filter(pk=patient.pk).update(language="ru")
    client.force_login(patient.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    svg = client.get("/app/exercises/glute-bridge/demo.svg").content.decode()
    assert ">Начало</text>" in svg and ">Конец</text>" in svg
    assert "как выполнять" in svg


def test_today_and_the_exercise_page_show_the_demonstration_and_links_to_print(owner_client, owner):
    slug = own_slug(owner)
    for page in ("/app/today/", f"/app/exercises/{slug}/"):
        html = owner_client.get(page, headers=from_the_service_worker()).content.decode()
        assert f'<img src="/app/exercises/{slug}/demo.svg"' in html
        still = f"/app/exercises/{slug}/demo-still.svg"
        assert f'<source media="(prefers-reduced-motion: reduce)" srcset="{still}">' in html
        assert f'href="/app/exercises/{slug}/start.svg"' in html
        assert f'href="/app/exercises/{slug}/end.svg"' in html


def test_only_the_first_exercises_demonstration_is_fetched_at_once(owner_client):
    page = owner_client.get("/app/today/", headers=from_the_service_worker()).content.decode()
    pictures = re.findall(r'<img src="/app/exercises/[^"]+/demo\.svg"[^>]*>', page)
    assert len(pictures) >= 3
    assert 'fetchpriority="high"' in pictures[0] and 'loading="lazy"' not in pictures[0]
    assert all('loading="lazy"' in picture for picture in pictures[1:])
    # The browser times when the first one is drawn (Element Timing, bench/phone_today.py).
    assert 'elementtiming="first-demonstration"' in pictures[0]
    assert not any("elementtiming" in picture for picture in pictures[1:])


def test_a_first_visit_carries_the_first_demonstration_inside_the_page(owner_client, owner):
    """Without the service worker's copies, no round trip before the first picture: it is a
    data: URL of the same picture, and keeps its own URL for the phone's offline copy."""
    slug = own_slug(owner)
    for page in ("/app/today/", f"/app/exercises/{slug}/"):
        html = owner_client.get(page).content.decode()
        first = re.search(r'<img src="data:image/svg\+xml;charset=utf-8,([^"]+)"([^>]*)>', html)
        assert first is not None, page
        svg = owner_client.get(f"/app/exercises/{slug}/demo.svg").content.decode()
        assert unquote(first.group(1)) == svg
        assert f'data-picture-url="/app/exercises/{slug}/demo.svg"' in first.group(2)
        assert 'elementtiming="first-demonstration"' in first.group(2)
        # The reduced-motion still is asked for only by a reader who prefers it.
        still = f"/app/exercises/{slug}/demo-still.svg"
        assert f'<source media="(prefers-reduced-motion: reduce)" srcset="{still}">' in html
    today = owner_client.get("/app/today/").content.decode()
    assert today.count("data:image/svg+xml") == 1
    others = re.findall(r'<img src="/app/exercises/[^"]+/demo\.svg" alt=[^>]*>', today)
    assert len(others) >= 2 and all('loading="lazy"' in picture for picture in others)
