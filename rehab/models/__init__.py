"""Clinical records: patients, clinicians, diagnoses, comorbidities, red flags, assessments.

One module per topic; every model and public name is imported here, so Django finds
the models and the rest of the code (and the migrations) keep `rehab.models.X`.

The modules are imported in the order the models were defined when this was one module,
so Django registers them in that order (it sets the order of their content types,
permissions and dumpdata output).
"""

# isort: off
from rehab.models.validators import validate_not_future, validate_phone, validate_time_zone
from rehab.models.catalogue import CatalogueEntry, Comorbidity, Diagnosis, RedFlag
from rehab.models.clinician import Clinician
from rehab.models.patient import (
    FULL_TERM_WEEKS,
    HEIGHT_CM_RANGE,
    MAX_GESTATIONAL_WEEKS,
    TIME_ZONE_CHOICES,
    WEIGHT_KG_RANGE,
    FitnessLevel,
    Patient,
    Sex,
)
from rehab.models.conditions import (
    PatientComorbidity,
    PatientDiagnosis,
    PatientRedFlag,
    Side,
    Stage,
)
from rehab.models.assessments import (
    ODI_SECTION_NAMES,
    ODI_VALIDATORS,
    PAIN_VALIDATORS,
    STARTBACK_QUESTIONS,
    Assessment,
    BodyComposition,
    Bothersomeness,
    FitnessTest,
    OswestryAssessment,
    PainAssessment,
    StartBackAssessment,
)
from rehab.models.invites import PatientInvite
from rehab.models.care import ActorKind, CareAction, CareRecordEntry
from rehab.models.clinic import WEEKDAY_FIELDS, ClinicSettings
from rehab.models.sessions import UserSession
from rehab.models.questionnaires import (
    QuestionnaireAnswer,
    QuestionnaireKind,
    QuestionnaireSchedule,
)
# isort: on

__all__ = [
    "FULL_TERM_WEEKS",
    "HEIGHT_CM_RANGE",
    "MAX_GESTATIONAL_WEEKS",
    "ODI_SECTION_NAMES",
    "ODI_VALIDATORS",
    "PAIN_VALIDATORS",
    "STARTBACK_QUESTIONS",
    "TIME_ZONE_CHOICES",
    "WEEKDAY_FIELDS",
    "WEIGHT_KG_RANGE",
    "ActorKind",
    "Assessment",
    "BodyComposition",
    "Bothersomeness",
    "CareAction",
    "CareRecordEntry",
    "CatalogueEntry",
    "ClinicSettings",
    "Clinician",
    "Comorbidity",
    "Diagnosis",
    "FitnessLevel",
    "FitnessTest",
    "OswestryAssessment",
    "PainAssessment",
    "Patient",
    "PatientComorbidity",
    "PatientDiagnosis",
    "PatientInvite",
    "PatientRedFlag",
    "QuestionnaireAnswer",
    "QuestionnaireKind",
    "QuestionnaireSchedule",
    "RedFlag",
    "Sex",
    "Side",
    "Stage",
    "StartBackAssessment",
    "UserSession",
    "validate_not_future",
    "validate_phone",
    "validate_time_zone",
]
