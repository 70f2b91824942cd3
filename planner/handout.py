"""The program's handout as a PDF: the handout's template drawn by WeasyPrint (with
Debian's pango), the same pictures as the app's. Both the admin and the patient app use
this; neither needs the other."""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from planner.selectors.handout import Handout

# Russian letters in Latin ones (close to ICAO's transliteration in passports), so that a
# file name is plain ASCII whatever the patient's name.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "iu", "ia",
        ],
        strict=True,
    )
)  # fmt: skip


def handout_html(handout: Handout) -> str:
    with translation.override(handout.language):
        return render_to_string("planner/handout.html", {"handout": handout})


def handout_pdf(handout: Handout) -> bytes:
    """The handout as PDF bytes (a second or so: call it once per download)."""
    pdf = HTML(string=handout_html(handout)).write_pdf()
    assert pdf is not None  # given no target, WeasyPrint returns the bytes
    return bytes(pdf)


def ascii_words(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: "Анна Кузнецова" -> "anna-kuznetsova"."""
    latin = "".join(_CYRILLIC.get(char, char) for char in text.lower())
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def handout_filename(handout: Handout) -> str:
    name = ascii_words(handout.patient_name)
    return f"handout-{name}.pdf" if name else "handout.pdf"


def handout_content_disposition(handout: Handout) -> str:
    """An attachment named in ASCII for every client, and in the patient's own letters for
    those that read RFC 6266's filename*."""
    ascii_name = handout_filename(handout)
    own = f"handout-{handout.patient_name}.pdf"
    header = f'attachment; filename="{ascii_name}"'
    if not own.isascii():
        header += f"; filename*=UTF-8''{quote(own)}"
    return header


def handout_response(handout: Handout) -> HttpResponse:
    """The handout as a download, kept by no cache on the way (it names the patient)."""
    response = HttpResponse(handout_pdf(handout), content_type="application/pdf")
    response["Content-Disposition"] = handout_content_disposition(handout)
    response["Cache-Control"] = "no-store"
    return response
