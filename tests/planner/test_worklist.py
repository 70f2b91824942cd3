"""The clinician's worklist ("Needs attention"): each reason appears with its event and
leaves when it is resolved or marked handled, the most urgent first, in the patient's
local day, in the reader's language, in a fixed number of queries."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from planner import selectors, services
from planner.models import (
    ProgramStatus,
    SupervisedSession,
    SupervisedStatus,
    WorklistKind,
    WorklistMark,
)
from rehab import services as rehab_services
from rehab.models import PatientRedFlag
from tests.conftest import log_home_days, make_patient, program_for

K = WorklistKind


def reasons_of(user, patient, **options):
    """The patient's reasons on the user's worklist, by kind."""
    for row in selectors.worklist_rows(user=user, **options):
        if row.patient.pk == patient.pk:
            return {reason.kind: reason for reason in row.reasons}
    return {}


def with_diagnosis(clinician, first_name, **extra):
    patient = make_patient(clinician, first_name=first_name, **extra)
    rehab_services.patient_diagnosis_add(
        patient=patient, code="sciatica", side="left", stage="subacute"
    )
    return patient


def at_home(clinician, first_name, *, days_ago=3, logged=True, **extra):
    """At home since `days_ago` days, every past day logged (pain 1), clinic sessions done."""
    patient = with_diagnosis(clinician, first_name, **extra)
    program = program_for(patient, clinician, days_ago=days_ago)
    SupervisedSession.objects.filter(program=program).update(status=SupervisedStatus.CANCELLED)
    if logged:
        log_home_days(program, program.start_date, days_ago)
    return patient, program


@pytest.fixture
def doctor(clinician, library):
    return clinician


def test_a_patient_with_nothing_to_do_is_not_listed(doctor):
    patient, _program = at_home(doctor, "Calm")
    assert reasons_of(doctor.user, patient) == {}
    assert selectors.worklist_rows(user=doctor.user) == []


# -- red flags ----------------------------------------------------------------------------------


def test_a_red_flag_the_patient_reports_is_listed_until_resolved(doctor):
    patient, _program = at_home(doctor, "Reporter")
    services.symptom_red_flag_report(patient=patient, codes=["night_pain"])
    reasons = reasons_of(doctor.user, patient)
    assert set(reasons) == {K.RED_FLAG_REPORTED, K.PROGRAM_PAUSED}
    flag = reasons[K.RED_FLAG_REPORTED]
    assert "Night pain" in flag.detail and "Reported by the patient" in flag.detail
    assert flag.link == f"/admin/rehab/patient/{patient.pk}/change/"
    row = PatientRedFlag.objects.get(patient=patient)
    assert flag.since == row.noted_at

    rehab_services.red_flag_resolve(patient_red_flag=row, resolved_by=doctor.user)
    assert K.RED_FLAG_REPORTED not in reasons_of(doctor.user, patient)


def test_a_red_flag_the_clinic_records_is_its_own_reason(doctor):
    patient, _program = at_home(doctor, "Recorded")
    rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=doctor.user)
    reasons = reasons_of(doctor.user, patient)
    assert K.RED_FLAG_RECORDED in reasons
    assert "Recorded by the clinic: Fever" in reasons[K.RED_FLAG_RECORDED].detail


def test_cauda_equina_signs_come_first_whoever_reported_them(doctor):
    waiting, _program = at_home(doctor, "Waiting", days_ago=10, logged=False)
    urgent = with_diagnosis(doctor, "Urgent")
    services.symptom_red_flag_report(patient=urgent, codes=["saddle_anesthesia", "fever"])
    rows = selectors.worklist_rows(user=doctor.user)
    assert rows[0].patient == urgent
    assert [r.kind for r in rows[0].reasons] == [K.CAUDA_EQUINA, K.RED_FLAG_REPORTED]
    assert "cauda equina" in rows[0].reasons[0].detail
    assert rows[1].patient == waiting


# -- pain ---------------------------------------------------------------------------------------


def test_pain_of_six_is_listed_until_a_later_day_logs_less(doctor):
    patient, program = at_home(doctor, "Sore", days_ago=3, logged=False)
    today = selectors.patient_local_today(patient=patient)
    log_home_days(program, today - timedelta(days=3), 2)
    log_home_days(program, today - timedelta(days=1), 1, pain=7, pain_after=5)
    pain = reasons_of(doctor.user, patient)[K.PAIN_HIGH]
    assert pain.detail == (
        f"Pain 7 of 10 logged for {today - timedelta(days=1)} (during 7, after 5)."
    )
    assert pain.link == f"/admin/rehab/patient/{patient.pk}/overview/"  # the home log

    log_home_days(program, today, 1, pain=2)
    assert K.PAIN_HIGH not in reasons_of(doctor.user, patient)


def test_pain_of_six_long_ago_stays_while_nothing_later_is_logged(doctor):
    patient, program = at_home(doctor, "Silent", days_ago=12, logged=False)
    log_home_days(program, program.start_date, 1, pain=7)  # then nothing for 11 days
    reasons = reasons_of(doctor.user, patient)
    assert reasons[K.PAIN_HIGH].detail.startswith(f"Pain 7 of 10 logged for {program.start_date}")
    assert K.DAYS_MISSED in reasons


def test_pain_rising_two_over_the_first_weeks_median_is_listed(doctor):
    patient, program = at_home(doctor, "Creeping", days_ago=14, logged=False)
    start = program.start_date
    log_home_days(program, start, 7, pain=1)  # the baseline week: median 1
    log_home_days(program, start + timedelta(days=7), 7, pain=3, pain_after=1)
    reasons = reasons_of(doctor.user, patient)
    assert K.PAIN_HIGH not in reasons
    rising = reasons[K.PAIN_RISING]
    assert rising.detail == (
        "Pain rising: during 3 against a baseline of 1 (medians of the daily pain: the last "
        f"7 days against the first 7 days of home training from {start})."
    )

    # A better week: the median of the last seven days falls back.
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        log_home_days(program, start + timedelta(days=14), 4, pain=1)
        assert K.PAIN_RISING not in reasons_of(doctor.user, patient)


def test_no_pain_rising_while_the_last_week_overlaps_the_first(doctor):
    patient, program = at_home(doctor, "Early", days_ago=9, logged=False)
    log_home_days(program, program.start_date, 3, pain=0)
    log_home_days(program, program.start_date + timedelta(days=3), 6, pain=4)
    assert K.PAIN_RISING not in reasons_of(doctor.user, patient)


# -- days missed, in the patient's local day ----------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "first_missed"),
    # 20:00 UTC on 25 November: noon of the 25th in Los Angeles, 09:00 of the 26th in Auckland.
    [("America/Los_Angeles", "2026-11-22"), ("Pacific/Auckland", "2026-11-23")],
)
def test_three_planned_days_without_a_log_are_counted_in_the_patients_days(
    doctor, zone, first_missed
):
    with time_machine.travel(datetime(2026, 11, 25, 20, 0, tzinfo=UTC), tick=False):
        patient, program = at_home(doctor, "Absent", days_ago=3, logged=False, time_zone=zone)
        missed = reasons_of(doctor.user, patient)[K.DAYS_MISSED]
        assert missed.since == datetime.fromisoformat(first_missed).replace(tzinfo=ZoneInfo(zone))
        assert missed.detail.startswith(
            f"3 planned home days in a row without a log, from {first_missed}"
        )

        log_home_days(program, program.start_date + timedelta(days=2), 1)
        assert K.DAYS_MISSED not in reasons_of(doctor.user, patient)


def test_two_days_missed_are_not_listed(doctor):
    patient, program = at_home(doctor, "Late", days_ago=3, logged=False)
    log_home_days(program, program.start_date, 1)
    assert K.DAYS_MISSED not in reasons_of(doctor.user, patient)


# -- clinic sessions, in the patient's local day ------------------------------------------------


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Auckland"])
def test_todays_clinic_session_and_a_past_one_not_recorded(doctor, zone):
    # 20:00 UTC: the 25th in Los Angeles, the 26th in Auckland.
    now = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        patient = with_diagnosis(doctor, "Learner", time_zone=zone)
        program = program_for(patient, doctor, days_ago=0, master=False)
        SupervisedSession.objects.filter(program=program).delete()
        local = ZoneInfo(zone)
        today = selectors.patient_local_today(patient=patient)
        later_today = datetime.combine(today, datetime.min.time(), local) + timedelta(hours=23)
        yesterday = later_today - timedelta(days=1, hours=12)
        for number, moment in enumerate((yesterday, later_today), start=1):
            SupervisedSession.objects.create(program=program, number=number, scheduled_for=moment)
        reasons = reasons_of(doctor.user, patient)
        assert reasons[K.SESSION_TODAY].since == later_today
        assert reasons[K.SESSION_TODAY].detail == "Clinic session at 23:00."
        past = reasons[K.SESSION_NOT_RECORDED]
        assert past.since == yesterday
        assert past.link.endswith(
            f"/supervisedsession/{program.supervised_sessions.get(number=1).pk}/change/"
        )

        program.supervised_sessions.filter(number=1).update(status=SupervisedStatus.DONE)
        assert K.SESSION_NOT_RECORDED not in reasons_of(doctor.user, patient)


# -- the program's state ------------------------------------------------------------------------


def test_a_review_waiting_leaves_when_decided(doctor):
    patient, program = at_home(doctor, "Reviewed", days_ago=10)
    review = services.review_propose(program=program, week_start=program.start_date)
    waiting = reasons_of(doctor.user, patient)[K.REVIEW_WAITING]
    assert waiting.since == review.created_at
    assert waiting.link == f"/admin/planner/reviewproposal/{review.pk}/change/"
    services.review_reject(proposal=review, by=doctor.user)
    assert K.REVIEW_WAITING not in reasons_of(doctor.user, patient)


def test_a_paused_program_is_listed_with_its_reason_until_resumed(doctor):
    patient, program = at_home(doctor, "Paused")
    program = services.program_pause(program=program, by=doctor.user, reason="Flu; rest a week.")
    paused = reasons_of(doctor.user, patient)[K.PROGRAM_PAUSED]
    assert paused.detail == "Paused: Flu; rest a week."
    assert paused.link == f"/admin/planner/program/{program.pk}/change/"
    services.program_resume(program=program, by=doctor.user)
    assert K.PROGRAM_PAUSED not in reasons_of(doctor.user, patient)


def test_a_draft_waits_until_approved(doctor):
    patient = with_diagnosis(doctor, "Drafted")
    draft = services.program_generate(
        patient=patient, by=doctor.user, start_date=selectors.patient_local_today(patient=patient)
    )
    assert reasons_of(doctor.user, patient)[K.DRAFT_WAITING].since == draft.created_at
    assert services.program_approve(program=draft, by=doctor.user).status == ProgramStatus.ACTIVE
    assert K.DRAFT_WAITING not in reasons_of(doctor.user, patient)


def test_invited_but_never_signed_in_until_the_first_sign_in(doctor):
    patient = with_diagnosis(doctor, "Invited")
    invite, _token = rehab_services.patient_invite_create(patient=patient, by=doctor.user)
    invited = reasons_of(doctor.user, patient)[K.NEVER_SIGNED_IN]
    assert invited.since == invite.created_at
    assert "the link works until" in invited.detail

    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        assert "expired" in reasons_of(doctor.user, patient)[K.NEVER_SIGNED_IN].detail

    user = rehab_services.patient_invite_accept(
        token=_token, username="invited", password="correct-horse-battery"
    )
    assert K.NEVER_SIGNED_IN in reasons_of(doctor.user, patient)  # an account, never used
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert K.NEVER_SIGNED_IN not in reasons_of(doctor.user, patient)


# -- order, ownership ---------------------------------------------------------------------------


def test_most_urgent_first_then_the_longest_waiting(doctor):
    later_draft = with_diagnosis(doctor, "Later")
    earlier_draft = with_diagnosis(doctor, "Earlier")
    today = selectors.patient_local_today(patient=later_draft)
    services.program_generate(patient=earlier_draft, by=doctor.user, start_date=today)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        services.program_generate(patient=later_draft, by=doctor.user, start_date=today)
        flagged = with_diagnosis(doctor, "Flagged")
        rehab_services.red_flag_raise(patient=flagged, code="fever", noted_by=doctor.user)
        sore, program = at_home(doctor, "Sore", days_ago=1, logged=False)
        log_home_days(program, program.start_date, 1, pain=8)
        rows = selectors.worklist_rows(user=doctor.user)
    assert [row.patient for row in rows] == [flagged, sore, earlier_draft, later_draft]


def test_only_the_clinicians_own_patients(doctor, colleague):
    theirs = with_diagnosis(colleague, "Theirs")
    rehab_services.red_flag_raise(patient=theirs, code="fever", noted_by=colleague.user)
    assert selectors.worklist_rows(user=doctor.user) == []
    assert [row.patient for row in selectors.worklist_rows(user=colleague.user)] == [theirs]


# -- handled ------------------------------------------------------------------------------------


def test_a_reason_marked_handled_leaves_until_a_new_event_of_its_kind(doctor):
    patient, program = at_home(doctor, "Handled", days_ago=3, logged=False)
    today = selectors.patient_local_today(patient=patient)
    log_home_days(program, today - timedelta(days=3), 1, pain=7)
    pain = reasons_of(doctor.user, patient)[K.PAIN_HIGH]

    mark = services.worklist_reason_handle(
        user=doctor.user, patient_id=patient.pk, kind=pain.kind, since=pain.since
    )
    assert mark.by == doctor.user and mark.at <= timezone.now()
    assert K.PAIN_HIGH not in reasons_of(doctor.user, patient)
    shown = reasons_of(doctor.user, patient, include_handled=True)[K.PAIN_HIGH]
    assert (shown.handled_by, shown.handled_at) == ("Owner Doctor", mark.at)

    # Marking it again keeps the first mark.
    again = services.worklist_reason_handle(
        user=doctor.user, patient_id=patient.pk, kind=pain.kind, since=pain.since
    )
    assert again == mark and WorklistMark.objects.count() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        log_home_days(program, today - timedelta(days=2), 1, pain=8)
        back = reasons_of(doctor.user, patient)[K.PAIN_HIGH]
    assert back.since > pain.since and not back.handled


def test_handled_reasons_are_listed_after_the_open_ones(doctor):
    first, _program = at_home(doctor, "First")
    rehab_services.red_flag_raise(patient=first, code="fever", noted_by=doctor.user)
    second = with_diagnosis(doctor, "Second")
    services.program_generate(
        patient=second, by=doctor.user, start_date=selectors.patient_local_today(patient=second)
    )
    flag = reasons_of(doctor.user, first)[K.RED_FLAG_RECORDED]
    services.worklist_reason_handle(
        user=doctor.user, patient_id=first.pk, kind=flag.kind, since=flag.since
    )
    rows = selectors.worklist_rows(user=doctor.user, include_handled=True)
    assert [row.patient for row in rows] == [second, first]
    assert rows[1].reasons[-1].handled


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "no_such_reason"}, "kind"),
        ({"patient_id": "someone"}, "patient"),
        ({"since": datetime(2026, 1, 1, tzinfo=UTC)}, "since"),  # not the reason's since
        ({"kind": WorklistKind.PAIN_HIGH}, "since"),  # a kind the patient has no reason of
    ],
)
def test_bad_input_to_handle_writes_nothing(doctor, change, field):
    patient, _program = at_home(doctor, "Bad")
    rehab_services.red_flag_raise(patient=patient, code="fever", noted_by=doctor.user)
    flag = reasons_of(doctor.user, patient)[K.RED_FLAG_RECORDED]
    call = {"patient_id": patient.pk, "kind": flag.kind, "since": flag.since, **change}
    with pytest.raises(ValidationError) as refused:
        services.worklist_reason_handle(user=doctor.user, **call)
    assert field in refused.value.message_dict
    assert not WorklistMark.objects.exists()


def test_another_clinicians_patient_cannot_be_marked(doctor, colleague):
    theirs = with_diagnosis(colleague, "Theirs")
    rehab_services.red_flag_raise(patient=theirs, code="fever", noted_by=colleague.user)
    flag = reasons_of(colleague.user, theirs)[K.RED_FLAG_RECORDED]
    with pytest.raises(ValidationError) as refused:
        services.worklist_reason_handle(
            user=doctor.user, patient_id=theirs.pk, kind=flag.kind, since=flag.since
        )
    assert set(refused.value.message_dict) == {"patient"}
    assert not WorklistMark.objects.exists()


# -- language -----------------------------------------------------------------------------------


def test_a_russian_speaking_patients_reasons_read_in_the_readers_language(doctor):
    patient, _program = at_home(doctor, "Ivan", days_ago=1)
    patient.language = "ru"
    patient.save(update_fields=["language"])
    services.symptom_red_flag_report(patient=patient, codes=["night_pain"])
    with translation.override("ru"):
        reasons = reasons_of(doctor.user, patient)
        assert reasons[K.RED_FLAG_REPORTED].detail == (
            "Сообщил пациент: сильная боль по ночам. Программа приостановлена."
        )
        assert reasons[K.RED_FLAG_REPORTED].label == "Красный флаг: сообщил пациент"
        # The pause reason was written to the patient, in Russian, and is shown as written.
        assert reasons[K.PROGRAM_PAUSED].detail.startswith(
            "Приостановлено: Программа приостановлена, потому что вы сообщили"
        )
    assert reasons_of(doctor.user, patient)[K.RED_FLAG_REPORTED].detail == (
        "Reported by the patient: Night pain. The program is paused."
    )


# -- queries ------------------------------------------------------------------------------------


def clinic_of(doctor, size):
    """`size` patients, each with a different reason or several."""
    for index in range(size):
        patient, program = at_home(doctor, f"P{index}", days_ago=8, logged=False)
        kind = index % 3
        if kind == 0:
            log_home_days(program, program.start_date, 1, pain=7)
        elif kind == 1:
            services.symptom_red_flag_report(patient=patient, codes=["night_pain"])
        else:
            rehab_services.patient_invite_create(patient=patient, by=doctor.user)
            services.review_propose(program=program, week_start=program.start_date)


@pytest.mark.parametrize("size", [3, 30])
def test_a_fixed_number_of_queries_for_any_number_of_patients(
    doctor, size, django_assert_max_num_queries
):
    clinic_of(doctor, size)
    # Ten, and three for the questionnaires (schedules, the last two ODI and pain scores).
    with django_assert_max_num_queries(13):
        rows = selectors.worklist_rows(user=doctor.user, include_handled=True)
    assert len(rows) == size
