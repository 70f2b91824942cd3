"""What a patient sees of their program: today, the calendar and their progress."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from planner import selectors, services
from planner.models import SupervisedSession
from rehab.models import OswestryAssessment, PainAssessment
from tests.conftest import make_patient, program_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]


@pytest.fixture
def home_patient(clinician):
    """Moscow time; a program that began ten days ago, every exercise mastered on day one."""
    from rehab import services as rehab_services

    patient = make_patient(clinician, time_zone="Europe/Moscow")
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


def today_of(patient) -> date:
    return selectors.patient_local_today(patient=patient)


def log(patient, day: date, slugs, *, pain: int | None = 2, done: bool = True, key: str) -> None:
    services.session_log_record(
        patient=patient,
        day=day,
        client_key=key,
        entries=[
            services.LogEntry(exercise_slug=s, done=done, pain_during=pain, pain_after=pain)
            for s in slugs
        ],
    )


def test_without_a_program_the_day_says_so(home_patient):
    day = selectors.patient_today(patient=home_patient)
    assert day.state == "no_program" and day.home == [] and day.program is None


def test_a_draft_is_never_shown_to_the_patient(home_patient, clinician):
    services.program_generate(patient=home_patient, by=clinician.user)
    assert selectors.patient_today(patient=home_patient).state == "no_program"


def test_before_mastery_today_shows_the_next_clinic_session_and_what_is_practised(
    home_patient, clinician
):
    program = program_for(home_patient, clinician, days_ago=0, master=False)
    day = selectors.patient_today(patient=home_patient)
    assert day.state == "supervised"
    assert day.home == []
    assert day.next_session is not None
    assert day.next_session == (
        SupervisedSession.objects.filter(
            program=program, scheduled_for__gte=day.next_session.scheduled_for
        )
        .order_by("scheduled_for")
        .first()
    )
    assert len(day.to_practise) == len(
        selectors.program_exercises(version=selectors.program_current_version(program=program))
    )


def test_at_home_today_lists_the_exercises_in_order_with_todays_logs(home_patient, clinician):
    program_for(home_patient, clinician, days_ago=10, master=True)
    day = selectors.patient_today(patient=home_patient)
    assert day.state == "home"
    positions = [entry.item.position for entry in day.home]
    assert positions == sorted(positions) and len(positions) >= 3
    assert 10 <= day.estimated_minutes <= 30
    assert not any(entry.logged for entry in day.home)

    first = day.home[0].item.exercise.slug
    log(home_patient, day.day, [first], pain=3, key="k-today")
    day = selectors.patient_today(patient=home_patient)
    assert day.home[0].logged is True
    assert day.home[0].log is not None and day.home[0].log.pain_during == 3
    assert not day.all_logged


def test_today_costs_the_same_few_queries_whatever_the_program(
    home_patient, clinician, django_assert_max_num_queries
):
    program_for(home_patient, clinician, days_ago=10, master=True)
    with django_assert_max_num_queries(6):
        day = selectors.patient_today(patient=home_patient)
        for entry in day.home:
            assert entry.item.exercise.name


def test_a_paused_program_says_why(home_patient, clinician):
    program = program_for(home_patient, clinician, days_ago=3, master=True)
    services.program_pause(program=program, by=clinician.user, reason="Call us about your MRI.")
    day = selectors.patient_today(patient=home_patient)
    assert day.state == "paused" and day.paused_reason == "Call us about your MRI."
    assert day.home == []


def test_the_calendar_marks_done_partial_missed_today_and_upcoming(home_patient, clinician):
    program_for(home_patient, clinician, days_ago=4, master=True)
    today = today_of(home_patient)
    slugs = [e.item.exercise.slug for e in selectors.patient_today(patient=home_patient).home]
    log(home_patient, today - timedelta(days=3), slugs, key="all")
    log(home_patient, today - timedelta(days=2), slugs[:1], key="one")
    log(home_patient, today - timedelta(days=1), slugs, done=False, key="none-done")

    days = {d.day: d for d in selectors.patient_calendar(patient=home_patient)}
    assert days[today - timedelta(days=4)].status == "missed"
    assert days[today - timedelta(days=3)].status == "done"
    assert days[today - timedelta(days=2)].status == "partial"
    assert days[today - timedelta(days=2)].done == 1
    assert days[today - timedelta(days=1)].status == "missed"
    assert days[today].status == "today"
    assert days[today + timedelta(days=1)].status == "upcoming"
    assert len(days) == 42


def test_the_calendar_can_be_cut_to_a_range(home_patient, clinician):
    program = program_for(home_patient, clinician, days_ago=4, master=True)
    first = program.start_date + timedelta(days=2)
    days = selectors.patient_calendar(
        patient=home_patient, first=first, last=first + timedelta(days=6)
    )
    assert [d.day for d in days] == [first + timedelta(days=n) for n in range(7)]
    assert (
        selectors.patient_calendar(
            patient=home_patient, first=date(2000, 1, 1), last=date(2000, 1, 2)
        )
        == []
    )


def test_progress_has_pain_by_day_weekly_adherence_and_the_latest_odi(home_patient, clinician):
    program_for(home_patient, clinician, days_ago=9, master=True)
    today = today_of(home_patient)
    slugs = [e.item.exercise.slug for e in selectors.patient_today(patient=home_patient).home]
    log(home_patient, today - timedelta(days=8), slugs, pain=5, key="a")
    log(home_patient, today - timedelta(days=1), slugs[:1], pain=2, key="b")
    PainAssessment.objects.create(
        patient=home_patient, score=6, assessed_on=today - timedelta(days=9)
    )
    OswestryAssessment.objects.create(
        patient=home_patient,
        assessed_on=today - timedelta(days=9),
        **{f"section_{i}": 2 for i in range(1, 11)},
    )

    progress = selectors.patient_progress(patient=home_patient)
    assert [(p.day, p.pain, p.source) for p in progress.pain] == [
        (today - timedelta(days=9), 6, "clinic"),
        (today - timedelta(days=8), 5, "log"),
        (today - timedelta(days=1), 2, "log"),
    ]
    first_week, second_week = progress.adherence
    assert (first_week.planned_days, first_week.done_days, first_week.percent) == (7, 1, 14)
    # The second week has run two full days and today, which is not over and not logged.
    assert (second_week.planned_days, second_week.done_days) == (2, 1)
    assert progress.odi is not None and progress.odi.result.percent == 40


# -- The day's fingerprint, under which Today is cached -------------------------------------------


def stamp(patient, **kwargs) -> str:
    return selectors.patient_day_stamp(
        patient=patient, day=kwargs.pop("day", today_of(patient)), **kwargs
    )


def test_the_stamp_is_one_query_and_stays_the_same_while_nothing_changes(
    home_patient, clinician, django_assert_num_queries
):
    program_for(home_patient, clinician, days_ago=3, master=True)
    first = stamp(home_patient)
    with django_assert_num_queries(1):
        assert stamp(home_patient) == first


def test_the_stamp_changes_with_everything_today_shows(home_patient, clinician, colleague):
    from exercises.models import Exercise
    from planner.engine.types import Dose

    program = program_for(home_patient, clinician, days_ago=3, master=False)
    seen = {stamp(home_patient)}

    def changed(what: str) -> None:
        now = stamp(home_patient)
        assert now not in seen, f"the stamp missed: {what}"
        seen.add(now)

    items = selectors.program_exercises(version=selectors.program_current_version(program=program))
    services.mastery_sign_off(program_exercise=items[0], by=clinician.user)
    changed("one exercise mastered")
    for item in items[1:]:
        services.mastery_sign_off(program_exercise=item, by=clinician.user)
    changed("every exercise mastered, home unlocked")
    program.refresh_from_db()
    session = program.supervised_sessions.order_by("scheduled_for").last()
    version = selectors.program_current_version(program=program)
    services.supervised_session_record(
        session=session,
        by=clinician.user,
        entries=[services.SupervisedEntry(version.exercises.first().pk, technique=5)],
    )
    changed("a clinic session recorded")
    log(home_patient, today_of(home_patient), [items[0].exercise.slug], key="s1")
    changed("an exercise logged today")
    item = selectors.program_exercises(version=selectors.program_current_version(program=program))[
        0
    ]
    lower = Dose(item.sets, max(item.reps - 1, 1), item.hold_s, item.duration_s)
    if item.reps > 1:
        services.program_revise(
            program=program,
            by=clinician.user,
            note="Fewer repetitions.",
            changes=[services.ExerciseChange(item.pk, dose=lower)],
        )
        changed("a new version")
    exercise = Exercise.objects.get(pk=item.exercise_id)
    exercise.summary += " Breathe out as you move."
    exercise.save()
    changed("the library's text edited")
    clinician.phone = "+7 000 111-22-33"
    clinician.save()
    changed("the clinician's phone")
    home_patient.time_zone = "Asia/Vladivostok"
    home_patient.save()
    changed("the patient's time zone")
    home_patient.time_zone = "Europe/Moscow"
    home_patient.save()
    services.program_pause(program=program, by=clinician.user, reason="Call us.")
    changed("the program paused")
    services.program_resume(program=program, by=clinician.user)
    changed("the program resumed")
    assert stamp(home_patient, day=today_of(home_patient) + timedelta(days=1)) not in seen
    later = timezone.now() + timedelta(days=60)
    assert stamp(home_patient, now=later) != stamp(home_patient)  # clinic sessions passed


def test_another_patients_changes_leave_the_stamp_alone(home_patient, clinician):
    program_for(home_patient, clinician, days_ago=3, master=True)
    before = stamp(home_patient)
    other = make_patient(clinician, first_name="Other")
    from rehab import services as rehab_services

    rehab_services.patient_diagnosis_add(patient=other, code="sciatica", side="left", stage="acute")
    program_for(other, clinician, days_ago=3, master=True)
    assert stamp(home_patient) == before


def test_what_a_response_shows_beside_the_day_is_read_with_the_stamp_and_not_part_of_it(
    home_patient, clinician, django_assert_num_queries
):
    program_for(home_patient, clinician, days_ago=3, master=True)
    renders = []

    def cached(also: tuple[str, ...]):
        return selectors.patient_day_cached_and(
            patient=home_patient,
            variant="test",
            render=lambda day: renders.append(day) or day.state,
            also=also,
        )

    # The patient's own name and its length, from the patient's row `p`: any expression.
    also = ("(SELECT LOWER(p.first_name))", "LENGTH(p.first_name)")
    assert cached(also) == ("home", (home_patient.first_name.lower(), len(home_patient.first_name)))
    with django_assert_num_queries(1):  # the stamp and the values, from the cache
        assert cached(("p.id",)) == ("home", (home_patient.pk,))
    assert len(renders) == 1  # other values, the same day: the same cached entry
    assert selectors.patient_day_cached(patient=home_patient, variant="test", render=str) == "home"
