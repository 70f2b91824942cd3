"""The seeded catalogue, as loaded by `load_library`: honest, complete enough to plan from."""

import re
from collections import defaultdict

import pytest

from exercises.models import Exercise
from exercises.vocabulary import CATEGORIES, MOVEMENT_TAGS
from rehab.clinical_catalogue import DIAGNOSES

# The module fixture below needs the test database, which pytest-django sets up only
# for modules that ask for it; without the mark it would reach the development file.
pytestmark = pytest.mark.django_db
DIAGNOSIS_CODES = [dx.code for dx in DIAGNOSES]
RADICULAR = {
    "sciatica",
    "lumboischialgia",
    "disc_herniation",
    "disc_protrusion",
    "piriformis_syndrome",
}

# CLINICAL.md's block rules, by the tags they remove (R-ACUTE by difficulty).
BLOCK_RULES: dict[str, set[str]] = {
    "R-PREG-1": {"high_impact", "breath_hold", "loaded_spinal_flexion", "head_down"},
    "R-PREG-2": {"supine", "prone"},
    "R-OSTEO": {"loaded_spinal_flexion", "high_impact"},
    "R-SPONDY": {"spinal_extension"},
    "R-STEN": {"spinal_extension"},
    "R-DISC-ACUTE": {"loaded_spinal_flexion", "axial_load"},
    "R-PIRI": {"hip_abduction_standing"},
    "R-HTN": {"breath_hold", "head_down"},
    "R-CHD": {"high_impact"},
    "R-RETINO": {"breath_hold", "head_down", "high_impact"},
    "R-NEURO": {"high_impact"},
    "R-OBESE": {"high_impact"},
    "R-OA": {"high_impact"},
}


def _dose(ex: Exercise, which: str) -> dict[str, int]:
    return {key: getattr(ex, f"{which}_{key}") for key in ("sets", "reps", "hold_s", "duration_s")}


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker) -> list[dict]:
    """The catalogue as loaded for the test session, read into plain dicts for the checks below."""
    with django_db_blocker.unblock():
        rows = []
        for ex in Exercise.objects.prefetch_related("movement_tags", "indications").select_related(
            "harder_variant"
        ):
            rows.append(
                {
                    "slug": ex.slug,
                    "category": ex.category,
                    "position": ex.starting_position,
                    "difficulty": ex.difficulty,
                    "tags": {t.code for t in ex.movement_tags.all()},
                    "indications": {d.code for d in ex.indications.all()},
                    "harder": ex.harder_variant.slug if ex.harder_variant else None,
                    "steps": ex.steps,
                    "safety": ex.safety,
                    "seconds": ex.estimated_seconds(),
                    "equipment": set(ex.equipment),
                    "seconds_per_rep": ex.seconds_per_rep,
                    "dose": _dose(ex, "default"),
                    "dose_max": _dose(ex, "max"),
                    "postures": {part.get("posture") for part in ex.pose.values()},
                }
            )
    return rows


def test_at_least_sixty_exercises_in_every_category(library):
    assert len(library) >= 60
    per_category = defaultdict(int)
    for ex in library:
        per_category[ex["category"]] += 1
    assert set(per_category) == set(CATEGORIES)
    assert min(per_category.values()) >= 4, per_category


def test_only_known_tags(library):
    for ex in library:
        assert ex["tags"] <= set(MOVEMENT_TAGS), ex["slug"]


def test_tags_are_honest_about_position(library):
    position_tag = {
        "supine": "supine",
        "prone": "prone",
        "side_lying": "side_lying",
        "quadruped": "quadruped",
        "kneeling": "kneeling",
        "standing": "standing",
    }
    for ex in library:
        tag = position_tag.get(ex["position"])
        if tag:
            assert tag in ex["tags"], f"{ex['slug']} starts {ex['position']} but lacks {tag}"
        if ex["position"] == "quadruped":
            assert "kneeling" in ex["tags"], f"{ex['slug']}: all-fours puts weight on the knees"
        if ex["position"] in {"supine", "prone", "side_lying", "quadruped", "kneeling"}:
            assert "floor_transfer" in ex["tags"], f"{ex['slug']} is done on the floor"
        if ex["category"] == "neural_mobilisation":
            assert "neural_mobilization" in ex["tags"], ex["slug"]
        if ex["category"] == "aerobic":
            assert "aerobic" in ex["tags"], ex["slug"]


def test_variant_chains_are_acyclic_with_rising_difficulty(library):
    by_slug = {ex["slug"]: ex for ex in library}
    targets = [ex["harder"] for ex in library if ex["harder"]]
    assert len(targets) == len(set(targets)), "a variant is the harder step of two exercises"
    assert len(targets) >= 10
    for ex in library:
        seen = {ex["slug"]}
        step = ex
        while step["harder"]:
            harder = by_slug[step["harder"]]
            assert harder["difficulty"] > step["difficulty"], (step["slug"], harder["slug"])
            assert harder["slug"] not in seen, f"loop through {harder['slug']}"
            seen.add(harder["slug"])
            step = harder


@pytest.mark.parametrize("diagnosis", DIAGNOSIS_CODES)
def test_every_diagnosis_has_five_easy_indicated_exercises(library, diagnosis):
    easy = [ex for ex in library if diagnosis in ex["indications"] and ex["difficulty"] <= 2]
    assert len(easy) >= 5, [ex["slug"] for ex in easy]


@pytest.mark.parametrize("rule", [*BLOCK_RULES, "R-ACUTE"])
@pytest.mark.parametrize("diagnosis", DIAGNOSIS_CODES)
def test_each_block_rule_leaves_three_exercises_per_diagnosis(library, rule, diagnosis):
    def blocked(ex: dict) -> bool:
        if rule == "R-ACUTE":
            return ex["difficulty"] > 2
        return bool(ex["tags"] & BLOCK_RULES[rule])

    remaining = [ex for ex in library if diagnosis in ex["indications"] and not blocked(ex)]
    assert len(remaining) >= 3, [ex["slug"] for ex in remaining]


@pytest.mark.parametrize("diagnosis", sorted(RADICULAR))
def test_radicular_diagnoses_have_an_easy_nerve_glide(library, diagnosis):
    glides = [
        ex
        for ex in library
        if diagnosis in ex["indications"]
        and ex["category"] == "neural_mobilisation"
        and ex["difficulty"] <= 2
    ]
    assert glides


def test_extension_is_never_indicated_where_a_rule_blocks_it(library):
    for ex in library:
        if "spinal_extension" in ex["tags"]:
            assert not ex["indications"] & {"spondylolisthesis", "spinal_stenosis"}, ex["slug"]


def test_patient_text_is_complete(library):
    for ex in library:
        assert 3 <= len(ex["steps"]) <= 10, ex["slug"]
        assert ex["safety"][0].startswith("Stop if"), ex["slug"]
        assert 10 <= ex["seconds"] <= 1800, (ex["slug"], ex["seconds"])


def test_special_populations_are_served(library):
    slugs = {ex["slug"] for ex in library}
    assert "interval-walking" in slugs
    supported_balance = [
        ex
        for ex in library
        if ex["category"] == "balance" and "balance_unsupported" not in ex["tags"]
    ]
    assert len(supported_balance) >= 3
    seated = [ex for ex in library if ex["position"] == "seated"]
    assert len(seated) >= 8  # chair-based work for older or deconditioned patients
    pregnancy_friendly = [
        ex for ex in library if not ex["tags"] & (BLOCK_RULES["R-PREG-1"] | BLOCK_RULES["R-PREG-2"])
    ]
    positions = {ex["position"] for ex in pregnancy_friendly}
    assert {"side_lying", "seated", "standing", "quadruped"} <= positions


# ---- Movement tags: read from the steps, the positions and the dose, erring on the side of
# caution (CLINICAL.md, "Movement tags"). The rules act on tags only, so a missing tag lets a
# risky movement past every rule.

# CLINICAL.md's tag table, written out: ../shared is not part of a clean clone.
CLINICAL_TAG_MEANINGS = {
    "supine": "lying on the back",
    "prone": "lying on the stomach",
    "side_lying": "lying on the side",
    "quadruped": "on hands and knees",
    "kneeling": "weight on the knees",
    "standing": "performed standing",
    "floor_transfer": "needs getting down to and up from the floor",
    "loaded_spinal_flexion": "bending the trunk forward against load or gravity (sit-up, crunch)",
    "spinal_extension": "lumbar extension toward end range (press-up, prone extension)",
    "spinal_rotation": "twisting the trunk",
    "axial_load": "compressive load through the spine (carrying, weights overhead)",
    "hip_abduction_standing": "moving the straight leg out to the side from standing",
    "breath_hold": "effort where people tend to hold their breath (Valsalva): planks, wall sits, "
    "held curl-ups, heavy pushes",
    "isometric_hold": "an effort held still (bracing, bridge or plank hold, wall sit), as opposed "
    "to a passive stretch hold",
    "head_down": "head below the heart, or brought down to knee level or lower (deep forward "
    "bends, child's pose)",
    "high_impact": "jumping, running, landing",
    "balance_unsupported": "balance work with no hand support, including sitting or standing on "
    "an unstable surface (exercise ball, cushion)",
    "prolonged_standing": "standing still for 60 s or more in one go (static stances count)",
    "neural_mobilization": "sciatic nerve gliding/flossing",
    "aerobic": "walking, cycling: continuous low-intensity effort",
}

# Sitting, standing or kneeling on something that gives way under you.
UNSTABLE_SURFACE = re.compile(
    r"\b(?:sit|sitting|stand|standing|kneel|kneeling)\b[^.;]*?\bon (?:the |an? |your )?"
    r"(?:middle of (?:the|an?) )?(?:exercise |gym |swiss |balance )?"
    r"(?:ball|cushion|wobble board|foam pad|balance pad)\b"
    r"|wobble board|balance cushion|foam pad|bosu|unstable surface",
    re.IGNORECASE,
)
HANDS_OFF_SUPPORT = re.compile(r"without touching|just above the counter", re.IGNORECASE)
HEAD_LOWERED = re.compile(
    r"\bhead (?:and shoulders )?(?:hang|drop)|forehead on the (?:mat|pillow|floor)",
    re.IGNORECASE,
)
ON_THE_KNEES = re.compile(
    r"\bkneel|hands and knees|all fours|onto one knee|(?:onto|towards?) your heels", re.IGNORECASE
)
# The tag each drawn position (start or end picture) needs: positions moved through count.
POSTURE_TAGS = {
    "supine": {"supine", "floor_transfer"},
    "prone": {"prone", "floor_transfer"},
    "side_lying": {"side_lying", "floor_transfer"},
    "quadruped": {"quadruped", "kneeling", "floor_transfer"},
    "half_kneeling": {"kneeling", "floor_transfer"},
    "standing": {"standing"},
}

# Forward bends that bring the head to knee level or lower, and other head-low positions.
HEAD_TO_KNEES = {"seated-forward-bend", "child-pose"}
HEAD_BELOW_THE_HEART = {"cat-camel"}  # the head is let drop on all fours
# Planks, wall sits and held curl-ups: held efforts where people hold their breath.
VALSALVA_HOLDS = {
    "side-plank-knees",
    "side-plank",
    "wall-plank",
    "wall-slide-squat",
    "modified-curl-up",
}
# Holds that no muscle effort keeps still: resting or stretched positions (stretching and
# nerve gliding are passive by category; these are the passive holds of other categories).
PASSIVE_HOLDS = {
    "single-knee-to-chest",  # the hands draw the knee in
    "double-knee-to-chest",
    "seated-forward-bend",  # the trunk hangs relaxed
    "prone-on-elbows",  # the forearms prop, the back relaxes
    "side-lying-thoracic-rotation",  # the arm rests open
}
PASSIVE_CATEGORIES = {"stretching", "neural_mobilisation"}
# Efforts held still whose dose has no separate hold: the hold is in the steps or is the set.
HELD_WITHOUT_A_DOSED_HOLD = {
    "seated-knee-extension",  # "hold for a slow count of three"
    "single-leg-bridge",  # the lifted leg stays still above the hip
    "bridge-march",  # the bridge is held while the feet lift
    "suitcase-carry",  # the grip and the braced trunk are held for the whole carry
}
# Standing exercises whose legs keep moving (the calf pump works), so a long set is not
# standing still; walking is not standing still either.
LEGS_KEEP_MOVING = {"heel-raises", "supported-weight-shift"}
WALKING = {"tandem-walk", "suitcase-carry"}
TIMED_STANCES = {"supported-single-leg-stance", "single-leg-stance", "tandem-stance-supported"}
# What a supported balance exercise must be free of to suit people aged 65 and over, with
# diabetic neuropathy, or pregnant (CLINICAL.md: a hand on a counter or chair back).
NOT_FOR_THE_FRAIL_OR_PREGNANT = (
    {"balance_unsupported", "prolonged_standing", "floor_transfer"}
    | BLOCK_RULES["R-PREG-1"]
    | BLOCK_RULES["R-PREG-2"]
)


def _by_slug(library: list[dict]) -> dict[str, dict]:
    return {ex["slug"]: ex for ex in library}


def _set_seconds(ex: dict, dose: dict[str, int]) -> int:
    """How long one set lasts in one go: the duration, or every repetition with its hold."""
    if dose["duration_s"]:
        return dose["duration_s"]
    return dose["reps"] * (ex["seconds_per_rep"] + dose["hold_s"])


def test_movement_tags_are_clinical_md_tag_table():
    assert len(CLINICAL_TAG_MEANINGS) == 20
    assert list(MOVEMENT_TAGS) == list(CLINICAL_TAG_MEANINGS)
    for code, meaning in CLINICAL_TAG_MEANINGS.items():
        assert MOVEMENT_TAGS[code] == meaning[0].upper() + meaning[1:], code


def test_named_exercises_exist(library):
    named = (
        HEAD_TO_KNEES
        | HEAD_BELOW_THE_HEART
        | VALSALVA_HOLDS
        | PASSIVE_HOLDS
        | HELD_WITHOUT_A_DOSED_HOLD
        | LEGS_KEEP_MOVING
        | WALKING
        | TIMED_STANCES
    )
    assert named <= set(_by_slug(library)), named - set(_by_slug(library))


def test_every_drawn_position_is_tagged(library):
    for ex in library:
        for posture in ex["postures"]:
            missing = POSTURE_TAGS.get(posture, set()) - ex["tags"]
            assert not missing, f"{ex['slug']} is drawn {posture} but lacks {sorted(missing)}"


def test_steps_on_the_knees_carry_kneeling(library):
    for ex in library:
        if any(ON_THE_KNEES.search(step) for step in ex["steps"]):
            assert {"kneeling", "floor_transfer"} <= ex["tags"], ex["slug"]


def test_unstable_surfaces_are_unsupported_balance(library):
    for ex in library:
        on_ball = "exercise_ball" in ex["equipment"]
        unstable = [step for step in ex["steps"] if UNSTABLE_SURFACE.search(step)]
        if on_ball or unstable:
            assert "balance_unsupported" in ex["tags"], (ex["slug"], unstable)


def test_balance_without_a_hand_on_support_is_unsupported(library):
    for ex in library:
        if ex["category"] == "balance" and any(HANDS_OFF_SUPPORT.search(s) for s in ex["steps"]):
            assert "balance_unsupported" in ex["tags"], ex["slug"]


def test_supported_balance_keeps_a_hand_on_a_counter_or_chair(library):
    supported = [
        ex
        for ex in library
        if ex["category"] == "balance" and "balance_unsupported" not in ex["tags"]
    ]
    for ex in supported:
        assert ex["equipment"] & {"counter", "chair"}, ex["slug"]
        assert ex["equipment"].isdisjoint({"exercise_ball"}), ex["slug"]
        assert any(re.search(r"\bhold(?:ing)?\b", step) for step in ex["steps"]), ex["slug"]
        assert not any(HANDS_OFF_SUPPORT.search(step) for step in ex["steps"]), ex["slug"]
    # Added for age 65 and over and for neuropathy, and safe in pregnancy: one needs no
    # caution at all for any of them.
    for_everyone = [
        ex["slug"]
        for ex in supported
        if not ex["tags"] & NOT_FOR_THE_FRAIL_OR_PREGNANT
        and set(DIAGNOSIS_CODES) <= ex["indications"]
    ]
    assert for_everyone


def test_standing_still_for_a_minute_is_prolonged_standing(library):
    for ex in library:
        if ex["position"] != "standing" or "aerobic" in ex["tags"] or ex["slug"] in WALKING:
            continue
        if ex["dose"]["duration_s"] == 0 and ex["slug"] in LEGS_KEEP_MOVING:
            continue
        longest = max(_set_seconds(ex, ex["dose"]), _set_seconds(ex, ex["dose_max"]))
        if longest >= 60:
            assert "prolonged_standing" in ex["tags"], (ex["slug"], longest)
    by_slug = _by_slug(library)
    for slug in TIMED_STANCES:
        assert "prolonged_standing" in by_slug[slug]["tags"], slug


def test_held_efforts_are_isometric_and_stretch_holds_are_not(library):
    for ex in library:
        passive = ex["category"] in PASSIVE_CATEGORIES or ex["slug"] in PASSIVE_HOLDS
        has_hold = ex["dose"]["hold_s"] > 0 or ex["dose_max"]["hold_s"] > 0
        if passive:
            # Stretch holds are not capped by R-HTN; the tag would cap them.
            assert "isometric_hold" not in ex["tags"], ex["slug"]
        elif has_hold or ex["slug"] in HELD_WITHOUT_A_DOSED_HOLD:
            assert "isometric_hold" in ex["tags"], ex["slug"]


def test_planks_wall_sits_and_held_curl_ups_hold_the_breath(library):
    by_slug = _by_slug(library)
    for slug in VALSALVA_HOLDS:
        assert {"breath_hold", "isometric_hold"} <= by_slug[slug]["tags"], slug
    for ex in library:
        if re.search(r"plank|wall-(?:sit|squat|slide)|curl-up|crunch|sit-up", ex["slug"]):
            assert ex["slug"] in VALSALVA_HOLDS, f"{ex['slug']}: add it to VALSALVA_HOLDS"
        if re.search(r"curl-up|crunch|sit-up", ex["slug"]):
            assert "loaded_spinal_flexion" in ex["tags"], ex["slug"]


def test_head_low_positions_are_head_down(library):
    by_slug = _by_slug(library)
    for slug in HEAD_TO_KNEES | HEAD_BELOW_THE_HEART:
        assert "head_down" in by_slug[slug]["tags"], slug
    for ex in library:
        if any(HEAD_LOWERED.search(step) for step in ex["steps"]):
            assert "head_down" in ex["tags"], ex["slug"]


@pytest.mark.parametrize(
    ("slug", "tags"),
    [
        ("prone-press-up", {"spinal_extension"}),
        ("prone-on-elbows", {"spinal_extension"}),
        ("standing-back-extension", {"spinal_extension", "standing"}),
        ("seated-trunk-rotation", {"spinal_rotation"}),
        ("knee-rocking-supine", {"spinal_rotation"}),
        ("side-lying-thoracic-rotation", {"spinal_rotation"}),
        ("suitcase-carry", {"axial_load", "standing"}),
        ("walk-jog-intervals", {"high_impact", "aerobic"}),
        ("standing-hip-abduction", {"hip_abduction_standing"}),
        ("modified-curl-up", {"loaded_spinal_flexion"}),
        ("seated-forward-bend", {"loaded_spinal_flexion"}),
        ("prone-lying", {"prone", "kneeling", "floor_transfer"}),
        ("sit-to-stand", {"standing"}),
        ("sit-to-stand-arms", {"standing"}),
        ("seated-ball-balance", {"balance_unsupported"}),
    ],
)
def test_spot_checks(library, slug, tags):
    assert tags <= _by_slug(library)[slug]["tags"]
