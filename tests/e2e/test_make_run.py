"""`make run` on this machine: the whole system starts, a doctor signs in, Ctrl-C stops it all."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from testsupport.processes import ROOT, free_port

pytestmark = pytest.mark.e2e


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class RunningSystem:
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str]
    web_port: int
    redis_port: int
    database: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_for(condition, what: str, system: RunningSystem, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if system.process.poll() is not None:
            pytest.fail(f"make run exited while waiting for {what}:\n{system.output()[-4000:]}")
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}:\n{system.output()[-4000:]}")


@pytest.fixture(scope="module")
def system(tmp_path_factory) -> Iterator[RunningSystem]:
    workdir = tmp_path_factory.mktemp("make-run")
    database = workdir / "db.sqlite3"
    web_port, redis_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "REDIS"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{database}",
            "WEB_PORT": str(web_port),
            "REDIS_PORT": str(redis_port),
            "MEDIA_ROOT": str(workdir / "media"),
        }
    )
    log = workdir / "make-run.log"
    with log.open("wb") as out:
        # A session of its own, like a terminal's foreground job, so Ctrl-C can
        # be sent to the whole group.
        process = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    running = RunningSystem(process, log, env, web_port, redis_port, database)
    try:
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def admin_login_page_answers(system: RunningSystem) -> bool:
    try:
        with urllib.request.urlopen(system.url + "/admin/login/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_web_worker_and_beat_start(system):
    wait_for(lambda: admin_login_page_answers(system), "the admin login page", system)
    wait_for(lambda: "celery@" in system.output() and "ready." in system.output(), "worker", system)
    wait_for(lambda: "beat: Starting" in system.output(), "beat", system)
    ping = subprocess.run(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "inspect", "ping", "--timeout", "10"],
        cwd=ROOT,
        env=system.env | {"REDIS_URL": f"redis://127.0.0.1:{system.redis_port}/0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "pong" in ping.stdout, ping.stdout + ping.stderr
    output = system.output()
    assert f"http://127.0.0.1:{system.web_port}/admin/" in output
    assert "doctor / demo-doctor-2026" in output
    assert f"http://127.0.0.1:{system.web_port}/app/" in output
    assert "kuznetsova / demo-patient-2026" in output
    # Every address the banner prints answers: the front door, the admin and the app (the
    # last two by way of their sign-in pages).
    addresses = re.findall(rf"http://127\.0\.0\.1:{system.web_port}/\S*", output)
    assert f"http://127.0.0.1:{system.web_port}/" in addresses
    for address in addresses:
        with urllib.request.urlopen(address, timeout=10) as response:
            assert response.status == 200, address


def test_demo_doctor_signs_in_and_sees_own_patients_and_library(system, browser, artifacts):
    wait_for(lambda: admin_login_page_answers(system), "the admin login page", system)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(system.url + "/admin/")
    page.fill("#id_username", "doctor")
    page.fill("#id_password", "demo-doctor-2026")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(system.url + "/admin/rehab/patient/")
    body = page.inner_text("#changelist")
    for name in ("Ivan Sokolov", "Maria Kuznetsova", "Nikolai Ivanov", "Pavel Morozov"):
        assert name in body
    assert "Dmitry Popov" not in body  # doctor2's patient
    assert "Saddle anaesthesia" in body
    page.screenshot(path=str(artifacts / "admin-patients.png"), full_page=True)

    page.goto(system.url + "/admin/exercises/exercise/")
    counter = page.inner_text(".paginator")
    assert int(counter.split()[0]) >= 60, counter
    page.screenshot(path=str(artifacts / "admin-exercises.png"))

    # The planner's pages: a program at home with its schedule, and the review waiting.
    page.goto(system.url + "/admin/planner/program/")
    programs = page.inner_text("#changelist")
    assert "Elena Smirnova" in programs and "Dmitry Popov" not in programs
    page.goto(system.url + "/admin/planner/program/?q=Smirnova")
    page.click("#result_list tbody tr th a")
    program_page = page.inner_text("#content")
    assert "Version 1" in program_page and "Suits" in program_page
    assert "Mastered (home)" in program_page
    page.screenshot(path=str(artifacts / "admin-program.png"), full_page=True)

    page.goto(system.url + "/admin/planner/reviewproposal/")
    page.check("#result_list tbody input.action-select")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "approved" in page.inner_text(".messagelist")
    page.screenshot(path=str(artifacts / "admin-review-approved.png"))
    page.close()


def test_a_demo_patient_opens_the_app_on_a_phone_in_her_language(system, browser, artifacts):
    wait_for(lambda: admin_login_page_answers(system), "the admin login page", system)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(system.url + "/app/")
    page.fill("#id_username", "kuznetsova")
    page.fill("#id_password", "demo-patient-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/app/today/")
    # Maria reads the app in Russian, as her preferences say, and her week at home shows.
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("li.card").count() >= 3
    page.screenshot(path=str(artifacts / "patient-demo-today-ru.png"), full_page=True)
    # Her first week, logged from the phone, shows done (it may span two months).
    # The week is read from the system's own database, not from this machine's clock.
    with sqlite3.connect(system.database) as db:
        (started,) = db.execute(
            "SELECT p.start_date FROM planner_program p JOIN rehab_patient pt"
            " ON pt.id = p.patient_id WHERE pt.last_name = 'Kuznetsova' AND p.status = 'active'"
        ).fetchone()
    start = date.fromisoformat(started)
    months = {start.strftime("%Y-%m"), (start + timedelta(days=6)).strftime("%Y-%m")}
    done = 0
    for month in sorted(months):
        page.goto(f"{system.url}/app/history/?month={month}")
        done += page.locator("td.done").count()
    assert done == 7
    context.close()


def banner_entry(output: str, heading: str) -> tuple[str, str, str]:
    """The address under `heading` in the start banner and the first login it lists."""
    section = output.split(heading, 1)[1]
    address = re.search(r"(http://\S+)", section)
    login = re.search(r"Logins: (\S+) / (\S+)", section)
    assert address and login, f"the banner has no address or login under {heading!r}"
    return address[1], login[1], login[2]


def test_the_readmes_first_steps_from_the_banner(system, browser, artifacts):
    """What the README tells a newcomer to do, with what the start banner prints: the doctor
    signs in to the admin, a patient to the app on a phone, her day's reminder reaches the
    app's notifications (sent by the real beat and worker), and she logs an exercise."""
    wait_for(lambda: admin_login_page_answers(system), "the admin login page", system)
    output = system.output()
    admin_url, doctor, doctor_password = banner_entry(output, "Clinicians, the admin:")
    app_url, patient, patient_password = banner_entry(output, "Patients, the app")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(admin_url)
    page.fill("#id_username", doctor)
    page.fill("#id_password", doctor_password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(admin_url + "rehab/patient/")
    assert patient in page.inner_text("#changelist").lower()  # the doctor's own patient
    page.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    phone.goto(app_url)
    phone.fill("#id_username", patient)
    phone.fill("#id_password", patient_password)
    phone.click("button[type=submit]")
    phone.wait_for_url("**/app/today/")

    # Her daily reminder at this very minute, with no quiet hours, whatever the hour the test
    # runs: the beat plans it again at the new time within a minute and a worker sends it.
    with sqlite3.connect(system.database) as db:
        (zone,) = db.execute(
            "SELECT time_zone FROM rehab_patient pt JOIN auth_user u ON u.id = pt.user_id"
            " WHERE u.username = ?",
            (patient,),
        ).fetchone()
    local = datetime.now(ZoneInfo(zone))
    if local.hour == 23 and local.minute >= 57:
        # The day ends before the next ticks: start on the next one (a clock, not an order).
        time.sleep((60 - local.minute) * 60 - local.second + 30)
        local = datetime.now(ZoneInfo(zone))
    phone.goto(app_url + "settings/")
    phone.fill("#id_reminder_time", local.strftime("%H:%M"))
    phone.fill("#id_quiet_start", "")
    phone.fill("#id_quiet_end", "")
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_load_state()

    # Hers among the day's notices: in the evening the beat also sends the nudge for
    # exercises not logged yet, which may arrive first.
    reminder = phone.locator("li.notice", has_text="Time for today's exercises")

    def reminder_arrived() -> bool:
        phone.goto(app_url + "notifications/")
        return reminder.count() > 0

    wait_for(reminder_arrived, "her reminder in the app's notifications", system, timeout=180)
    assert reminder.count() == 1
    phone.screenshot(path=str(artifacts / "readme-notification.png"), full_page=True)

    phone.goto(app_url + "today/")
    card = phone.locator("li.card:not(.logged)").first
    card.get_by_label("Pain during (0 none, 10 worst)").select_option("2")
    card.get_by_label("About right").check()
    card.get_by_role("button", name="Done").click()
    phone.locator("li.card.logged").first.wait_for()
    assert "pain during 2/10" in phone.locator("li.card.logged").first.inner_text()
    context.close()


def test_ctrl_c_stops_everything_and_a_second_setup_changes_nothing(system):
    wait_for(lambda: admin_login_page_answers(system), "the admin login page", system)
    os.killpg(system.process.pid, signal.SIGINT)
    system.process.wait(timeout=60)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        port_open(system.web_port) or port_open(system.redis_port)
    ):
        time.sleep(0.5)
    assert not port_open(system.web_port), "the web server outlived Ctrl-C"
    assert not port_open(system.redis_port), "Redis outlived Ctrl-C"
    leftover = subprocess.run(
        ["pgrep", "-g", str(system.process.pid)], capture_output=True, text=True
    )
    assert leftover.stdout.strip() == "", f"processes left behind: {leftover.stdout}"

    def counts() -> tuple[int, ...]:
        with sqlite3.connect(system.database) as db:
            return tuple(
                db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in (
                    "rehab_patient",
                    "exercises_exercise",
                    "auth_user",
                    "rehab_painassessment",
                )
            )

    before = counts()
    again = subprocess.run(
        ["make", "db"], cwd=ROOT, env=system.env, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert counts() == before
    assert "0 created" in again.stdout
