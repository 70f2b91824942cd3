"""Colours of the patient app meet WCAG AA contrast (4.5:1 for text, 3:1 for large text)."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "app.css").read_text()
WHITE = "#ffffff"


def colour(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        ("ink", WHITE),
        ("muted", WHITE),
        ("brand", WHITE),  # links, outlined buttons
        (WHITE, "brand"),  # primary buttons, the top bar
        (WHITE, "brand-dark"),
        ("bad", WHITE),  # errors and safety notes
        ("good", WHITE),
        ("warn", WHITE),
        ("ink", "soft"),
    ],
)
def test_text_colours_have_at_least_aa_contrast(foreground, background):
    fg = foreground if foreground.startswith("#") else colour(foreground)
    bg = background if background.startswith("#") else colour(background)
    assert contrast(fg, bg) >= 4.5


def test_sizes_are_in_rem_so_the_browsers_text_zoom_scales_the_app():
    assert "font-size: 100%" in CSS
    assert not re.search(r"font(-size)?:[^;]*\d+px", CSS)


def test_touch_targets_are_at_least_44_px():
    # 2.75rem = 44 px at the default 16 px text size, and grows with text zoom.
    assert "min-height: 2.75rem" in CSS
    assert "min-width: 2.75rem" in CSS
