"""The patient app in a phone-sized Chromium: invitation, Today, Progress, notifications,
offline, Russian.

Screenshots of the main screens are kept in test-artifacts/ (`patient-*.png`).
"""

from collections.abc import Iterator
from typing import Any

import pytest

from notifications.models import Notification
from planner.models import ExerciseLog, SessionLog
from rehab.services import patient_invite_create
from tests.conftest import make_clinician, program_for
from tests.e2e.conftest import wait_for_answer
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PASSWORD = "slow-and-steady-7"
HEADER = {"x": 0, "y": 0, "width": 390, "height": 80}


@pytest.fixture
def invitation(live_server, library) -> tuple[Any, str]:
    clinician = make_clinician("doctor")
    clinician.phone = "+7 495 000-00-00"
    clinician.save()
    patient = sciatica_patient(
        clinician, "placeholder", first_name="Vera", email="vera@example.org"
    )
    patient.user.delete()  # the invitation makes the real login
    patient.refresh_from_db()
    program_for(patient, clinician, days_ago=3)
    _, token = patient_invite_create(patient=patient, by=clinician.user)
    return patient, token


@pytest.fixture
def phone(browser) -> Iterator[Any]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # The app keeps fetching in the background (today's pages for offline use): let it
    # finish before the test database is emptied under the live server.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    context.close()


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"patient-{name}.png"), full_page=True)


ACCESSIBILITY_CHECK = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) {
      problems.push("no label: " + el.name);
    }
  }
  const targets = "button, a.button, .tabs a, a.bell, summary, label.pill, label.check";
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.height < 44 || box.width < 44)) {
      problems.push("under 44 px: " + el.textContent.trim().slice(0, 40) + " " + box.height);
    }
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.getAttribute("alt")) problems.push("no alt text: " + img.src);
  }
  return problems;
}"""


def accessibility_problems(page) -> list[str]:
    """Unlabelled controls, touch targets under 44 px, pictures without alt text."""
    return page.evaluate(ACCESSIBILITY_CHECK)


def sign_up(page, live_server, token: str) -> None:
    page.goto(f"{live_server.url}/app/invite/{token}/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.get_by_role("button", name="Save and start").click()
    page.wait_for_url("**/app/today/")


def log_first_open_card(page, *, pain_during: str) -> str:
    card = page.locator("li.card:not(.logged)").first
    name = card.locator("h2").inner_text()
    card.get_by_label("Pain during (0 none, 10 worst)").select_option(pain_during)
    card.get_by_label("About right").check()
    card.get_by_role("button", name="Done").click()
    return name


def test_invite_today_log_progress(live_server, invitation, phone, artifacts):
    _patient, token = invitation
    page = phone
    sign_up(page, live_server, token)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Today")
    cards = page.locator("li.card")
    assert cards.count() >= 3
    # The first picture loads (it may still be on its way when the page is ready).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=page.locator("li.card .pictures img").first.element_handle(),
    )
    shot(page, artifacts, "today")
    assert accessibility_problems(page) == []
    # At 200 % text size the page reflows: nothing runs off the side of the phone.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    shot(page, artifacts, "today-text-200")
    page.evaluate("document.documentElement.style.fontSize = ''")

    # The timer counts a hold down.
    timer = page.locator(".timer").first
    face = timer.locator(".timer-left")
    start = face.inner_text()
    timer.get_by_role("button", name="Start the timer").click()
    page.wait_for_function(
        "([el, start]) => el.textContent !== start", arg=[face.element_handle(), start]
    )
    timer.get_by_role("button", name="Stop").click()

    name = log_first_open_card(page, pain_during="3")
    page.locator("li.card.logged").first.wait_for()
    assert "pain during 3/10" in page.locator("li.card.logged").first.inner_text()
    log = ExerciseLog.objects.get()
    assert (log.exercise.name, log.pain_during, log.difficulty) == (name, 3, "right")

    page.get_by_role("link", name="Progress").click()
    page.wait_for_url("**/app/progress/")
    assert page.locator("svg.chart").count() == 2
    page.get_by_text("The numbers").click()
    assert "3/10" in page.locator("table.numbers").inner_text()
    shot(page, artifacts, "progress")

    page.get_by_role("link", name="History").click()
    assert page.locator("td.is-today").count() == 1
    shot(page, artifacts, "history")
    page.get_by_role("link", name="Symptoms").click()
    shot(page, artifacts, "symptoms")

    # Signing out asks the service worker for this phone's push subscription first (none
    # here), then signs out.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/app/login/")
    page.goto(live_server.url + "/app/today/")
    page.wait_for_url("**/app/login/?next=/app/today/")


def test_offline_log_is_kept_and_sent_once_when_back_online(
    live_server, invitation, phone, artifacts
):
    _patient, token = invitation
    page = phone
    sign_up(page, live_server, token)
    # Once the service worker controls the page, Today and its exercise pages are kept.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    first_exercise = page.locator("li.card h2 a").first.get_attribute("href")
    wait_for_answer(
        page,
        "url => caches.open('rehab-pages-v1').then(c => c.match(url)).then(Boolean)",
        arg=first_exercise,
    )

    # A reminder arrives: the header counts it; seeing the list reads it, and the list is
    # kept on the phone like Today.
    patient, _token = invitation
    patient.refresh_from_db()  # the login the invitation made
    Notification.objects.create(
        user=patient.user,
        title="Clinic session at 10:00",
        body="Hello Vera, your session at the clinic is tomorrow at 10:00.",
        link="/app/today/",
    )
    page.reload()
    page.screenshot(path=str(artifacts / "patient-header-unread.png"), clip=HEADER)
    page.get_by_role("link", name="Notifications, 1 unread").click()
    page.wait_for_url("**/app/notifications/")
    notice = page.locator("li.notice.unread")
    assert "Clinic session at 10:00" in notice.inner_text() and "New" in notice.inner_text()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    assert accessibility_problems(page) == []
    shot(page, artifacts, "notifications")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    wait_for_answer(
        page,
        "url => caches.open('rehab-pages-v1').then(c => c.match(url)).then(Boolean)",
        arg="/app/notifications/",
    )
    page.get_by_role("link", name="Today", exact=True).click()
    page.wait_for_url("**/app/today/")
    assert page.locator("a.bell .badge").count() == 0

    page.context.set_offline(True)
    page.reload()  # from the phone's copy
    assert page.locator("li.card").count() >= 3
    first_picture = page.locator(".cards .card:first-child .pictures img")
    assert first_picture.evaluate("img => img.complete && img.naturalWidth > 0")
    page.goto(live_server.url + "/app/notifications/")
    assert "Clinic session at 10:00" in page.locator("li.notice").inner_text()
    page.goto(live_server.url + first_exercise)
    assert page.locator("ol.steps li").count() >= 2
    page.go_back()
    page.go_back()
    page.wait_for_url("**/app/today/")

    log_first_open_card(page, pain_during="2")
    status = page.locator("#network-status")
    status.wait_for()
    assert (
        "kept on this phone" in status.inner_text() or "Saved on this phone" in status.inner_text()
    )
    shot(page, artifacts, "offline-queued")
    assert not SessionLog.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('rehab-log-queue') && "
        "JSON.parse(localStorage.getItem(k)).length)"
    )
    page.locator("li.card.logged").first.wait_for()
    assert SessionLog.objects.count() == 1 and ExerciseLog.objects.count() == 1
    # Coming back again (another online event, a reload) sends nothing twice.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    assert ExerciseLog.objects.count() == 1


def test_the_russian_interface(live_server, invitation, phone, artifacts):
    _patient, token = invitation
    page = phone
    sign_up(page, live_server, token)
    page.get_by_role("link", name="Settings").click()
    page.select_option("#id_language", "ru")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/app/settings/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Сегодня").is_visible()
    shot(page, artifacts, "settings-ru")
    page.get_by_role("link", name="Сегодня").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Сегодня")
    assert page.get_by_role("button", name="Готово").first.is_visible()
    shot(page, artifacts, "today-ru")


ENGLISH_WORDS = """() => [...document.querySelectorAll("li.card")].flatMap((card) => {
  const texts = [card.innerText, card.textContent,
    ...[...card.querySelectorAll("img")].map((img) => img.alt)];
  return texts.flatMap((text) => text.match(/[A-Za-z]{2,}/g) || []);
})"""


def test_the_russian_today_finds_no_english_words_in_the_exercise_cards(
    live_server, invitation, phone
):
    _patient, token = invitation
    page = phone
    sign_up(page, live_server, token)
    page.get_by_role("link", name="Settings").click()
    page.select_option("#id_language", "ru")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/app/settings/")
    page.get_by_role("link", name="Сегодня").click()
    assert page.locator("li.card").count() >= 3
    assert page.evaluate(ENGLISH_WORDS) == []
