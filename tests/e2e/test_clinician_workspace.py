"""The doctor's day in the workspace, on a desktop (1,366 x 768): the worklist opens the
admin, a flaring patient is on it, the doctor reads what they wrote at home, marks the
reason handled and downloads the program's handout; axe-core finds nothing critical or
serious on the worklist or the patient overview."""

import io
from datetime import timedelta
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from planner import selectors, services
from planner.models import SupervisedSession, SupervisedStatus, WorklistKind, WorklistMark
from tests.conftest import PASSWORD, log_home_days, make_clinician, program_for
from tests.web.conftest import sciatica_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1366, 768
BLOCKING = ("critical", "serious")
NOTE = "Нога болит сильнее после наклона, ночью просыпалась"  # noqa: RUF001 (Russian)


@pytest.fixture
def flaring(live_server, library) -> tuple[Any, Any, Any]:
    """Vera, at home for ten days, logged every day at pain 1, yesterday at 7 with a note."""
    doctor = make_clinician("house")
    vera = sciatica_patient(doctor, "vera", first_name="Vera")
    program = program_for(vera, doctor, days_ago=10)
    SupervisedSession.objects.filter(program=program).update(status=SupervisedStatus.CANCELLED)
    today = selectors.patient_local_today(patient=vera)
    log_home_days(program, program.start_date, 9)
    yesterday = today - timedelta(days=1)
    services.session_log_record(
        patient=vera,
        day=yesterday,
        client_key="flare",
        entries=[
            services.LogEntry(
                item.exercise.slug,
                done=True,
                sets_done=item.sets,
                reps_done=item.reps,
                pain_during=7,
                pain_after=6,
                difficulty="hard",
                note=NOTE if position == 0 else "",
            )
            for position, item in enumerate(
                selectors.home_session_exercises(program=program, day=yesterday)
            )
        ],
    )
    return doctor, vera, program


def blocking_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} element(s), e.g. {v['nodes'][0]['html']}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_the_doctor_sees_the_flare_reads_the_note_marks_it_handled_and_prints_the_handout(
    live_server, flaring, browser, artifacts
):
    doctor, vera, program = flaring
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", doctor.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    # The worklist opens the admin: Vera, for her pain of 7.
    attention = page.locator("#needs-attention")
    pain = attention.locator(f"tr.worklist-{WorklistKind.PAIN_HIGH}")
    assert pain.count() == 1
    assert "Pain 7 of 10" in pain.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(artifacts / "workspace-worklist-1366.png"), full_page=True)
    assert blocking_violations(page) == []

    # Her name opens her overview: the home log with what she wrote for the clinic.
    attention.get_by_role("link", name="Vera").first.click()
    page.wait_for_url(f"**/admin/rehab/patient/{vera.pk}/overview/")
    assert NOTE in page.locator("#content").inner_text()
    assert page.locator("svg title").count() >= 2  # the charts, each with its title
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.screenshot(path=str(artifacts / "workspace-overview-1366.png"), full_page=True)
    assert blocking_violations(page) == []

    # Back on the worklist, the flare is marked handled: it says by whom, with no button.
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.locator(f"#needs-attention tr.worklist-{WorklistKind.PAIN_HIGH} button").click()
    handled = page.locator(f"#needs-attention tr.worklist-{WorklistKind.PAIN_HIGH}")
    assert "worklist-handled" in (handled.get_attribute("class") or "")
    assert "Handled by House Doctor" in handled.inner_text()
    assert handled.locator("button").count() == 0
    mark = WorklistMark.objects.get(patient=vera, kind=WorklistKind.PAIN_HIGH)
    assert mark.by == doctor.user

    # The program's page gives the handout: a PDF with her exercises, in order.
    page.goto(f"{live_server.url}/admin/planner/program/{program.pk}/change/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Handout (PDF)").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = " ".join(" ".join(page_.extract_text().split()) for page_ in pdf.pages)
    names = [entry.item.exercise.name for entry in selectors.patient_today(patient=vera).home]
    assert names and all(name in text for name in names)
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    page.context.close()
