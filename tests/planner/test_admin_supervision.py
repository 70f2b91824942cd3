"""The supervised session form: every input and drop-down has a label (axe-core's "label"
rule, critical) that says what it is and for which exercise, in the doctor's language."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from planner import selectors, services
from planner.models import Program, SupervisedSession
from tests.planner.test_admin import START, login, patient_with_sciatica

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


class Controls(HTMLParser):
    """The form's controls a person uses, and the text of each label by its `for`."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._in_content = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "div" and values.get("id") == "content":
            self._in_content = True
        if not self._in_content:
            return
        if tag in ("input", "select", "textarea"):
            if values.get("type") not in ("hidden", "submit"):
                self.controls.append({"tag": tag, **values})
        elif tag == "label":
            self._label_for = values.get("for", "")
            self.labels[self._label_for] = ""

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


def controls_of(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


@pytest.fixture
def active(clinician) -> Program:
    patient = patient_with_sciatica(clinician)
    program = services.program_generate(patient=patient, by=clinician.user, start_date=START)
    return services.program_approve(program=program, by=clinician.user)


@pytest.fixture
def form_url(active) -> str:
    session = SupervisedSession.objects.filter(program=active).order_by("number").first()
    return reverse("admin:planner_supervisedsession_record", args=[session.pk])


def test_every_input_and_drop_down_has_a_label_naming_its_exercise(
    client, clinician, active, form_url
):
    login(client, clinician.user)
    items = selectors.program_exercises(version=selectors.program_current_version(program=active))
    page = controls_of(client.get(form_url).content.decode())
    selects = [c for c in page.controls if c["tag"] == "select"]
    inputs = [c for c in page.controls if c["tag"] == "input"]
    assert len(selects) == len(items)  # the technique of each exercise
    assert len(inputs) == 7 * len(items)  # sets, reps, hold, duration, easier, mastered, note
    for control in page.controls:
        label = page.labels.get(control.get("id", ""), "").strip()
        assert label, f"{control.get('name')} has no label"
    for index, item in enumerate(items):
        for name, heading in (("technique", "Technique"), ("sets", "Sets"), ("note", "Note")):
            label = page.labels[f"id_form-{index}-{name}"]
            assert label == f"{heading}, {item.exercise.name}"


def test_the_labels_are_in_the_doctors_language(client, clinician, active, form_url):
    login(client, clinician.user)
    html = client.get(form_url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    page = controls_of(html)
    assert page.labels["id_form-0-sets"].startswith("Подходы, ")
    assert page.labels["id_form-0-mastered"].startswith("Освоено, ")
    assert "не выполнялось" in html  # the technique's empty choice
