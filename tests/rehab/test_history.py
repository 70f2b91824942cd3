"""History of the patient's record (django-simple-history): every state, who made it, why."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from rehab import services
from rehab.models import CareRecordEntry, Patient, PatientRedFlag
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_each_save_of_a_patient_keeps_its_state(clinician):
    patient = make_patient(clinician, time_zone="Europe/Moscow")
    patient.weight_kg = 72
    patient.save()
    states = list(patient.history.order_by("history_id"))
    assert [s.history_type for s in states] == ["+", "~"]
    delta = states[1].diff_against(states[0])
    assert [(c.field, str(c.old), str(c.new)) for c in delta.changes] == [
        ("weight_kg", "70.0", "72.0")
    ]
    assert states[1].history_date == NOW


def test_the_record_models_each_keep_history(clinician, patient):
    services.patient_diagnosis_add(patient=patient, code="sciatica", side="left", stage="acute")
    services.patient_comorbidity_add(patient=patient, code="osteoporosis")
    assert patient.diagnoses.get().history.count() == 1
    assert patient.comorbidities.get().history.count() == 1
    models = {m.__name__ for m in services.care_record_models()}
    assert models == {
        "HistoricalPatient",
        "HistoricalPatientDiagnosis",
        "HistoricalPatientComorbidity",
        "HistoricalPatientRedFlag",
    }


def test_an_unknown_red_flag_records_nothing(clinician, patient):
    with pytest.raises(PatientRedFlag.red_flag.field.related_model.DoesNotExist):
        services.red_flag_raise(patient=patient, code="no_such_flag", noted_by=clinician.user)
    assert not PatientRedFlag.history.exists()
    assert not CareRecordEntry.objects.filter(patient=patient).exists()


def test_a_second_active_flag_of_the_same_kind_records_nothing(clinician, patient):
    services.red_flag_raise(patient=patient, code="saddle_anesthesia", noted_by=clinician.user)
    with pytest.raises(ValidationError):
        services.red_flag_raise(patient=patient, code="saddle_anesthesia", noted_by=clinician.user)
    assert PatientRedFlag.history.count() == 1
    assert CareRecordEntry.objects.filter(patient=patient).count() == 1


def test_an_unknown_action_is_refused():
    patient = Patient()
    with pytest.raises(ValueError, match="Unknown action"):
        services.care_record_entry(patient=patient, action="made_up", by=None)


def test_a_record_edit_with_no_change_writes_nothing(clinician, patient):
    mark = services.patient_record_history_mark()
    assert services.patient_record_edit_record(patient=patient, by=clinician.user, mark=mark) == []
    assert not CareRecordEntry.objects.filter(patient=patient).exists()
