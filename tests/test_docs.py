"""docs/clinical-rules.md says what the code does.

The document lists the clinical codes and rule ids in tables whose first header cell names
the kind ("Diagnosis code", "Comorbidity code", "Red flag code", "Movement tag", "Rule id"),
one backticked slug alone in the first cell of each row (its last section, "How this
document is checked", states the convention for its writers). These tests read those tables
and compare them with the code's own sources: the seed data (rehab.clinical_catalogue,
exercises.vocabulary, planner.engine.default_rules), the database after the migrations, and
the rule ids and labels that the planner's explanations cite, read from the planner's source.
Nothing here is a copied list: a code added to the code and not to the document fails, and so
does a code the document names that the code does not have.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from exercises.vocabulary import MOVEMENT_TAGS
from planner.engine.default_rules import DEFAULT_RULES
from planner.engine.types import Rule
from rehab.clinical_catalogue import COMORBIDITIES, DIAGNOSES, RED_FLAGS

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "clinical-rules.md"

DIAGNOSIS, COMORBIDITY, RED_FLAG, TAG, RULE = (
    "diagnosis code",
    "comorbidity code",
    "red flag code",
    "movement tag",
    "rule id",
)
KINDS = (DIAGNOSIS, COMORBIDITY, RED_FLAG, TAG, RULE)

# A rule id is capitals joined by hyphens (R-PREG-2, V-CREEP, RED-FLAG); a label cited in
# place of a rule may be a single word in capitals (SAFETY, INDICATION).
RULE_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
LABEL = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")
BACKTICKED = re.compile(r"`([^`]+)`")

# The columns of the rule tables whose backticked codes are compared with the seeded rule.
CAUTION_COLUMNS = {
    "easier variant only": "easier_variant",
    "half dose": "halve_dose",
    "at the clinic only": "supervised_only",
}


# -- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    kind: str  # the table's first header cell, lower case
    key: str  # the first cell as written
    cells: dict[str, str]  # header (lower case) -> cell
    line: int

    @property
    def slug(self) -> str | None:
        """The backticked slug alone in the first cell, or None when the row breaks that."""
        found = re.fullmatch(r"`([^`\s]+)`", self.key)
        return found.group(1) if found else None

    def codes(self, column: str) -> set[str]:
        return set(BACKTICKED.findall(self.cells.get(column, "")))

    @property
    def text(self) -> str:
        return " | ".join(self.cells.values())


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def doc_rows(text: str) -> list[Row]:
    """Every row of every Markdown table of the document."""
    rows: list[Row] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        is_header = (
            line.lstrip().startswith("|")
            and index + 1 < len(lines)
            and re.fullmatch(r"\s*\|(\s*:?-+:?\s*\|)+\s*", lines[index + 1]) is not None
        )
        if not is_header:
            index += 1
            continue
        header = [cell.lower() for cell in _cells(line)]
        index += 2
        while index < len(lines) and lines[index].lstrip().startswith("|"):
            cells = _cells(lines[index])
            rows.append(Row(header[0], cells[0], dict(zip(header, cells, strict=False)), index + 1))
            index += 1
    return rows


TEXT = DOC.read_text(encoding="utf-8")
ROWS = doc_rows(TEXT)


def documented(kind: str) -> set[str]:
    return {row.slug for row in ROWS if row.kind == kind and row.slug}


# -- the code -----------------------------------------------------------------------------------


def _constants(expression: ast.AST) -> Iterator[str]:
    for node in ast.walk(expression):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _cited_by(tree: ast.AST) -> Iterator[str]:
    """Strings shaped like a rule id anywhere, and labels in the place of a rule: the rule
    of a Reason, Exclusion, Finding or Verdict, the id of a Rule, a `"rule":` entry of an
    explanation, a variable named `rule`."""
    # `Reason.of(rule, message, ...)` as well as `Reason(rule, ...)`.
    rule_argument = {"Reason": 0, "of": 0, "Exclusion": 1, "Finding": 2, "Verdict": 2}
    for node in ast.walk(tree):
        places: list[ast.AST] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if RULE_ID.fullmatch(node.value):
                yield node.value
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            position = rule_argument.get(name)
            if position is not None and len(node.args) > position:
                places.append(node.args[position])
            if name in (*rule_argument, "Rule"):
                places += [k.value for k in node.keywords if k.arg in ("rule", "id")]
        elif isinstance(node, ast.Dict):
            places += [
                value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "rule"
            ]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "rule" for t in targets):
                places.append(node.value)
        for place in places:
            yield from (c for c in _constants(place) if LABEL.fullmatch(c))


def cited_rule_ids() -> set[str]:
    """Every rule id and label the planner's code can cite in an explanation."""
    found: set[str] = set()
    for path in sorted((ROOT / "planner").rglob("*.py")):
        if "migrations" not in path.parts:
            found.update(_cited_by(ast.parse(path.read_text(encoding="utf-8"))))
    return found


CODE: dict[str, set[str]] = {
    DIAGNOSIS: {entry.code for entry in DIAGNOSES},
    COMORBIDITY: {entry.code for entry in COMORBIDITIES},
    RED_FLAG: {entry.code for entry in RED_FLAGS},
    TAG: set(MOVEMENT_TAGS),
    RULE: {rule.id for rule in DEFAULT_RULES} | cited_rule_ids(),
}


def test_the_source_scan_finds_the_seeded_rules_and_the_engines_own_ids():
    """The scan of the planner's source sees what it should (were it blind, nothing would
    ever be reported missing)."""
    cited = cited_rule_ids()
    assert {rule.id for rule in DEFAULT_RULES} <= cited
    assert {"V-CREEP", "D-MUSCLE", "A-FAT", "P-TIME", "RED-FLAG", "SAFETY"} <= cited


# -- the tests ----------------------------------------------------------------------------------


def test_the_document_follows_its_convention():
    problems = [
        f"line {row.line}: the first cell of a {row.kind!r} table must be one backticked "
        f"slug, not {row.key!r}"
        for row in ROWS
        if row.kind in KINDS and row.slug is None
    ]
    for kind in KINDS:
        slugs = [row.slug for row in ROWS if row.kind == kind and row.slug]
        problems += [
            f"{kind} {slug!r} is listed twice"
            for slug in sorted(set(slugs))
            if slugs.count(slug) > 1
        ]
        if not slugs:
            problems.append(f"no table of {kind!r} rows")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_of_the_code_is_documented(kind):
    missing = CODE[kind] - documented(kind)
    assert not missing, f"{DOC.name} lacks these {kind}s: {', '.join(sorted(missing))}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_document_names_nothing_the_code_lacks(kind):
    unknown = documented(kind) - CODE[kind]
    assert not unknown, f"{DOC.name} names {kind}s the code lacks: {', '.join(sorted(unknown))}"


def test_every_rule_id_written_anywhere_exists():
    written = {token for token in BACKTICKED.findall(TEXT) if RULE_ID.fullmatch(token)}
    unknown = written - CODE[RULE]
    assert not unknown, f"{DOC.name} cites rule ids the code lacks: {', '.join(sorted(unknown))}"


def test_icd10_codes_and_same_day_red_flags_match_the_seed():
    rows = {(row.kind, row.slug): row for row in ROWS if row.slug}
    wrong = [
        f"{dx.code}: ICD-10 {dx.icd10} in the code"
        for dx in DIAGNOSES
        if (DIAGNOSIS, dx.code) in rows and rows[DIAGNOSIS, dx.code].cells.get("icd-10") != dx.icd10
    ]
    wrong += [
        f"{flag.code}: same day {'yes' if flag.same_day else 'no'} in the code"
        for flag in RED_FLAGS
        if (RED_FLAG, flag.code) in rows
        and rows[RED_FLAG, flag.code].cells.get("same day") != ("yes" if flag.same_day else "no")
    ]
    assert not wrong, "\n".join(wrong)


def _acts_on(rule: Rule, tag: str) -> bool:
    tags = (
        rule.block_tags
        | rule.caution_tags
        | rule.low_fitness_caution_tags
        | rule.max_hold_tags
        | rule.adds_without_tags
    )
    # An effort cap (max_rpe) acts on the exercises tagged aerobic (planner/engine/safety.py).
    return tag in tags or (rule.max_rpe is not None and tag == "aerobic")


def test_each_movement_tag_names_the_rules_that_act_on_it():
    wrong = []
    for row in ROWS:
        if row.kind != TAG or row.slug not in MOVEMENT_TAGS:
            continue
        expected = {rule.id for rule in DEFAULT_RULES if _acts_on(rule, row.slug)}
        named = row.codes("rules acting on it")
        if named != expected:
            wrong.append(f"{row.slug}: the code's rules act on it: {sorted(expected)}")
    assert not wrong, "\n".join(wrong)


def _expected_columns(rule: Rule) -> dict[str, set[str]]:
    def cautioned(action: str) -> set[str]:
        tags = set(rule.caution_tags) if rule.caution_action == action else set()
        if rule.low_fitness_caution_action == action:
            tags |= rule.low_fitness_caution_tags
        return tags

    applies = set(rule.diagnoses | rule.comorbidities)
    if rule.pregnancy_min_weeks is not None:
        applies.add("pregnancy")
    columns = {
        "applies to": applies,
        "blocks": set(rule.block_tags),
        "other limits": set(rule.max_hold_tags),
        "adds": {a for a in (rule.adds_exercise, rule.adds_category) if a}
        | set(rule.adds_without_tags),
    }
    columns.update({column: cautioned(action) for column, action in CAUTION_COLUMNS.items()})
    return columns


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda rule: rule.id)
def test_each_seeded_rules_row_says_what_the_rule_does(rule):
    row = next((r for r in ROWS if r.kind == RULE and r.slug == rule.id), None)
    assert row is not None, f"{rule.id} has no row"
    wrong = []
    for column, expected in _expected_columns(rule).items():
        if column not in row.cells:
            if expected:
                wrong.append(f"its table lacks the column {column!r} for {sorted(expected)}")
            continue
        if row.codes(column) != expected:
            wrong.append(f"{column!r} should name {sorted(expected) or 'nothing'}")
    numbers = (
        rule.pregnancy_min_weeks or None,  # week 0 is "any week"
        rule.min_age,
        rule.max_difficulty,
        rule.max_hold_s,
        rule.max_rpe,
    )
    wrong += [
        f"the number {n} is missing"
        for n in numbers
        if n is not None and not re.search(rf"\b{n}\b", row.text)
    ]
    if rule.low_fitness_caution_tags and "low fitness" not in row.text:
        wrong.append("it does not say which cautions hold only with low fitness")
    assert not wrong, f"line {row.line}, {rule.id}: " + "; ".join(wrong)


@pytest.mark.django_db
def test_what_the_migrations_seed_is_documented():
    from exercises.models import MovementTag
    from planner.models import ContraindicationRule
    from rehab.models import Comorbidity, Diagnosis, RedFlag

    seeded = {
        DIAGNOSIS: Diagnosis.objects.filter(is_builtin=True),
        COMORBIDITY: Comorbidity.objects.filter(is_builtin=True),
        RED_FLAG: RedFlag.objects.filter(is_builtin=True),
        TAG: MovementTag.objects.all(),
    }
    in_database = {kind: set(rows.values_list("code", flat=True)) for kind, rows in seeded.items()}
    in_database[RULE] = set(ContraindicationRule.objects.values_list("rule_id", flat=True))
    missing = {kind: codes - documented(kind) for kind, codes in in_database.items()}
    assert all(in_database.values()), "the migrations seeded nothing"
    assert not any(missing.values()), f"seeded but not in {DOC.name}: {missing}"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("name", ["clinical-rules.md", "architecture.md"])
def test_the_documents_links_lead_somewhere(name):
    path = ROOT / "docs" / name
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
            if anchor not in {_anchor(h) for h in headings}:
                broken.append(target)
    assert not broken, f"{name} links to what is not there: {', '.join(broken)}"
