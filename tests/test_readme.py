"""Every address the README names answers, for the user it is meant for.

Where paths are found: in the README's code (inline `...` and fenced blocks) and links
(<http://...>, [text](...)). A path is an absolute URL path there (`/api/v1/me/`,
`/calendar/<token>.ics`) or an address on this machine (`http://127.0.0.1:8000/app/`). A
path starts the text or follows a space, a bracket or a quote, so `sqlite:///db.sqlite3`,
`./media`, `https://` + a host and file names like `config/urls.py` are no paths, and it
starts with a letter or a placeholder (`<id>` or `{id}`). A file of the repository
(`/docs/x.md`, as GitHub links it) or of the machine (`/usr/...`) is no path of the site.
Methods written just before a path (`POST /api/v1/auth/token/`,
`GET, PATCH /api/v1/reminder-preferences/`) are checked too.

How a path is checked, on the demo `make run` seeds (tests/demo_world.py):
- a placeholder becomes a real value, chosen by the path segment before it (`patients/<id>`
  is one of the doctor's patients, `calendar/<token>.ics` her calendar's token: PLACEHOLDERS);
- the path is asked with GET by an anonymous visitor, then by a demo patient (smirnova),
  then by the demo doctor (her clinician), and the first who is not refused (401, 403, or
  sent to a sign-in page) must get an answer: anything but 404 and server errors (a 405
  says the path is there for another method; 503 is the readiness probe's answer when
  Redis is down, as it is here). So a public path answers anonymously, a patient's to the
  patient and a clinician's (`/admin/`, `/api/v1/clinician/...`) to the clinician;
- each method named must be allowed there (a GET answers, other methods are in the
  `Allow` header of an OPTIONS request by that same user, which changes nothing);
- a path in a table row with a "who" column (`anyone`, `patient`, `clinician`) must be
  answered first for that user;
- a path that answers 404 passes only as a base address with routes below it, named
  without a method (`/api/v1/`); `MEDIA_URL` is the front server's in production, not
  Django's.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from notifications.models import ReminderPreferences
from planner import selectors
from planner.models import Program, ReviewProposal, SupervisedSession
from rehab.models import Patient
from tests.demo_world import demo  # noqa: F401 (a fixture)
from testsupport.processes import free_port

README = Path(settings.BASE_DIR) / "README.md"
DEMO_PATIENT, DEMO_DOCTOR = "smirnova", "doctor"
ACTORS = ("anonymous", DEMO_PATIENT, DEMO_DOCTOR)
# A table's "who" column, and the user it means.
WHO = {"anyone": "anonymous", "patient": DEMO_PATIENT, "clinician": DEMO_DOCTOR}

METHOD = r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)"
SEGMENT_CHARS = r"(?:[\w\-.~/]|<[\w-]+>|\{[\w-]+\})"
LOCAL_ADDRESS = re.compile(rf"https?://(?:127\.0\.0\.1|localhost)(?::\d+)?(/{SEGMENT_CHARS}*)?")
PATH = re.compile(rf"(?:^|(?<=[\s(\[\"'=]))/[A-Za-z<{{]{SEGMENT_CHARS}*")
METHODS_BEFORE = re.compile(rf"\b({METHOD}(?:\s*,\s*{METHOD})*)\s+$")
PLACEHOLDER = re.compile(r"<([\w-]+)>|\{([\w-]+)\}")
# Absolute paths of a machine's files, not of the site.
FILE_SYSTEM = ("/usr/", "/etc/", "/tmp/", "/var/", "/home/", "/opt/", "/dev/", "/proc/")

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`]+)`")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
LINK = re.compile(r"\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Reference:
    path: str
    methods: tuple[str, ...]  # as named before it, none when only the path is named
    line: int
    who: str | None = None  # the "who" cell of its table row, if it is in one

    def __str__(self) -> str:
        named = f"{', '.join(self.methods)} " if self.methods else ""
        return f"README line {self.line}: {named}{self.path}"


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _who(lines: list[str], number: int) -> str | None:
    """The "who" cell of the table row on line `number`, when it is one of such a table."""
    if not lines[number - 1].lstrip().startswith("|"):
        return None
    first = number - 1
    while first > 0 and lines[first - 1].lstrip().startswith("|"):
        first -= 1
    header, cells = _cells(lines[first]), _cells(lines[number - 1])
    if "who" not in header or len(cells) != len(header):
        return None
    return cells[header.index("who")]


def _code_and_links(text: str) -> Iterator[tuple[int, str]]:
    """Each piece of code or link target, with the offset where it starts."""
    for block in FENCE.finditer(text):
        yield block.start(1), block.group(1)
    # Blank out the fenced blocks (keeping offsets), so their backticks pair with nothing.
    prose = FENCE.sub(lambda m: " " * len(m.group(0)), text)
    for pattern in (CODE_SPAN, AUTOLINK, LINK):
        for found in pattern.finditer(prose):
            yield found.start(1), found.group(1)


def references(text: str) -> list[Reference]:
    lines = text.splitlines()
    found: dict[tuple[str, tuple[str, ...], str | None], Reference] = {}
    for offset, piece in _code_and_links(text):
        spans: list[tuple[int, int, str]] = [
            (m.start(), m.end(), m.group(1) or "/") for m in LOCAL_ADDRESS.finditer(piece)
        ]
        rest = LOCAL_ADDRESS.sub(lambda m: " " * len(m.group(0)), piece)
        spans += [(m.start(), m.end(), m.group(0)) for m in PATH.finditer(rest)]
        for start, _end, path in spans:
            path = path.rstrip(".,;:")
            if path.startswith(FILE_SYSTEM) or (README.parent / path[1:]).is_file():
                continue  # a file of the machine, or of this repository (a link to docs)
            before = METHODS_BEFORE.search(piece[:start])
            methods = tuple(re.split(r"\s*,\s*", before.group(1))) if before else ()
            line = text.count("\n", 0, offset + start) + 1
            who = _who(lines, line)
            known = found.get((path, methods, who))
            if known is None or line < known.line:
                found[(path, methods, who)] = Reference(path, methods, line, who)
    return sorted(found.values(), key=lambda reference: reference.line)


README_REFERENCES = references(README.read_text(encoding="utf-8"))


# -- What a placeholder stands for ---------------------------------------------------------------


def _exercise_slug(program: Program) -> str:
    version = selectors.program_current_version(program=program)
    return selectors.program_exercises(version=version)[0].exercise.slug


def _today(patient: Patient) -> date:
    return selectors.patient_local_today(patient=patient)


# The segment before a placeholder names what it stands for; each value belongs to the demo
# patient or her program, which her doctor sees too. A path with a new kind of placeholder
# needs its line here.
PLACEHOLDERS: dict[str, Any] = {
    "calendar": lambda p, program: ReminderPreferences.objects.get(patient=p).calendar_token,
    "patients": lambda p, program: p.pk,
    "patient": lambda p, program: p.pk,  # the admin's /admin/rehab/patient/<id>/
    "programs": lambda p, program: program.pk,
    "supervised-sessions": lambda p, program: (
        SupervisedSession.objects.filter(program=program).order_by("number")[0].pk
    ),
    "reviews": lambda p, program: ReviewProposal.objects.filter(program=program)[0].pk,
    "exercises": lambda p, program: _exercise_slug(program),
    "sessions": lambda p, program: _today(p).isoformat(),
}


def fill_in(path: str) -> str:
    """The path with each placeholder replaced by a real value for the demo's users."""
    patient = Patient.objects.get(user__username=DEMO_PATIENT)
    program = Program.objects.get(patient=patient, status="active")
    segments = path.split("/")
    for index, segment in enumerate(segments):
        if not PLACEHOLDER.search(segment):
            continue
        kind = segments[index - 1] if index else ""
        if kind not in PLACEHOLDERS:
            raise LookupError(
                f"no value for the placeholder in {segment!r} after {kind!r}/: "
                "add what it stands for to PLACEHOLDERS in tests/test_readme.py"
            )
        value = str(PLACEHOLDERS[kind](patient, program))
        segments[index] = PLACEHOLDER.sub(lambda _m, v=value: v, segment)
    return "/".join(segments)


# -- Asking the site ----------------------------------------------------------------------------


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def has_routes_below(path: str) -> bool:
    return any(route.startswith(path.lstrip("/")) for route in _routes(get_resolver().url_patterns))


def client_of(actor: str) -> Client:
    client = Client()
    if actor != "anonymous":
        client.force_login(get_user_model().objects.get(username=actor))
    return client


def refused(response: Any, path: str) -> bool:
    if response.status_code in (401, 403):
        return True
    sign_in = {reverse("admin:login"), reverse("web:login")}
    landed = urlsplit(response.redirect_chain[-1][0]).path if response.redirect_chain else path
    return landed in sign_in and urlsplit(path).path not in sign_in


def answered(status: int) -> bool:
    return status != 404 and (status < 500 or status == 503)


def problem_with(reference: Reference) -> str | None:
    """Why the README's path does not hold, or None when it does."""
    if reference.path.startswith(settings.MEDIA_URL):
        return None  # the front server's (README, "More machines")
    try:
        path = fill_in(reference.path)
    except LookupError as error:
        return f"{reference}: {error}"
    statuses = []
    for actor in ACTORS:
        client = client_of(actor)
        response = client.get(path, follow=True)
        statuses.append(f"{actor} {response.status_code}")
        if refused(response, path):
            continue
        if not answered(response.status_code):
            if response.status_code == 404 and has_routes_below(path) and not reference.methods:
                return None  # a base address, such as /api/v1/
            return f"{reference}: {path} answers {response.status_code} to {actor}"
        if reference.who is not None and WHO.get(reference.who) != actor:
            return (
                f"{reference}: the README says who is {reference.who!r} "
                f"(one of {', '.join(WHO)}), but the first it answers is {actor}"
            )
        for method in reference.methods:
            if method == "GET":
                if response.status_code == 405:
                    return f"{reference}: {path} refuses GET ({actor})"
                continue
            allowed = client.options(path).headers.get("Allow", "")
            if method not in re.split(r"\s*,\s*", allowed):
                return f"{reference}: {path} allows {allowed or 'nothing'}, not {method}"
        return None
    return f"{reference}: {path} refuses everyone ({', '.join(statuses)})"


@pytest.fixture
def quick_broker(settings: Any) -> None:
    """The readiness probe asks a Redis that is not there, so it answers 503 at once."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"


# -- The README ---------------------------------------------------------------------------------


def test_the_readme_names_the_sites_paths():
    paths = {reference.path for reference in README_REFERENCES}
    assert {"/admin/", "/app/", "/api/v1/auth/token/", "/calendar/<token>.ics"} <= paths
    assert any(path.startswith("/api/v1/clinician/") for path in paths)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "quick_broker")
@pytest.mark.parametrize("reference", README_REFERENCES, ids=str)
def test_each_path_in_the_readme_answers_for_its_user(reference: Reference):
    assert problem_with(reference) is None, problem_with(reference)


# -- The extraction and the check themselves ----------------------------------------------------

SAMPLE = """
Open <http://127.0.0.1:8000/app/> or [the docs](http://localhost:8000/api/docs/).
From `POST /api/v1/auth/token/`; `GET, PATCH /api/v1/reminder-preferences/`; the feed is
`/calendar/<token>.ics` and `GET /api/v1/clinician/patients/{id}/`.
Not paths: `sqlite:///db.sqlite3`, `redis://127.0.0.1:6379/0`, `https://` + host,
`./media`, `config/urls.py`, `postgres://u:p@db.internal:5432/rehab`, `/usr/bin/chromium`,
[the README](/README.md),
`https://rehab.example.org/app/` (another host), and /admin/ outside code.

```sh
curl http://127.0.0.1:8000/ -H 'Accept: text/html'   # the front door
.venv/bin/python manage.py load_library --file ../shared/x.toml
```

| method and path | who | does |
|---|---|---|
| `GET /api/v1/me/` | patient | who I am |
"""


def test_the_extraction_finds_paths_methods_and_placeholders_and_nothing_else():
    found = {(r.path, r.methods) for r in references(SAMPLE)}
    assert found == {
        ("/app/", ()),
        ("/api/docs/", ()),
        ("/api/v1/auth/token/", ("POST",)),
        ("/api/v1/reminder-preferences/", ("GET", "PATCH")),
        ("/calendar/<token>.ics", ()),
        ("/api/v1/clinician/patients/{id}/", ("GET",)),
        ("/", ()),
        ("/api/v1/me/", ("GET",)),
    }
    assert {r.path: r.who for r in references(SAMPLE)}["/api/v1/me/"] == "patient"
    assert {r.who for r in references(SAMPLE) if r.path != "/api/v1/me/"} == {None}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "quick_broker")
@pytest.mark.parametrize(
    ("path", "methods", "who", "why"),
    [
        ("/api/v1/no-such-thing/", (), None, "answers 404"),
        ("/app/no-such-page/", (), None, "answers 404"),
        ("/api/v1/clinician/patients/<id>/", ("POST",), None, "not POST"),
        ("/api/v1/auth/token/", ("GET",), None, "refuses GET"),
        ("/api/v1/clinician/widgets/<id>/", (), None, "add what it stands for"),
        ("/api/v1/", ("GET",), None, "answers 404"),  # a base address is no endpoint to call
        ("/api/v1/exercises/", ("GET",), "patient", "the first it answers is doctor"),
        ("/api/v1/health/live/", ("GET",), "clinician", "the first it answers is anonymous"),
        ("/api/v1/me/", ("GET",), "someone", "who is 'someone'"),
    ],
)
def test_the_check_fails_for_a_wrong_path_method_or_user(path, methods, who, why):
    problem = problem_with(Reference(path, methods, 1, who))
    assert problem is not None and why in problem, problem


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "quick_broker")
def test_each_path_is_answered_for_the_user_it_is_meant_for():
    """Public paths anonymously, the patient's to the patient, the clinician's to the doctor;
    the same paths for the wrong user are refused."""
    for path, meant_for in [
        ("/", "anonymous"),
        ("/calendar/<token>.ics", "anonymous"),
        ("/api/v1/today/", DEMO_PATIENT),
        ("/app/exercises/<slug>/", DEMO_PATIENT),
        ("/api/v1/clinician/programs/<id>/", DEMO_DOCTOR),
        ("/admin/", DEMO_DOCTOR),
    ]:
        filled = fill_in(path)
        for actor in ACTORS:
            response = client_of(actor).get(filled, follow=True)
            if actor == meant_for:
                assert not refused(response, filled) and response.status_code == 200, path
                break
            assert refused(response, filled), (path, actor, response.status_code)


def _canonical(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "<>", "/" + path.lstrip("/"))


def test_the_readme_lists_every_api_route():
    """The other way round: an endpoint added to the API is listed in the README too."""
    named = {_canonical(reference.path) for reference in README_REFERENCES}
    api = {
        _canonical(route)
        for route in _routes(get_resolver().url_patterns)
        if route.startswith("api/v1/")
    }
    assert "/api/v1/clinician/patients/<>/" in api  # the routes were found at all
    assert api - named == set()
