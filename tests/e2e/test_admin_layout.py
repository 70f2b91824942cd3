"""The doctor's desktop (1,366 x 768): the patient record and the supervised session form fit
the window without sideways scrolling, and axe-core finds nothing critical or serious on the
session form (its 42 inputs and 6 drop-downs labelled, among the rest)."""

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from planner.models import Program, SupervisedSession
from tests.conftest import PASSWORD, make_clinician, program_for
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768
# What axe-core must not find: a critical or serious violation of any of its rules.
BLOCKING = ("critical", "serious")


@pytest.fixture
def clinic(live_server, library) -> tuple[Any, Any, Program]:
    doctor = make_clinician("house")
    vera = sciatica_patient(doctor, "vera", first_name="Vera")
    return doctor, vera, program_for(vera, doctor, days_ago=0, master=False)


def signed_in(browser: Any, live_server: Any, doctor: Any) -> Any:
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", doctor.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def test_the_record_and_the_session_form_fit_a_desktop_window(
    live_server, clinic, browser, artifacts
):
    doctor, vera, program = clinic
    session = SupervisedSession.objects.filter(program=program).order_by("number").first()
    page = signed_in(browser, live_server, doctor)
    for name, path in (
        ("patient-record", f"/admin/rehab/patient/{vera.pk}/change/"),
        ("session-form", f"/admin/planner/supervisedsession/{session.pk}/record/"),
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"admin-{name}-1366.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{path} is {width} px wide"
    # axe-core on the session form (the page open now): nothing critical or serious.
    results = Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['html']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
    assert blocking == [], "\n".join(blocking)
    # Every input and drop-down a doctor uses has a label (axe-core's "label" rule).
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll("#content input, #content select")]
            .filter(el => el.type !== "hidden" && el.type !== "submit")
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
            .map(el => el.name)"""
    )
    assert unlabelled == []
    page.context.close()
