"""CLINICAL.md's rule tables as engine rules: the seed of the editable rule rows.

The admin may edit the seeded rows; the ids are stable because explanations
cite them. Add-work rules (ids starting with A-) make a category or an
exercise part of the plan rather than removing anything.
"""

from planner.engine.types import Rule

RADICULAR_DIAGNOSES = frozenset(
    {"sciatica", "lumboischialgia", "disc_herniation", "disc_protrusion", "piriformis_syndrome"}
)

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        id="R-PREG-1",
        explanation="In pregnancy, avoid impact, breath-holding, loaded trunk curls and head-down "
        "positions; balance work only with support",
        pregnancy_min_weeks=0,
        block_tags=frozenset({"high_impact", "breath_hold", "loaded_spinal_flexion", "head_down"}),
        caution_tags=frozenset({"balance_unsupported"}),
        caution_action="easier_variant",
    ),
    Rule(
        id="R-PREG-2",
        explanation="From week 13 of pregnancy, no lying flat on the back or stomach; getting "
        "down to the floor is practised only with the specialist",
        pregnancy_min_weeks=13,
        block_tags=frozenset({"supine", "prone"}),
        caution_tags=frozenset({"floor_transfer"}),
        caution_action="supervised_only",
    ),
    Rule(
        id="R-OSTEO",
        explanation="With osteoporosis, no loaded forward bending or impact; twisting and "
        "unsupported balance only in an easier form",
        comorbidities=frozenset({"osteoporosis"}),
        block_tags=frozenset({"loaded_spinal_flexion", "high_impact"}),
        caution_tags=frozenset({"spinal_rotation", "balance_unsupported"}),
        caution_action="easier_variant",
    ),
    Rule(
        id="R-SPONDY",
        explanation="With a slipped or unstable vertebra, no end-range backward bending; "
        "twisting only in an easier form",
        diagnoses=frozenset({"spondylolisthesis", "segmental_instability"}),
        block_tags=frozenset({"spinal_extension"}),
        caution_tags=frozenset({"spinal_rotation"}),
        caution_action="easier_variant",
    ),
    Rule(
        id="R-STEN",
        explanation="With spinal stenosis, backward bending narrows the canal further; standing "
        "still for long is halved",
        diagnoses=frozenset({"spinal_stenosis"}),
        block_tags=frozenset({"spinal_extension"}),
        caution_tags=frozenset({"prolonged_standing"}),
        caution_action="halve_dose",
    ),
    Rule(
        id="R-DISC-ACUTE",
        explanation="With an acute disc problem, no loaded forward bending or load through the "
        "spine; twisting only in an easier form",
        diagnoses=frozenset({"disc_herniation", "disc_protrusion"}),
        diagnosis_stages=frozenset({"acute"}),
        block_tags=frozenset({"loaded_spinal_flexion", "axial_load"}),
        caution_tags=frozenset({"spinal_rotation"}),
        caution_action="easier_variant",
    ),
    Rule(
        id="R-PIRI",
        explanation="While piriformis syndrome is acute or subacute, no standing side leg raises",
        diagnoses=frozenset({"piriformis_syndrome"}),
        diagnosis_stages=frozenset({"acute", "subacute"}),
        block_tags=frozenset({"hip_abduction_standing"}),
    ),
    Rule(
        id="R-HTN",
        explanation="With high blood pressure or heart failure, no breath-holding or head-down "
        "positions, and muscle efforts held still for 10 seconds at most (stretches are not "
        "limited)",
        comorbidities=frozenset({"hypertension", "heart_failure"}),
        block_tags=frozenset({"breath_hold", "head_down"}),
        max_hold_s=10,
        max_hold_tags=frozenset({"isometric_hold"}),
    ),
    Rule(
        id="R-CHD",
        explanation="With heart disease, no impact, and effort kept light (4 out of 10 at most)",
        comorbidities=frozenset({"coronary_heart_disease", "heart_failure"}),
        block_tags=frozenset({"high_impact"}),
        max_rpe=4,
    ),
    Rule(
        id="R-RETINO",
        explanation="With diabetic eye disease, no breath-holding, head-down positions or impact",
        comorbidities=frozenset({"diabetic_retinopathy"}),
        block_tags=frozenset({"breath_hold", "head_down", "high_impact"}),
    ),
    Rule(
        id="R-NEURO",
        explanation="With diabetic neuropathy, no impact; balance and standing work only in a "
        "supported, easier form",
        comorbidities=frozenset({"diabetic_neuropathy"}),
        block_tags=frozenset({"high_impact"}),
        caution_tags=frozenset({"balance_unsupported", "prolonged_standing"}),
        caution_action="easier_variant",
    ),
    Rule(
        id="R-OBESE",
        explanation="With obesity, no impact; getting down to the floor is practised with the "
        "specialist first",
        comorbidities=frozenset({"obesity"}),
        block_tags=frozenset({"high_impact"}),
        caution_tags=frozenset({"floor_transfer"}),
        caution_action="supervised_only",
    ),
    Rule(
        id="R-VARIC",
        explanation="With varicose veins, standing still for long is halved",
        comorbidities=frozenset({"varicose_veins"}),
        caution_tags=frozenset({"prolonged_standing"}),
        caution_action="halve_dose",
    ),
    Rule(
        id="R-OA",
        explanation="With knee or hip osteoarthritis, no impact; time on the knees is halved",
        comorbidities=frozenset({"knee_osteoarthritis", "hip_osteoarthritis"}),
        block_tags=frozenset({"high_impact"}),
        caution_tags=frozenset({"kneeling"}),
        caution_action="halve_dose",
    ),
    Rule(
        id="R-BAL",
        explanation="With a balance problem or from age 65, balance work keeps a hand on support, "
        "and with low fitness getting down to the floor is practised with the specialist",
        comorbidities=frozenset({"balance_disorder"}),
        min_age=65,
        caution_tags=frozenset({"balance_unsupported"}),
        low_fitness_caution_tags=frozenset({"floor_transfer"}),
        caution_action="easier_variant",
        low_fitness_caution_action="supervised_only",
    ),
    Rule(
        id="R-ACUTE",
        explanation="In the acute stage, only gentle exercises (difficulty 2 or less)",
        any_diagnosis_in_stages=frozenset({"acute"}),
        max_difficulty=2,
    ),
    Rule(
        id="A-RADICULAR",
        explanation="Pain that travels down the leg: gentle nerve gliding keeps the sciatic "
        "nerve moving freely",
        diagnoses=RADICULAR_DIAGNOSES,
        adds_category="neural_mobilisation",
    ),
    Rule(
        id="A-PAD",
        explanation="Peripheral arterial disease: interval walking (walk to moderate calf pain, "
        "rest, repeat), building toward about 30 minutes in total",
        comorbidities=frozenset({"peripheral_arterial_disease"}),
        adds_exercise="interval-walking",
    ),
    Rule(
        id="A-BALANCE",
        explanation="Diabetic neuropathy or age 65 and over: a supported balance exercise "
        "lowers the risk of falls",
        comorbidities=frozenset({"diabetic_neuropathy"}),
        min_age=65,
        adds_category="balance",
        adds_without_tags=frozenset({"balance_unsupported"}),
    ),
    Rule(
        id="A-PREG-PELVIC",
        explanation="In pregnancy, daily pelvic floor exercise supports the pelvis and the bladder",
        pregnancy_min_weeks=0,
        adds_exercise="pelvic-floor-squeezes",
    ),
    Rule(
        id="A-PREG-AEROBIC",
        explanation="In pregnancy, about 150 minutes of moderate activity a week: daily walking "
        "or cycling",
        pregnancy_min_weeks=0,
        adds_category="aerobic",
    ),
)
