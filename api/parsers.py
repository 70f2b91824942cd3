"""JSON bodies read safely: a body too deep, too large or not JSON is a 400, never a 500."""

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No request of this API nests more than a few levels (a session log's entries); 64 leaves
# room and keeps Python's recursion far away.
MAX_DEPTH = 64


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (a scan, no recursion)."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case, without a scan
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_loads_safely(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON body; ValueError with a plain sentence for anything that is not one."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise ValueError(_("The body is not UTF-8 text.")) from None
    if _depth_exceeds(text, max_depth):
        raise ValueError(_("The JSON nests deeper than %(depth)d levels.") % {"depth": max_depth})
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(
            _("The JSON nests deeper than %(depth)d levels.") % {"depth": max_depth}
        ) from None
    except ValueError as error:  # not JSON, NaN, or a number too long to convert
        raise ValueError(_("The body is not valid JSON: %(error)s") % {"error": error}) from None


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with depth and encoding checked before parsing."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1 if limit else -1) if stream is not None else b""
        if limit and len(raw) > limit:
            raise ParseError(_("The body is larger than %(size)d bytes.") % {"size": limit})
        try:
            return json_loads_safely(raw)
        except ValueError as error:
            raise ParseError(str(error)) from None
