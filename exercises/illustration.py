"""Start and end pictures of an exercise: a small pose description and its SVG figure.

A pose says what a clinician would say about a position: a base posture, the few joint
angles that differ from it, in degrees, and the props in the picture. Angles are clinical
joint angles, zero when standing upright with the arms by the sides:

- ``trunk``: tilt of the whole trunk from the posture's base orientation. Upright postures
  (standing, seated, kneeling, half_kneeling): leaning forward is positive. Lying and on
  all fours: raising the head end is positive, raising the pelvis end (a bridge) negative.
  Hip angles are measured from the trunk, so tilting it carries the legs along: leaning
  forward in a chair while the thighs stay on the seat means more hip flexion.
- ``spine``: curve of the back between pelvis and shoulders, rounded (flexion) positive,
  hollow negative. ``side_bend`` and ``twist`` turn the chest toward the near side when
  positive. ``neck``: chin down (flexion) positive.
- Per limb, a number for both sides or a table ``{ near = .., far = .. }``: ``hip`` and
  ``shoulder`` flexion (extension negative), ``knee`` and ``elbow`` flexion, ``ankle``
  dorsiflexion (pointing the toes is negative; left out, a foot near the floor rests flat),
  ``hip_abduction`` and ``shoulder_abduction``, ``shoulder_rotation`` (external positive:
  with the elbow bent, internal rotation folds the forearm across the body) and
  ``hip_rotation`` (external positive, drawn as the knee opening outward around the line
  from hip to foot, the foot staying put, as in a clamshell).

The near side faces the viewer; lying on the side, it is the upper side. The figure is
built by forward kinematics from the pelvis and set down so that its lowest point rests on
the floor (or the mat, or the pedals); hands and feet that reach the floor lie flat on it.
Every lying exercise is seen from the side, on the floor line: lying on the side, from in
front and nearly level with the floor, turned a little toward the feet (``side``) or toward
the head (``three_quarter``, for a knee bent behind the body).

An exercise's pose has a start and an end, and optionally a ``mid`` pose that a movement
passes through. ``render_demo_svg`` sets them in motion: frames whose joint angles are
blended between the key poses, drawn by the same renderer, animated with SMIL, with an
arrow along the joint that moves furthest and, for prefers-reduced-motion, the start and
end side by side. Nothing here touches the database: the library loader,
``Exercise.clean()`` and the selectors all validate through ``parse_exercise_pose``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Final
from xml.sax.saxutils import escape

PHASES: Final = ("start", "end")
# A movement that does not go straight from start to end passes through a middle pose.
KEY_PHASES: Final = ("start", "mid", "end")

POSTURES: Final[dict[str, str]] = {
    "standing": "Standing, facing right",
    "seated": "Sitting, thighs forward and shins down",
    "kneeling": "Kneeling upright on both knees",
    "half_kneeling": "Kneeling on the near knee with the far foot in front",
    "quadruped": "On hands and knees, head to the right",
    "supine": "Lying on the back, head to the left",
    "prone": "Lying on the stomach, head to the right",
    "side_lying": "Lying on the side, head to the right",
}

VIEWS: Final[dict[str, str]] = {
    "side": "From the side, level with the body",
    "front": "From the front",
    "back": "From behind",
    "three_quarter": "From the front and a little to the side",
    "above": "From the front and above (lying exercises are now all seen from the side)",
}

PROPS: Final[dict[str, str]] = {
    "mat": "Exercise mat under the body",
    "pillow": "Pillow under the head",
    "pillow_knees": "Pillow under or between the knees",
    "towel": "Folded towel under the knees, or under the waist when lying on the side",
    "chair": "Chair: sat on, behind the legs when standing, or held when kneeling",
    "wall": "Wall behind the back, or in front when the hands reach it",
    "counter": "Counter or sturdy table under the higher hand",
    "ball": "Exercise ball under the pelvis",
    "step": "Step under the near foot",
    "band": "Resistance band from the hands to an anchor in front",
    "band_side": "Resistance band from the hands to an anchor at the side",
    "band_knees": "Resistance band looped around the thighs above the knees",
    "strap": "Strap from the near hand to the near foot",
    "bag": "Shopping bag carried in the near hand",
    "bike": "Stationary bike",
}

HIGHLIGHTS: Final[dict[str, str]] = {
    "abdomen": "Lower tummy",
    "back": "Back",
    "glutes": "Buttocks",
    "hip_front": "Front of the near hip",
    "thigh": "Near thigh",
    "calf": "Near calf",
    "arms": "Both arms",
    "shoulders": "Shoulders",
    "neck": "Neck",
    "whole_body": "Whole body",
}

BREATHS: Final = ("in", "out")

# Degrees a clinician might write; beyond these a typo is likelier than a pose.
AXIAL_RANGES: Final[dict[str, tuple[int, int]]] = {
    "trunk": (-90, 90),
    "spine": (-45, 60),
    "neck": (-60, 60),
    "twist": (-70, 70),
    "side_bend": (-45, 45),
}
LIMB_RANGES: Final[dict[str, tuple[int, int]]] = {
    "hip": (-45, 150),
    "knee": (0, 165),
    "ankle": (-85, 40),
    "shoulder": (-90, 180),
    "elbow": (0, 160),
    "hip_abduction": (-30, 90),
    "hip_rotation": (-60, 60),
    "shoulder_abduction": (-45, 180),
    "shoulder_rotation": (-90, 90),
}
FIELDS: Final = ("posture", "view", "props", "highlight", "breath", *AXIAL_RANGES, *LIMB_RANGES)


class PoseError(ValueError):
    """A pose that cannot be drawn; ``field`` names the offending field when there is one."""

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field


@dataclass(frozen=True)
class Limbs:
    """The joint angles of one side of the body, in degrees."""

    hip: float = 0.0
    knee: float = 0.0
    ankle: float | None = None
    shoulder: float = 0.0
    elbow: float = 0.0
    hip_abduction: float = 0.0
    hip_rotation: float = 0.0
    shoulder_abduction: float = 0.0
    shoulder_rotation: float = 0.0


@dataclass(frozen=True)
class Pose:
    """One position of the body: a base posture, joint angles and props."""

    posture: str
    view: str = "side"
    trunk: float = 0.0
    spine: float = 0.0
    neck: float = 0.0
    twist: float = 0.0
    side_bend: float = 0.0
    near: Limbs = Limbs()
    far: Limbs = Limbs()
    props: tuple[str, ...] = ()
    highlight: tuple[str, ...] = ()
    breath: str | None = None


@dataclass(frozen=True)
class ExercisePose:
    """The start and end poses, and optionally one in the middle that a movement passes."""

    start: Pose
    end: Pose
    mid: Pose | None = None

    def phase(self, name: str) -> Pose:
        if name not in PHASES:
            raise ValueError(f"Unknown phase {name!r}; use start or end.")
        return self.start if name == "start" else self.end

    @property
    def key_poses(self) -> tuple[Pose, ...]:
        """The poses a demonstration moves through, in order."""
        return (self.start, self.end) if self.mid is None else (self.start, self.mid, self.end)


# What each posture means for an angle that is left out; a pair is (near, far).
_Default = float | tuple[float | None, float | None]
_POSTURE_DEFAULTS: Final[dict[str, dict[str, _Default]]] = {
    "standing": {"elbow": 8},
    "seated": {"hip": 90, "knee": 90, "shoulder": 15, "elbow": 50},
    "kneeling": {"knee": 90, "ankle": -75, "elbow": 8},
    "half_kneeling": {"hip": (-8, 92), "knee": (80, 88), "ankle": (-75, None), "elbow": 8},
    # With hands under shoulders and knees under hips, the shoulders sit a little higher.
    "quadruped": {"trunk": 11, "hip": 79, "knee": 90, "ankle": -75, "shoulder": 79},
    # Arms and legs rest on the floor beside the thicker trunk.
    "supine": {"hip": -3, "neck": 5, "shoulder": -8, "elbow": 5},
    "prone": {"hip": 4, "ankle": -75, "shoulder": 6, "elbow": 5},
    # The upper knee rests on the lower one and the upper hand on the mat, as gravity has them.
    "side_lying": {
        "hip": 35,
        "knee": 50,
        "hip_abduction": (-22, 3),
        "shoulder": 75,
        "shoulder_abduction": (-30, 0),
        "elbow": 40,
    },
}
_DEFAULT_VIEW: Final[dict[str, str]] = {}


def _degrees(key: str, value: object) -> float:
    low, high = AXIAL_RANGES.get(key) or LIMB_RANGES[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise PoseError(f"must be a number of degrees from {low} to {high}, not {value!r}.", key)
    return float(value)


def _names(key: str, value: object, vocabulary: Mapping[str, str]) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise PoseError("must be a list of names.", key)
    unknown = [item for item in value if item not in vocabulary]
    if unknown:
        raise PoseError(
            f"unknown {', '.join(map(repr, unknown))}; valid: {', '.join(vocabulary)}.", key
        )
    if len(set(value)) != len(value):
        raise PoseError("a name is listed twice.", key)
    return tuple(value)


def _limbs(angles: Mapping[str, float | None]) -> Limbs:
    ankle = angles["ankle"]
    return Limbs(ankle=ankle, **{k: v or 0.0 for k, v in angles.items() if k != "ankle"})


def parse_pose(data: object) -> Pose:
    """One phase's pose from its plain data (a TOML table or a JSON object).

    Raises PoseError, a ValueError whose message starts with the offending field.
    """
    if not isinstance(data, Mapping):
        raise PoseError("must be a table of pose fields such as posture, hip and knee.")
    unknown = sorted(str(key) for key in data if key not in FIELDS)
    if unknown:
        raise PoseError(f"unknown field {', '.join(unknown)}; valid: {', '.join(FIELDS)}.")
    posture = data.get("posture")
    if not isinstance(posture, str) or posture not in POSTURES:
        problem = f"unknown posture {posture!r}" if posture is not None else "required"
        raise PoseError(f"{problem}; valid: {', '.join(POSTURES)}.", "posture")
    view = data.get("view", _DEFAULT_VIEW.get(posture, "side"))
    if not isinstance(view, str) or view not in VIEWS:
        raise PoseError(f"unknown view {view!r}; valid: {', '.join(VIEWS)}.", "view")
    breath = data.get("breath")
    if breath is not None and breath not in BREATHS:
        raise PoseError(f"must be 'in' or 'out', not {breath!r}.", "breath")
    defaults = _POSTURE_DEFAULTS[posture]
    axial: dict[str, float] = {}
    for key in AXIAL_RANGES:
        default = defaults.get(key, 0.0)
        assert not isinstance(default, tuple)
        axial[key] = _degrees(key, data[key]) if key in data else default
    near: dict[str, float | None] = {}
    far: dict[str, float | None] = {}
    for key in LIMB_RANGES:
        both = defaults.get(key, None if key == "ankle" else 0.0)
        near[key], far[key] = both if isinstance(both, tuple) else (both, both)
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            near[key] = far[key] = _degrees(key, value)
            continue
        if not value or set(value) - {"near", "far"}:
            raise PoseError("use a number for both sides, or a table with near and far.", key)
        if "near" in value:
            near[key] = _degrees(key, value["near"])
        if "far" in value:
            far[key] = _degrees(key, value["far"])
    return Pose(
        posture=posture,
        view=view,
        near=_limbs(near),
        far=_limbs(far),
        props=_names("props", data.get("props", []), PROPS),
        highlight=_names("highlight", data.get("highlight", []), HIGHLIGHTS),
        breath=breath,
        **axial,
    )


def parse_exercise_pose(data: object) -> ExercisePose:
    """Both phases of an exercise's pose; errors name the phase and field (``end.knee: ...``)."""
    if not isinstance(data, Mapping):
        raise PoseError("must be a table with a start and an end pose.")
    missing = [phase for phase in PHASES if phase not in data]
    if missing:
        raise PoseError(f"missing {' and '.join(missing)}; a pose needs both a start and an end.")
    extra = sorted(str(key) for key in data if key not in KEY_PHASES)
    if extra:
        raise PoseError(f"unknown phase {', '.join(extra)}; use start, mid and end.")
    phases: dict[str, Pose] = {}
    for phase in KEY_PHASES:
        if phase not in data:
            continue
        try:
            phases[phase] = parse_pose(data[phase])
        except PoseError as error:
            raise PoseError(
                error.reason, f"{phase}.{error.field}" if error.field else phase
            ) from None
    return ExercisePose(**phases)


_FALLBACKS: Final[dict[str, dict[str, float | str]]] = {
    "supine": {"posture": "supine", "hip": 45, "knee": 90},
    "prone": {"posture": "prone"},
    "side_lying": {"posture": "side_lying"},
    "quadruped": {"posture": "quadruped"},
    "kneeling": {"posture": "kneeling"},
    "seated": {"posture": "seated"},
    "standing": {"posture": "standing"},
}
_EQUIPMENT_PROPS: Final[dict[str, str]] = {
    "mat": "mat",
    "chair": "chair",
    "wall": "wall",
    "counter": "counter",
    "exercise_ball": "ball",
    "stationary_bike": "bike",
}


def pose_for_starting_position(position: str, equipment: Iterable[str] = ()) -> Pose:
    """A plain picture of a starting position, for exercises that have no pose of their own."""
    data: dict[str, object] = dict(_FALLBACKS.get(position, _FALLBACKS["standing"]))
    lying = position in ("supine", "prone", "side_lying", "quadruped", "kneeling")
    props = ["mat"] if lying else ["chair"] if position == "seated" else []
    for item in equipment:
        prop = _EQUIPMENT_PROPS.get(item)
        if prop and prop not in props:
            props.append(prop)
    if {"ball", "bike"} & set(props) and "chair" in props:
        props.remove("chair")
    data["props"] = props
    return parse_pose(data)


# ---------------------------------------------------------------------------------------------
# The body: proportions as fractions of standing height, joint centre to joint centre
# (Winter's anthropometric tables), and half the drawn thickness of each part.

Vec = tuple[float, float, float]

_HIP_HALF = 0.085
_SHOULDER_HALF = 0.11
_TRUNK = 0.29
_NECK = 0.105
_HEAD_R = 0.066
_THIGH = 0.245
_SHIN = 0.246
_UPPER_ARM = 0.168
_FOREARM = 0.146
_HAND = 0.065
_HEEL = 0.03
_TOE = 0.11
_SOLE = 0.024

_R_TRUNK = 0.058
_R_THIGH = 0.034
_R_SHIN = 0.028
_R_UPPER_ARM = 0.026
_R_FOREARM = 0.022
_R_FOOT = 0.02
_R_NECK = 0.026

_MAT = 0.018
_NEAR_FLOOR = 0.05
_PEDAL_HEIGHT = 0.1
_ORIGIN: Final[Vec] = (0.0, 0.0, 0.0)


def _add(*vectors: Vec) -> Vec:
    return (sum(v[0] for v in vectors), sum(v[1] for v in vectors), sum(v[2] for v in vectors))


def _mul(v: Vec, k: float) -> Vec:
    return (v[0] * k, v[1] * k, v[2] * k)


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(v: Vec) -> Vec:
    length = math.sqrt(_dot(v, v))
    return _mul(v, 1 / length) if length > 1e-9 else _ORIGIN


def _rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """Rodrigues' rotation of v about a unit axis, right-handed."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    return _add(_mul(v, cos), _mul(_cross(axis, v), sin), _mul(axis, _dot(axis, v) * (1 - cos)))


@dataclass(frozen=True)
class _Frame:
    """Body axes: fwd (anterior), up (toward the head), side (toward the near side)."""

    fwd: Vec
    up: Vec
    side: Vec

    def turned(self, axis: str, degrees: float) -> _Frame:
        """Turned about one of its own axes; about ``side``, positive takes fwd toward up."""
        if not degrees:
            return self
        k: Vec = getattr(self, axis)
        return _Frame(
            _rotate(self.fwd, k, degrees),
            _rotate(self.up, k, degrees),
            _rotate(self.side, k, degrees),
        )


# World axes: x to the right, y up, z toward the viewer of the side view.
_UPRIGHT = _Frame((1, 0, 0), (0, 1, 0), (0, 0, 1))
_SUPINE = _Frame((0, 1, 0), (-1, 0, 0), (0, 0, 1))
_PRONE = _Frame((0, -1, 0), (1, 0, 0), (0, 0, 1))
_SIDE_LYING = _Frame((0, 0, 1), (1, 0, 0), (0, 1, 0))


def _pelvis_frame(pose: Pose) -> _Frame:
    if pose.posture == "side_lying":
        return _SIDE_LYING.turned("fwd", pose.trunk)
    if pose.posture in ("prone", "quadruped"):
        return _PRONE.turned("side", pose.trunk)
    base = _SUPINE if pose.posture == "supine" else _UPRIGHT
    return base.turned("side", -pose.trunk)


@dataclass(frozen=True)
class _Segment:
    name: str
    side: str  # "near", "far" or "mid"
    a: Vec
    b: Vec
    radius: float


@dataclass(frozen=True)
class _Body:
    segments: tuple[_Segment, ...]
    points: Mapping[str, Vec]  # joints by name: "pelvis", "chest", "near_knee", ...
    pelvis_frame: _Frame
    thorax_frame: _Frame
    head_frame: _Frame

    def __getitem__(self, name: str) -> Vec:
        return self.points[name]

    def moved(self, offset: Vec) -> _Body:
        return replace(
            self,
            segments=tuple(
                replace(s, a=_add(s.a, offset), b=_add(s.b, offset)) for s in self.segments
            ),
            points={name: _add(point, offset) for name, point in self.points.items()},
        )

    def lowest(self) -> float:
        ends = [p[1] - s.radius for s in self.segments for p in (s.a, s.b)]
        return min(*ends, self["head"][1] - _HEAD_R)


def _pose_body(pose: Pose, floor: float | None = None) -> _Body:
    """Forward kinematics from the pelvis; free hands and feet near ``floor`` lie flat."""
    f0 = _pelvis_frame(pose)
    mid = _mul(f0.turned("side", pose.spine / 2).up, _TRUNK / 2)
    f1 = f0.turned("side", -pose.spine / 2).turned("fwd", pose.side_bend).turned("up", -pose.twist)
    chest = _add(mid, _mul(f1.up, _TRUNK / 2))
    neck = f1.turned("side", -pose.neck)
    head = _add(chest, _mul(neck.up, _NECK))
    points: dict[str, Vec] = {"pelvis": _ORIGIN, "mid_back": mid, "chest": chest, "head": head}
    segments: list[_Segment] = []
    for side, limbs, sign in (("near", pose.near, 1.0), ("far", pose.far, -1.0)):
        hip = _mul(f0.side, _HIP_HALF * sign)
        thigh = f0.turned("side", limbs.hip).turned("fwd", -sign * limbs.hip_abduction)
        knee = _add(hip, _mul(thigh.up, -_THIGH))
        shin = thigh.turned("side", -limbs.knee)
        ankle = _add(knee, _mul(shin.up, -_SHIN))
        if limbs.hip_rotation and limbs.knee > 5:
            knee = _swing_knee(hip, knee, ankle, _mul(f0.side, sign), limbs.hip_rotation)
        foot = shin.turned("side", limbs.ankle or 0.0)
        toes, sole_up = foot.fwd, foot.up
        flat_sole = ankle[1] - _SOLE - _R_FOOT
        sole_down = limbs.ankle is None and sole_up[1] > 0.5
        if sole_down and floor is not None and flat_sole - floor < _NEAR_FLOOR:
            toes, sole_up = _unit((toes[0], 0.0, toes[2])), (0.0, 1.0, 0.0)
        sole = _add(ankle, _mul(sole_up, -_SOLE))
        heel, toe = _add(sole, _mul(toes, -_HEEL)), _add(sole, _mul(toes, _TOE))

        shoulder = _add(chest, _mul(f1.side, _SHOULDER_HALF * sign))
        arm = (
            f1.turned("side", limbs.shoulder)
            .turned("fwd", -sign * limbs.shoulder_abduction)
            .turned("up", -sign * limbs.shoulder_rotation)
        )
        elbow = _add(shoulder, _mul(arm.up, -_UPPER_ARM))
        forearm = arm.turned("side", limbs.elbow)
        wrist = _add(elbow, _mul(forearm.up, -_FOREARM))
        fingers = _mul(forearm.up, -1)
        if floor is not None and wrist[1] - _R_FOREARM - floor < _NEAR_FLOOR:
            # A hand on the floor lies flat, along the forearm or else toward the head.
            along = fingers if math.hypot(fingers[0], fingers[2]) > 0.5 else f1.up
            flat = _unit((along[0], 0.0, along[2]))
            fingers = flat if flat != _ORIGIN else fingers
        hand = _add(wrist, _mul(fingers, _HAND))
        joints = {
            "hip": hip,
            "knee": knee,
            "ankle": ankle,
            "heel": heel,
            "toe": toe,
            "shoulder": shoulder,
            "elbow": elbow,
            "wrist": wrist,
            "hand": hand,
        }
        points.update({f"{side}_{name}": point for name, point in joints.items()})
        segments += [
            _Segment("thigh", side, hip, knee, _R_THIGH),
            _Segment("shin", side, knee, ankle, _R_SHIN),
            _Segment("foot", side, heel, toe, _R_FOOT),
            _Segment("upper_arm", side, shoulder, elbow, _R_UPPER_ARM),
            _Segment("forearm", side, elbow, wrist, _R_FOREARM),
            _Segment("hand", side, wrist, hand, _R_FOREARM),
        ]
    segments += [
        _Segment("lumbar", "mid", _ORIGIN, mid, _R_TRUNK),
        _Segment("thoracic", "mid", mid, chest, _R_TRUNK),
        _Segment("neck", "mid", chest, head, _R_NECK),
        _Segment("pelvis", "mid", points["far_hip"], points["near_hip"], _R_TRUNK),
        _Segment("shoulders", "mid", points["far_shoulder"], points["near_shoulder"], _R_UPPER_ARM),
    ]
    return _Body(tuple(segments), points, f0, f1, neck)


def _swing_knee(hip: Vec, knee: Vec, ankle: Vec, outward: Vec, degrees: float) -> Vec:
    """Open the knee around the line from hip to foot, the foot staying where it is."""
    axis = _unit(_sub(ankle, hip))
    arm = _sub(knee, hip)
    turned = _rotate(arm, axis, degrees)
    if _dot(_sub(turned, arm), outward) * math.copysign(1, degrees) < 0:
        turned = _rotate(arm, axis, -degrees)
    return _add(hip, turned)


def _grounded(pose: Pose) -> _Body:
    """The body set down on its support, with hands and feet flat where they touch it."""
    support = _PEDAL_HEIGHT if "bike" in pose.props else _MAT if "mat" in pose.props else 0.0
    free = _pose_body(pose)
    # Where the body would rest if every free hand and foot lay flat decides which of them do.
    flat_ends = [free[f"{side}_wrist"][1] - _R_FOREARM for side in ("near", "far")]
    for side, limbs in (("near", pose.near), ("far", pose.far)):
        if limbs.ankle is None:
            flat_ends.append(free[f"{side}_ankle"][1] - _SOLE - _R_FOOT)
        else:
            flat_ends.append(min(free[f"{side}_heel"][1], free[f"{side}_toe"][1]) - _R_FOOT)
    rest = [
        p[1] - s.radius for s in free.segments if s.name not in ("hand", "foot") for p in (s.a, s.b)
    ]
    floor = min(*flat_ends, *rest, free["head"][1] - _HEAD_R)
    body = _pose_body(pose, floor)
    for _ in range(3):
        lowest = body.lowest()
        if lowest > floor - 1e-9:
            break
        floor = lowest
        body = _pose_body(pose, floor)
    return body.moved((0.0, support - body.lowest(), 0.0))


# ---------------------------------------------------------------------------------------------
# The picture: shapes in figure units (y up), then fitted to the view box and written out.

_P = tuple[float, float]

NEAR_COLOUR: Final = "#1b3f73"
FAR_COLOUR: Final = "#6690c9"
BODY_COLOUR: Final = "#2b5fa3"
GLOW_COLOUR: Final = "#f7a541"
_BREATH_COLOUR = "#6aaee0"
_WOOD, _WOOD_DARK = "#c89566", "#9a6b43"
_MAT_COLOUR, _MAT_EDGE = "#8fd1a8", "#5fae80"
_FLOOR = "#808b98"
_WALL, _WALL_EDGE = "#dde2e8", "#aab3bf"
_CUSHION, _TOWEL = "#f3dd8c", "#f2a7a0"
_BAND, _STRAP, _METAL, _METAL_DARK = "#e0533d", "#e38b2c", "#8795a5", "#4f5d6e"
_WIDTH, _HEIGHT, _PAD, _MAX_SCALE = 400, 300, 14, 265.0


@dataclass(frozen=True)
class _Shape:
    kind: str  # "line", "circle", "rect" or "poly"
    points: tuple[_P, ...]
    fill: str = "none"
    stroke: str = "none"
    size: float = 0.0  # stroke width of a line, radius of a circle, corner of a rect
    opacity: float = 1.0
    backdrop: bool = False  # floors and walls run off the picture and do not set its frame
    key: str = ""  # names the same shape in every frame of a demonstration

    def extent(self) -> tuple[float, float, float, float]:
        grow = {"line": self.size / 2, "circle": self.size}.get(self.kind, 0.0)
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        return min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow


def _line(points: Iterable[_P], colour: str, width: float, opacity: float = 1.0) -> _Shape:
    return _Shape("line", tuple(points), stroke=colour, size=width, opacity=opacity)


def _circle(center: _P, radius: float, fill: str, opacity: float = 1.0) -> _Shape:
    return _Shape("circle", (center,), fill=fill, size=radius, opacity=opacity)


def _rect(x0: float, y0: float, x1: float, y1: float, fill: str, corner: float = 0.0) -> _Shape:
    corners = ((min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1)))
    return _Shape("rect", corners, fill=fill, size=corner)


@dataclass(frozen=True)
class _Camera:
    """An orthographic camera turned ``yaw`` degrees about the vertical, then tilted down."""

    yaw: float
    elevation: float

    def project(self, p: Vec) -> _P:
        x, y, _ = self._turn(p)
        return (x, y)

    def depth(self, p: Vec) -> float:
        """Toward the viewer is larger."""
        return self._turn(p)[2]

    def _turn(self, p: Vec) -> Vec:
        yaw, tilt = math.radians(self.yaw), math.radians(self.elevation)
        x = p[0] * math.cos(yaw) + p[2] * math.sin(yaw)
        z = p[2] * math.cos(yaw) - p[0] * math.sin(yaw)
        return (
            x,
            p[1] * math.cos(tilt) - z * math.sin(tilt),
            z * math.cos(tilt) + p[1] * math.sin(tilt),
        )


_CAMERAS: Final[dict[str, _Camera]] = {
    "side": _Camera(0, 0),
    "front": _Camera(-90, 8),
    "back": _Camera(90, 8),
    "three_quarter": _Camera(-40, 12),
    "above": _Camera(0, 40),
}


# Lying on the side, the hips and knees bend in a plane parallel to the floor. Seen from in
# front, nearly level with the floor, and a little toward the feet (side) the bent hips
# show, a little toward the head (three_quarter) a knee bent behind the body shows; the
# body rests on the floor line either way.
_SIDE_LYING_CAMERAS: Final[dict[str, _Camera]] = {
    "side": _Camera(30, 12),
    "three_quarter": _Camera(-30, 12),
}


def _camera(pose: Pose) -> _Camera:
    if pose.posture == "side_lying" and pose.view in _SIDE_LYING_CAMERAS:
        return _SIDE_LYING_CAMERAS[pose.view]
    return _CAMERAS[pose.view]


def render_pose_svg(pose: Pose, *, title: str) -> str:
    """A self-contained, deterministic SVG picture of one pose, titled for screen readers."""
    return _svg(_picture(pose, _grounded(pose)), title)


def _picture(pose: Pose, body: _Body, setting: _Setting | None = None) -> list[_Shape]:
    """Every shape of one pose, back to front, each keyed so that frames can be matched."""
    camera = _camera(pose)
    behind, in_front = _props(pose, body, camera, setting)
    behind = [replace(shape, key=f"b{i}{shape.kind}") for i, shape in enumerate(behind)]
    in_front = [replace(shape, key=f"f{i}{shape.kind}") for i, shape in enumerate(in_front)]
    return [*behind, *_glows(pose, body, camera), *_figure(pose, body, camera), *in_front]


def _figure(pose: Pose, body: _Body, camera: _Camera) -> list[_Shape]:
    """Limbs, trunk and head, far things first; near limbs dark, far limbs light."""
    colours = {"near": NEAR_COLOUR, "far": FAR_COLOUR, "mid": BODY_COLOUR}
    chest_depth = camera.depth(body["chest"])
    ranked: list[tuple[float, int, _Shape]] = []
    for order, segment in enumerate(body.segments):
        if segment.name in ("lumbar", "thoracic"):
            continue  # drawn below as one bending line
        a, b = camera.project(segment.a), camera.project(segment.b)
        if segment.name in ("pelvis", "shoulders") and math.dist(a, b) < 0.02:
            continue  # seen end on, hidden in the trunk
        depth = (camera.depth(segment.a) + camera.depth(segment.b)) / 2
        if segment.side == "mid":
            depth = min(depth, chest_depth + 0.001)
        shape = _line((a, b), colours[segment.side], 2 * segment.radius)
        ranked.append((depth, order, replace(shape, key=f"{segment.side}_{segment.name}")))
    trunk_depth = camera.depth(body["mid_back"])
    spine = [camera.project(body[name]) for name in ("pelvis", "mid_back", "chest")]
    ranked.append((trunk_depth, 100, replace(_line(spine, BODY_COLOUR, 2 * _R_TRUNK), key="spine")))
    if pose.breath == "in":
        rise = _sub(body["mid_back"], body["pelvis"])
        belly = _add(body["pelvis"], _mul(rise, 0.7), _mul(body.pelvis_frame.fwd, _R_TRUNK * 0.75))
        belly_shape = _circle(camera.project(belly), _R_TRUNK, BODY_COLOUR)
        ranked.append((trunk_depth, 101, replace(belly_shape, key="belly")))
    head_depth = max(camera.depth(body["head"]), trunk_depth) + 0.0005
    head = _circle(camera.project(body["head"]), _HEAD_R, BODY_COLOUR)
    ranked.append((head_depth, 200, replace(head, key="head")))
    # Eyes show where the face points; only those on the visible half of the head are drawn.
    face = body.head_frame
    for order, sign in ((201, 1.0), (202, -1.0)):
        look = _unit(_add(_mul(face.fwd, 0.8), _mul(face.side, 0.42 * sign), _mul(face.up, 0.25)))
        eye = _add(body["head"], _mul(look, _HEAD_R * 0.72))
        if camera.depth(eye) - camera.depth(body["head"]) > 0.008:
            pupil = replace(_circle(camera.project(eye), _HEAD_R * 0.15, "#fff"), key=f"eye{order}")
            ranked.append((head_depth, order, pupil))
    ranked.sort(key=lambda item: (round(item[0], 6), item[1]))
    shapes = [shape for _, _, shape in ranked]
    if pose.breath == "out":
        shapes += _breath_out(body, camera)
    return shapes


def _breath_out(body: _Body, camera: _Camera) -> list[_Shape]:
    """Three short strokes in front of the mouth, widening away from it."""
    mouth = _add(body["head"], _mul(body.head_frame.fwd, _HEAD_R * 1.5))
    (mx, my), (tx, ty) = camera.project(mouth), camera.project(_add(mouth, body.head_frame.fwd))
    length = math.hypot(tx - mx, ty - my) or 1.0
    dx, dy = (tx - mx) / length, (ty - my) / length
    shapes = []
    for step in range(3):
        cx, cy = mx + dx * (0.02 + step * 0.03), my + dy * (0.02 + step * 0.03)
        half = 0.018 + step * 0.01
        ends = ((cx - dy * half, cy + dx * half), (cx + dy * half, cy - dx * half))
        shapes.append(replace(_line(ends, _BREATH_COLOUR, 0.012), key=f"breath{step}"))
    return shapes


def _glows(pose: Pose, body: _Body, camera: _Camera) -> list[_Shape]:
    """A warm glow behind the parts that work or stretch."""
    wanted = set(pose.highlight)
    every = "whole_body" in wanted
    limb_parts = {
        "arms": ("upper_arm", "forearm", "hand"),
        "neck": ("neck",),
        "shoulders": ("shoulders",),
    }
    shapes: list[_Shape] = []
    for segment in body.segments:
        near = segment.side == "near"
        hit = (
            every
            or any(segment.name in limb_parts[k] for k in wanted & limb_parts.keys())
            or ("thigh" in wanted and near and segment.name == "thigh")
            or ("calf" in wanted and near and segment.name == "shin")
        )
        if hit and segment.name not in ("lumbar", "thoracic"):
            ends = (camera.project(segment.a), camera.project(segment.b))
            glow = _line(ends, GLOW_COLOUR, 2 * segment.radius + 0.05, 0.6)
            shapes.append(replace(glow, key=f"glow_{segment.side}_{segment.name}"))
    fwd = _mul(body.pelvis_frame.fwd, _R_TRUNK * 0.6)
    if every or "back" in wanted:
        spine = [camera.project(body[name]) for name in ("pelvis", "mid_back", "chest")]
        shapes.append(replace(_line(spine, GLOW_COLOUR, 2 * _R_TRUNK + 0.05, 0.6), key="glow_back"))
    elif "abdomen" in wanted:
        ends = (
            camera.project(_add(body["pelvis"], fwd)),
            camera.project(_add(body["mid_back"], fwd)),
        )
        shapes.append(replace(_line(ends, GLOW_COLOUR, 0.09, 0.6), key="glow_abdomen"))
    spots = {
        "glutes": (_add(body["pelvis"], _mul(fwd, -0.8)), 0.075),
        "shoulders": (body["chest"], 0.07),
        "hip_front": (_add(body["near_hip"], fwd), 0.06),
    }
    for name, (spot, radius) in spots.items():
        if name in wanted:
            glow = _circle(camera.project(spot), radius, GLOW_COLOUR, 0.6)
            shapes.append(replace(glow, key=f"glow_{name}"))
    return shapes


# ---------------------------------------------------------------------------------------------
# Props: behind the figure, except what is held or stands in front of it. Furniture is
# built in world coordinates and seen through the same camera as the body.


def _poly(camera: _Camera, corners: Iterable[Vec], fill: str, backdrop: bool = False) -> _Shape:
    points = tuple(camera.project(c) for c in corners)
    return _Shape("poly", points, fill=fill, backdrop=backdrop)


def _bar(camera: _Camera, a: Vec, b: Vec, colour: str, width: float) -> _Shape:
    return _line((camera.project(a), camera.project(b)), colour, width)


def _box(camera: _Camera, low: Vec, high: Vec, top: str, sides: str) -> list[_Shape]:
    """The faces of a box that turn toward the camera (a convex box needs no sorting)."""
    (x0, y0, z0), (x1, y1, z1) = low, high
    faces: list[tuple[Vec, tuple[Vec, ...]]] = [
        ((0, 1, 0), ((x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1))),
        ((0, 0, 1), ((x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1))),
        ((0, 0, -1), ((x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0))),
        ((1, 0, 0), ((x1, y0, z0), (x1, y0, z1), (x1, y1, z1), (x1, y1, z0))),
        ((-1, 0, 0), ((x0, y0, z0), (x0, y0, z1), (x0, y1, z1), (x0, y1, z0))),
    ]
    facing = [(normal, corners) for normal, corners in faces if camera.depth(normal) > 1e-6]
    return [_poly(camera, corners, top if normal[1] else sides) for normal, corners in facing]


# Where the furniture of a demonstration stands: placed for one frame and kept for all,
# with the floor as wide as every frame needs.
_Setting = tuple[Pose, "_Body", tuple[float, float]]


def _props(
    pose: Pose, body: _Body, camera: _Camera, setting: _Setting | None = None
) -> tuple[list[_Shape], list[_Shape]]:
    behind: list[_Shape] = []
    in_front: list[_Shape] = []
    props = set(pose.props)
    seen = {name: camera.project(point) for name, point in body.points.items()}
    if setting is None:
        xs = [camera.project(p)[0] for s in body.segments for p in (s.a, s.b)]
        setting = (pose, body, (min(xs) - 0.06, max(xs) + 0.06))
    fixed_pose, fixed, (left, right) = setting
    ground = _MAT if "mat" in props else 0.0
    behind += _floor(camera, left, right, "mat" in props)
    if "pillow" in props:
        head = seen["head"]
        top = min(max(head[1] - 0.01, ground + 0.035), ground + 0.07)
        behind.append(_rect(head[0] - 0.1, ground, head[0] + 0.1, top, _CUSHION, 0.03))
    if "pillow_knees" in props or "towel" in props:
        behind += _cushion(pose, body, camera, ground, in_front)
    if "wall" in props:
        behind += _wall(fixed, camera)
    if "counter" in props:
        table, near_edge = _counter(fixed, camera)
        stands_in_front = camera.depth(near_edge) > camera.depth(fixed["pelvis"]) + 0.05
        (in_front if stands_in_front else behind).extend(table)
    if "chair" in props:
        behind += _chair(fixed_pose, fixed, camera)
    if "ball" in props:
        radius = max((body["pelvis"][1] - _R_THIGH) / 2, 0.08)
        cx, cy = camera.project((body["pelvis"][0], radius, body["pelvis"][2]))
        behind.append(_circle((cx, cy), radius, "#f28c7d"))
        behind.append(_circle((cx - radius * 0.45, cy + radius * 0.45), radius * 0.18, "#fbd3cc"))
    if "step" in props:
        heel, toe = fixed["near_heel"], fixed["near_toe"]
        top = max(min(heel[1], toe[1]) - _R_FOOT, 0.04)
        low, high = (heel[0] - 0.08, 0.0, -0.16), (heel[0] + 0.16, top, 0.16)
        behind += _box(camera, low, high, "#cbbb9f", "#b09c7c")
    if "bike" in props:
        behind += _bike(body, seen)
    if "band" in props:
        anchor = (seen["chest"][0] + 0.62, seen["chest"][1] - 0.12)
        behind.append(_rect(anchor[0], 0.0, anchor[0] + 0.05, 0.95, _WALL))
        behind.append(_circle(anchor, 0.018, "#7b8794"))
        in_front += [
            _line((seen[f"{side}_hand"], anchor), _BAND, 0.014) for side in ("far", "near")
        ]
    if "band_side" in props:
        grip = _add(body["chest"], _mul(body.thorax_frame.up, -0.1))
        post = _add(grip, _mul(body.thorax_frame.side, -0.7))
        behind.append(_bar(camera, (post[0], 0.0, post[2]), post, "#7b8794", 0.035))
        anchor = camera.project(post)
        in_front += [
            _line((seen[f"{side}_hand"], anchor), _BAND, 0.014) for side in ("far", "near")
        ]
    if "band_knees" in props:
        loop = [
            camera.project(
                _add(body[f"{s}_hip"], _mul(_sub(body[f"{s}_knee"], body[f"{s}_hip"]), 0.82))
            )
            for s in ("far", "near")
        ]
        in_front.append(_line(loop, _BAND, 0.03))
    if "bag" in props:
        hx, hy = seen["near_wrist"]
        in_front.append(_rect(hx - 0.07, hy - 0.2, hx + 0.07, hy - 0.04, "#e9a23b", 0.02))
        handle = ((hx - 0.04, hy - 0.05), (hx, hy), (hx + 0.04, hy - 0.05))
        in_front.append(_line(handle, "#b8741a", 0.012))
    if "strap" in props:
        heel, toe = body["near_heel"], body["near_toe"]
        foot = camera.project(_add(heel, _mul(_sub(toe, heel), 0.55)))
        in_front.append(_line((seen["near_hand"], foot), _STRAP, 0.016))
    return behind, in_front


def _floor(camera: _Camera, left: float, right: float, mat: bool) -> list[_Shape]:
    if camera.elevation <= 20:
        floor = _Shape("line", ((left - 0.4, 0.0), (right + 0.4, 0.0)), stroke=_FLOOR, size=0.01)
        shapes = [replace(floor, backdrop=True)]
        return shapes + ([_rect(left, 0.0, right, _MAT, _MAT_COLOUR, 0.008)] if mat else [])
    # Seen from above, the floor is a plane: the mat is a band reaching toward the viewer.
    near_edge, far_edge = camera.project((0.0, 0.0, 0.3))[1], camera.project((0.0, 0.0, -0.36))[1]
    horizon = _Shape(
        "line", ((left - 0.3, far_edge), (right + 0.3, far_edge)), stroke=_FLOOR, size=0.008
    )
    shapes = [replace(horizon, backdrop=True)]
    if mat:
        shapes.append(
            _rect(left - 0.02, near_edge - _MAT, right + 0.02, far_edge, _MAT_COLOUR, 0.02)
        )
        shapes.append(_rect(left - 0.02, near_edge - _MAT, right + 0.02, near_edge, _MAT_EDGE))
    return shapes


def _cushion(
    pose: Pose, body: _Body, camera: _Camera, ground: float, in_front: list[_Shape]
) -> list[_Shape]:
    """A pillow under or between the knees, or a folded towel."""
    colour = _CUSHION if "pillow_knees" in pose.props else _TOWEL
    near, far = camera.project(body["near_knee"]), camera.project(body["far_knee"])
    if pose.posture == "side_lying":
        if "pillow_knees" in pose.props:
            cx, top, bottom = (near[0] + far[0]) / 2, max(near[1], far[1]), min(near[1], far[1])
            in_front.append(_rect(cx - 0.07, bottom + 0.02, cx + 0.04, top - 0.02, colour, 0.025))
            return []
        wx, wy = camera.project(body["pelvis"])
        return [_rect(wx - 0.06, wy - 0.09, wx + 0.1, wy - 0.05, colour, 0.02)]
    knee = min((near, far), key=lambda p: (p[1], p[0]))
    top = ground + 0.03
    if pose.posture == "supine":
        top = max(knee[1] - _R_THIGH, top)
    return [_rect(knee[0] - 0.09, ground, knee[0] + 0.09, top, colour, 0.02)]


def _wall(body: _Body, camera: _Camera) -> list[_Shape]:
    """A wall where the hands reach forward to it, else against the back."""
    reach = max(body["near_hand"][0], body["far_hand"][0])
    if reach - body["chest"][0] > 0.15:
        x, thick = reach + 0.005, 0.07
    else:
        back = [body[name][0] - _R_TRUNK for name in ("pelvis", "mid_back", "chest")]
        x, thick = min(*back, body["head"][0] - _HEAD_R) - 0.003, -0.07
    face = _poly(camera, ((x, 0, -1), (x, 1.1, -1), (x, 1.1, 1), (x, 0, 1)), _WALL, True)
    slab = _poly(
        camera, ((x, 0, 0), (x + thick, 0, 0), (x + thick, 1.1, 0), (x, 1.1, 0)), _WALL, True
    )
    edge = replace(_bar(camera, (x, 0, 0), (x, 1.1, 0), _WALL_EDGE, 0.008), backdrop=True)
    return [face, slab, edge]


def _higher_hand(body: _Body) -> Vec:
    return max(body["near_wrist"], body["far_wrist"], key=lambda p: (round(p[1], 3), p[0]))


def _counter(body: _Body, camera: _Camera) -> tuple[list[_Shape], Vec]:
    """A table whose top is under the higher hand, and the middle of its edge nearest the body."""
    hand = _higher_hand(body)
    top = min(max(hand[1] - 0.025, 0.35), 0.62)
    x0, x1 = hand[0] - 0.08, hand[0] + 0.4
    legs = [
        _bar(camera, (lx, 0, lz), (lx, top, lz), _WOOD, 0.03)
        for lx in (x0 + 0.04, x1 - 0.04)
        for lz in (-0.26, 0.26)
    ]
    board = _box(camera, (x0, top - 0.035, -0.3), (x1, top, 0.3), _WOOD_DARK, _WOOD)
    return legs + board, (x0, top, 0.0)


def _chair(pose: Pose, body: _Body, camera: _Camera) -> list[_Shape]:
    if pose.posture == "seated":
        seat = body["pelvis"][1] - _R_THIGH - 0.012
        knee_x = min(body["near_knee"][0], body["far_knee"][0])
        front_x, back_x = min(body["pelvis"][0] + 0.15, knee_x - 0.02), body["pelvis"][0] - 0.12
    elif pose.posture == "standing":
        seat = 0.27
        front_x = min(body["near_heel"][0], body["far_heel"][0]) - 0.05
        back_x = front_x - 0.26
    else:
        # Kneeling beside a chair: its seat is under the hand and it faces the person.
        hand = _higher_hand(body)
        seat = max(hand[1] - 0.025, 0.12)
        front_x, back_x = hand[0] - 0.1, hand[0] + 0.16
    top, half = seat + 0.26, 0.14
    rest = back_x + (0.035 if back_x > front_x else -0.035)
    shapes: list[_Shape] = []
    for z in (-half + 0.015, half - 0.015):
        shapes.append(_bar(camera, (back_x, 0, z), (back_x, top, z), _WOOD_DARK, 0.028))
        shapes.append(_bar(camera, (front_x, 0, z), (front_x, seat, z), _WOOD_DARK, 0.028))
    x0, x1 = min(front_x, back_x), max(front_x, back_x)
    shapes += _box(camera, (x0, seat - 0.03, -half), (x1, seat, half), _WOOD, _WOOD_DARK)
    low, high = (min(back_x, rest), top - 0.09, -half), (max(back_x, rest), top, half)
    return shapes + _box(camera, low, high, _WOOD, _WOOD)


def _bike(body: _Body, seen: Mapping[str, _P]) -> list[_Shape]:
    """An upright exercise bike drawn around the rider: saddle, cranks at the feet, bars."""
    hip = seen["pelvis"]
    saddle = (hip[0], hip[1] - _R_THIGH - 0.012)
    near, far = seen["near_ankle"], seen["far_ankle"]
    crank = ((near[0] + far[0]) / 2, (near[1] + far[1]) / 2)
    bars = seen["near_wrist"]
    column, post = bars[0] + 0.04, saddle[0] - 0.03
    return [
        _line(((post - 0.08, 0.012), (column + 0.1, 0.012)), _METAL_DARK, 0.024),
        _line(((post, 0.0), saddle), _METAL, 0.035),
        _line(((column, 0.0), (bars[0] + 0.01, bars[1] - 0.03)), _METAL, 0.035),
        _line(((post, crank[1]), crank, (column - 0.03, crank[1] + 0.04)), _METAL, 0.03),
        _circle(((column + post) / 2 + 0.12, 0.14), 0.11, "#cfd6de"),
        _line(
            ((bars[0] - 0.03, bars[1] - 0.012), (bars[0] + 0.03, bars[1] - 0.012)),
            _METAL_DARK,
            0.03,
        ),
        _line(((saddle[0] - 0.07, saddle[1]), (saddle[0] + 0.05, saddle[1])), _METAL_DARK, 0.032),
        _Shape("circle", (crank,), stroke=_METAL_DARK, size=max(math.dist(near, far) / 2, 0.05)),
    ]


# ---------------------------------------------------------------------------------------------
# SVG


def _number(value: float) -> str:
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class _Fit:
    """Figure units to view-box pixels: one scale and offset for every frame of a picture."""

    scale: float
    bottom: float
    mid_x: float
    y0: float
    whole: bool = False  # whole pixels and plain moves, for the many frames of a demonstration

    @classmethod
    def of(cls, shapes: Iterable[_Shape]) -> _Fit:
        """Fit the shapes (backdrops aside) into the view box, standing near its bottom."""
        boxes = [shape.extent() for shape in shapes if not shape.backdrop]
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        inner_w, inner_h = _WIDTH - 2 * _PAD, _HEIGHT - 2 * _PAD
        scale = min(_MAX_SCALE, inner_w / max(x1 - x0, 1e-6), inner_h / max(y1 - y0, 1e-6))
        bottom = _HEIGHT - _PAD - (inner_h - (y1 - y0) * scale) / 4
        return cls(scale, bottom, (x0 + x1) / 2, y0)

    def pixel(self, p: _P) -> _P:
        return _WIDTH / 2 + (p[0] - self.mid_x) * self.scale, self.bottom - (
            p[1] - self.y0
        ) * self.scale

    def point(self, p: _P) -> str:
        x, y = self.pixel(p)
        if self.whole:
            return f"{round(x)},{round(y)}"
        return f"{_number(x)},{_number(y)}"

    def path(self, points: Iterable[_P]) -> str:
        return (" " if self.whole else " L").join(self.point(p) for p in points)


# An element's attributes in order, each marked True when it is geometry (what moves).
_Attrs = list[tuple[str, str, bool]]


def _attributes(shape: _Shape, fit: _Fit) -> tuple[str, _Attrs]:
    """The SVG element of a shape: its tag and attributes."""
    scale = fit.scale
    alpha = [("opacity", f"{shape.opacity:g}", False)] if shape.opacity < 1 else []
    if shape.kind == "line":
        path = fit.path(shape.points)
        paint = [
            ("stroke", shape.stroke, False),
            ("stroke-width", _number(shape.size * scale), False),
        ]
        return "path", [("d", f"M{path}", True), *paint, *alpha]
    if shape.kind == "circle" and fit.whole and shape.fill != "none":
        # A dot: one moving path instead of a circle's two moving centre coordinates.
        dot = [
            ("stroke", shape.fill, False),
            ("stroke-width", _number(2 * shape.size * scale), True),
        ]
        return "path", [("d", f"M{fit.point(shape.points[0])}h0", True), *dot, *alpha]
    if shape.kind == "circle":
        cx, cy = fit.point(shape.points[0]).split(",")
        attrs = [("cx", cx, True), ("cy", cy, True), ("r", _number(shape.size * scale), True)]
        attrs.append(("fill", shape.fill, False))
        if shape.fill == "none":
            attrs += [
                ("stroke", shape.stroke, False),
                ("stroke-width", _number(0.02 * scale), False),
            ]
        return "circle", attrs + alpha
    if shape.kind == "poly":
        path = fit.path(shape.points)
        return "path", [("d", f"M{path}Z", True), ("fill", shape.fill, False)]
    (ax, ay), (bx, by) = shape.points
    x, y = fit.point((ax, by)).split(",")
    attrs = [
        ("x", x, True),
        ("y", y, True),
        ("width", _number((bx - ax) * scale), True),
        ("height", _number((by - ay) * scale), True),
    ]
    if shape.size:
        attrs.append(("rx", _number(shape.size * scale), False))
    return "rect", [*attrs, ("fill", shape.fill, False)]


def _element(tag: str, attrs: _Attrs, inner: str = "") -> str:
    text = " ".join(f'{name}="{value}"' for name, value, _ in attrs)
    return f"<{tag} {text}>{inner}</{tag}>" if inner else f"<{tag} {text}/>"


def _svg(shapes: list[_Shape], title: str) -> str:
    fit = _Fit.of(shapes)
    out = [_element(*_attributes(shape, fit)) for shape in shapes]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#fff"/>'
        '<g fill="none" stroke-linecap="round" stroke-linejoin="round">'
        + "".join(out)
        + "</g></svg>"
    )


def resting_parts(pose: Pose, tolerance: float = 0.015) -> frozenset[str]:
    """The parts of the body that rest on the floor, the mat or the pedals.

    Names are ``near_foot``, ``far_shin``, ``near_hand``, ..., and for the middle of the
    body ``head``, ``neck``, ``pelvis``, ``lumbar``, ``thoracic`` and ``shoulders``.
    """
    body = _grounded(pose)
    support = body.lowest()
    parts = {
        segment.name if segment.side == "mid" else f"{segment.side}_{segment.name}"
        for segment in body.segments
        if min(segment.a[1], segment.b[1]) - segment.radius - support < tolerance
    }
    if body["head"][1] - _HEAD_R - support < tolerance:
        parts.add("head")
    return frozenset(parts)


# ---------------------------------------------------------------------------------------------
# The demonstration: one SVG that moves from the start pose to the end pose (through the
# middle pose when there is one) and back. Frames are poses whose joint angles are blended
# between the key poses, eased at both ends, drawn by the renderer above and fitted to one
# view box; each shape that moves gets SMIL <animate> values, one per frame. With
# prefers-reduced-motion, a <style> rule hides the movement and shows the start and end
# side by side instead.

DEMO_SECONDS: Final = 6
ARROW_COLOUR: Final = "#d9480f"
DEMO_STYLE: Final = (
    ".s{display:none}@media (prefers-reduced-motion:reduce){.m{display:none}.s{display:inline}}"
)
# Shares of a cycle: rest at the start, move to the end, rest there, move back.
_REST_START, _MOVE, _REST_END = 0.12, 0.38, 0.12
_DEGREES_PER_STEP = 25
_MAX_STEPS = 6
# The joints whose path the arrow follows: the one that moves furthest.
_TRACKED: Final = (
    "near_hand",
    "far_hand",
    "near_toe",
    "far_toe",
    "near_knee",
    "far_knee",
    "head",
    "pelvis",
    "near_elbow",
    "mid_back",
    "chest",
)
# A part resting in both key poses stays where it is: the frames are slid to keep it there.
_ANCHORS: Final = (
    ("near_foot", "near_heel"),
    ("far_foot", "far_heel"),
    ("pelvis", "pelvis"),
    ("near_shin", "near_knee"),
    ("far_shin", "far_knee"),
    ("near_hand", "near_wrist"),
    ("far_hand", "far_wrist"),
    ("head", "head"),
    ("thoracic", "chest"),
)
_LIMB_FIELDS: Final = tuple(LIMB_RANGES)


def _tween(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a share ``t`` of the way from ``a`` to ``b``; names switch halfway."""

    def mix(x: float, y: float) -> float:
        return x + (y - x) * t

    def limbs(p: Limbs, q: Limbs) -> Limbs:
        values: dict[str, float | None] = {}
        for key in _LIMB_FIELDS:
            x, y = getattr(p, key), getattr(q, key)
            if x is None or y is None:
                values[key] = x if t < 0.5 else y
            else:
                values[key] = mix(x, y)
        return Limbs(**values)  # type: ignore[arg-type]

    named = a if t < 0.5 else b
    return replace(
        named,
        near=limbs(a.near, b.near),
        far=limbs(a.far, b.far),
        trunk=mix(a.trunk, b.trunk),
        spine=mix(a.spine, b.spine),
        neck=mix(a.neck, b.neck),
        twist=mix(a.twist, b.twist),
        side_bend=mix(a.side_bend, b.side_bend),
    )


def _spread(a: Pose, b: Pose) -> float:
    """The largest change of any joint angle between two poses, in degrees."""
    changes = [abs(getattr(a, key) - getattr(b, key)) for key in AXIAL_RANGES]
    for side in ("near", "far"):
        p, q = getattr(a, side), getattr(b, side)
        for key in _LIMB_FIELDS:
            x, y = getattr(p, key), getattr(q, key)
            if x is not None and y is not None:
                changes.append(abs(x - y))
    return max(changes)


def _frames(keys: tuple[Pose, ...]) -> list[Pose]:
    """Poses from the first key to the last, more of them for bigger movements, eased."""
    legs = len(keys) - 1
    travel = sum(_spread(a, b) for a, b in itertools.pairwise(keys))
    steps = min(max(math.ceil(travel / _DEGREES_PER_STEP), 2 * legs, 2), _MAX_STEPS)
    steps += steps % 2  # an even count puts a frame exactly on the middle key pose
    frames = []
    for k in range(steps + 1):
        u = (1 - math.cos(math.pi * k / steps)) / 2 * legs
        leg = min(int(u), legs - 1)
        frames.append(_tween(keys[leg], keys[leg + 1], u - leg))
    return frames


def _anchored(keys: tuple[Pose, ...], bodies: list[_Body]) -> list[_Body]:
    """Slide every frame so that a part resting at the start and at the end stays put."""
    resting = resting_parts(keys[0]) & resting_parts(keys[-1])
    point = next((point for part, point in _ANCHORS if part in resting), "pelvis")
    x, _, z = bodies[0][point]
    return [body.moved((x - body[point][0], 0.0, z - body[point][2])) for body in bodies]


def _timeline(steps: int) -> tuple[list[int], str]:
    """Which frame shows at each key time of a cycle: rest, there, rest, back."""
    frames = [0, 0, *range(1, steps + 1), steps, *range(steps - 1, -1, -1)]
    times = [0.0, _REST_START]
    times += [_REST_START + _MOVE * k / steps for k in range(1, steps + 1)]
    times.append(_REST_START + _MOVE + _REST_END)
    times += [1 - _MOVE * k / steps for k in range(steps - 1, -1, -1)]
    return frames, ";".join(
        f"{t:.2f}".rstrip("0").rstrip(".").removeprefix("0") or "0" for t in times
    )


def _arrow(tracks: Mapping[str, list[_P]], floor: float) -> list[str]:
    """A curved arrow beside the joint that moves furthest, from its start toward its end."""

    def distance(name: str) -> float:
        return math.dist(tracks[name][0], tracks[name][-1])

    name = max(_TRACKED, key=distance)
    path = tracks[name]
    s, m, e = path[0], path[len(path) // 2], path[-1]
    length = math.dist(s, e)
    if length < 1:
        # Held still (bracing, squeezing): an arrow onto the middle of the trunk, from above
        # a lying trunk and from in front of an upright one.
        (px, py), (bx, by) = tracks["pelvis"][0], tracks["mid_back"][0]
        x, y = (px + bx) / 2, (py + by) / 2
        nx, ny = (0.0, -1.0) if abs(bx - px) > abs(by - py) else (1.0, 0.0)
        ends = [(x + nx * gap, y + ny * gap) for gap in (62, 43, 24)]
        return _arrow_shapes(*ends)
    ux, uy = (e[0] - s[0]) / length, (e[1] - s[1]) / length
    if length < 40:  # a small movement still gets an arrow that can be seen
        cx, cy = (s[0] + e[0]) / 2, (s[1] + e[1]) / 2
        s, e = (cx - ux * 20, cy - uy * 20), (cx + ux * 20, cy + uy * 20)
        m = (cx, cy)
    # Beside the path, on the side away from the body's middle, unless that is under the floor.
    centre = tracks["chest"][len(path) // 2]
    nx, ny = -uy, ux
    if (m[0] - centre[0]) * nx + (m[1] - centre[1]) * ny < 0:
        nx, ny = -nx, -ny

    def beside(sign: float) -> tuple[_P, _P, _P, _P]:
        a, b, c = ((p[0] + sign * nx * 16, p[1] + sign * ny * 16) for p in (s, m, e))
        return a, b, c, (2 * b[0] - (a[0] + c[0]) / 2, 2 * b[1] - (a[1] + c[1]) / 2)

    s, m, e, control = beside(1)
    if max(s[1], m[1], e[1], (m[1] + control[1]) / 2) > floor - 6:
        s, m, e, control = beside(-1)
    return _arrow_shapes(s, control, e)


def _arrow_shapes(s: _P, control: _P, e: _P) -> list[str]:
    """A quadratic curve from s bending toward control, with its head at e."""
    tx, ty = e[0] - control[0], e[1] - control[1]
    size = math.hypot(tx, ty) or 1.0
    tx, ty = tx / size, ty / size
    tip = (e[0] + tx * 7, e[1] + ty * 7)
    left = (e[0] - tx * 5 - ty * 8, e[1] - ty * 5 + tx * 8)
    right = (e[0] - tx * 5 + ty * 8, e[1] - ty * 5 - tx * 8)

    def xy(p: _P) -> str:
        return f"{_number(p[0])},{_number(p[1])}"

    return [
        f'<path class="arrow" d="M{xy(s)} Q{xy(control)} {xy(e)}" stroke="{ARROW_COLOUR}" '
        'stroke-width="5" opacity="0.85"/>',
        f'<path d="M{xy(tip)} L{xy(left)} L{xy(right)}Z" fill="{ARROW_COLOUR}" opacity="0.85"/>',
    ]


def render_demo_svg(
    poses: ExercisePose,
    *,
    title: str,
    description: str,
    start_label: str,
    end_label: str,
    seconds: int = DEMO_SECONDS,
    still: bool = False,
) -> str:
    """The exercise moving from its start to its end pose and back, with an arrow.

    Deterministic and self-contained: no scripts and no links outside the picture. With
    ``still``, only the labelled start and end side by side, for a page that chooses the
    picture by its own prefers-reduced-motion (an image does not always see the reader's).
    """
    keys = poses.key_poses
    frames = _frames(keys)
    steps = len(frames) - 1
    bodies = _anchored(keys, [_grounded(pose) for pose in frames])
    camera = _camera(keys[0])
    xs = [camera.project(p)[0] for body in bodies for s in body.segments for p in (s.a, s.b)]
    furnished = next((i for i, pose in enumerate(frames) if {"chair", "wall"} & set(pose.props)), 0)
    setting = (frames[furnished], bodies[furnished], (min(xs) - 0.06, max(xs) + 0.06))
    pictures = [_picture(pose, body, setting) for pose, body in zip(frames, bodies, strict=True)]
    fit = replace(_Fit.of(shape for picture in pictures for shape in picture), whole=True)
    tracks = {name: [fit.pixel(camera.project(body[name])) for body in bodies] for name in _TRACKED}
    order: list[str] = []
    for picture in pictures:
        for index, shape in enumerate(picture):
            if shape.key not in order:
                before = [s.key for s in picture[:index] if s.key in order]
                order.insert(order.index(before[-1]) + 1 if before else 0, shape.key)
    by_key = [{shape.key: shape for shape in picture} for picture in pictures]
    timeline, key_times = _timeline(steps)
    runs: list[list[str]] = []  # shapes that never move, defined once and used three times
    moving: list[tuple[str, list[_Attrs | None]]] = []
    layout: list[tuple[str, int]] = []
    for key in order:
        drawn = [_attributes(shapes[key], fit) if key in shapes else None for shapes in by_key]
        tag = next(d for d in drawn if d is not None)[0]
        attrs = [d[1] if d is not None else None for d in drawn]
        if all(a == attrs[0] for a in attrs) and attrs[0] is not None:
            if not layout or layout[-1][0] != "run":
                runs.append([])
                layout.append(("run", len(runs) - 1))
            runs[-1].append(_element(tag, attrs[0]))
        else:
            moving.append((tag, attrs))
            layout.append(("moving", len(moving) - 1))

    def animated(tag: str, attrs: list[_Attrs | None]) -> str:
        present = [a for a in attrs if a is not None]
        filled = [a if a is not None else present[0] for a in attrs]
        children = []
        for index, (name, _, geometry) in enumerate(filled[0]):
            values = [frame[index][1] for frame in filled]
            if geometry and len(set(values)) > 1:
                children.append((name, ";".join(values[i] for i in timeline)))
        if len(present) < len(attrs):
            base = next((v for n, v, _ in filled[0] if n == "opacity"), "1")
            shown = [base if a is not None else "0" for a in attrs]
            children.append(("opacity", ";".join(shown[i] for i in timeline)))
        inner = "".join(
            f'<animate attributeName="{name}" dur="{seconds}s" repeatCount="indefinite" '
            f'keyTimes="{key_times}" values="{values}"/>'
            for name, values in children
        )
        first = filled[0]
        if attrs[0] is None:  # not there at the start: hidden until its animation shows it
            first = [a for a in first if a[0] != "opacity"] + [("opacity", "0", False)]
        return _element(
            tag,
            first,
            inner,
        )

    def frame(number: int) -> str:
        out = []
        for kind, index in layout:
            if kind == "run":
                out.append(f'<use href="#r{index}"/>')
            else:
                tag, attrs = moving[index]
                shown = attrs[number]
                if shown is not None:
                    out.append(_element(tag, shown))
        return "".join(out)

    arrow = "".join(_arrow(tracks, fit.pixel((0.0, 0.0))[1]))
    motion = "".join(
        f'<use href="#r{index}"/>' if kind == "run" else animated(*moving[index])
        for kind, index in layout
    )
    label = 'font-family="sans-serif" font-size="20" fill="#222" text-anchor="middle" stroke="none"'
    defs = "".join(f'<g id="r{i}">{"".join(run)}</g>' for i, run in enumerate(runs))
    box = f'viewBox="0 0 {_WIDTH} {_HEIGHT}"'
    pair = (
        # Each picture in a nested view box of its own, which keeps its floor line inside.
        f'<g class="s"><svg y="50" width="200" height="150" {box}>{frame(0)}{arrow}</svg>'
        f'<svg x="200" y="50" width="200" height="150" {box}>{frame(steps)}</svg>'
        f'<path d="M200,60 L200,190" stroke="#ccd3db" stroke-width="2"/>'
        f'<text x="100" y="228" {label}>{escape(start_label)}</text>'
        f'<text x="300" y="228" {label}>{escape(end_label)}</text></g>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" role="img">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + ("" if still else f"<style>{DEMO_STYLE}</style>")
        + f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#fff"/>'
        '<g fill="none" stroke-linecap="round" stroke-linejoin="round">'
        f"<defs>{defs}</defs>"
        + ("" if still else f'<g class="m">{motion}{arrow}</g>')
        + pair
        + "</g></svg>"
    )
