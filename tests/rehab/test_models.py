"""Validation of clinical records: bad input gets a clear error and writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rehab import services
from rehab.models import (
    FitnessTest,
    OswestryAssessment,
    PainAssessment,
    Patient,
    PatientComorbidity,
    PatientRedFlag,
    StartBackAssessment,
)
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


class TestPatientValidation:
    def test_birth_date_in_the_future_is_rejected_and_nothing_written(self, clinician):
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, date_of_birth=tomorrow)
        assert "date_of_birth" in errors_of(exc)
        assert Patient.objects.count() == 0

    @pytest.mark.parametrize(
        ("field", "value"),
        [("height_cm", 99), ("height_cm", 251), ("weight_kg", Decimal("24.9"))],
    )
    def test_body_measures_outside_human_range(self, clinician, field, value):
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, **{field: value})
        assert field in errors_of(exc)
        assert Patient.objects.count() == 0

    def test_weight_above_range_is_refused_by_the_database_too(self, patient):
        with pytest.raises(IntegrityError), transaction.atomic():
            Patient.objects.filter(pk=patient.pk).update(weight_kg=Decimal("301"))

    def test_pregnancy_only_for_a_female_patient(self, clinician):
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, sex="male", pregnancy_weeks=20)
        assert errors_of(exc)["pregnancy_weeks"] == [
            "Pregnancy can only be recorded for a female patient."
        ]
        assert Patient.objects.count() == 0

    def test_pregnancy_for_a_male_patient_refused_by_the_database(self, clinician):
        patient = make_patient(clinician, sex="male")
        with pytest.raises(IntegrityError), transaction.atomic():
            Patient.objects.filter(pk=patient.pk).update(
                pregnancy_weeks=20, pregnancy_weeks_on=date(2026, 1, 1)
            )

    def test_gestational_weeks_over_42_rejected(self, clinician):
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, pregnancy_weeks=43)
        assert "pregnancy_weeks" in errors_of(exc)

    def test_weeks_recorded_today_when_no_date_given(self, clinician):
        patient = make_patient(clinician, pregnancy_weeks=24)
        assert patient.pregnancy_weeks_on == timezone.localdate()
        assert patient.gestational_weeks() == 24
        assert patient.is_pregnant

    def test_weeks_advance_with_time(self, clinician):
        patient = make_patient(clinician, pregnancy_weeks=24)
        in_three_weeks = timezone.localdate() + timedelta(weeks=3, days=2)
        assert patient.gestational_weeks(in_three_weeks) == 27

    def test_weeks_from_due_date(self, clinician):
        due = timezone.localdate() + timedelta(weeks=16)
        patient = make_patient(clinician, pregnancy_due_date=due)
        assert patient.gestational_weeks() == 24

    def test_due_date_too_far_ahead_rejected(self, clinician):
        due = timezone.localdate() + timedelta(weeks=41)
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, pregnancy_due_date=due)
        assert "pregnancy_due_date" in errors_of(exc)

    def test_a_finished_pregnancy_is_not_reported_as_week_50(self, clinician):
        patient = make_patient(clinician, pregnancy_weeks=38)
        assert patient.gestational_weeks(timezone.localdate() + timedelta(weeks=12)) is None

    def test_age_and_bmi(self, clinician):
        patient = make_patient(
            clinician, date_of_birth=date(1950, 1, 1), height_cm=160, weight_kg=Decimal("80")
        )
        assert patient.age(date(2026, 11, 24)) == 76
        assert patient.bmi == Decimal("31.3")

    def test_unknown_time_zone_rejected(self, clinician):
        with pytest.raises(ValidationError) as exc:
            make_patient(clinician, time_zone="Mars/Olympus")
        assert "time_zone" in errors_of(exc)


class TestDiagnosesAndComorbidities:
    def test_same_diagnosis_twice_rejected(self, patient):
        services.patient_diagnosis_add(patient=patient, code="sciatica", side="left", stage="acute")
        with pytest.raises(ValidationError):
            services.patient_diagnosis_add(
                patient=patient, code="sciatica", side="right", stage="chronic"
            )
        assert patient.diagnoses.count() == 1

    def test_unknown_side_rejected(self, patient):
        with pytest.raises(ValidationError) as exc:
            services.patient_diagnosis_add(
                patient=patient, code="sciatica", side="both", stage="acute"
            )
        assert "side" in errors_of(exc)

    def test_onset_in_the_future_rejected(self, patient):
        with pytest.raises(ValidationError) as exc:
            services.patient_diagnosis_add(
                patient=patient,
                code="sciatica",
                side="left",
                stage="acute",
                onset_date=timezone.localdate() + timedelta(days=3),
            )
        assert "onset_date" in errors_of(exc)

    def test_pregnancy_is_recorded_on_the_patient_not_as_comorbidity(self, patient):
        with pytest.raises(ValidationError) as exc:
            services.patient_comorbidity_add(patient=patient, code="pregnancy")
        assert "gestational weeks" in errors_of(exc)["comorbidity"][0]
        assert not PatientComorbidity.objects.exists()


class TestRedFlags:
    def test_one_active_flag_of_a_kind(self, patient):
        services.red_flag_raise(patient=patient, code="fever")
        with pytest.raises(ValidationError):
            services.red_flag_raise(patient=patient, code="fever")
        assert patient.red_flags.count() == 1

    def test_resolve_then_raise_again(self, patient, clinician):
        flag = services.red_flag_raise(patient=patient, code="fever")
        services.red_flag_resolve(patient_red_flag=flag, resolved_by=clinician.user)
        assert flag.status == "resolved" and flag.resolved_at is not None
        assert flag.resolved_by == clinician.user
        services.red_flag_raise(patient=patient, code="fever")
        assert patient.red_flags.filter(status="active").count() == 1

    def test_resolving_twice_keeps_the_first_resolution(self, patient, clinician, colleague):
        flag = services.red_flag_raise(patient=patient, code="night_pain")
        services.red_flag_resolve(patient_red_flag=flag, resolved_by=clinician.user)
        first = flag.resolved_at
        services.red_flag_resolve(patient_red_flag=flag, resolved_by=colleague.user)
        assert flag.resolved_at == first and flag.resolved_by == clinician.user

    def test_resolved_without_date_refused_by_the_database(self, patient):
        flag = services.red_flag_raise(patient=patient, code="fever")
        with pytest.raises(IntegrityError), transaction.atomic():
            PatientRedFlag.objects.filter(pk=flag.pk).update(status="resolved")


class TestAssessments:
    @pytest.mark.parametrize("score", [-1, 11])
    def test_pain_outside_0_to_10(self, patient, score):
        row = PainAssessment(patient=patient, score=score)
        with pytest.raises(ValidationError) as exc:
            row.full_clean()
        assert "score" in errors_of(exc)

    def test_pain_above_10_refused_by_the_database(self, patient):
        with pytest.raises(IntegrityError), transaction.atomic():
            PainAssessment.objects.create(patient=patient, score=11)

    def test_pain_in_the_future_rejected(self, patient):
        row = PainAssessment(
            patient=patient, score=3, assessed_on=timezone.localdate() + timedelta(days=1)
        )
        with pytest.raises(ValidationError) as exc:
            row.full_clean()
        assert "assessed_on" in errors_of(exc)

    def test_odi_answer_above_five_rejected(self, patient):
        row = OswestryAssessment(patient=patient, **{f"section_{i}": 1 for i in range(1, 11)})
        row.section_3 = 6
        with pytest.raises(ValidationError) as exc:
            row.full_clean()
        assert "section_3" in errors_of(exc)

    def test_odi_with_too_few_answers_is_refused(self, patient):
        row = OswestryAssessment(patient=patient, **{f"section_{i}": 2 for i in range(1, 8)})
        with pytest.raises(ValidationError, match="Only 7 of 10 sections answered"):
            row.full_clean()

    def test_odi_partial_answers_scored(self, patient):
        row = OswestryAssessment(patient=patient, **{f"section_{i}": 3 for i in range(1, 10)})
        row.full_clean()
        row.save()
        assert row.result is not None and row.result.percent == 60
        assert row.result.band == "severe"

    def test_start_back_item_9_dichotomised(self, patient):
        row = StartBackAssessment(patient=patient, item_1=True, item_2=True, item_5=True)
        row.item_6 = row.item_7 = True
        row.item_9 = 2  # moderately: does not score
        assert (row.result.total, row.result.psychosocial, row.result.risk) == (5, 3, "medium")
        row.item_9 = 3  # very much: scores
        assert (row.result.total, row.result.psychosocial, row.result.risk) == (6, 4, "high")

    @pytest.mark.parametrize(
        ("kind", "value"),
        [("chair_stand_30s", Decimal(61)), ("timed_up_and_go", Decimal("2.5"))],
    )
    def test_fitness_results_outside_plausible_ranges(self, patient, kind, value):
        row = FitnessTest(patient=patient, kind=kind, value=value)
        with pytest.raises(ValidationError) as exc:
            row.full_clean()
        assert "value" in errors_of(exc)

    def test_chair_stand_rates_fitness_by_age_and_sex(self, clinician):
        patient = make_patient(clinician, sex="male", date_of_birth=date(1954, 1, 10))
        row = FitnessTest(
            patient=patient,
            kind="chair_stand_30s",
            value=Decimal(11),
            assessed_on=date(2026, 11, 1),
        )
        row.full_clean()
        assert row.fitness_level() == "low"  # age 72, men 70-74 norm 12-17
