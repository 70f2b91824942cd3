"""Reading a patient profile file for `plan_preview` and `plan_simulate`.

Whatever is wrong with the file, the command prints one line and exits with 2
(the usual code for bad input, as argparse uses): a person typed a path or wrote
a profile by hand, and a traceback would tell them nothing they can fix.
"""

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from django.core.management.base import CommandError

from planner.engine.profile import ProfileError, parse_profile
from planner.engine.types import PatientProfile
from rehab.models import Comorbidity, Diagnosis, RedFlag

BAD_INPUT = 2
# A profile is a few hundred bytes; reading no more than this keeps a wrong path (a disk
# image, /dev/zero) from filling the memory.
MAX_PROFILE_BYTES = 1_000_000


class _NotProfileJson(ValueError):
    """JSON that Python would read but a profile must not contain."""


def _no_constant(name: str) -> Any:
    raise _NotProfileJson(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys without a word; in a clinical profile the
    # first "age" would silently lose.
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _NotProfileJson(f"key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def _bad(path: Path, problem: str) -> CommandError:
    return CommandError(f"{path}: {problem}", returncode=BAD_INPUT)


def read_profile_json(path: Path) -> object:
    """The JSON data of a profile file, or CommandError(returncode=2) saying what is wrong."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_PROFILE_BYTES + 1)
    except FileNotFoundError:
        raise _bad(path, "no such file.") from None
    except IsADirectoryError:
        raise _bad(path, "is a directory, not a profile file.") from None
    except PermissionError:
        raise _bad(path, "permission denied.") from None
    except OSError as error:
        raise _bad(path, f"cannot be read ({error.strerror or error}).") from None
    if len(raw) > MAX_PROFILE_BYTES:
        raise _bad(path, f"larger than {MAX_PROFILE_BYTES:,} bytes; not a profile file.")
    try:
        # utf-8-sig: a byte order mark, as some editors write, is not an error.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _bad(
            path, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start})."
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise _bad(path, f"not valid JSON ({error}).") from None
    except _NotProfileJson as error:
        raise _bad(path, f"not valid JSON for a profile ({error}).") from None
    except RecursionError:
        raise _bad(path, "not valid JSON for a profile (nested too deeply).") from None
    except ValueError as error:
        # Python refuses integers of more than 4,300 digits (CVE-2020-10735).
        first = str(error).split(":", 1)[0]
        raise _bad(path, f"not valid JSON for a profile (a number is too long: {first}).") from None


def profile_from_data(data: object) -> PatientProfile:
    """Parse profile data against the catalogues in the database (the vocabularies)."""
    try:
        return parse_profile(
            data,
            diagnoses=set(Diagnosis.objects.values_list("code", flat=True)),
            comorbidities=set(Comorbidity.objects.values_list("code", flat=True)),
            red_flags=set(RedFlag.objects.values_list("code", flat=True)),
        )
    except ProfileError as error:
        raise CommandError(f"Invalid profile: {error}", returncode=BAD_INPUT) from None


def read_profile_file(path: Path) -> tuple[Mapping[str, Any], PatientProfile]:
    """The file's data and the profile parsed from it; CommandError(returncode=2) if bad."""
    data = read_profile_json(path)
    profile = profile_from_data(data)
    return cast(Mapping[str, Any], data), profile  # parse_profile accepts only a mapping
