"""The benchmarks still run (tiny sizes here; the figures come from full runs in bench/)."""

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
        ("today_throughput.py", ("--seconds", "0.5", "--rounds", "1", "--concurrency", "2")),
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
