"""The Content-Security-Policy in a real browser: the clinician's admin and the patient's app
run under it with nothing blocked (the e2e conftest collects every violation), and every
page carries the policy, the Permissions-Policy and no-store."""

from typing import Any

import pytest

from planner.models import Program
from rehab import services as rehab_services
from tests.conftest import PASSWORD, make_clinician, program_for
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic(live_server, library) -> tuple[Any, Any, Program]:
    doctor = make_clinician("house")
    vera = sciatica_patient(doctor, "vera", first_name="Vera")  # in Moscow
    vera.language = "ru"
    vera.save(update_fields=["language"])
    # Another patient with an active red flag: the patient list shows its badge.
    oleg = sciatica_patient(doctor, "oleg", first_name="Oleg", sex="male")
    rehab_services.red_flag_raise(patient=oleg, code="saddle_anesthesia", noted_by=doctor.user)
    return doctor, vera, program_for(vera, doctor)


# How the page has its stylesheet, and whether it is applied (the header's brand colour).
STYLESHEET = """() => ({
    inside: document.querySelectorAll("head style").length === 1,
    linked: !!document.querySelector("link[rel=stylesheet]"),
    styled: getComputedStyle(document.querySelector("header.top")).backgroundColor
        === "rgb(15, 95, 115)",
})"""


def visit(page: Any, url: str) -> dict[str, str]:
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("networkidle")
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"], url
    assert "camera=()" in headers["permissions-policy"], url
    assert headers["cache-control"] == "no-store", url
    return headers


def test_the_admin_and_the_app_run_under_the_policy_with_nothing_blocked(
    live_server, clinic, browser, no_csp_violations
):
    doctor, vera, program = clinic
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", doctor.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    for path in (
        "/admin/",
        "/admin/rehab/patient/",
        f"/admin/rehab/patient/{vera.pk}/change/",
        f"/admin/planner/program/{program.pk}/change/",
    ):
        visit(page, live_server.url + path)
        if path == "/admin/rehab/patient/":
            badge = page.locator(".red-flag-badge").first
            assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == (
                "rgb(176, 0, 32)"
            )
    page.context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    app = phone.new_page()
    app.set_default_timeout(15_000)
    app.goto(f"{live_server.url}/app/login/")
    # Opened before the app's service worker holds its files: the stylesheet is inside the
    # page, allowed by its hash (a blocked one would be a violation), and applied.
    assert app.evaluate(STYLESHEET) == {"inside": True, "linked": False, "styled": True}
    app.fill("input[name=username]", "vera")
    app.fill("input[name=password]", PASSWORD)
    app.locator("form button[type=submit], form input[type=submit]").first.click()
    app.wait_for_url("**/app/today/")
    for path in (
        "/app/today/",
        "/app/progress/",
        "/app/history/",
        "/app/symptoms/",
        "/app/notifications/",
        "/app/settings/",
    ):
        visit(app, live_server.url + path)
    # The worker controls the pages by now: they name the stylesheet, which it serves.
    app.wait_for_function("navigator.serviceWorker.controller !== null")
    visit(app, live_server.url + "/app/today/")
    assert app.evaluate(STYLESHEET) == {"inside": False, "linked": True, "styled": True}
    app.wait_for_load_state("networkidle")
    app.goto("about:blank")
    phone.close()
    assert no_csp_violations == []


def test_a_blocked_load_is_caught_by_the_watch(live_server, browser, no_csp_violations):
    """The collection itself: what the policy blocks on a page is reported."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/app/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected === undefined")

    def caught() -> bool:
        return any("script-src" in text and "inline" in text for text in no_csp_violations)

    for _ in range(100):  # the console message reaches Python a moment later
        if caught():
            break
        page.wait_for_timeout(50)
    assert caught()
    no_csp_violations.clear()  # seen, and meant
    page.context.close()
