"""Controlled vocabularies of the exercise library.

MOVEMENT_TAGS is CLINICAL.md's tag table word for word (only the first letter is
capitalised): the contraindication rules act on these slugs, so they are a contract.
"""

from typing import Final

MOVEMENT_TAGS: Final[dict[str, str]] = {
    "supine": "Lying on the back",
    "prone": "Lying on the stomach",
    "side_lying": "Lying on the side",
    "quadruped": "On hands and knees",
    "kneeling": "Weight on the knees",
    "standing": "Performed standing",
    "floor_transfer": "Needs getting down to and up from the floor",
    "loaded_spinal_flexion": "Bending the trunk forward against load or gravity (sit-up, crunch)",
    "spinal_extension": "Lumbar extension toward end range (press-up, prone extension)",
    "spinal_rotation": "Twisting the trunk",
    "axial_load": "Compressive load through the spine (carrying, weights overhead)",
    "hip_abduction_standing": "Moving the straight leg out to the side from standing",
    "breath_hold": (
        "Effort where people tend to hold their breath (Valsalva): planks, wall sits, "
        "held curl-ups, heavy pushes"
    ),
    "isometric_hold": (
        "An effort held still (bracing, bridge or plank hold, wall sit), as opposed to a "
        "passive stretch hold"
    ),
    "head_down": (
        "Head below the heart, or brought down to knee level or lower "
        "(deep forward bends, child's pose)"
    ),
    "high_impact": "Jumping, running, landing",
    "balance_unsupported": (
        "Balance work with no hand support, including sitting or standing on an unstable "
        "surface (exercise ball, cushion)"
    ),
    "prolonged_standing": "Standing still for 60 s or more in one go (static stances count)",
    "neural_mobilization": "Sciatic nerve gliding/flossing",
    "aerobic": "Walking, cycling: continuous low-intensity effort",
}

CATEGORIES: Final[dict[str, str]] = {
    "mobility": "Mobility",
    "stretching": "Stretching",
    "core_stabilisation": "Core stabilisation",
    "strengthening": "Strengthening",
    "neural_mobilisation": "Neural mobilisation",
    "aerobic": "Aerobic",
    "balance": "Balance",
    "breathing_relaxation": "Breathing and relaxation",
}

STARTING_POSITIONS: Final[dict[str, str]] = {
    "supine": "Lying on the back",
    "prone": "Lying on the stomach",
    "side_lying": "Lying on the side",
    "quadruped": "On hands and knees",
    "kneeling": "Kneeling",
    "seated": "Sitting",
    "standing": "Standing",
}

EQUIPMENT: Final[dict[str, str]] = {
    "mat": "Exercise mat",
    "chair": "Sturdy chair",
    "wall": "Wall",
    "counter": "Kitchen counter or table to hold",
    "towel": "Towel",
    "strap": "Strap or belt",
    "pillow": "Pillow",
    "resistance_band": "Resistance band",
    "step": "Step or stair",
    "exercise_ball": "Exercise ball",
    "stationary_bike": "Stationary bike",
}
