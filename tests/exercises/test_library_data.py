"""The seeded catalogue, as loaded by `load_library`: honest, complete enough to plan from."""

from collections import defaultdict

import pytest
from django.core.management import call_command

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


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker) -> list[dict]:
    """The catalogue loaded once, read into plain dicts for the checks below."""
    with django_db_blocker.unblock():
        call_command("load_library", verbosity=0)
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
                }
            )
        Exercise.objects.all().delete()
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
