"""The seeded catalogues hold exactly CLINICAL.md's slugs: they are a contract."""

import pytest

from exercises.models import MovementTag
from rehab.models import Comorbidity, Diagnosis, RedFlag

pytestmark = pytest.mark.django_db

CLINICAL_DIAGNOSES = {
    "lumboischialgia": "M54.4",
    "sciatica": "M54.3",
    "osteochondrosis": "M42.16",
    "disc_protrusion": "M51.2",
    "disc_herniation": "M51.1",
    "spondylolisthesis": "M43.16",
    "piriformis_syndrome": "G57.0",
    "spinal_stenosis": "M48.06",
    "facet_arthropathy": "M47.816",
    "segmental_instability": "M53.2",
    "scoliosis": "M41.9",
    "hyperlordosis": "M40.56",
    "myositis": "M60.9",
}
CLINICAL_COMORBIDITIES = {
    "hypertension",
    "coronary_heart_disease",
    "heart_failure",
    "diabetes",
    "diabetic_neuropathy",
    "diabetic_retinopathy",
    "osteoporosis",
    "obesity",
    "varicose_veins",
    "peripheral_arterial_disease",
    "knee_osteoarthritis",
    "hip_osteoarthritis",
    "balance_disorder",
    "gastrointestinal_disease",
    "pregnancy",
}
CLINICAL_RED_FLAGS = {
    "saddle_anesthesia",
    "bladder_bowel_dysfunction",
    "progressive_neuro_deficit",
    "suspected_tumor",
    "cancer_history",
    "unexplained_weight_loss",
    "fever",
    "recent_trauma",
    "night_pain",
    "vascular_claudication",
}
CLINICAL_TAGS = {
    "isometric_hold",
    "supine",
    "prone",
    "side_lying",
    "quadruped",
    "kneeling",
    "standing",
    "floor_transfer",
    "loaded_spinal_flexion",
    "spinal_extension",
    "spinal_rotation",
    "axial_load",
    "hip_abduction_standing",
    "breath_hold",
    "head_down",
    "high_impact",
    "balance_unsupported",
    "prolonged_standing",
    "neural_mobilization",
    "aerobic",
}


def test_diagnoses_with_icd10_codes():
    assert dict(Diagnosis.objects.values_list("code", "icd10")) == CLINICAL_DIAGNOSES
    assert all(Diagnosis.objects.values_list("is_builtin", flat=True))


def test_comorbidities():
    assert set(Comorbidity.objects.values_list("code", flat=True)) == CLINICAL_COMORBIDITIES


def test_red_flags_and_which_need_same_day_care():
    assert set(RedFlag.objects.values_list("code", flat=True)) == CLINICAL_RED_FLAGS
    same_day = set(RedFlag.objects.filter(same_day=True).values_list("code", flat=True))
    assert same_day == {
        "saddle_anesthesia",
        "bladder_bowel_dysfunction",
        "progressive_neuro_deficit",
    }


def test_movement_tags():
    assert set(MovementTag.objects.values_list("code", flat=True)) == CLINICAL_TAGS
