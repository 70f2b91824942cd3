"""A contact sheet of every exercise's demonstration, kept as a test artefact to look at.

artifacts/demonstrations/contact-sheet.html shows each exercise's name, its animated
demonstration and its start and end pictures; Chromium draws it into contact-sheet.png
(the demonstrations caught mid-movement) and contact-sheet-reduced-motion.png (as a
person who asked for less motion sees them: the start and end side by side). The browser
also shows that the demonstration really moves, and stops moving when asked to.
"""

import html
from pathlib import Path
from typing import Any

import pytest

from exercises.demonstrations import exercise_demo_svg
from exercises.models import Exercise
from exercises.selectors import exercise_illustration_svg

# The library fixture: the browser tests run last, after tests that empty the database.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db, pytest.mark.usefixtures("library")]

SHEET = Path(__file__).resolve().parents[2] / "artifacts" / "demonstrations"
STYLE = (
    "body{margin:8px;font:13px sans-serif;color:#222}"
    ".card{display:inline-block;width:590px;margin:3px;border:1px solid #ccc;padding:4px}"
    ".card h2{font-size:13px;margin:0 0 4px}.card small{color:#667}"
    "img{border:1px solid #eee;vertical-align:bottom}"
)


def write_sheet() -> tuple[Path, int]:
    SHEET.mkdir(parents=True, exist_ok=True)
    cards = []
    exercises = list(Exercise.objects.order_by("category", "slug"))
    for exercise in exercises:
        slug = exercise.slug
        (SHEET / f"{slug}-demo.svg").write_text(exercise_demo_svg(exercise=exercise))
        still = exercise_demo_svg(exercise=exercise, still=True)
        (SHEET / f"{slug}-demo-still.svg").write_text(still)
        for phase in ("start", "end"):
            svg = exercise_illustration_svg(exercise=exercise, phase=phase)
            (SHEET / f"{slug}-{phase}.svg").write_text(svg)
        cards.append(
            f'<div class="card"><h2>{html.escape(exercise.name)} <small>{slug}</small></h2>'
            # As the app shows it: the still pair for a reader who prefers reduced motion.
            f'<picture><source media="(prefers-reduced-motion: reduce)" '
            f'srcset="{slug}-demo-still.svg">'
            f'<img src="{slug}-demo.svg" width="240" height="180" alt="demonstration"></picture>'
            f'<img src="{slug}-start.svg" width="160" height="120" alt="start">'
            f'<img src="{slug}-end.svg" width="160" height="120" alt="end"></div>'
        )
    page = (
        '<!doctype html><html lang="en"><meta charset="utf-8">'
        f"<title>Exercise demonstrations</title><style>{STYLE}</style>"
        f"<h1>Every exercise's demonstration ({len(exercises)})</h1>{''.join(cards)}</html>"
    )
    sheet = SHEET / "contact-sheet.html"
    sheet.write_text(page)
    return sheet, len(exercises)


def test_a_contact_sheet_of_every_demonstration_start_and_end(browser: Any) -> None:
    sheet, count = write_sheet()
    assert count >= 70
    page = browser.new_page(viewport={"width": 1240, "height": 900})
    page.goto(sheet.as_uri())
    page.wait_for_function("[...document.images].every(image => image.complete)")
    broken = page.evaluate(
        "[...document.images].filter(image => !image.naturalWidth).map(image => image.src)"
    )
    assert broken == []
    assert page.locator("img").count() == 3 * count
    page.wait_for_timeout(1500)  # the demonstrations on their way from start to end
    page.screenshot(path=str(SHEET / "contact-sheet.png"), full_page=True)
    assert (SHEET / "contact-sheet.png").stat().st_size > 100_000
    calm = browser.new_page(viewport={"width": 1240, "height": 900}, reduced_motion="reduce")
    calm.goto(sheet.as_uri())
    calm.wait_for_function("[...document.images].every(image => image.complete)")
    chosen = calm.evaluate("[...document.images].map(image => image.currentSrc)")
    assert sum(src.endswith("-demo-still.svg") for src in chosen) == count
    calm.screenshot(path=str(SHEET / "contact-sheet-reduced-motion.png"), full_page=True)


def test_a_demonstration_moves_and_holds_still_for_reduced_motion(browser: Any) -> None:
    exercise = Exercise.objects.get(slug="glute-bridge")
    SHEET.mkdir(parents=True, exist_ok=True)
    demo = SHEET / "glute-bridge-demo.svg"
    demo.write_text(exercise_demo_svg(exercise=exercise))
    page = browser.new_page(viewport={"width": 400, "height": 300})
    page.goto(demo.as_uri())
    shown = "name => getComputedStyle(document.querySelector('.' + name)).display"
    assert page.evaluate(shown, "m") != "none" and page.evaluate(shown, "s") == "none"
    frames = []
    for _ in range(4):
        frames.append(page.screenshot())
        page.wait_for_timeout(700)
    assert len(set(frames)) > 1  # it moves
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(shown, "m") == "none" and page.evaluate(shown, "s") != "none"
    still = [page.screenshot()]
    page.wait_for_timeout(700)
    still.append(page.screenshot())
    assert still[0] == still[1]  # and holds still
