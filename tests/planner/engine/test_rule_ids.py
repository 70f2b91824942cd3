"""One test per rule id of CLINICAL.md, named after it, on the small hand-made catalogue.

The parametrised tests in test_rules.py cover every tag of every rule; these read as the
rule table itself, one row each, and the last test keeps the two in step: a rule the engine
seeds without a test named after it fails here.
"""

from dataclasses import replace
from pathlib import Path

from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.generate.plan import generate_plan
from planner.engine.safety import RulesInForce
from planner.engine.types import Plan
from tests.planner.engine.catalogue import catalogue, exercise, profile

# CLINICAL.md's ids, and those the engine seeds: each needs a test named after it.
CLINICAL_IDS = (
    "R-PREG-1",
    "R-PREG-2",
    "R-OSTEO",
    "R-SPONDY",
    "R-STEN",
    "R-DISC-ACUTE",
    "R-PIRI",
    "R-HTN",
    "R-CHD",
    "R-RETINO",
    "R-NEURO",
    "R-OBESE",
    "R-VARIC",
    "R-OA",
    "R-BAL",
    "R-ACUTE",
    "D-MUSCLE",
    "A-FAT",
)


def plan_for(*extra, **args) -> Plan:  # type: ignore[no-untyped-def]
    return generate_plan(profile(**args), catalogue(*extra), DEFAULT_RULES)


def left_out_by(plan: Plan, slug: str) -> str | None:
    return next((x.rule for x in plan.excluded if x.slug == slug), None)


def chosen(plan: Plan, slug: str):  # type: ignore[no-untyped-def]
    return next((e for e in plan.exercises if e.slug == slug), None)


def verdict(tags: tuple[str, ...], **args):  # type: ignore[no-untyped-def]
    target = exercise("target", "strengthening", 1, tags)
    return RulesInForce(profile(**args), DEFAULT_RULES).check(target)


def test_r_preg_1_blocks_impact_breath_holding_loaded_curls_and_head_down():
    for tag in ("high_impact", "breath_hold", "loaded_spinal_flexion", "head_down"):
        assert verdict(("standing", tag), pregnancy_weeks=6).rule == "R-PREG-1"
    unsupported = verdict(("standing", "balance_unsupported"), pregnancy_weeks=6)
    assert unsupported.outcome == "easier_only" and unsupported.rule == "R-PREG-1"


def test_r_preg_2_from_week_13_no_lying_on_back_or_stomach_floor_work_at_the_clinic():
    assert verdict(("supine",), pregnancy_weeks=12).allowed
    assert verdict(("supine",), pregnancy_weeks=13).rule == "R-PREG-2"
    assert verdict(("prone",), pregnancy_weeks=30).rule == "R-PREG-2"
    floor = verdict(("side_lying", "floor_transfer"), pregnancy_weeks=20)
    assert floor.allowed and floor.supervised_only


def test_r_osteo_blocks_loaded_flexion_and_impact_cautions_twisting():
    args = {"comorbidities": ("osteoporosis",)}
    assert verdict(("loaded_spinal_flexion",), **args).rule == "R-OSTEO"
    assert verdict(("high_impact",), **args).rule == "R-OSTEO"
    assert verdict(("spinal_rotation",), **args).outcome == "easier_only"


def test_r_spondy_blocks_extension_for_slip_and_instability():
    for code in ("spondylolisthesis", "segmental_instability"):
        assert verdict(("spinal_extension",), code=code).rule == "R-SPONDY"
        assert verdict(("spinal_rotation",), code=code).outcome == "easier_only"


def test_r_sten_blocks_extension_and_halves_standing_still():
    assert verdict(("spinal_extension",), code="spinal_stenosis").rule == "R-STEN"
    standing = verdict(("standing", "prolonged_standing"), code="spinal_stenosis")
    assert standing.allowed and standing.dose_factor == 0.5


def test_r_disc_acute_blocks_loaded_flexion_and_axial_load_only_when_acute():
    assert verdict(("axial_load",), code="disc_herniation", stage="acute").rule == "R-DISC-ACUTE"
    assert verdict(("axial_load",), code="disc_herniation", stage="chronic").allowed


def test_r_piri_blocks_standing_side_leg_raises_while_acute_or_subacute():
    tag = ("standing", "hip_abduction_standing")
    assert verdict(tag, code="piriformis_syndrome", stage="subacute").rule == "R-PIRI"
    assert verdict(tag, code="piriformis_syndrome", stage="chronic").allowed


def test_r_htn_blocks_breath_holding_and_head_down_and_caps_isometric_holds():
    assert verdict(("breath_hold",), comorbidities=("hypertension",)).rule == "R-HTN"
    assert verdict(("head_down",), comorbidities=("heart_failure",)).rule == "R-HTN"
    held = verdict(("isometric_hold",), comorbidities=("hypertension",))
    assert held.allowed and held.max_dose.hold_s <= 10


def test_r_chd_blocks_impact_and_keeps_aerobic_work_conversational():
    plan = plan_for(comorbidities=("coronary_heart_disease",))
    assert plan.max_rpe == 4
    assert verdict(("high_impact",), comorbidities=("coronary_heart_disease",)).rule == "R-CHD"
    assert plan.activity is not None and "full sentence" in plan.activity.text
    assert "brisk" not in plan.activity.text


def test_r_retino_blocks_breath_holding_head_down_and_impact():
    for tag in ("breath_hold", "head_down", "high_impact"):
        assert verdict((tag,), comorbidities=("diabetic_retinopathy",)).rule == "R-RETINO"


def test_r_neuro_blocks_impact_and_allows_balance_only_supported():
    args = {"comorbidities": ("diabetic_neuropathy",)}
    assert verdict(("high_impact",), **args).rule == "R-NEURO"
    assert verdict(("balance_unsupported",), **args).outcome == "easier_only"
    assert verdict(("standing", "prolonged_standing"), **args).outcome == "easier_only"


def test_r_obese_blocks_impact_and_keeps_floor_work_at_the_clinic():
    assert verdict(("high_impact",), bmi=32.0).rule == "R-OBESE"
    floor = verdict(("supine", "floor_transfer"), comorbidities=("obesity",))
    assert floor.allowed and floor.supervised_only


def test_r_varic_halves_standing_still():
    standing = verdict(("standing", "prolonged_standing"), comorbidities=("varicose_veins",))
    assert standing.allowed and standing.dose_factor == 0.5
    assert standing.cautions[0].rule == "R-VARIC"


def test_r_oa_blocks_impact_and_halves_time_on_the_knees():
    assert verdict(("high_impact",), comorbidities=("knee_osteoarthritis",)).rule == "R-OA"
    kneeling = verdict(("kneeling",), comorbidities=("hip_osteoarthritis",))
    assert kneeling.allowed and kneeling.dose_factor == 0.5


def test_r_bal_supports_balance_from_65_and_keeps_floor_work_at_the_clinic_when_unfit():
    assert verdict(("balance_unsupported",), age=65).outcome == "easier_only"
    assert verdict(("balance_unsupported",), age=64).allowed
    assert verdict(("supine", "floor_transfer"), age=70, fitness="low").supervised_only
    assert not verdict(("supine", "floor_transfer"), age=70, fitness="moderate").supervised_only


def test_r_acute_only_difficulty_two_or_less_in_the_acute_stage():
    hard = exercise("hard", "strengthening", 3, ())
    in_force = RulesInForce(profile(stage="acute", fitness="high"), DEFAULT_RULES)
    assert in_force.check(hard).rule == "R-ACUTE"
    assert RulesInForce(profile(fitness="high"), DEFAULT_RULES).check(hard).allowed


def test_d_muscle_strengthening_starts_a_step_easier_and_at_eight_tenths():
    strength = exercise("a-strength", "strengthening", 2, (), reps=20)
    hard = exercise("b-strength", "strengthening", 4, ())
    normal = generate_plan(profile(fitness="high"), catalogue(strength, hard), DEFAULT_RULES)
    low = generate_plan(
        replace(profile(fitness="high"), low_muscle_mass=True),
        catalogue(strength, hard),
        DEFAULT_RULES,
    )
    assert left_out_by(low, "b-strength") == "D-MUSCLE"
    before, after = chosen(normal, "a-strength"), chosen(low, "a-strength")
    assert before is not None and after is not None
    assert after.dose.reps == round(before.dose.reps * 0.8)
    assert any(r.rule == "D-MUSCLE" for r in after.why)


def test_a_fat_keeps_aerobic_work_low_impact_with_a_daily_walk():
    jog = exercise("jog", "aerobic", 2, ("standing", "aerobic", "high_impact"), duration_s=900)
    lean = generate_plan(replace(profile(), fat_percent=28.0), catalogue(jog), DEFAULT_RULES)
    high = generate_plan(replace(profile(), fat_percent=36.0), catalogue(jog), DEFAULT_RULES)
    assert high.activity is not None and high.activity.slug != "jog"
    assert any(r.rule == "A-FAT" for r in high.activity.why)
    assert lean.activity is not None and not any(r.rule == "A-FAT" for r in lean.activity.why)
    men = generate_plan(replace(profile(sex="male"), fat_percent=26.0), catalogue(), DEFAULT_RULES)
    assert men.activity is not None and any(r.rule == "A-FAT" for r in men.activity.why)


def test_every_rule_id_has_a_test_named_after_it():
    names = " ".join(
        path.read_text(encoding="utf-8") for path in Path(__file__).parent.glob("test_*.py")
    )
    seeded = {rule.id for rule in DEFAULT_RULES}
    for rule_id in sorted(set(CLINICAL_IDS) | seeded):
        assert f"def test_{rule_id.lower().replace('-', '_')}_" in names, rule_id


def test_a_preg_pelvic_pregnancy_adds_pelvic_floor_squeezes():
    squeezes = exercise("pelvic-floor-squeezes", "core_stabilisation", 1, ("isometric_hold",))
    plan = plan_for(squeezes, pregnancy_weeks=20)
    added = chosen(plan, "pelvic-floor-squeezes")
    assert added is not None and any(r.rule == "A-PREG-PELVIC" for r in added.why)
