"""Each rule of CLINICAL.md, one at a time, on a small hand-made catalogue."""

import pytest

from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.generate.plan import generate_plan
from planner.engine.types import Dose, Plan, Reason
from tests.planner.engine.catalogue import catalogue, exercise, profile


def plan_for(*extra, **profile_args) -> Plan:  # type: ignore[no-untyped-def]
    return generate_plan(profile(**profile_args), catalogue(*extra), DEFAULT_RULES)


def exclusion(plan: Plan, slug: str) -> str | None:
    """The rule that removed `slug` from the plan, or None when it was not removed."""
    return next((x.rule for x in plan.excluded if x.slug == slug), None)


def planned(plan: Plan, slug: str):  # type: ignore[no-untyped-def]
    return next((e for e in plan.exercises if e.slug == slug), None)


# (rule id, profile that triggers it, a tag the rule blocks)
BLOCKS = [
    ("R-PREG-1", {"pregnancy_weeks": 8}, "high_impact"),
    ("R-PREG-1", {"pregnancy_weeks": 8}, "breath_hold"),
    ("R-PREG-1", {"pregnancy_weeks": 8}, "loaded_spinal_flexion"),
    ("R-PREG-1", {"pregnancy_weeks": 8}, "head_down"),
    ("R-PREG-2", {"pregnancy_weeks": 13}, "supine"),
    ("R-PREG-2", {"pregnancy_weeks": 30}, "prone"),
    ("R-OSTEO", {"comorbidities": ("osteoporosis",)}, "loaded_spinal_flexion"),
    ("R-OSTEO", {"comorbidities": ("osteoporosis",)}, "high_impact"),
    ("R-SPONDY", {"code": "spondylolisthesis"}, "spinal_extension"),
    ("R-SPONDY", {"code": "segmental_instability"}, "spinal_extension"),
    ("R-STEN", {"code": "spinal_stenosis"}, "spinal_extension"),
    ("R-DISC-ACUTE", {"code": "disc_herniation", "stage": "acute"}, "loaded_spinal_flexion"),
    ("R-DISC-ACUTE", {"code": "disc_protrusion", "stage": "acute"}, "axial_load"),
    ("R-PIRI", {"code": "piriformis_syndrome", "stage": "acute"}, "hip_abduction_standing"),
    ("R-PIRI", {"code": "piriformis_syndrome", "stage": "subacute"}, "hip_abduction_standing"),
    ("R-HTN", {"comorbidities": ("hypertension",)}, "breath_hold"),
    ("R-HTN", {"comorbidities": ("heart_failure",)}, "head_down"),
    ("R-CHD", {"comorbidities": ("coronary_heart_disease",)}, "high_impact"),
    ("R-RETINO", {"comorbidities": ("diabetic_retinopathy",)}, "breath_hold"),
    ("R-RETINO", {"comorbidities": ("diabetic_retinopathy",)}, "head_down"),
    ("R-RETINO", {"comorbidities": ("diabetic_retinopathy",)}, "high_impact"),
    ("R-NEURO", {"comorbidities": ("diabetic_neuropathy",)}, "high_impact"),
    ("R-OBESE", {"comorbidities": ("obesity",)}, "high_impact"),
    ("R-OBESE", {"bmi": 31.5}, "high_impact"),
    ("R-OA", {"comorbidities": ("knee_osteoarthritis",)}, "high_impact"),
    ("R-OA", {"comorbidities": ("hip_osteoarthritis",)}, "high_impact"),
]


@pytest.mark.parametrize(("rule", "trigger", "tag"), BLOCKS)
def test_block_rule_removes_every_exercise_with_its_tag(rule, trigger, tag):
    target = exercise("target", "strengthening", 1, ("standing", tag))
    plan = plan_for(target, **trigger)
    assert planned(plan, "target") is None
    assert exclusion(plan, "target") == rule
    reason = next(x.reason for x in plan.excluded if x.slug == "target")
    assert tag.replace("_", " ") in reason  # the patient-facing reason names what is avoided


@pytest.mark.parametrize(("rule", "trigger", "tag"), BLOCKS)
def test_without_the_trigger_the_same_exercise_is_allowed(rule, trigger, tag):
    target = exercise("target", "strengthening", 1, ("standing", tag))
    plan = plan_for(target, fitness="high")
    assert exclusion(plan, "target") is None
    assert rule not in {r.rule for r in plan.reasons}


@pytest.mark.parametrize(
    ("trigger", "tag"),
    [
        ({"pregnancy_weeks": 12}, "supine"),  # R-PREG-2 starts at week 13
        ({"code": "disc_herniation", "stage": "subacute"}, "axial_load"),  # R-DISC-ACUTE: acute
        ({"code": "piriformis_syndrome", "stage": "chronic"}, "hip_abduction_standing"),
        ({"bmi": 29.9}, "high_impact"),  # obesity is derived from BMI 30 or more
    ],
)
def test_rules_respect_their_limits(trigger, tag):
    target = exercise("target", "strengthening", 1, ("standing", tag))
    assert exclusion(plan_for(target, **trigger), "target") is None


@pytest.mark.parametrize(
    ("rule", "trigger", "tag"),
    [
        ("R-PREG-1", {"pregnancy_weeks": 20}, "balance_unsupported"),
        ("R-OSTEO", {"comorbidities": ("osteoporosis",)}, "spinal_rotation"),
        ("R-OSTEO", {"comorbidities": ("osteoporosis",)}, "balance_unsupported"),
        ("R-SPONDY", {"code": "spondylolisthesis"}, "spinal_rotation"),
        ("R-DISC-ACUTE", {"code": "disc_protrusion", "stage": "acute"}, "spinal_rotation"),
        ("R-NEURO", {"comorbidities": ("diabetic_neuropathy",)}, "balance_unsupported"),
        ("R-NEURO", {"comorbidities": ("diabetic_neuropathy",)}, "prolonged_standing"),
        ("R-BAL", {"comorbidities": ("balance_disorder",)}, "balance_unsupported"),
        ("R-BAL", {"age": 65}, "balance_unsupported"),
    ],
)
def test_easier_variant_cautions_swap_in_the_easier_variant(rule, trigger, tag):
    """A caution keeps the exercise only as its easier variant, and says so."""
    easy = exercise("easy-one", "balance", 1, ("standing",), harder="hard-one", reps=5, hold_s=10)
    hard = exercise("hard-one", "balance", 2, ("standing", tag), easier="easy-one", reps=5)
    only_hard = exercise("lonely-one", "balance", 2, ("standing", tag), reps=5)
    plan = plan_for(easy, hard, only_hard, **trigger)
    assert exclusion(plan, "hard-one") == rule
    replaced = next(x for x in plan.excluded if x.slug == "hard-one")
    assert replaced.reason.startswith("Replaced by Easy one")
    # As data, for the reader's language: the swap, with the caution inside it.
    assert replaced.because.message == "Replaced by %(exercise)s: %(reason)s"
    inner = dict(replaced.because.params)["reason"]
    assert isinstance(inner, Reason) and inner.rule == rule
    # Without an easier variant the exercise cannot stay at all.
    assert exclusion(plan, "lonely-one") == rule
    assert planned(plan, "hard-one") is None and planned(plan, "lonely-one") is None


def test_r_bal_keeps_floor_work_at_the_clinic_only_with_low_fitness():
    floor = exercise("floor-one", "core_stabilisation", 1, ("supine", "floor_transfer"), hold_s=5)
    low = generate_plan(profile(age=70, fitness="low"), [floor], DEFAULT_RULES)
    kept = planned(low, "floor-one")
    assert kept is not None and kept.supervised_only and kept.mode == "supervised"
    assert any(r.rule == "R-BAL" for r in kept.why)
    moderate = generate_plan(profile(age=70, fitness="moderate"), [floor], DEFAULT_RULES)
    assert not planned(moderate, "floor-one").supervised_only


@pytest.mark.parametrize(
    ("rule", "trigger", "tag"),
    [
        ("R-STEN", {"code": "spinal_stenosis"}, "prolonged_standing"),
        ("R-VARIC", {"comorbidities": ("varicose_veins",)}, "prolonged_standing"),
        ("R-OA", {"comorbidities": ("knee_osteoarthritis",)}, "kneeling"),
    ],
)
def test_halving_cautions_halve_the_starting_dose(rule, trigger, tag):
    # Alone in its catalogue, so the day cannot do without it.
    target = exercise("target", "strengthening", 1, ("standing", tag), duration_s=600, sets=1)
    base = generate_plan(profile(**trigger), [target], [])
    plan = generate_plan(profile(**trigger), [target], DEFAULT_RULES)
    chosen = planned(plan, "target")
    assert chosen is not None, plan.reasons
    unhalved = planned(base, "target")
    assert chosen.dose.duration_s == round(unhalved.dose.duration_s * 0.5)
    assert any(r.rule == rule and "halved" in r.text for r in chosen.why)


@pytest.mark.parametrize(
    ("rule", "trigger"),
    [
        ("R-PREG-2", {"pregnancy_weeks": 20}),
        ("R-OBESE", {"comorbidities": ("obesity",)}),
        ("R-BAL", {"age": 70, "fitness": "low"}),
    ],
)
def test_supervised_only_cautions_keep_floor_work_at_the_clinic(rule, trigger):
    floor = exercise(
        "side-floor", "core_stabilisation", 1, ("side_lying", "floor_transfer"), hold_s=5
    )
    plan = plan_for(floor, **trigger)
    assert exclusion(plan, "side-floor") is None
    considered = generate_plan(profile(**trigger), [floor], DEFAULT_RULES)
    chosen = planned(considered, "side-floor")
    assert chosen is not None and chosen.supervised_only and chosen.mode == "supervised"
    assert any(r.rule == rule for r in chosen.why)


def test_r_htn_caps_isometric_holds_at_ten_seconds():
    brace = exercise("brace", "core_stabilisation", 1, ("isometric_hold",), hold_s=20, reps=5)
    plan = generate_plan(
        profile(comorbidities=("hypertension",), fitness="high"), [brace], DEFAULT_RULES
    )
    capped = planned(plan, "brace")
    assert capped is not None and capped.dose.hold_s == 10
    assert any(r.rule == "R-HTN" for r in capped.why)


def test_r_htn_leaves_stretch_holds_alone():
    """A passive stretch is not an effort held still: capping it would push it under its own
    minimum and block the patient's reviews."""
    stretch = exercise("stretch", "stretching", 1, (), hold_s=30, reps=3)
    plan = generate_plan(
        profile(comorbidities=("hypertension",), fitness="high"), [stretch], DEFAULT_RULES
    )
    assert planned(plan, "stretch").dose.hold_s == 30


def test_r_htn_caps_timed_isometric_efforts():
    wall_sit = exercise(
        "wall-sit", "strengthening", 1, ("standing", "isometric_hold"), duration_s=30, sets=2
    )
    plan = generate_plan(
        profile(comorbidities=("hypertension",), fitness="high"), [wall_sit], DEFAULT_RULES
    )
    assert planned(plan, "wall-sit").dose.duration_s == 10


def test_r_htn_never_goes_under_the_exercises_minimum():
    """An effort whose shortest hold is over 10 s gives way to its easier variant, or is left
    out with the reason shown."""
    short = exercise("short-brace", "core_stabilisation", 1, ("isometric_hold",), hold_s=5)
    long_min = exercise(
        "long-brace", "core_stabilisation", 1, ("isometric_hold",), hold_s=20, easier="short-brace"
    )
    long_min = type(long_min)(**{**long_min.__dict__, "dose_min": Dose(1, 1, 15, 0)})
    lonely = type(long_min)(**{**long_min.__dict__, "slug": "lonely-brace", "easier": None})
    plan = generate_plan(
        profile(comorbidities=("hypertension",)), [short, long_min, lonely], DEFAULT_RULES
    )
    assert planned(plan, "long-brace") is None and planned(plan, "lonely-brace") is None
    assert exclusion(plan, "lonely-brace") == "R-HTN"
    assert all(e.dose.hold_s <= 10 for e in plan.exercises)


def test_heart_disease_caps_effort_at_four_of_ten():
    plan = plan_for(comorbidities=("coronary_heart_disease",))
    assert plan.max_rpe == 4
    assert all(any(r.rule == "R-CHD" for r in e.why) for e in plan.exercises)


def test_acute_stage_removes_difficulty_above_two_or_swaps_in_the_easier_variant():
    easy = exercise("bridge-easy", "strengthening", 2, (), harder="bridge-hard")
    hard = exercise("bridge-hard", "strengthening", 3, (), easier="bridge-easy")
    lonely = exercise("hard-alone", "strengthening", 3, ())
    plan = plan_for(easy, hard, lonely, code="lumboischialgia", stage="acute", fitness="high")
    assert exclusion(plan, "bridge-hard") == "R-ACUTE"
    assert exclusion(plan, "hard-alone") == "R-ACUTE"
    assert all(e.difficulty <= 2 for e in plan.exercises)


@pytest.mark.parametrize(("fitness", "cap"), [("low", 2), ("moderate", 3), ("high", 4)])
def test_fitness_caps_the_starting_difficulty(fitness, cap):
    steps = [exercise(f"step-{d}", "strengthening", d, ()) for d in range(1, 6)]
    plan = plan_for(*steps, fitness=fitness)
    assert all(e.difficulty <= cap for e in plan.exercises)
    for d in range(cap + 1, 6):
        assert exclusion(plan, f"step-{d}") == "D-FITNESS"
    for d in range(1, cap + 1):
        assert exclusion(plan, f"step-{d}") is None


def test_any_red_flag_blocks_with_the_flags_as_reasons():
    plan = plan_for(red_flags=("saddle_anesthesia", "fever"))
    assert plan.status == "blocked"
    assert plan.exercises == ()
    assert [r.rule for r in plan.reasons] == ["RED-FLAG", "RED-FLAG"]
    assert "fever" in plan.reasons[0].text and "saddle_anesthesia" in plan.reasons[1].text


def test_a_radicular_pain_down_the_leg_adds_a_nerve_glide():
    plan = plan_for(code="sciatica")
    glide = planned(plan, "seated-glide")
    assert glide is not None
    assert any(r.rule == "A-RADICULAR" for r in glide.why)
    assert planned(plan_for(code="scoliosis"), "seated-glide") is None


def test_a_pad_claudication_walking_replaces_the_daily_walk():
    walking = exercise(
        "interval-walking", "aerobic", 2, ("standing", "aerobic"), duration_s=900, sets=1
    )
    plan = plan_for(walking, comorbidities=("peripheral_arterial_disease",))
    assert plan.activity is not None and plan.activity.slug == "interval-walking"
    assert plan.activity.minutes == 30  # about 30 minutes in all
    assert any(r.rule == "A-PAD" for r in plan.activity.why)
    assert planned(plan, "interval-walking") is None  # apart from the session


def test_a_pad_claudication_walking_only_with_arterial_disease():
    walking = exercise(
        "interval-walking", "aerobic", 2, ("standing", "aerobic"), duration_s=900, sets=1
    )
    plan = plan_for(walking)
    assert plan.activity is not None and plan.activity.slug != "interval-walking"
    assert planned(plan, "interval-walking") is None


@pytest.mark.parametrize("trigger", [{"age": 66}, {"comorbidities": ("diabetic_neuropathy",)}])
def test_a_balance_age_and_neuropathy_add_a_supported_balance_exercise(trigger):
    unsupported = exercise("free-stand", "balance", 1, ("standing", "balance_unsupported"))
    plan = plan_for(unsupported, **trigger)
    balance = [e for e in plan.exercises if e.category == "balance"]
    assert [e.slug for e in balance] == ["counter-weight-shift"]
    assert any(r.rule == "A-BALANCE" for r in balance[0].why)


def test_a_preg_aerobic_about_150_minutes_a_week_in_pregnancy():
    plan = plan_for(pregnancy_weeks=20)
    assert plan.activity is not None
    assert 140 <= plan.activity.weekly_minutes <= 180
    assert any(r.rule == "A-PREG-AEROBIC" for r in plan.activity.why)
    assert any(r.rule == "P-PREG-SIGNS" for r in plan.advice)


def test_every_program_has_core_and_mobility_work():
    plan = plan_for()
    categories = {e.category for e in plan.exercises}
    assert "core_stabilisation" in categories
    assert categories & {"mobility", "stretching"}
    assert plan.status == "ok"
