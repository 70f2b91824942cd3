"""Exercise pictures: every exercise shows its start and end position, drawn from a pose."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError

from exercises.illustration import (
    FAR_COLOUR,
    NEAR_COLOUR,
    PoseError,
    parse_exercise_pose,
    parse_pose,
    pose_for_starting_position,
    render_pose_svg,
    resting_parts,
)
from exercises.models import Exercise
from exercises.selectors import exercise_illustration_svg
from exercises.vocabulary import STARTING_POSITIONS

# The module fixture below needs the test database, which pytest-django sets up only
# for modules that ask for it.
pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
PHASES = ("start", "end")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> dict[str, Exercise]:
    """The seeded catalogue as loaded for the test session, kept in memory for the checks."""
    with django_db_blocker.unblock():
        return {ex.slug: ex for ex in Exercise.objects.order_by("slug")}


def drawing(svg: str) -> str:
    """The picture without its title, which names the phase."""
    return svg.split("</title>", 1)[1]


def test_every_seeded_exercise_has_a_start_and_an_end_pose(seeded):
    assert len(seeded) >= 60
    for slug, exercise in seeded.items():
        assert {"start", "end"} <= set(exercise.pose) <= {"start", "mid", "end"}, slug
        parse_exercise_pose(exercise.pose)


def test_every_picture_is_a_small_well_formed_svg_titled_for_screen_readers(seeded):
    for exercise in seeded.values():
        for phase in PHASES:
            svg = exercise_illustration_svg(exercise=exercise, phase=phase)
            root = ET.fromstring(svg)
            assert root.tag == f"{SVG}svg"
            assert root.get("role") == "img"
            assert root.get("viewBox") == "0 0 400 300"
            title = root[0]
            assert title.tag == f"{SVG}title"
            assert title.text == f"{exercise.name}: {phase} position"
            assert len(svg.encode()) < 8_000, (exercise.slug, phase, len(svg))


def test_pictures_are_self_contained_with_no_scripts_or_links(seeded):
    allowed = {f"{SVG}{tag}" for tag in ("svg", "title", "g", "path", "circle", "rect")}
    for exercise in seeded.values():
        for phase in PHASES:
            svg = exercise_illustration_svg(exercise=exercise, phase=phase)
            elements = list(ET.fromstring(svg).iter())
            assert {element.tag for element in elements} <= allowed
            assert not any("href" in name for e in elements for name in e.attrib)
            assert "url(" not in svg and "script" not in svg.lower()
            assert svg.count("http") == 1  # the SVG namespace


def test_start_and_end_differ_for_every_exercise(seeded):
    for slug, exercise in seeded.items():
        start = exercise_illustration_svg(exercise=exercise, phase="start")
        end = exercise_illustration_svg(exercise=exercise, phase="end")
        assert drawing(start) != drawing(end), slug


def test_the_same_pose_always_gives_the_same_bytes(seeded):
    for exercise in list(seeded.values())[::7]:
        first = exercise_illustration_svg(exercise=exercise, phase="end")
        again = render_pose_svg(parse_exercise_pose(dict(exercise.pose)).end, title="x")
        assert exercise_illustration_svg(exercise=exercise, phase="end") == first
        assert drawing(again) == drawing(first)


@pytest.mark.parametrize(
    ("slug", "phase", "resting", "lifted"),
    [
        ("glute-bridge", "start", {"pelvis", "head", "near_foot", "far_foot"}, set()),
        ("glute-bridge", "end", {"thoracic", "head", "near_foot", "far_foot"}, {"pelvis"}),
        ("prone-press-up", "end", {"pelvis", "near_hand", "far_hand"}, {"thoracic", "head"}),
        ("bird-dog", "start", {"near_hand", "far_hand", "near_shin", "far_shin"}, set()),
        ("bird-dog", "end", {"near_hand", "far_shin"}, {"far_hand", "near_shin", "near_foot"}),
        ("side-plank", "end", {"far_forearm", "far_foot"}, {"pelvis"}),
        ("clamshell", "start", {"pelvis", "far_thigh", "far_upper_arm"}, set()),
        ("sit-to-stand", "start", {"near_foot", "far_foot"}, set()),
        ("sit-to-stand", "end", {"near_foot", "far_foot"}, set()),
        ("heel-raises", "end", {"near_foot", "far_foot"}, set()),
        ("supported-single-leg-stance", "end", {"far_foot"}, {"near_foot"}),
        ("easy-walking", "start", {"near_foot", "far_foot"}, set()),
        ("half-kneeling-hip-flexor-stretch", "start", {"near_thigh", "far_foot"}, set()),
        ("calf-stretch-wall", "end", {"near_foot", "far_foot"}, set()),
    ],
)
def test_figures_rest_on_the_floor_where_the_posture_says(seeded, slug, phase, resting, lifted):
    pose = parse_exercise_pose(seeded[slug].pose).phase(phase)
    parts = resting_parts(pose)
    assert resting <= parts, sorted(parts)
    assert not lifted & parts, sorted(parts)


def test_a_figure_keeps_its_proportions_in_every_posture():
    """Limb lengths do not depend on the posture: the drawn standing height is constant."""
    heights = set()
    for posture in ("standing", "seated", "supine", "quadruped", "side_lying"):
        svg = render_pose_svg(parse_pose({"posture": posture}), title=posture)
        heads = [c for c in ET.fromstring(svg).iter(f"{SVG}circle") if c.get("fill") != "#fff"]
        heights.add(heads[-1].get("r"))
    assert len(heights) == 1  # the head is drawn at one scale


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_near_limbs_are_darker_than_far_limbs_and_both_stand_out_on_white():
    assert luminance(NEAR_COLOUR) < luminance(FAR_COLOUR)
    for colour in (NEAR_COLOUR, FAR_COLOUR):
        assert (1.05) / (luminance(colour) + 0.05) >= 3  # WCAG contrast for graphics
    svg = render_pose_svg(parse_pose({"posture": "standing", "hip": {"near": 20}}), title="x")
    assert NEAR_COLOUR in svg and FAR_COLOUR in svg


def test_a_title_with_markup_characters_stays_well_formed():
    svg = render_pose_svg(parse_pose({"posture": "standing"}), title='Rock & roll <"fast">')
    assert ET.fromstring(svg)[0].text == 'Rock & roll <"fast">'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"posture": "lying"}, "posture: unknown posture 'lying'; valid: standing, seated"),
        ({}, "posture: required"),
        ({"posture": "supine", "knee": 200}, "knee: must be a number of degrees from 0 to 165"),
        ({"posture": "supine", "hip": "bent"}, "hip: must be a number of degrees"),
        ({"posture": "supine", "hip": True}, "hip: must be a number of degrees"),
        ({"posture": "supine", "hip": math.nan}, "hip: must be a number of degrees"),
        ({"posture": "supine", "hip": {"near": 45, "left": 30}}, "hip: use a number"),
        ({"posture": "supine", "hip": {"far": -50}}, "hip: must be a number of degrees from -45"),
        ({"posture": "supine", "props": ["mat", "trampoline"]}, "props: unknown 'trampoline'"),
        ({"posture": "supine", "props": "mat"}, "props: must be a list of names"),
        ({"posture": "supine", "highlight": ["soul"]}, "highlight: unknown 'soul'"),
        ({"posture": "supine", "view": "top"}, "view: unknown view 'top'"),
        ({"posture": "supine", "breath": "hold"}, "breath: must be 'in' or 'out'"),
        ({"posture": "supine", "hips": 45}, "unknown field hips; valid: posture, view"),
        ("supine", "must be a table of pose fields"),
    ],
)
def test_a_bad_pose_says_which_field_is_wrong(data, message):
    with pytest.raises(PoseError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_pose(data)
    assert issubclass(PoseError, ValueError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": {"posture": "supine"}}, "missing end; a pose needs both a start and an end."),
        ({}, "missing start and end"),
        ({"start": {}, "end": {}, "middle": {}}, "unknown phase middle; use start, mid and end."),
        ({"start": {"posture": "supine"}, "end": {"posture": "supine", "knee": -5}}, "end.knee: "),
        ({"start": {"posture": "supine", "hips": 1}, "end": {}}, "start: unknown field hips"),
        ([], "must be a table with a start and an end pose."),
    ],
)
def test_an_exercise_pose_needs_both_phases_and_errors_name_the_phase(data, message):
    with pytest.raises(PoseError) as error:
        parse_exercise_pose(data)
    assert str(error.value).startswith(message)


def test_a_limb_can_differ_between_the_near_and_the_far_side():
    pose = parse_pose({"posture": "supine", "hip": {"near": 110}, "knee": 90})
    assert (pose.near.hip, pose.far.hip) == (110, -3)  # the far leg keeps the posture's angle
    assert pose.near.knee == pose.far.knee == 90


def make_exercise(**fields) -> Exercise:
    values = {
        "name": "Clinic stretch",
        "slug": "clinic-stretch",
        "summary": "A stretch the clinic added.",
        "instructions": "Sit down.\nStretch.",
        "safety_notes": "Stop if it hurts.",
        "category": "stretching",
        "starting_position": "seated",
        "equipment": ["chair"],
        "difficulty": 1,
        "default_reps": 5,
        "min_reps": 1,
        "max_reps": 10,
        "seconds_per_rep": 3,
    }
    values.update(fields)
    return Exercise(**values)


def test_an_exercise_without_a_pose_shows_its_starting_position_in_both_phases():
    exercise = make_exercise()
    start = exercise_illustration_svg(exercise=exercise, phase="start")
    end = exercise_illustration_svg(exercise=exercise, phase="end")
    assert ET.fromstring(start)[0].text == "Clinic stretch: start position"
    assert drawing(start) == drawing(end)
    seated = render_pose_svg(pose_for_starting_position("seated", ["chair"]), title="x")
    assert drawing(start) == drawing(seated)


@pytest.mark.parametrize("position", list(STARTING_POSITIONS))
def test_every_starting_position_has_a_fallback_picture(position):
    svg = exercise_illustration_svg(
        exercise=make_exercise(starting_position=position, equipment=[]), phase="end"
    )
    assert ET.fromstring(svg).get("role") == "img"
    assert resting_parts(pose_for_starting_position(position))


def test_a_picture_has_only_a_start_and_an_end():
    with pytest.raises(ValueError, match="Unknown phase 'middle'; use start or end"):
        exercise_illustration_svg(exercise=make_exercise(), phase="middle")


def test_the_model_validates_its_pose_with_the_same_rules():
    exercise = make_exercise(pose={"start": {"posture": "seated"}, "end": {"posture": "sofa"}})
    with pytest.raises(ValidationError) as error:
        exercise.full_clean(validate_constraints=False)
    assert error.value.message_dict["pose"] == [
        "end.posture: unknown posture 'sofa'; valid: standing, seated, kneeling, "
        "half_kneeling, quadruped, supine, prone, side_lying."
    ]
    make_exercise(pose={}).full_clean(validate_constraints=False)
