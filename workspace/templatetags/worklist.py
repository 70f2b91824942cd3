"""The admin index's "Needs attention": the signed-in clinician's worklist."""

from dataclasses import dataclass
from typing import Any

from django import template

from planner.models import WorklistKind
from planner.selectors import Reason, WorklistRow, worklist

register = template.Library()


@dataclass(frozen=True)
class Attention:
    rows: list[WorklistRow]  # without today's clinic sessions, shown apart
    sessions: list[tuple[WorklistRow, Reason]]  # today's clinic sessions, earliest first
    handled: int  # reasons shown as handled


@register.simple_tag(takes_context=True)
def needs_attention(context: dict[str, Any]) -> Attention:
    """The worklist of the signed-in user, handled reasons included (after the open ones)."""
    rows = worklist(user=context["request"].user, include_handled=True)
    attention: list[WorklistRow] = []
    sessions: list[tuple[WorklistRow, Reason]] = []
    for row in rows:
        others = [r for r in row.reasons if r.kind != WorklistKind.SESSION_TODAY]
        sessions.extend((row, r) for r in row.reasons if r.kind == WorklistKind.SESSION_TODAY)
        if others:
            attention.append(WorklistRow(row.patient, others))
    sessions.sort(key=lambda pair: pair[1].since)
    handled = sum(1 for row in attention for r in row.reasons if r.handled)
    return Attention(attention, sessions, handled)
