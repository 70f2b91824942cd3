"""The front door at `/`: a patient finds the app and a clinician the admin, in English or
Russian; someone already signed in goes straight on to their own side."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD
from tests.web.conftest import sciatica_patient

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "web" / "static" / "web" / "app.css").read_text()


class Page(HTMLParser):
    """What a screen reader and a phone care about in the page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}  # href -> text
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.described_by: list[str] = []
        self.tags: list[str] = []
        self.meta: dict[str, str] = {}
        self.stylesheets: list[str] = []
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append(tag)
        self.ids |= {attributes["id"]} if "id" in attributes else set()
        self.classes |= set(attributes.get("class", "").split())
        if "aria-describedby" in attributes:
            self.described_by.append(attributes["aria-describedby"])
        if tag == "meta" and "name" in attributes:
            self.meta[attributes["name"]] = attributes.get("content", "")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        if tag == "a":
            self._href = attributes.get("href", "")
            self.links[self._href] = ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links[self._href] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def test_an_anonymous_visitor_chooses_between_the_app_and_the_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    assert page.links["/app/"].strip() == "I am a patient"
    assert page.links["/admin/"].strip() == "I am a clinician"
    assert '<html lang="en">' in html
    assert "Русский" in html  # the switch to the other language
    # Both ways lead on to a sign-in page.
    assert client.get("/app/", follow=True).redirect_chain[-1][0].startswith("/app/login/")
    assert client.get("/admin/", follow=True).redirect_chain[-1][0].startswith("/admin/login/")


def test_the_page_is_for_phones_and_screen_readers_with_the_apps_own_styles(client):
    html = client.get("/").content.decode()
    page = Page(html)
    assert page.meta["viewport"] == "width=device-width, initial-scale=1"
    assert page.stylesheets == [settings.STATIC_URL + "web/app.css"]
    # Every class the page uses is one of the app's stylesheet.
    missing = {name for name in page.classes if not re.search(rf"\.{name}\b", CSS)}
    assert not missing
    assert page.tags.count("h1") == 1 and "main" in page.tags
    assert page.links["#main"] and "main" in page.ids  # the skip link has its target
    assert page.described_by and set(page.described_by) <= page.ids
    assert all(text.strip() for text in page.links.values())


@pytest.mark.parametrize("how", ["accept-language", "cookie"])
def test_the_page_speaks_russian_to_a_russian_browser_or_cookie(client, how):
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
        response = client.get("/")
    else:
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    html = response.content.decode()
    page = Page(html)
    assert '<html lang="ru">' in html
    assert page.links["/app/"].strip() == "Я пациент"
    assert page.links["/admin/"].strip() == "Я врач"
    assert "Добро пожаловать" in html and "Планировщик реабилитации" in html
    for english in ("I am a patient", "I am a clinician", "Welcome", "Skip to content"):
        assert english not in html
    assert 'lang="en">English</button>' in html


def test_the_language_switch_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert "Я пациент" in client.get("/").content.decode()


def test_a_signed_in_patient_goes_straight_to_the_app(client, clinician):
    patient = sciatica_patient(clinician, "vera")
    client.force_login(patient.user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/app/"


def test_a_signed_in_clinician_goes_straight_to_the_admin(client, clinician):
    client.force_login(clinician.user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_signed_in_account_that_is_neither_still_sees_the_choice(client):
    user = get_user_model().objects.create_user("visitor", password=PASSWORD)
    client.force_login(user)
    assert client.get("/").status_code == 200


def test_the_page_only_answers_reads(client):
    assert client.post("/").status_code == 405
