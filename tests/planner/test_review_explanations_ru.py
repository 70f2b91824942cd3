"""The weekly review's explanations read in Russian (planner/messages/ru/review.toml).

Each V-* rule is produced by a real review of a hand-made week (the builders of the
engine's review tests) and rendered the way a stored reason is shown: its row
(`reason_row`) through `planner.explanations.reason_text` in Russian. Every message inside
it, the pieces too (a change of dose, a day's date, the adherence), has its translation;
a message of the review without one fails here.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.engine.review.types import Proposal, WeekReview
from planner.engine.review.week import review_week
from planner.engine.serialize import reason_row
from planner.engine.types import Dose, Name, Reason
from planner.explanations import catalogue, reason_text
from tests.planner.engine.weeks import (
    easy_week,
    log,
    reps_exercise,
    review_one,
    steady_week,
    timed_exercise,
)

REVIEW_DIR = Path(__file__).resolve().parents[2] / "planner" / "engine" / "review"
CYRILLIC = re.compile("[\u0400-\u04ff]")
# Real exercises of the library, so their names are read in Russian too.
KNEE, BOTH_KNEES = "single-knee-to-chest", "double-knee-to-chest"


def russian(reason: Reason) -> str:
    return reason_text(reason_row(reason), language="ru")


def messages(reason: Reason) -> Iterator[str]:
    """The reason's message and those of the reasons inside it."""
    yield reason.message
    for _, value in reason.params:
        if isinstance(value, Reason):
            yield from messages(value)


def assert_reads_in_russian(reason: Reason) -> None:
    text = russian(reason)
    untranslated = [m for m in messages(reason) if m not in catalogue("ru").messages]
    assert not untranslated, f"no Russian for {untranslated}"
    assert text != reason.text
    assert CYRILLIC.search(text), text
    assert "%(" not in text and "%%" not in text, text


def by_rule(proposal: Proposal, rule: str) -> list[Reason]:
    found = [r for r in proposal.reasons if r.rule == rule]
    assert found, f"{rule} not among {[r.rule for r in proposal.reasons]}"
    return found


def one_more_set_blocked() -> Proposal:
    # One set of 10 at the maximum: two sets could hold 5.5 each, under the minimum of 8.
    return review_one(reps_exercise(sets=1, reps=10, low=Dose(1, 8, 0, 0), high=Dose(2, 10, 0, 0)))


# Each week under review: the rule it must produce, and the proposal.
WEEKS = {
    "hold, pain of 4 to 5": (
        "V-HOLD",
        lambda: review_one(reps_exercise(logs=steady_week(during=4, after=4))),
    ),
    "hold, done too rarely": ("V-HOLD", lambda: review_one(reps_exercise(logs=easy_week(4)))),
    "hold, no pain scores": (
        "V-HOLD",
        lambda: review_one(
            reps_exercise(logs=tuple(log(n, during=None, after=None) for n in range(7)))
        ),
    ),
    "hold, not easy": (
        "V-HOLD",
        lambda: review_one(reps_exercise(logs=tuple(log(n, feel="hard") for n in range(7)))),
    ),
    "hold, one more set under the minimum": ("V-HOLD", one_more_set_blocked),
    "no data": ("V-NODATA", lambda: review_one(reps_exercise(scheduled=0, logs=()))),
    "progress, repetitions": ("V-PROGRESS", lambda: review_one(reps_exercise(reps=10))),
    "progress, without a baseline": (
        "V-PROGRESS",
        lambda: review_one(
            replace(reps_exercise(), baseline_pain_during=None, baseline_pain_after=None)
        ),
    ),
    "progress, hold": ("V-PROGRESS", lambda: review_one(reps_exercise(reps=30, hold_s=5))),
    "progress, hold kept on show": (
        "V-PROGRESS",
        lambda: review_one(reps_exercise(reps=30, hold_s=20)),
    ),
    "progress, duration": (
        "V-PROGRESS",
        lambda: review_one(timed_exercise(duration_s=600, high=Dose(3, 0, 0, 1200))),
    ),
    "progress, duration in seconds": (
        "V-PROGRESS",
        lambda: review_one(timed_exercise(duration_s=90)),
    ),
    "progress, one more set": (
        "V-PROGRESS",
        lambda: review_one(reps_exercise(sets=2, reps=30, hold_s=30)),
    ),
    "progress, one more timed set": (
        "V-PROGRESS",
        lambda: review_one(timed_exercise(sets=1, duration_s=300)),
    ),
    "harder variant": (
        "V-HARDER",
        lambda: review_one(reps_exercise(reps=30, sets=4, harder=BOTH_KNEES)),
    ),
    "no harder variant": ("V-HARDER", lambda: review_one(reps_exercise(reps=30, sets=4))),
    "step back, pain of 6": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(reps=12, baseline=5, logs=(*easy_week(6), log(6, during=7, after=2)))
        ),
    ),
    "step back, pain during over its baseline": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(baseline_during=1, baseline_after=1, logs=steady_week(during=3, after=1))
        ),
    ),
    "step back, pain after over its baseline": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(baseline_during=3, baseline_after=1, logs=steady_week(during=1, after=3))
        ),
    ),
    "step back, flare during": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(
                baseline=3, logs=(log(0, during=1), log(1, during=3), *easy_week(5, start=2))
            )
        ),
    ),
    "step back, flare after": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(
                baseline=3,
                logs=(log(0, during=1, after=0), log(1, during=1, after=2), *easy_week(5, start=2)),
            )
        ),
    ),
    "step back, duration": (
        "V-STEP-BACK",
        lambda: review_one(timed_exercise(duration_s=120, logs=(*easy_week(6), log(6, during=6)))),
    ),
    "easier variant": (
        "V-STEP-BACK",
        lambda: review_one(
            reps_exercise(reps=4, easier=KNEE, logs=(*easy_week(6), log(6, during=7)))
        ),
    ),
    "no easier variant, timed": (
        "V-STEP-BACK",
        lambda: review_one(timed_exercise(duration_s=20, logs=(*easy_week(6), log(6, during=7)))),
    ),
    "no easier variant": (
        "V-STEP-BACK",
        lambda: review_one(reps_exercise(reps=4, logs=(*easy_week(6), log(6, during=7)))),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("week", WEEKS)
def test_every_reason_of_the_review_reads_in_russian(week):
    rule, review = WEEKS[week]
    proposal = review()
    by_rule(proposal, rule)
    for reason in proposal.reasons:
        assert_reads_in_russian(reason)


# Why progression was paused, as the program keeps it (planner.services.logs).
PAIN_OF_7 = Reason.of(
    "V-PAUSE",
    "Pain of %(pain)s out of 10 logged on %(day)s.",
    pain=7,
    day=Name.of_day(date(2026, 3, 4)),
)


def paused_and_creeping() -> WeekReview:
    """Pain of 6 with a real exercise, a red flag, an earlier pause, and pain creeping up
    against one baseline (during) and against several (after)."""
    painful = reps_exercise(slug=KNEE, baseline=1, logs=steady_week(during=6, after=3))
    other = reps_exercise(
        slug="bridge", baseline_during=1, baseline_after=0, logs=steady_week(during=3, after=3)
    )
    return review_week(
        [painful, other],
        red_flag_reported=True,
        progression_paused=(PAIN_OF_7, PAIN_OF_7),
    )


@pytest.mark.django_db
def test_an_earlier_pause_is_quoted_in_the_readers_language_sentence_by_sentence():
    kept = paused_and_creeping().reasons[1]
    assert kept.text == (
        "Progression stays paused until the clinician has looked: Pain of 7 out of 10 logged on "
        "Wednesday 4 March. Pain of 7 out of 10 logged on Wednesday 4 March."
    )
    assert russian(kept).endswith(": 4 марта отмечена боль 7 из 10. 4 марта отмечена боль 7 из 10.")


@pytest.mark.django_db
def test_the_pause_and_the_creeping_pain_read_in_russian():
    review = paused_and_creeping()
    assert [r.rule for r in review.reasons] == ["V-PAUSE"] * 3
    assert [r.rule for r in review.alert_reasons] == ["V-CREEP"] * 2
    for reason in (*review.reasons, *review.alert_reasons):
        assert_reads_in_russian(reason)
    held = [r for p in review.proposals for r in p.reasons if r.rule == "V-PAUSE"]
    for reason in held:
        assert_reads_in_russian(reason)


@pytest.mark.django_db
def test_an_exercise_is_named_in_russian_inside_the_reason():
    review = paused_and_creeping()
    pain = next(r for r in review.reasons if r.text.startswith("Pain reached"))
    assert russian(pain) == (
        "Боль при упражнении «Подтягивание одного колена к груди» дошла до 6 из 10: нагрузку "
        "больше не наращиваем, врач получил уведомление."
    )
    harder = by_rule(WEEKS["harder variant"][1](), "V-HARDER")[0]
    assert harder.text.startswith(
        f"Every part of this dose is at the exercise's maximum: next comes the harder variant "
        f"({BOTH_KNEES})"
    )
    assert "дальше — более сложный вариант (Подтягивание обоих колен к груди)." in russian(harder)


def test_a_flare_reads_with_its_day_and_month_in_russian():
    reason = by_rule(WEEKS["step back, flare during"][1](), "V-STEP-BACK")[0]
    assert reason.text.startswith("On Tuesday 4 March pain during the exercise was 3")
    assert russian(reason) == (
        "4 марта боль во время упражнения была 3 из 10 — на 2 выше, чем накануне (1): "
        "на следующий день боль усилилась."
    )


def test_a_change_of_dose_reads_in_russian_as_a_whole_sentence():
    proposal = review_one(timed_exercise(duration_s=600, high=Dose(3, 0, 0, 1200)))
    change = proposal.reasons[-1]
    assert change.text.startswith(
        "Duration up from 10 min to 11 min (you do 11 minutes instead of 10"
    )
    assert russian(change) == (
        "Упражнение длится дольше: с 10 мин до 11 мин (теперь 11 мин вместо 10 мин). Меняем "  # noqa: RUF001
        "что-то одно за раз и прибавляем не больше 10 %."
    )


def test_the_english_is_as_before_when_read_in_english():
    reason = by_rule(WEEKS["step back, pain of 6"][1](), "V-STEP-BACK")[0]
    assert (
        reason_text(reason_row(reason), language="en")
        == reason.text
        == ("Pain reached 7 out of 10 this week; pain of 6 or more calls for doing less.")
    )


def review_messages() -> set[str]:
    """Every message the review writes, read from its source as the contract requires: the
    message of each `Reason.of` call is one string literal."""
    found: set[str] = set()
    for path in REVIEW_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "Reason"
            ):
                message = node.args[1]
                assert isinstance(message, ast.Constant) and isinstance(message.value, str), (
                    f"{path.name}:{node.lineno}: the message must be one string literal"
                )
                found.add(message.value)
    return found


def test_every_message_of_the_review_has_its_russian():
    written = review_messages()
    assert len(written) > 50
    assert sorted(written - set(catalogue("ru").messages)) == []
