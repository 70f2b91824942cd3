"""The benchmarks still run (tiny sizes here; the figures come from full runs in bench/).
Each runs once: Today's benchmark in its own test, which checks its ratios too."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, *args: str) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("engine.py", ("--profiles", "40")),
        ("bulk_programs.py", ("--patients", "30", "--chunk", "7")),
        ("reminders_fanout.py", ("--reminders", "100")),
        ("worklist.py", ("--patients", "3", "--days", "7", "--rounds", "1", "--requests", "1")),
    ],
)
def test_benchmark_prints_its_ratio_against_the_floor(script, args):
    output = run(script, *args)
    ratio = re.search(r"^ratio.*?:\s+([0-9.]+)x$", output, re.MULTILINE)
    assert ratio and float(ratio.group(1)) > 0, output
    assert "floor" in output


def test_bulk_benchmark_saves_every_program_with_its_schedule():
    output = run("bulk_programs.py", "--patients", "12", "--chunk", "5")
    assert "12 programs, 0 skipped" in output
    assert "HomeSession 504" in output  # 12 patients x 42 days
    assert "SupervisedSession 120" in output  # 12 x 10 clinic sessions


def test_today_benchmark_measures_the_small_and_the_grown_clinic_on_the_shared_cache():
    output = run(
        "today_throughput.py",
        *("--patients", "3", "--days", "7", "--seconds", "0.3", "--rounds", "2"),
        *("--concurrency", "2"),
    )
    assert "cache: config.cache.RedisCache at redis://127.0.0.1:" in output
    assert "clinic of 1 patient:" in output and "clinic of 3 patients:" in output
    assert "3 patients, 63 home sessions" in output  # 3 weeks of schedule each
    assert (
        len(re.findall(r"^  round [12]: floor .* endpoint .*x\), page .*x\)$", output, re.M)) == 4
    )
    assert re.search(r"^endpoint: [0-9.]+x at 3 patients, [0-9.]+x at 1 ", output, re.M)
    assert re.search(r"rounds >= 0.45x: (met|MISSED)$", output, re.M)
    ratio = re.search(r"^ratio page / floor:\s+([0-9.]+)x$", output, re.M)
    assert ratio and float(ratio.group(1)) > 0, output


@pytest.mark.e2e  # Chromium: with the browser tests, on SQLite only
def test_phone_benchmark_measures_today_and_the_blank_page_on_a_throttled_phone():
    output = run("phone_today.py", "--rounds", "1")
    assert "150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower" in output
    visits = r"^  round 1: drawn: blank \d+ ms .*Today first visit \d+ ms, [0-9.]+ KB.*; settled: "
    assert re.search(visits, output, re.M), output
    # The first demonstration's drawing is timed by the browser (Element Timing), not guessed.
    assert "has no elementtiming" not in output
    assert re.search(r"^settled: first visit [0-9.]+x, repeat visit [0-9.]+x$", output, re.M)
    for target in ("first visit under 150 KB", "first visit within 2x", "repeat visit within 1.5x"):
        assert re.search(rf"^target {target}: (met|MISSED)$", output, re.M), output
