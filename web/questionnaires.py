"""The patient's questionnaires in the app: a card on Today when one is due, and the
questionnaire itself, one question per screen.

Without JavaScript the questionnaire is a multi-step form: each screen posts the answers so
far (earlier ones travel in their hidden steps) and the next question comes back. The
app's script steps through the same form on the phone, without the server, and sends the
last screen through its offline queue with the form's client key, like a day's log: an
answer made offline is sent when the phone is back online, and a resend stores nothing
twice.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rehab.models import Patient
from rehab.questionnaires.due import Due
from rehab.questionnaires.questions import QUESTIONS
from rehab.questionnaires.selectors import questionnaire_due
from rehab.questionnaires.services import (
    questionnaire_answer_error,
    questionnaire_answer_record,
)
from web.questionnaire_card import questionnaire_title
from web.views import patient_required


def _new_key() -> str:
    return "q" + uuid.uuid4().hex


def _clamp(text: str, last: int) -> int:
    try:
        return min(max(int(text), 0), last)
    except (TypeError, ValueError):
        return 0


def _page(
    request: HttpRequest,
    *,
    kind: str,
    due: Due,
    step: int,
    answers: dict[str, Any],
    client_key: str,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    questions = QUESTIONS[kind]
    errors = errors or {}
    rows = []
    for index, question in enumerate(questions):
        raw = answers.get(question.name)
        chosen = int(raw) if isinstance(raw, str) and raw.isdigit() else None
        rows.append(
            {
                "index": index,
                "name": question.name,
                "text": question.text,
                "choices": question.choices,
                "optional": question.optional,
                "chosen": chosen,
                "error": errors.get(question.name, ""),
                # Answers of the screens still ahead are not carried back and forth.
                "shown": index == step,
            }
        )
    context = {
        "kind": kind,
        "title": questionnaire_title(kind),
        "due": due,
        "rows": rows,
        "step": step,
        "total": len(questions),
        "last": step == len(questions) - 1,
        "client_key": client_key,
        "form_errors": [m for k, m in errors.items() if k not in {q.name for q in questions}],
    }
    return render(request, "web/questionnaire.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@patient_required
def questionnaire(request: HttpRequest, patient: Patient, kind: str) -> HttpResponseBase:
    if kind not in QUESTIONS:
        raise Http404
    wants_json = "application/json" in request.headers.get("Accept", "")
    questions = QUESTIONS[kind]
    last = len(questions) - 1
    client_key = request.POST.get("client_key", "") or _new_key()
    answers = {q.name: request.POST.get(q.name, "") for q in questions}
    due = questionnaire_due(patient=patient, kind=kind)
    if due is None:
        if request.method == "POST":
            # Sent before (a resend, a second tap): the stored answer stands; else refused.
            return _final(request, patient, kind, answers, client_key, wants_json, due, last)
        messages.info(request, _("Thank you! There is no questionnaire waiting for you."))
        return redirect("web:today")
    if request.method == "GET":
        return _page(request, kind=kind, due=due, step=0, answers={}, client_key=client_key)
    step = _clamp(request.POST.get("step", "0"), last)
    if "back" in request.POST:
        back = max(step - 1, 0)
        return _page(request, kind=kind, due=due, step=back, answers=answers, client_key=client_key)
    for index, question in enumerate(questions[: step + 1]):
        message = questionnaire_answer_error(question, answers[question.name])
        if message is not None:
            if wants_json:
                return JsonResponse(
                    {"stored": False, "errors": {question.name: [message]}}, status=400
                )
            return _page(
                request,
                kind=kind,
                due=due,
                step=index,
                answers=answers,
                client_key=client_key,
                errors={question.name: message},
            )
    if step < last:
        return _page(
            request, kind=kind, due=due, step=step + 1, answers=answers, client_key=client_key
        )
    return _final(request, patient, kind, answers, client_key, wants_json, due, last)


def _final(
    request: HttpRequest,
    patient: Patient,
    kind: str,
    answers: dict[str, Any],
    client_key: str,
    wants_json: bool,
    due: Due | None,
    last: int,
) -> HttpResponseBase:
    try:
        answered = questionnaire_answer_record(
            patient=patient, kind=kind, answers=answers, client_key=client_key
        )
    except ValidationError as error:
        errors = {key: " ".join(msgs) for key, msgs in error.message_dict.items()}
        if wants_json:
            return JsonResponse({"stored": False, "errors": error.message_dict}, status=400)
        names = [q.name for q in QUESTIONS[kind]]
        wrong = [names.index(k) for k in errors if k in names]
        if due is None or not wrong:
            for message in errors.values():
                messages.error(request, message)
            return redirect("web:today")
        return _page(
            request,
            kind=kind,
            due=due,
            step=min(wrong),
            answers=answers,
            client_key=client_key,
            errors=errors,
        )
    if wants_json:
        return JsonResponse(
            {"stored": True, "created": answered.created}, status=201 if answered.created else 200
        )
    messages.success(request, _("Thank you! Your answers have been sent to your clinic."))
    return redirect("web:today")
