"""`load_library`: idempotent, updates in place, and a bad file changes nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise
from exercises.services import LibraryError, library_load

# Each test loads a catalogue of its own into an empty library.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_library")]


def entry(
    slug: str, difficulty: int = 1, harder: str | None = None, ru: bool = True, **fields: str
) -> str:
    """One [[exercise]] table; `ru`: with its Russian translation, which the library requires
    (steps and safety notes as many as the English)."""
    values = {
        "name": f'"{slug.replace("-", " ").capitalize()}"',
        "category": '"core_stabilisation"',
        "starting_position": '"supine"',
        "equipment": '["mat"]',
        "movement_tags": '["supine", "floor_transfer"]',
        "indications": '["sciatica"]',
        "summary": '"Gently wakes up the deep tummy muscles."',
        "steps": '["Lie on your back.", "Breathe out and tighten your tummy gently."]',
        "safety": '["Stop if the pain spreads down your leg."]',
    }
    values.update(fields)
    lines = [
        "[[exercise]]",
        f'slug = "{slug}"',
        f"difficulty = {difficulty}",
        *(f"{key} = {value}" for key, value in values.items()),
    ]
    if harder:
        lines.append(f'harder = "{harder}"')
    lines += [
        "[exercise.dose]",
        "sets = 2\nreps = 10\nhold_s = 5\nduration_s = 0\nseconds_per_rep = 3",
        "[exercise.dose_min]",
        "sets = 1\nreps = 5\nhold_s = 0\nduration_s = 0",
        "[exercise.dose_max]",
        "sets = 3\nreps = 15\nhold_s = 10\nduration_s = 0",
    ]
    if ru:
        lines += [
            "[exercise.translations.ru]",
            f'name = "Упражнение {slug}"',
            'summary = "Мягко включает глубокие мышцы живота."',
            f"steps = {values['steps']}",
            f"safety = {values['safety']}",
        ]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "library.toml"
    path.write_text("\n".join(entries))
    return path


def test_creates_exercises_with_tags_indications_and_variant_links(tmp_path):
    path = write(
        tmp_path,
        entry("heel-slide", 1, harder="dead-bug"),
        entry("dead-bug", 2, harder="dead-bug-full"),
        entry("dead-bug-full", 4),
    )
    report = library_load(path=path)
    assert sorted(report.created) == ["dead-bug", "dead-bug-full", "heel-slide"]
    heel = Exercise.objects.get(slug="heel-slide")
    assert heel.harder_variant.slug == "dead-bug"
    assert Exercise.objects.get(slug="dead-bug").easier_variant == heel
    assert sorted(heel.movement_tags.values_list("code", flat=True)) == ["floor_transfer", "supine"]
    assert list(heel.indications.values_list("code", flat=True)) == ["sciatica"]
    assert heel.steps == ["Lie on your back.", "Breathe out and tighten your tummy gently."]
    assert heel.estimated_seconds() == 2 * 10 * (3 + 5) + 30 + 20  # work, a rest, setting up


def test_second_load_changes_nothing(tmp_path):
    path = write(tmp_path, entry("heel-slide", 1, harder="dead-bug"), entry("dead-bug", 2))
    library_load(path=path)
    stamps = dict(Exercise.objects.values_list("slug", "updated_at"))
    report = library_load(path=path)
    assert report.created == [] and report.updated == []
    assert sorted(report.unchanged) == ["dead-bug", "heel-slide"]
    assert dict(Exercise.objects.values_list("slug", "updated_at")) == stamps


def test_updates_in_place_keeping_the_row(tmp_path):
    library_load(path=write(tmp_path, entry("heel-slide", 1)))
    pk = Exercise.objects.get(slug="heel-slide").pk
    report = library_load(
        path=write(tmp_path, entry("heel-slide", 2, indications='["sciatica", "myositis"]'))
    )
    assert report.updated == ["heel-slide"]
    exercise = Exercise.objects.get(slug="heel-slide")
    assert exercise.pk == pk and exercise.difficulty == 2
    assert set(exercise.indications.values_list("code", flat=True)) == {"sciatica", "myositis"}


def test_reordering_a_chain_works(tmp_path):
    library_load(
        path=write(tmp_path, entry("a", 1, harder="b"), entry("b", 2, harder="c"), entry("c", 3))
    )
    library_load(
        path=write(tmp_path, entry("a", 1, harder="c"), entry("c", 3, harder="b"), entry("b", 4))
    )
    assert Exercise.objects.get(slug="a").harder_variant.slug == "c"
    assert Exercise.objects.get(slug="c").harder_variant.slug == "b"


def test_exercises_added_in_the_admin_are_left_alone(tmp_path):
    library_load(path=write(tmp_path, entry("heel-slide", 1), entry("clinic-own", 1)))
    library_load(path=write(tmp_path, entry("heel-slide", 1)))
    assert Exercise.objects.filter(slug="clinic-own").exists()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            [entry("x", movement_tags='["supine", "somersault"]')],
            "unknown movement_tags somersault",
        ),
        ([entry("x", indications='["flu"]')], "unknown indications flu"),
        ([entry("x", category='"yoga"')], "unknown category 'yoga'"),
        ([entry("x", equipment='["trampoline"]')], "unknown equipment trampoline"),
        ([entry("x", harder="missing")], "harder variant 'missing' does not exist"),
        ([entry("x", 3, harder="y"), entry("y", 2)], "must be above this exercise's 3"),
        ([entry("x", 1, harder="y"), entry("y", 2, harder="x")], "must be above"),
        ([entry("x", 1, harder="z"), entry("y", 2, harder="z"), entry("z", 3)], "one easier step"),
        ([entry("x"), entry("x")], "duplicate slugs: x"),
        ([entry("x", safety='["Be careful."]')], "must begin with 'Stop if'"),
        ([entry("x", 6)], "difficulty must be a whole number from 1 to 5"),
    ],
)
def test_bad_entries_are_reported_and_nothing_is_written(tmp_path, entries, message):
    library_load(path=write(tmp_path, entry("existing", 1)))
    before = list(Exercise.objects.values_list("slug", "difficulty", "updated_at"))
    with pytest.raises(LibraryError) as exc:
        library_load(path=write(tmp_path, entry("existing", 2), *entries))
    assert any(message in problem for problem in exc.value.problems), exc.value.problems
    assert list(Exercise.objects.values_list("slug", "difficulty", "updated_at")) == before


def test_dose_outside_its_bounds_is_rejected(tmp_path):
    bad = entry("x").replace("sets = 2\nreps = 10", "sets = 2\nreps = 20")
    with pytest.raises(LibraryError) as exc:
        library_load(path=write(tmp_path, bad))
    assert "default reps must lie between its minimum (5) and maximum (15)" in str(exc.value)
    assert not Exercise.objects.exists()


def test_command_reports_counts(tmp_path, capsys):
    call_command("load_library", "--file", str(write(tmp_path, entry("heel-slide"))))
    assert "1 exercises (1 created, 0 updated, 0 unchanged)" in capsys.readouterr().out


def test_command_fails_with_a_clear_message_on_broken_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[exercise]\nslug = ")
    with pytest.raises(CommandError, match="not valid TOML"):
        call_command("load_library", "--file", str(path))
    assert not Exercise.objects.exists()


def test_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_library", "--file", str(tmp_path / "nope.toml"))


def with_pose(text: str, start: str, end: str) -> str:
    """An entry followed by its pose tables, as in the library file."""
    return text + f"[exercise.pose.start]\n{start}\n[exercise.pose.end]\n{end}\n"


BRIDGE_START = 'posture = "supine"\nhip = 45\nknee = 95\nprops = ["mat"]'
BRIDGE_END = 'posture = "supine"\ntrunk = -24\nhip = 0\nknee = { near = 95, far = 95 }'


def test_poses_are_stored_and_a_changed_pose_updates_in_place(tmp_path):
    library_load(path=write(tmp_path, with_pose(entry("bridge"), BRIDGE_START, BRIDGE_END)))
    exercise = Exercise.objects.get(slug="bridge")
    assert exercise.pose == {
        "start": {"posture": "supine", "hip": 45, "knee": 95, "props": ["mat"]},
        "end": {"posture": "supine", "trunk": -24, "hip": 0, "knee": {"near": 95, "far": 95}},
    }
    report = library_load(
        path=write(tmp_path, with_pose(entry("bridge"), BRIDGE_START, BRIDGE_END))
    )
    assert report.unchanged == ["bridge"]
    report = library_load(
        path=write(tmp_path, with_pose(entry("bridge"), BRIDGE_START, 'posture = "prone"'))
    )
    assert report.updated == ["bridge"]
    assert Exercise.objects.get(slug="bridge").pose["end"] == {"posture": "prone"}
    assert Exercise.objects.get(slug="bridge").pk == exercise.pk


def test_an_entry_without_a_pose_gets_an_empty_one(tmp_path):
    library_load(path=write(tmp_path, entry("heel-slide")))
    assert Exercise.objects.get(slug="heel-slide").pose == {}


def test_the_seeded_library_loads_its_poses_and_reloads_unchanged():
    first = library_load()
    assert first.created and not first.updated
    assert not Exercise.objects.filter(pose={}).exists()
    again = library_load()
    assert again.created == [] and again.updated == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (
            'posture = "lying"',
            'posture = "supine"',
            "exercise 'x': pose.start.posture: unknown posture 'lying'; valid: standing,",
        ),
        (
            'posture = "supine"',
            'posture = "supine"\nknee = 200',
            "exercise 'x': pose.end.knee: must be a number of degrees from 0 to 165, not 200.",
        ),
        (
            'posture = "supine"',
            'posture = "supine"\nhip = "bent"',
            "exercise 'x': pose.end.hip: must be a number of degrees from -45 to 150, not 'bent'.",
        ),
        (
            'posture = "supine"\nprops = ["mat", "trampoline"]',
            'posture = "supine"',
            "exercise 'x': pose.start.props: unknown 'trampoline'; valid: mat,",
        ),
        (
            'posture = "supine"\nhips = 45',
            'posture = "supine"',
            "exercise 'x': pose.start: unknown field hips; valid: posture,",
        ),
    ],
)
def test_bad_poses_name_the_exercise_and_field_and_write_nothing(tmp_path, start, end, message):
    library_load(path=write(tmp_path, entry("existing", 1)))
    before = list(Exercise.objects.values_list("slug", "difficulty", "pose", "updated_at"))
    with pytest.raises(LibraryError) as exc:
        library_load(path=write(tmp_path, entry("existing", 2), with_pose(entry("x"), start, end)))
    assert any(problem.startswith(message) for problem in exc.value.problems), exc.value.problems
    assert list(Exercise.objects.values_list("slug", "difficulty", "pose", "updated_at")) == before


def test_a_pose_missing_its_end_is_refused(tmp_path):
    text = entry("x") + '[exercise.pose.start]\nposture = "supine"\n'
    with pytest.raises(LibraryError) as exc:
        library_load(path=write(tmp_path, text))
    assert exc.value.problems == [
        "exercise 'x': pose: missing end; a pose needs both a start and an end."
    ]
    assert not Exercise.objects.exists()


# -- Files that are not a library: a clear message, exit code 2, nothing written ------------------


def load_fails(path: Path) -> str:
    before = (Exercise.objects.count(), Exercise.objects.filter(is_active=True).count())
    with pytest.raises(CommandError) as caught:
        call_command("load_library", "--file", str(path))
    assert caught.value.returncode == 2
    assert (Exercise.objects.count(), Exercise.objects.filter(is_active=True).count()) == before
    return str(caught.value)


def test_a_folder_is_refused(tmp_path):
    assert f"{tmp_path}: a folder, not a TOML file." in load_fails(tmp_path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "library.toml"
    path.write_bytes(
        entry("heel-slide", ru=False).replace("Gently", "Doucement \xe9").encode("latin-1")
    )
    assert "not UTF-8 text" in load_fails(path) and "save the file as UTF-8" in load_fails(path)


def test_deeply_nested_toml_is_refused(tmp_path):
    path = tmp_path / "library.toml"
    path.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert f"{path}: not valid TOML" in load_fails(path)


def test_an_exercise_that_is_its_own_harder_variant_is_refused(tmp_path):
    path = write(tmp_path, entry("heel-slide", 1, harder="heel-slide"))
    assert "exercise 'heel-slide': harder must be the slug of another exercise." in load_fails(path)


def test_two_exercises_harder_than_each_other_are_refused(tmp_path):
    path = write(
        tmp_path,
        entry("heel-slide", 1, harder="dead-bug"),
        entry("dead-bug", 2, harder="heel-slide"),
    )
    assert "exercise 'dead-bug': harder_variant:" in load_fails(path)


@pytest.mark.parametrize("value", ['"false"', "0", '"no"'])
def test_active_must_be_a_boolean(tmp_path, value):
    path = write(tmp_path, entry("heel-slide", active=value))
    assert "exercise 'heel-slide': active must be true or false (without quotes)." in load_fails(
        path
    )


def test_active_false_loads_the_exercise_inactive(tmp_path):
    library_load(path=write(tmp_path, entry("heel-slide", active="false")))
    assert Exercise.objects.get(slug="heel-slide").is_active is False
