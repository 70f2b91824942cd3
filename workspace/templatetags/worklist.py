"""The admin index's "Needs attention": the signed-in clinician's worklist."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse

from planner.models import WorklistKind
from planner.selectors import Reason, WorklistRow, worklist_rows

register = template.Library()

# Patients shown on the first page, the most urgent first (the admin's lists show 100 a
# page too); `?attention=all` shows every one.
SHOWN = 100


@dataclass(frozen=True)
class Attention:
    rows: list[WorklistRow]  # without today's clinic sessions, shown apart
    sessions: list[tuple[WorklistRow, Reason]]  # today's clinic sessions, earliest first
    total: int  # patients needing attention, those not shown included
    handled: int  # reasons shown as handled
    handle_url: str

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@register.simple_tag(takes_context=True)
def needs_attention(context: dict[str, Any]) -> Attention:
    """The worklist of the signed-in user, handled reasons included (after the open ones)."""
    request = context["request"]
    rows = worklist_rows(user=request.user, include_handled=True)
    attention: list[WorklistRow] = []
    sessions: list[tuple[WorklistRow, Reason]] = []
    for row in rows:
        others = [r for r in row.reasons if r.kind != WorklistKind.SESSION_TODAY]
        sessions.extend((row, r) for r in row.reasons if r.kind == WorklistKind.SESSION_TODAY)
        if others:
            attention.append(WorklistRow(row.patient, others))
    sessions.sort(key=lambda pair: pair[1].since)
    shown = attention if request.GET.get("attention") == "all" else attention[:SHOWN]
    return Attention(
        rows=shown,
        sessions=sessions,
        total=len(attention),
        handled=sum(1 for row in shown for r in row.reasons if r.handled),
        handle_url=reverse("admin:planner_worklistmark_handle"),
    )
