"""The banner `make run` prints (scripts/run.sh) is true: every login it names signs in
where the address above it says, and the demo patients are at the stages it describes.

tests/e2e/test_make_run.py checks the banner as `make run` really prints it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from planner.models import Program
from rehab.models import Patient
from tests.demo_world import demo  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "scripts" / "run.sh"
ADDRESS = re.compile(r"http://127\.0\.0\.1:\$WEB_PORT(/\S*)")
LOGIN = re.compile(r"(?:Logins:)?\s*([\w.@+-]+) / (\S+)\s+\((.+)\)$")
# Where each address's logins sign in, and the page they land on.
SIGN_IN = {"/admin/": ("/admin/login/", "/admin/"), "/app/": ("/app/login/", "/app/today/")}


@dataclass
class Login:
    address: str
    username: str
    password: str
    description: str


def banner() -> str:
    text = RUN_SH.read_text()
    return text.split("cat <<MSG\n", 1)[1].split("\nMSG\n", 1)[0]


def banner_logins() -> list[Login]:
    """Each `user / password (what)` line, with the address printed last above it."""
    logins, address = [], ""
    for line in banner().splitlines():
        if found := ADDRESS.search(line):
            address = found.group(1)
        elif found := LOGIN.fullmatch(line.strip()):
            logins.append(Login(address, *found.groups()))
    return logins


def test_the_banner_names_the_start_page_the_admin_and_the_app():
    addresses = ADDRESS.findall(banner())
    assert addresses == ["/", "/admin/", "/app/"]
    logins = banner_logins()
    assert {login.address for login in logins} == {"/admin/", "/app/"}
    assert "kuznetsova / demo-patient-2026" in banner()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("login", banner_logins(), ids=lambda login: login.username)
def test_each_login_in_the_banner_signs_in_where_it_says(login: Login):
    login_path, landing = SIGN_IN[login.address]
    client = Client()
    response = client.post(
        login_path,
        {"username": login.username, "password": login.password, "next": landing},
    )
    assert response.status_code == 302, f"{login.username} cannot sign in at {login_path}"
    assert response["Location"] == landing
    assert client.get(landing).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_clinicians_have_the_patients_the_banner_counts():
    for login in banner_logins():
        if counted := re.search(r"(\d+) patients?\b", login.description):
            patients = Patient.objects.filter(clinician__user__username=login.username)
            assert patients.count() == int(counted.group(1)), login


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_demo_patients_are_where_the_banner_says():
    def program(username: str) -> Program:
        return Program.objects.get(patient__user__username=username, status="active")

    # "a week into home training", "the same, in Russian", "still in supervised sessions"
    assert program("smirnova").home_started_on is not None
    assert program("kuznetsova").home_started_on is not None
    assert Patient.objects.get(user__username="kuznetsova").language == "ru"
    assert program("ivanov").home_started_on is None
    # "every demo patient: last name in lower case, same password"
    passwords = {login.password for login in banner_logins() if login.address == "/app/"}
    assert len(passwords) == 1 and "same password" in banner()
    (password,) = passwords
    demo_patients = Patient.objects.filter(
        clinician__user__username__in=["doctor", "doctor2"]
    ).select_related("user")
    assert demo_patients.count() == 12
    for patient in demo_patients:
        assert patient.user.username == patient.last_name.lower()
        assert patient.user.check_password(password)
