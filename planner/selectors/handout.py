"""What a program's printed handout says: the clinic, the patient, and the home exercises in
order with their pictures, steps, dose and safety notes, in the patient's language.

Everything the template shows is read here, in a fixed number of queries (the program's
current version, its exercises with the library's rows, the clinic's settings from the
cache), so the template itself makes none."""

import base64
from dataclasses import dataclass
from datetime import date

import segno
from django.utils import translation

from exercises.selectors import exercise_illustration_svg, exercise_text
from planner.dose_words import dose_words
from planner.models import ExerciseState, Program, ProgramExercise
from planner.selectors.programs import goes_home, program_current_version, program_exercises
from planner.selectors.today import patient_local_today
from rehab.selectors import clinic_settings


@dataclass(frozen=True)
class HandoutExercise:
    number: int
    name: str
    summary: str
    steps: list[str]
    safety: list[str]
    dose: str
    start_svg: str
    end_svg: str

    @property
    def start_src(self) -> str:
        return svg_data_uri(self.start_svg)

    @property
    def end_src(self) -> str:
        return svg_data_uri(self.end_svg)


@dataclass(frozen=True)
class Handout:
    language: str
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_name: str
    start_date: date
    version_number: int
    made_on: date
    exercises: list[HandoutExercise]
    # Exercises still practised at the clinic: named, not yet for home.
    at_clinic: list[str]
    app_url: str
    # The QR code of app_url, as an SVG image's source.
    qr_src: str


def svg_data_uri(svg: str) -> str:
    """An SVG as an image's source, the same drawing the app serves at its own address."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def program_handout(*, program: Program, app_url: str) -> Handout:
    """The handout of `program` (its patient loaded with it) in the patient's language.

    Home exercises are those the patient has mastered and no rule keeps at the clinic, as
    on the app's Today; the others are only named, as practised at the clinic first."""
    patient = program.patient
    today = patient_local_today(patient=patient)
    version = program_current_version(program=program)
    items = program_exercises(version=version, language=patient.language)
    clinic = clinic_settings()
    home: list[ProgramExercise] = [item for item in items if goes_home(item, today)]
    at_clinic = [
        exercise_text(exercise=item.exercise, language=patient.language).name
        for item in items
        if item not in home and item.state in (ExerciseState.SUPERVISED, ExerciseState.MASTERED)
    ]
    with translation.override(patient.language):
        texts = [exercise_text(exercise=item.exercise) for item in home]
        exercises = [
            HandoutExercise(
                number=number,
                name=text.name,
                summary=text.summary,
                steps=text.steps,
                safety=text.safety,
                dose=dose_words(item),
                start_svg=exercise_illustration_svg(exercise=item.exercise, phase="start"),
                end_svg=exercise_illustration_svg(exercise=item.exercise, phase="end"),
            )
            for number, (item, text) in enumerate(zip(home, texts, strict=True), start=1)
        ]
    return Handout(
        language=patient.language,
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_phone=clinic.phone,
        patient_name=patient.full_name,
        start_date=program.start_date,
        version_number=version.number,
        made_on=today,
        exercises=exercises,
        at_clinic=at_clinic,
        app_url=app_url,
        qr_src=segno.make(app_url, error="m").svg_data_uri(scale=4, border=2),
    )
