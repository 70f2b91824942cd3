"""The words of every reminder and alert, in the reader's language (English or Russian).

Kept short and kind: a reminder should make the day's exercises feel doable,
never like a reprimand.
"""

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Reminder, ReminderKind
from planner.explanations import kept_reasons_text
from rehab.selectors import clinic_settings


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str
    # Under the body of an email only (a push or in-app message is the clinic's own app).
    signature: str = ""


def clinic_signature(language: str) -> str:
    """How the clinic signs an email to a patient: its name and the phone to call, in the
    patient's language; nothing before the clinic has entered them."""
    clinic = clinic_settings()
    if not clinic.name and not clinic.phone:
        return ""
    with translation.override(language):
        lines = [clinic.name or _("Your clinic")]
        if clinic.phone:
            lines.append(_("Phone: %(phone)s") % {"phone": clinic.phone})
    return "\n".join(lines)


def signed(body: str, signature: str) -> str:
    """The body with the signature under the usual separator ("-- ", RFC 3676), if any."""
    return f"{body}\n\n-- \n{signature}" if signature else body


def render_message(reminder: Reminder, language: str) -> Message:
    """Title, text and app link of a reminder, written in `language`."""
    with translation.override(language):
        return _compose(reminder.kind, reminder.context, reminder)


def _compose(kind: str, context: dict[str, Any], reminder: Reminder) -> Message:
    patient = reminder.patient
    name = patient.first_name if patient is not None else ""
    if kind == ReminderKind.DAILY_HOME:
        return Message(
            _("Time for today's exercises"),
            _(
                "Hello %(name)s, your home exercises for today are ready: %(count)s exercises, "
                "about %(minutes)s minutes. Slow and steady is right."
            )
            % {
                "name": name,
                "count": context.get("exercises", 0),
                "minutes": context.get("minutes", 0),
            },
            "/app/today/",
        )
    if kind == ReminderKind.EVENING_NUDGE:
        return Message(
            _("Your exercises are still waiting"),
            _(
                "Hello %(name)s, today's exercises are not logged yet. A few minutes before "
                "the evening is enough; if you did them, please tick them off."
            )
            % {"name": name},
            "/app/today/",
        )
    if kind in (ReminderKind.SUPERVISED_24H, ReminderKind.SUPERVISED_2H):
        text = (
            _("Hello %(name)s, your session at the clinic is tomorrow at %(time)s.")
            if kind == ReminderKind.SUPERVISED_24H
            else _("Hello %(name)s, your session at the clinic starts at %(time)s today.")
        )
        return Message(
            _("Clinic session at %(time)s") % {"time": context.get("time", "")},
            text % {"name": name, "time": context.get("time", "")}
            + " "
            + _("Wear comfortable clothes."),
            "/app/today/",
        )
    if kind == ReminderKind.MISSED_TWO_DAYS:
        return Message(
            _("Shall we start again today?"),
            _(
                "Hello %(name)s, we missed you these last two days. Every session counts, "
                "even a short one: today's exercises take about %(minutes)s minutes."
            )
            % {"name": name, "minutes": context.get("minutes", 0)},
            "/app/today/",
        )
    if kind == ReminderKind.ALERT_RED_FLAG:
        return Message(
            _("Red flag reported by %(patient)s") % {"patient": patient},
            _(
                "%(patient)s reported: %(what)s. The program is paused; please contact the "
                "patient today."
            )
            % {"patient": patient, "what": context.get("reason", "")},
            f"/admin/rehab/patient/{reminder.patient_id}/change/",
        )
    if kind == ReminderKind.ALERT_PAIN:
        return Message(
            _("Pain of %(pain)s/10 reported by %(patient)s")
            % {"pain": context.get("pain", ""), "patient": patient},
            _(
                "%(patient)s logged a pain of %(pain)s out of 10 on %(day)s. Progression is "
                "paused until you have looked."
            )
            % {"patient": patient, "pain": context.get("pain", ""), "day": reminder.for_date},
            f"/admin/rehab/patient/{reminder.patient_id}/change/",
        )
    if kind == ReminderKind.ALERT_PAIN_RISING:
        return Message(
            _("Pain rising for %(patient)s") % {"patient": patient},
            _(
                "%(patient)s's weekly pain is 2 points or more over their baseline: %(reason)s "
                "The review stepped back; please look at the program."
            )
            % {"patient": patient, "reason": kept_reasons_text(context)},
            f"/admin/rehab/patient/{reminder.patient_id}/change/",
        )
    if kind == ReminderKind.ALERT_MISSED_THREE_DAYS:
        return Message(
            _("%(patient)s missed 3 days") % {"patient": patient},
            _("%(patient)s has not logged the home exercises for 3 days in a row. A call may help.")
            % {"patient": patient},
            f"/admin/rehab/patient/{reminder.patient_id}/change/",
        )
    if kind == ReminderKind.WEEKLY_DIGEST:
        return Message(
            _("%(count)s weekly reviews wait for you") % {"count": context.get("pending", 0)},
            _("Weekly reviews waiting for your approval: %(count)s. Patients: %(names)s.")
            % {"count": context.get("pending", 0), "names": ", ".join(context.get("patients", []))},
            "/admin/planner/reviewproposal/?status__exact=pending",
        )
    raise ValueError(f"No message for reminder kind {kind!r}.")
