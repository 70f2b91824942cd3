"""The engine's explanations in the reader's language.

The engine writes each explanation as data (`planner.engine.types.Reason`): the rule it
cites, an English message with `%(name)s` placeholders and the parameters. Programs and
reviews keep them so (`planner.engine.serialize.reason_row`), and they are rendered here
when shown, in the language of whoever reads them: the patient's on the app, the API
(or `Accept-Language`), the handout, emails and pushes.

The translations are data, not code: `planner/messages/<language>/*.toml`, one file per
part of the engine, each with

    [[message]]                 # one of the engine's messages
    en = "Pain reached %(pain)s out of 10 this week ..."
    text = "..."                # the same message in the file's language

    [names.diagnosis]           # names inside messages, by kind and key
    sciatica = "..."

    [names.rule."R-PREG-2"]     # a rule's own explanation (the clinic may edit it: the
    en = "..."                  # translation is used only while the English is the same)
    text = "..."

    [formats]                   # how the language writes a day in running text
    day = "j E"                 # (Django's date format characters: "4 марта")

A patient reads some explanations in plainer words than the clinician's
(`planner/messages/plain.toml`: by rule, an English message with no numbers a patient has
no use for, "the usual dose x 0.8 for moderate fitness"); its translations are messages
like any other. A language is complete when every message, plain message and name has its
translation (tests/planner/test_explanations.py finds every message of the engine).
"""

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Subquery
from django.utils import formats, translation
from django.utils.translation import get_language

from exercises.models import Exercise, ExerciseTranslation
from exercises.selectors import library_base_language, reading_language

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
NAME_KINDS = ("exercise", "diagnosis", "category", "red_flag", "rule", "tag", "day")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# A day in running text, in English and in a language whose catalogue gives no format of its
# own (`[formats] day`): "Tuesday 4 March" (Django's date format characters).
DAY_FORMAT = "l j F"


@dataclass(frozen=True)
class Catalogue:
    """One language's translations of the engine's messages and names."""

    language: str
    messages: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # A rule's explanation: its English as translated, and the translation.
    rules: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # How the language writes a day in running text (Django's date format characters).
    day_format: str = ""


def placeholders(message: str) -> frozenset[str]:
    return frozenset(PLACEHOLDER.findall(message))


@functools.cache
def plain_messages() -> Mapping[str, str]:
    """The patient's plainer message of a rule, by rule id (English)."""
    path = MESSAGES_DIR / "plain.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    plain: dict[str, str] = {}
    for entry in document.get("plain", []):
        rule, message = entry.get("rule"), entry.get("en")
        if not isinstance(rule, str) or not isinstance(message, str) or not message.strip():
            raise ImproperlyConfigured(f"{path}: each [[plain]] needs a rule and an en text.")
        if rule in plain:
            raise ImproperlyConfigured(f"{path}: {rule} has two plain messages.")
        plain[rule] = message
    return plain


@functools.cache
def catalogue(language: str) -> Catalogue:
    """The translations into `language` (a short code: "ru"); empty for English and for a
    language nobody has translated yet (the English is shown)."""
    folder = MESSAGES_DIR / language
    if language == library_base_language() or not folder.is_dir():
        return Catalogue(language)
    messages: dict[str, str] = {}
    names: dict[str, dict[str, str]] = {kind: {} for kind in NAME_KINDS}
    rules: dict[str, tuple[str, str]] = {}
    day_format = ""
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                document = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise ImproperlyConfigured(f"{path}: {error}") from error
        for entry in document.get("message", []):
            english, text = entry.get("en"), entry.get("text")
            if not isinstance(english, str) or not isinstance(text, str) or not text.strip():
                raise ImproperlyConfigured(f"{path}: each [[message]] needs en and text.")
            _check_placeholders(path, english, text)
            if messages.get(english, text) != text:
                raise ImproperlyConfigured(f"{path}: two translations of {english!r}.")
            messages[english] = text
        for key, value in document.get("formats", {}).items():
            if key != "day":
                raise ImproperlyConfigured(f"{path}: unknown format {key!r} (day).")
            if not isinstance(value, str) or not value.strip() or day_format:
                raise ImproperlyConfigured(f"{path}: the day format must be given once, as text.")
            day_format = value
        for kind, entries in document.get("names", {}).items():
            if kind not in NAME_KINDS:
                raise ImproperlyConfigured(f"{path}: unknown kind of name {kind!r}.")
            for key, value in entries.items():
                if kind == "rule":
                    if not isinstance(value, dict) or not all(
                        isinstance(value.get(part), str) and value[part].strip()
                        for part in ("en", "text")
                    ):
                        raise ImproperlyConfigured(f"{path}: rule {key} needs en and text.")
                    rules[key] = (value["en"], value["text"])
                elif isinstance(value, str) and value.strip():
                    names[kind][key] = value
                else:
                    raise ImproperlyConfigured(f"{path}: the {kind} {key} has no text.")
    return Catalogue(language, messages, names, rules, day_format)


def _check_placeholders(path: Path, english: str, text: str) -> None:
    if placeholders(english) != placeholders(text):
        raise ImproperlyConfigured(
            f"{path}: the translation of {english!r} must have the same placeholders "
            f"({', '.join(sorted(placeholders(english))) or 'none'})."
        )


class Names:
    """The names inside explanations in one language. Exercise names are read once, on
    first use (one query for all of them), so a page of many explanations costs one query."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.catalogue = catalogue(language)
        self._exercises: dict[str, str] | None = None

    def name(self, kind: str, key: str, english: str) -> str:
        if kind == "day":
            try:
                day = date.fromisoformat(key)
            except ValueError:
                return english
            with translation.override(self.language):
                return str(formats.date_format(day, self.catalogue.day_format or DAY_FORMAT))
        if kind == "exercise":
            return self.exercise_names().get(key, english)
        if kind == "rule":
            translated = self.catalogue.rules.get(key)
            # A clinic that edits a rule's English changes what it says: the old translation
            # no longer says the same, so the clinic's English is shown.
            if translated is not None and _same_text(translated[0], english):
                return translated[1]
            return english
        return self.catalogue.names.get(kind, {}).get(key, english)

    def exercise_names(self) -> dict[str, str]:
        """Every exercise's name in the language, by slug: one query (the translation's
        name where there is one, else the exercise's own)."""
        if self._exercises is None:
            exercises = Exercise.objects.all()
            if self.language != library_base_language():
                translated = ExerciseTranslation.objects.filter(
                    exercise=OuterRef("pk"), language=self.language
                ).values("name")[:1]
                exercises = exercises.annotate(translated=Subquery(translated))
                rows = exercises.values_list("slug", "name", "translated")
                self._exercises = {slug: local or own for slug, own, local in rows}
            else:
                self._exercises = dict(exercises.values_list("slug", "name"))
        return self._exercises


def _same_text(a: str, b: str) -> bool:
    return a.strip().rstrip(".") == b.strip().rstrip(".")


def reason_text(
    row: Mapping[str, Any],
    *,
    language: str | None = None,
    names: Names | None = None,
    patient: bool = False,
) -> str:
    """An explanation as stored (`reason_row`) in `language` (by default the active one).

    `patient`: in the plainer words of `plain.toml` where the rule has them. A row without a
    message (a clinician's own note, or one kept before explanations were data) is shown
    as it was written.
    """
    short = reading_language(language or get_language())
    names = names if names is not None and names.language == short else Names(short)
    return _render(row, names, patient)


def reasons_text(
    rows: Iterable[Mapping[str, Any]],
    *,
    language: str | None = None,
    names: Names | None = None,
    patient: bool = False,
) -> list[dict[str, str]]:
    """`reason_text` of each row, as `{"rule", "text"}` (the names read once for all).

    For a patient each text is shown once: plain words say the same for every message of a
    rule (two dose factors, an exercise swapped in that keeps the old one's reasons)."""
    short = reading_language(language or get_language())
    names = names if names is not None and names.language == short else Names(short)
    shown = [
        {"rule": str(row.get("rule", "")), "text": _render(row, names, patient)} for row in rows
    ]
    if not patient:
        return shown
    return [row for index, row in enumerate(shown) if row not in shown[:index]]


def _render(row: Mapping[str, Any], names: Names, patient: bool) -> str:
    message = row.get("message")
    if not isinstance(message, str):
        return str(row.get("text", ""))
    params = row.get("params") or {}
    if patient:
        plain = plain_messages().get(str(row.get("rule", "")))
        if plain is not None and placeholders(plain) <= set(params):
            message = plain
    template = names.catalogue.messages.get(message, message)
    values = {key: _render_param(value, names, patient) for key, value in params.items()}
    try:
        return template % values
    except (KeyError, ValueError, TypeError):
        # A message whose parameters no longer fit (an old row): its English as kept.
        return str(row.get("text", ""))


def _render_param(value: Any, names: Names, patient: bool) -> str:
    if isinstance(value, dict) and "message" in value:
        return _render(value, names, patient)
    if isinstance(value, dict) and "name" in value:
        return names.name(str(value["name"]), str(value["key"]), str(value.get("text", "")))
    if isinstance(value, list):
        # Names are listed with commas; explanations are sentences, one after the other.
        reasons = all(isinstance(item, dict) and "message" in item for item in value)
        separator = " " if reasons else ", "
        return separator.join(_render_param(item, names, patient) for item in value)
    if isinstance(value, float):
        # In the reader's own way of writing it: "0,8" in Russian.
        separator = formats.get_format("DECIMAL_SEPARATOR", names.language)
        return f"{value:g}".replace(".", str(separator))
    return str(value)


def kept_reasons_text(context: Mapping[str, Any], *, language: str | None = None) -> str:
    """The engine's reasons an alert or event keeps in its context, in `language` (by
    default the active one: the reader's): its "reasons" as data; an alert or event made
    before they were kept so has only their English "reason"."""
    rows = context.get("reasons")
    if rows:
        return " ".join(row["text"] for row in reasons_text(rows, language=language))
    return str(context.get("reason", ""))
