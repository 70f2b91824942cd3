"""Every exercise has an animated demonstration: its start and end poses set in motion."""

import re
import xml.etree.ElementTree as ET

import pytest

from exercises.demonstrations import exercise_demo_svg
from exercises.illustration import (
    DEMO_STYLE,
    PoseError,
    parse_exercise_pose,
    render_demo_svg,
)
from exercises.models import Exercise

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"title": "Squat: how to move", "description": "d", "start_label": "S", "end_label": "E"}


@pytest.fixture(scope="module")
def demos(django_db_setup, django_db_blocker) -> dict[str, str]:
    """Every seeded exercise's demonstration, drawn once for the checks below."""
    with django_db_blocker.unblock():
        return {ex.slug: exercise_demo_svg(exercise=ex) for ex in Exercise.objects.order_by("slug")}


def group(root: ET.Element, name: str) -> ET.Element:
    found = [e for e in root.iter(f"{SVG}g") if e.get("class") == name]
    assert len(found) == 1, name
    return found[0]


def stills(root: ET.Element) -> tuple[str, str]:
    """The start and end pictures shown side by side when motion is reduced."""
    start, end = group(root, "s").findall(f"{SVG}svg")
    return ET.tostring(start, encoding="unicode"), ET.tostring(end, encoding="unicode")


def test_every_exercise_has_a_titled_demonstration_that_moves(demos):
    assert len(demos) >= 70
    for slug, svg in demos.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img", slug
        assert root.get("viewBox") == "0 0 400 300"
        assert root[0].tag == f"{SVG}title" and root[0].text.endswith(": how to move"), slug
        assert root[1].tag == f"{SVG}desc" and "arrow" in root[1].text
        animations = list(group(root, "m").iter(f"{SVG}animate"))
        assert animations, slug
        moving = [a for a in animations if len(set(a.get("values").split(";"))) > 1]
        assert moving, slug
        for animation in animations:
            assert animation.get("repeatCount") == "indefinite"
            times = [float(t) for t in animation.get("keyTimes").split(";")]
            assert len(times) == len(animation.get("values").split(";")), slug
            assert times[0] == 0 and times[-1] == 1 and times == sorted(times), slug
            assert 4 <= float(animation.get("dur").removesuffix("s")) <= 8


def test_with_reduced_motion_the_start_and_end_stand_side_by_side(demos):
    for slug, svg in demos.items():
        root = ET.fromstring(svg)
        style = root.find(f"{SVG}style").text
        assert style == DEMO_STYLE
        assert "@media (prefers-reduced-motion:reduce){.m{display:none}.s{display:inline}}" in style
        still = group(root, "s")
        assert not list(still.iter(f"{SVG}animate")), slug
        labels = [t.text for t in still.iter(f"{SVG}text")]
        assert labels == ["Start", "End"], slug
        start, end = stills(root)
        assert start != end, slug


def test_every_demonstration_has_an_arrow_in_the_movement_and_on_the_start_picture(demos):
    for slug, svg in demos.items():
        root = ET.fromstring(svg)
        for name in ("m", "s"):
            arrows = [p for p in group(root, name).iter(f"{SVG}path") if p.get("class") == "arrow"]
            assert len(arrows) == 1, (slug, name)
            assert re.fullmatch(r"M[\d.,-]+ Q[\d.,-]+ [\d.,-]+", arrows[0].get("d")), slug


def test_demonstrations_are_small_and_self_contained(demos):
    sizes = {slug: len(svg.encode()) for slug, svg in demos.items()}
    assert max(sizes.values()) < 14_000, max(sizes.items(), key=lambda item: item[1])
    assert sum(sizes.values()) / len(sizes) < 8_000
    for svg in demos.values():
        assert "script" not in svg.lower() and "url(" not in svg
        assert svg.count("http") == 1  # the SVG namespace
        links = re.findall(r'href="([^"]*)"', svg)
        assert links and all(re.fullmatch(r"#r\d+", link) for link in links)


def test_the_same_exercise_always_gives_the_same_bytes(demos):
    for exercise in Exercise.objects.order_by("slug")[::9]:
        assert exercise_demo_svg(exercise=exercise) == demos[exercise.slug]


SQUAT = {
    "start": {"posture": "standing"},
    "end": {"posture": "standing", "hip": 90, "knee": 100, "trunk": 30, "shoulder": 80},
}


def test_a_middle_pose_is_passed_through_and_validated_like_the_others():
    straight = render_demo_svg(parse_exercise_pose(SQUAT), **LABELS)
    bent = {**SQUAT, "mid": {"posture": "standing", "hip": 20, "knee": 120}}
    through = render_demo_svg(parse_exercise_pose(bent), **LABELS)
    assert through != straight
    with pytest.raises(PoseError) as error:
        parse_exercise_pose({**SQUAT, "mid": {"posture": "standing", "knee": -5}})
    assert str(error.value).startswith("mid.knee: must be a number of degrees")


def test_a_pose_without_movement_still_gets_a_picture_and_an_arrow():
    still = {"start": {"posture": "supine"}, "end": {"posture": "supine"}}
    root = ET.fromstring(render_demo_svg(parse_exercise_pose(still), **LABELS))
    assert [p for p in root.iter(f"{SVG}path") if p.get("class") == "arrow"]


def test_text_with_markup_characters_stays_well_formed():
    labels = {
        "title": "<Tom & Jerry>",
        "description": "a < b",
        "start_label": "&",
        "end_label": '"',
    }
    root = ET.fromstring(render_demo_svg(parse_exercise_pose(SQUAT), **labels))
    assert root[0].text == "<Tom & Jerry>"


def test_the_still_version_shows_only_the_labelled_start_and_end(demos):
    for exercise in Exercise.objects.order_by("slug")[::5]:
        svg = exercise_demo_svg(exercise=exercise, still=True)
        root = ET.fromstring(svg)
        assert not list(root.iter(f"{SVG}animate")) and root.find(f"{SVG}style") is None
        assert [e.get("class") for e in root.iter(f"{SVG}g") if e.get("class")] == ["s"]
        moving = ET.fromstring(demos[exercise.slug])
        assert stills(root) == stills(moving), exercise.slug
        assert len(svg) < len(demos[exercise.slug])
