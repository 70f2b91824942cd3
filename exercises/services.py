"""Writes to the exercise library."""

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from exercises.illustration import PoseError, parse_exercise_pose
from exercises.models import (
    Exercise,
    ExerciseTranslation,
    MovementTag,
    library_base_language,
    library_languages,
)
from exercises.vocabulary import CATEGORIES, EQUIPMENT, MOVEMENT_TAGS, STARTING_POSITIONS
from rehab.models import Diagnosis

DEFAULT_LIBRARY = Path(__file__).resolve().parent / "data" / "library.toml"

_DOSE_KEYS = ("sets", "reps", "hold_s", "duration_s")
_REQUIRED_TEXT = ("slug", "name", "category", "starting_position", "summary")
# What a patient reads of an exercise, in the base language's fields and in each translation.
_TRANSLATED_TEXT = ("name", "summary")
_TRANSLATED_LISTS = ("steps", "safety")


class LibraryError(Exception):
    """The library file cannot be loaded; `problems` lists every reason, nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class LibraryLoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _one_line_texts(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(line, str) and line.strip() and "\n" not in line for line in value)
    )


def _check_translations(where: str, entry: dict[str, Any], required: Sequence[str]) -> list[str]:
    """The [exercise.translations.<language>] tables: one for each required language, each
    with the four texts, steps and safety notes as many as the exercise's own."""
    tables = entry.get("translations", {})
    if not isinstance(tables, dict):
        return [f"{where}: translations must be tables such as [exercise.translations.ru]."]
    problems: list[str] = []
    known = library_languages()
    for language in sorted(tables):
        if language not in known:
            problems.append(
                f"{where}: translation into unknown language {language!r}; the site's languages "
                f"but the library's own ({library_base_language()}): {', '.join(known) or 'none'}."
            )
    for language in required:
        if language not in tables:
            problems.append(
                f"{where}: no translation into {language!r} ([exercise.translations."
                f"{language}] with name, summary, steps and safety)."
            )
    for language in sorted(set(tables) & set(known)):
        table = tables[language]
        place = f"{where}, translation {language!r}"
        if not isinstance(table, dict):
            problems.append(f"{place}: must be a table of name, summary, steps and safety.")
            continue
        for key in _TRANSLATED_TEXT:
            if not isinstance(table.get(key), str) or not table[key].strip():
                problems.append(f"{place}: {key} is required text.")
        for key in _TRANSLATED_LISTS:
            value = table.get(key)
            if not isinstance(value, list) or not _one_line_texts(value):
                problems.append(f"{place}: {key} must be a non-empty list of one-line texts.")
            elif _one_line_texts(entry.get(key)) and len(value) != len(entry[key]):
                problems.append(
                    f"{place}: {len(value)} {key} where the exercise has {len(entry[key])}; "
                    "one for each, in the same order."
                )
        unknown = sorted(set(table) - {*_TRANSLATED_TEXT, *_TRANSLATED_LISTS})
        if unknown:
            problems.append(f"{place}: unknown fields {', '.join(map(str, unknown))}.")
    return problems


def _check_entry(
    index: int, entry: Any, known_diagnoses: set[str], required_languages: Sequence[str] = ()
) -> list[str]:
    """Everything that is wrong with one [[exercise]] table, as readable sentences."""
    where = f"exercise #{index}"
    if not isinstance(entry, dict):
        return [f"{where}: must be a table of fields."]
    if isinstance(entry.get("slug"), str):
        where = f"exercise {entry['slug']!r}"
    problems: list[str] = []
    for key in _REQUIRED_TEXT:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{where}: {key} is required text.")
    for key, choices in (("category", CATEGORIES), ("starting_position", STARTING_POSITIONS)):
        value = entry.get(key)
        if isinstance(value, str) and value not in choices:
            problems.append(f"{where}: unknown {key} {value!r}; valid: {', '.join(choices)}.")
    for key in ("steps", "safety"):
        if not _one_line_texts(entry.get(key)):
            problems.append(f"{where}: {key} must be a non-empty list of one-line texts.")
    if isinstance(entry.get("safety"), list) and entry["safety"]:
        first = entry["safety"][0]
        if isinstance(first, str) and not first.startswith("Stop if"):
            problems.append(f"{where}: the first safety note must begin with 'Stop if'.")
    vocabularies: tuple[tuple[str, set[str]], ...] = (
        ("equipment", set(EQUIPMENT)),
        ("movement_tags", set(MOVEMENT_TAGS)),
        ("indications", known_diagnoses),
    )
    for key, vocabulary in vocabularies:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: {key} must be a list of names.")
            continue
        unknown = sorted(set(value) - set(vocabulary))
        if unknown:
            problems.append(
                f"{where}: unknown {key} {', '.join(unknown)}; valid: "
                f"{', '.join(sorted(vocabulary))}."
            )
    difficulty = entry.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5:
        problems.append(f"{where}: difficulty must be a whole number from 1 to 5.")
    for table in ("dose", "dose_min", "dose_max"):
        dose = entry.get(table)
        if not isinstance(dose, dict):
            problems.append(f"{where}: [{table}] is required.")
            continue
        keys = _DOSE_KEYS + (("seconds_per_rep",) if table == "dose" else ())
        for key in keys:
            value = dose.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                problems.append(f"{where}: {table}.{key} must be a whole number, 0 or more.")
    harder = entry.get("harder")
    if harder is not None and (not isinstance(harder, str) or harder == entry.get("slug")):
        problems.append(f"{where}: harder must be the slug of another exercise.")
    for key in ("active", "per_side"):
        if not isinstance(entry.get(key, key == "active"), bool):
            problems.append(f"{where}: {key} must be true or false (without quotes).")
    if "pose" in entry:
        try:
            parse_exercise_pose(entry["pose"])
        except PoseError as error:
            field = f"pose.{error.field}" if error.field else "pose"
            problems.append(f"{where}: {field}: {error.reason}")
    problems.extend(_check_translations(where, entry, required_languages))
    return problems


def _translations_from_entry(entry: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The translation rows' fields by language, as `ExerciseTranslation` stores them."""
    return {
        language: {
            "name": table["name"].strip(),
            "summary": table["summary"].strip(),
            "instructions": "\n".join(step.strip() for step in table["steps"]),
            "safety_notes": "\n".join(note.strip() for note in table["safety"]),
        }
        for language, table in entry.get("translations", {}).items()
    }


def _translations_differ(exercise: Exercise, wanted: dict[str, dict[str, str]]) -> bool:
    have = {t.language: t for t in exercise.translations.all()}
    return any(
        language not in have or any(getattr(have[language], k) != v for k, v in values.items())
        for language, values in wanted.items()
    )


def _save_translations(exercise: Exercise, wanted: dict[str, dict[str, str]]) -> None:
    have = {t.language: t for t in exercise.translations.all()}
    for language, values in wanted.items():
        row = have.get(language) or ExerciseTranslation(exercise=exercise, language=language)
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save()


def _fields_from_entry(entry: dict[str, Any]) -> dict[str, Any]:
    dose, low, high = entry["dose"], entry["dose_min"], entry["dose_max"]
    values: dict[str, Any] = {
        "name": entry["name"].strip(),
        "summary": entry["summary"].strip(),
        "instructions": "\n".join(step.strip() for step in entry["steps"]),
        "safety_notes": "\n".join(note.strip() for note in entry["safety"]),
        "category": entry["category"],
        "starting_position": entry["starting_position"],
        "equipment": list(entry.get("equipment", [])),
        "difficulty": entry["difficulty"],
        "seconds_per_rep": dose["seconds_per_rep"],
        "is_active": entry.get("active", True),
        "per_side": entry.get("per_side", False),
        "pose": entry.get("pose", {}),
    }
    for key in _DOSE_KEYS:
        values[f"default_{key}"] = dose[key]
        values[f"min_{key}"] = low[key]
        values[f"max_{key}"] = high[key]
    return values


def _read_entries(path: Path) -> list[Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise LibraryError([f"{path}: no such file."]) from None
    except IsADirectoryError:
        raise LibraryError([f"{path}: a folder, not a TOML file."]) from None
    except OSError as error:
        raise LibraryError([f"{path}: cannot be read ({error.strerror or error})."]) from None
    except UnicodeDecodeError as error:
        raise LibraryError(
            [f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8."]
        ) from None
    except RecursionError:
        raise LibraryError([f"{path}: not valid TOML (nested too deeply)."]) from None
    except tomllib.TOMLDecodeError as error:
        raise LibraryError([f"{path}: not valid TOML ({error})."]) from None
    entries = document.get("exercise")
    if not isinstance(entries, list) or not entries:
        raise LibraryError([f"{path}: expected one or more [[exercise]] tables."])
    return entries


@transaction.atomic
def library_load(
    *, path: Path = DEFAULT_LIBRARY, languages: Sequence[str] | None = None
) -> LibraryLoadReport:
    """Create or update the library's exercises by slug, in place; all or nothing.

    Every exercise needs a translation into each of `languages` (by default every language
    of the site but the library's own: `library_languages`); a translation into another
    language of the site is loaded too. Exercises the clinic added in the admin (slugs not
    in the file) are left alone, and so are translations the file does not have.
    """
    entries = _read_entries(path)
    required = library_languages() if languages is None else list(languages)
    known_diagnoses = set(Diagnosis.objects.values_list("code", flat=True))
    problems: list[str] = []
    for index, entry in enumerate(entries, start=1):
        problems.extend(_check_entry(index, entry, known_diagnoses, required))
    slugs = [e.get("slug") for e in entries if isinstance(e, dict)]
    duplicates = sorted({s for s in slugs if isinstance(s, str) and slugs.count(s) > 1})
    if duplicates:
        problems.append(f"duplicate slugs: {', '.join(duplicates)}.")
    if problems:
        raise LibraryError(problems)

    tags = {tag.code: tag for tag in MovementTag.objects.all()}
    diagnoses = {dx.code: dx for dx in Diagnosis.objects.all()}
    existing = {
        ex.slug: ex
        for ex in Exercise.objects.filter(slug__in=slugs).prefetch_related(
            "movement_tags", "indications", "translations"
        )
    }
    report = LibraryLoadReport()
    saved: dict[str, Exercise] = {}
    for entry in entries:
        slug = entry["slug"]
        values = _fields_from_entry(entry)
        wanted_tags = sorted(set(entry.get("movement_tags", [])))
        wanted_indications = sorted(set(entry.get("indications", [])))
        wanted_translations = _translations_from_entry(entry)
        exercise = existing.get(slug)
        if exercise is None:
            exercise = Exercise(slug=slug, **values)
            bucket = report.created
        else:
            changed = any(getattr(exercise, k) != v for k, v in values.items()) or (
                sorted(t.code for t in exercise.movement_tags.all()) != wanted_tags
                or sorted(d.code for d in exercise.indications.all()) != wanted_indications
                or _translations_differ(exercise, wanted_translations)
            )
            for key, value in values.items():
                setattr(exercise, key, value)
            bucket = report.updated if changed else report.unchanged
        # Variant links are checked in the second pass, once every difficulty
        # in the file is saved; an old link must not fail this pass.
        linked_id, exercise.harder_variant_id = exercise.harder_variant_id, None
        try:
            # The check constraints repeat clean()'s rules in SQL; validating them here would
            # cost nine queries an exercise, and the database enforces them on save anyway.
            exercise.full_clean(validate_constraints=False)
        except ValidationError as error:
            problems.extend(f"exercise {slug!r}: {m}" for m in _messages(error))
            continue
        finally:
            exercise.harder_variant_id = linked_id
        if bucket is not report.unchanged:
            exercise.save()
            exercise.movement_tags.set([tags[t] for t in wanted_tags])
            exercise.indications.set([diagnoses[d] for d in wanted_indications])
            _save_translations(exercise, wanted_translations)
        bucket.append(slug)
        saved[slug] = exercise

    if not problems:
        problems.extend(_link_variants(entries, saved, report))
    if problems:
        transaction.set_rollback(True)
        raise LibraryError(problems)
    return report


def _link_variants(
    entries: list[dict[str, Any]], saved: dict[str, Exercise], report: LibraryLoadReport
) -> list[str]:
    problems: list[str] = []
    # Clear links first so that reordering a chain never trips the one-to-one
    # uniqueness halfway through.
    wanted: dict[str, Exercise | None] = {}
    for entry in entries:
        slug = entry["slug"]
        harder_slug = entry.get("harder")
        if harder_slug is None:
            wanted[slug] = None
            continue
        harder = saved.get(harder_slug) or Exercise.objects.filter(slug=harder_slug).first()
        if harder is None:
            problems.append(f"exercise {slug!r}: harder variant {harder_slug!r} does not exist.")
            continue
        wanted[slug] = harder
    claimed: dict[int, str] = {}
    for slug, harder in wanted.items():
        if harder is None:
            continue
        if harder.pk in claimed:
            problems.append(
                f"exercise {slug!r}: {harder.slug!r} is already the harder variant of "
                f"{claimed[harder.pk]!r}; a variant has one easier step."
            )
        claimed[harder.pk] = slug
    outside = Exercise.objects.filter(harder_variant__in=list(claimed)).exclude(slug__in=wanted)
    for other in outside.select_related("harder_variant"):
        assert other.harder_variant is not None
        problems.append(
            f"exercise {claimed[other.harder_variant.pk]!r}: {other.harder_variant.slug!r} is "
            f"already the harder variant of {other.slug!r} (added in the admin)."
        )
    if problems:
        return problems
    moving = [
        slug
        for slug, harder in wanted.items()
        if saved[slug].harder_variant_id != (harder.pk if harder else None)
    ]
    Exercise.objects.filter(slug__in=moving).update(harder_variant=None)
    for slug in moving:
        exercise = saved[slug]
        exercise.harder_variant = wanted[slug]
        if slug in report.unchanged:
            report.unchanged.remove(slug)
            report.updated.append(slug)
    for slug in moving:
        saved[slug].save(update_fields=["harder_variant", "updated_at"])
    # Check every link of the file, moved or not: a changed difficulty can
    # break a chain whose links stayed the same.
    for slug, harder in wanted.items():
        exercise = saved[slug]
        exercise.harder_variant = harder
        error = exercise.harder_variant_error()
        if error:
            problems.append(f"exercise {slug!r}: harder_variant: {error}")
    return problems


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items()]
    return list(error.messages)


def exercise_translations_changed(*, exercise: Exercise) -> None:
    """Mark the exercise changed after its translations were edited: the patient's cached
    Today is kept under a stamp that reads the library's last change (`updated_at`), so the
    edit shows at once."""
    Exercise.objects.filter(pk=exercise.pk).update(updated_at=timezone.now())
