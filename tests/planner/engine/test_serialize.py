"""Explanations stored as rows (`reason_row`) read back as the same explanations
(`reason_of_row`): a paused program hands its reasons to the next weekly review so."""

import json
from datetime import date

from planner.engine.serialize import reason_of_row, reason_row
from planner.engine.types import Name, Reason

KNEE = Name("exercise", "knee-to-chest", "Single knee to chest")
BRIDGE = Name("exercise", "bridge", "Bridge")
PAIN = Reason.of(
    "V-PAUSE",
    "Pain of %(pain)s out of 10 logged on %(day)s.",
    pain=7,
    day=Name.of_day(date(2026, 3, 4)),
)


def test_every_kind_of_parameter_reads_back_as_it_was():
    reasons = [
        Reason.of("D-DOSE", "%(factor)s for moderate fitness", factor=0.8),
        Reason.of(
            "V-HOLD",
            "Done on %(done)s of %(planned)s days (%(percent)s %%)",
            done=5,
            planned=7,
            percent=71,
        ),
        Reason.of("INDICATION", "Indicated for %(names)s", names=(KNEE, BRIDGE)),
        Reason.of("V-HARDER", "Harder variant of %(exercise)s: %(why)s", exercise=KNEE, why=PAIN),
        Reason.of(
            "V-PAUSE",
            "Progression stays paused until the clinician has looked: %(why)s",
            why=(PAIN, PAIN),
        ),
        Reason.of("CHANGE", "No parameters"),
    ]
    for reason in reasons:
        stored = json.loads(json.dumps(reason_row(reason)))  # as a JSON column keeps it
        assert reason_of_row(stored) == reason
        assert reason_of_row(stored).text == reason.text


def test_several_reasons_inside_one_are_sentences_one_after_the_other():
    kept = Reason.of("V-PAUSE", "Paused: %(why)s", why=(PAIN, PAIN))
    sentence = "Pain of 7 out of 10 logged on Wednesday 4 March."
    assert kept.text == f"Paused: {sentence} {sentence}"


def test_a_row_kept_as_english_text_reads_back_as_that_text():
    old = {"rule": "V-PAUSE", "text": "Pain of 7 out of 10 logged on 2026-03-04 (100% sure)."}
    reason = reason_of_row(old)
    assert (reason.rule, reason.text) == ("V-PAUSE", old["text"])
