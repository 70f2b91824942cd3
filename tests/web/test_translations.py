"""The Russian catalogue: everything a patient reads is translated, and the app speaks Russian.

The .po file is read by the small parser below (no dependency). An entry reaches a
patient when one of its `#:` occurrences is in the patient app (`web/`), the reminder
texts, the calendar feed and the invitation email (`notifications/`) or the invitation
errors (`rehab/services.py`, `rehab/selectors.py`); the
clinic admin's own texts may stay English.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
PATIENT_SOURCES = ("web/", "notifications/", "rehab/services.py", "rehab/selectors.py")
RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
# printf-style conversions as Python's % operator reads them, "%(name)s" and "%%" included.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
KEYWORD_LINE = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    occurrences: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    line: int = 0

    @property
    def files(self) -> set[str]:
        return {occurrence.rsplit(":", 1)[0] for occurrence in self.occurrences}

    @property
    def reaches_patients(self) -> bool:
        return any(path.startswith(PATIENT_SOURCES) for path in self.files)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(text: str) -> Iterator[Entry]:
    """The entries of a .po file, the header included (msgid ""), obsolete ones left out."""
    entry, key, index = Entry(), "", 0
    started = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if started:
                yield entry
            entry, key, started = Entry(), "", False
            continue
        if line.startswith("#~"):
            continue
        if not started:
            entry.line, started = number, True
        if line.startswith("#:"):
            entry.occurrences += line[2:].split()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if key == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + value
            elif key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + value
            else:
                entry.msgstr[index] += value
        else:
            match = KEYWORD_LINE.fullmatch(line)
            assert match, f"{PO_FILE.name}:{number}: cannot read {raw!r}"
            key, value = match.group(1), _unquote(match.group(3))
            if key == "msgctxt":
                entry.msgctxt = value
            elif key == "msgid":
                entry.msgid = value
            elif key == "msgid_plural":
                entry.msgid_plural = value
            else:
                index = int(match.group(2) or 0)
                entry.msgstr[index] = value
    if started:
        yield entry


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


ENTRIES = list(parse_po(PO_FILE.read_text(encoding="utf-8")))
HEADER = next(e for e in ENTRIES if e.msgid == "" and e.msgctxt is None)
MESSAGES = [e for e in ENTRIES if e is not HEADER]
FOR_PATIENTS = [e for e in MESSAGES if e.reaches_patients]


def test_the_parser_finds_the_patient_texts():
    assert len(FOR_PATIENTS) > 100
    msgids = {e.msgid for e in FOR_PATIENTS}
    assert {"Today", "Time for today's exercises", "This invitation link is not valid."} <= msgids


def test_the_header_has_russian_plural_forms():
    header = HEADER.msgstr[0]
    assert "Language: ru\n" in header
    assert "charset=UTF-8" in header
    forms = re.search(r"^Plural-Forms:\s*(.*)$", header, re.M)
    assert forms is not None
    assert forms.group(1).replace(" ", "") == RUSSIAN_PLURALS.replace(" ", "")


def test_every_patient_text_is_translated_and_not_fuzzy():
    problems = []
    for entry in FOR_PATIENTS:
        if "fuzzy" in entry.flags:
            problems.append(f"{entry.label} is fuzzy (fuzzy entries are not compiled)")
        expected = range(3) if entry.msgid_plural is not None else range(1)
        if sorted(entry.msgstr) != list(expected):
            problems.append(f"{entry.label} has msgstr forms {sorted(entry.msgstr)}")
        empty = [i for i in expected if not entry.msgstr.get(i, "").strip()]
        if empty:
            problems.append(f"{entry.label} has no translation (forms {empty})")
    assert not problems, "\n".join(problems)


def test_placeholders_are_kept():
    problems = []
    for entry in MESSAGES:
        if not any(entry.msgstr.values()):
            continue
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        wanted = placeholders(entry.msgid) | placeholders(source)
        for index, text in entry.msgstr.items():
            got = placeholders(text)
            if text and got != wanted:
                problems.append(f"{entry.label} form {index}: {sorted(got)} != {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo in use gives back the .po's words (else: manage.py compilemessages)."""
    stale = []
    with translation.override("ru"):
        for entry in FOR_PATIENTS:
            if entry.msgctxt is not None:
                continue
            if entry.msgid_plural is None:
                got = {0: translation.gettext(entry.msgid)}
            else:
                # 1 -> form 0, 2 -> form 1, 5 -> form 2 under the Russian plural rule.
                got = {
                    form: translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for form, n in ((0, 1), (1, 2), (2, 5))
                }
            if got != entry.msgstr:
                stale.append(entry.label)
    assert not stale, "Run manage.py compilemessages; stale in the .mo:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_a_russian_patient_sees_today_in_russian(owner_client):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = owner_client.get("/app/today/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Сегодня" in html
    for label in ("Сегодня", "История", "Прогресс", "Симптомы", "Настройки"):
        assert f">{label}</a>" in html
    for label in ("Today", "History", "Progress", "Symptoms", "Settings"):
        assert f">{label}<" not in html
    assert "✓ Готово</button>" in html
    assert "Пропустить сегодня</button>" in html
    assert "Done</button>" not in html and "Skipped today" not in html
    assert "Мои упражнения" in html and "My exercises" not in html
    assert re.search(r"\d+ (упражнение|упражнения|упражнений), около \d+ мин\.", html)
    assert re.search(r"\d+ (подход|подхода|подходов) по ", html)
    # The day's walk, apart from the session, in her language.
    assert "Ещё сегодня, кроме упражнений" in html
    assert re.search(r"\d+ минут в любое время дня", html)
