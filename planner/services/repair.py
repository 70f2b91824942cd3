"""Mending programs written before their start date was checked (a draft from 9999-12-25)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planner.models import Program, ProgramStatus
from planner.selectors import patient_local_today
from planner.services.generation import (
    EARLIEST_START,
    START_DAYS_AHEAD,
    program_start_plausible,
)


@dataclass
class DatesRepairReport:
    moved: list[str] = field(default_factory=list)  # drafts now starting on the patient's today
    left: list[str] = field(default_factory=list)  # approved programs a clinician must look at


@transaction.atomic
def programs_repair_dates(*, dry_run: bool = False) -> DatesRepairReport:
    """Every program whose start date no program could have (before EARLIEST_START or more
    than START_DAYS_AHEAD days past the patient's today).

    A draft is only a proposal: it starts on the patient's today instead, and the clinician
    approves it as usual. A program already approved has a schedule and maybe logs, so it
    is left as it is and reported for its clinician to pause or complete. With `dry_run`,
    nothing is written.
    """
    # Every patient's today lies within a day of the server's; the exact check is per patient.
    latest = timezone.localdate() + timedelta(days=START_DAYS_AHEAD - 1)
    suspects = (
        Program.objects.filter(Q(start_date__lt=EARLIEST_START) | Q(start_date__gt=latest))
        .select_related("patient")
        .order_by("pk")
    )
    report = DatesRepairReport()
    for program in suspects:
        today = patient_local_today(patient=program.patient)
        if program_start_plausible(start=program.start_date, today=today):
            continue
        was = program.start_date.isoformat()
        if program.status != ProgramStatus.DRAFT:
            report.left.append(
                f"program #{program.pk} ({program.patient}, {program.status}) starts on {was}"
            )
            continue
        report.moved.append(
            f"program #{program.pk} ({program.patient}): draft moved from {was} to "
            f"{today.isoformat()}"
        )
        if not dry_run:
            program.start_date = today  # saved, not updated: the program's history shows it
            program.save(update_fields=["start_date", "updated_at"])
    return report
