"""The patient's plain words (planner/messages/plain.toml): one for each rule whose
clinician's message carries factors, thresholds or percentages a patient has no use for;
each fits every message of its rule in the engine (it uses none of the parameters a
message lacks), has no numbers, and is translated into every language the engine's
messages are."""

import ast
import re
from pathlib import Path

import pytest

from planner.explanations import MESSAGES_DIR, catalogue, placeholders, plain_messages

ENGINE = Path(__file__).resolve().parents[2] / "planner" / "engine"
# The rules the patient reads explained in plain words.
PATIENT_RULES = {
    "INDICATION",
    "D-DOSE",
    "D-MUSCLE",
    "P-TIME",
    "P-SUPERVISED",
    "P-FILL",
    "V-PROGRESS",
    "V-HOLD",
    "V-STEP-BACK",
    "V-HARDER",
}


def engine_messages() -> dict[str, set[str]]:
    """Each rule the engine cites by a literal id (or a module's constant for one), and its
    messages, as `Reason.of` is called."""
    found: dict[str, set[str]] = {}
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "of"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant):
                rule = first.value
            elif isinstance(first, ast.Name) and first.id in constants:
                rule = constants[first.id]
            else:
                continue
            found.setdefault(rule, set()).add(node.args[1].value)
    return found


def languages() -> list[str]:
    return sorted(p.name for p in MESSAGES_DIR.iterdir() if p.is_dir())


def test_the_patient_rules_have_plain_words():
    assert set(plain_messages()) >= PATIENT_RULES


@pytest.mark.parametrize("rule", sorted(plain_messages()))
def test_plain_words_fit_every_message_of_their_rule(rule):
    messages = engine_messages().get(rule)
    assert messages, f"the engine cites no {rule}"
    wanted = placeholders(plain_messages()[rule])
    for message in messages:
        assert wanted <= placeholders(message), (rule, message)


@pytest.mark.parametrize("rule", sorted(plain_messages()))
def test_plain_words_have_no_numbers_or_factors(rule):
    text = plain_messages()[rule]
    assert not re.search(r"\d|%%| x |usual dose|baseline", text), text


@pytest.mark.parametrize("language", languages())
def test_plain_words_are_translated_with_the_same_placeholders(language):
    translated = catalogue(language).messages
    for rule, english in plain_messages().items():
        assert english in translated, f"{rule}: no {language} for {english!r}"
        assert placeholders(translated[english]) == placeholders(english)
