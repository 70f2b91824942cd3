"""The clinical catalogues of CLINICAL.md, the single source for seeding.

The codes are a contract shared with the planner engine, the API and
`plan_preview`: a clinic may add entries in the admin but never rename these.
"""

from typing import Any, NamedTuple

# Red flag names are shown to the patient who reports one: marked for translation.
from django.utils.translation import gettext_noop


class DiagnosisEntry(NamedTuple):
    code: str
    icd10: str
    name: str


class ComorbidityEntry(NamedTuple):
    code: str
    name: str
    description: str


class RedFlagEntry(NamedTuple):
    code: str
    name: str
    same_day: bool
    description: str


DIAGNOSES: tuple[DiagnosisEntry, ...] = (
    DiagnosisEntry("lumboischialgia", "M54.4", "Lumbago with sciatica"),
    DiagnosisEntry("sciatica", "M54.3", "Sciatica"),
    DiagnosisEntry(
        "osteochondrosis", "M42.16", "Lumbar osteochondrosis (degenerative disc disease)"
    ),
    DiagnosisEntry("disc_protrusion", "M51.2", "Lumbar disc protrusion"),
    DiagnosisEntry("disc_herniation", "M51.1", "Lumbar disc herniation with radiculopathy"),
    DiagnosisEntry("spondylolisthesis", "M43.16", "Lumbar spondylolisthesis"),
    DiagnosisEntry(
        "piriformis_syndrome", "G57.0", "Piriformis syndrome (sciatic nerve entrapment)"
    ),
    DiagnosisEntry("spinal_stenosis", "M48.06", "Lumbar spinal canal stenosis"),
    DiagnosisEntry("facet_arthropathy", "M47.816", "Facet joint arthropathy / spondylosis"),
    DiagnosisEntry("segmental_instability", "M53.2", "Lumbar segmental instability"),
    DiagnosisEntry("scoliosis", "M41.9", "Scoliosis"),
    DiagnosisEntry("hyperlordosis", "M40.56", "Lumbar hyperlordosis"),
    DiagnosisEntry("myositis", "M60.9", "Myositis of lumbar/gluteal muscles"),
)

COMORBIDITIES: tuple[ComorbidityEntry, ...] = (
    ComorbidityEntry("hypertension", "Hypertension", "High blood pressure."),
    ComorbidityEntry("coronary_heart_disease", "Coronary heart disease", ""),
    ComorbidityEntry("heart_failure", "Heart failure", ""),
    ComorbidityEntry("diabetes", "Diabetes mellitus", ""),
    ComorbidityEntry("diabetic_neuropathy", "Diabetic neuropathy", ""),
    ComorbidityEntry("diabetic_retinopathy", "Diabetic retinopathy", ""),
    ComorbidityEntry("osteoporosis", "Osteoporosis", ""),
    ComorbidityEntry(
        "obesity", "Obesity", "Also derived from the patient's BMI when it is 30 or more."
    ),
    ComorbidityEntry("varicose_veins", "Varicose veins", ""),
    ComorbidityEntry(
        "peripheral_arterial_disease",
        "Peripheral arterial disease",
        "Obliterating endarteritis or atherosclerosis of the legs with intermittent claudication.",
    ),
    ComorbidityEntry("knee_osteoarthritis", "Knee osteoarthritis", ""),
    ComorbidityEntry("hip_osteoarthritis", "Hip osteoarthritis", ""),
    ComorbidityEntry("balance_disorder", "Balance disorder", ""),
    ComorbidityEntry(
        "gastrointestinal_disease",
        "Gastrointestinal disease",
        "Matters for medication choice, not for exercise: recorded, no exercise rule.",
    ),
    ComorbidityEntry(
        "pregnancy",
        "Pregnancy",
        "Recorded on the patient with gestational weeks or a due date.",
    ),
)

RED_FLAGS: tuple[RedFlagEntry, ...] = (
    RedFlagEntry(
        "saddle_anesthesia",
        gettext_noop("Saddle anaesthesia"),
        True,
        "Numbness around the back passage, genitals or inner thighs: possible cauda equina.",
    ),
    RedFlagEntry(
        "bladder_bowel_dysfunction",
        gettext_noop("Bladder or bowel dysfunction"),
        True,
        "New difficulty passing urine, incontinence or loss of bowel control.",
    ),
    RedFlagEntry(
        "progressive_neuro_deficit",
        gettext_noop("Progressive neurological deficit"),
        True,
        "Weakness or numbness in the legs that is getting worse.",
    ),
    RedFlagEntry("suspected_tumor", gettext_noop("Suspected tumour"), False, ""),
    RedFlagEntry("cancer_history", gettext_noop("History of cancer"), False, ""),
    RedFlagEntry("unexplained_weight_loss", gettext_noop("Unexplained weight loss"), False, ""),
    RedFlagEntry(
        "fever", gettext_noop("Fever"), False, "Fever with back pain: possible infection."
    ),
    RedFlagEntry(
        "recent_trauma", gettext_noop("Recent trauma"), False, "A fall, accident or heavy blow."
    ),
    RedFlagEntry(
        "night_pain",
        gettext_noop("Night pain"),
        False,
        "Constant pain at night that rest does not ease.",
    ),
    RedFlagEntry(
        "vascular_claudication",
        gettext_noop("Vascular claudication"),
        False,
        "Leg pain on walking from poor circulation that has not been assessed.",
    ),
)


def seed_catalogues(diagnosis_model: Any, comorbidity_model: Any, red_flag_model: Any) -> None:
    """Create or update the contract entries; used by data migrations."""
    for dx in DIAGNOSES:
        diagnosis_model.objects.update_or_create(
            code=dx.code, defaults={"icd10": dx.icd10, "name": dx.name, "is_builtin": True}
        )
    for cm in COMORBIDITIES:
        comorbidity_model.objects.update_or_create(
            code=cm.code,
            defaults={"name": cm.name, "description": cm.description, "is_builtin": True},
        )
    for rf in RED_FLAGS:
        red_flag_model.objects.update_or_create(
            code=rf.code,
            defaults={
                "name": rf.name,
                "same_day": rf.same_day,
                "description": rf.description,
                "is_builtin": True,
            },
        )
