"""Celery tasks: thin wrappers that take ids and call the services."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from planner import reminders, services
from planner.push import TransientDeliveryError

SEND_RETRIES = 6


@shared_task(acks_late=True, ignore_result=True)
def reminders_tick() -> int:
    """Every minute (beat): plan today's rows, then hand the due ones to the workers."""
    now = timezone.now()
    reminders.reminders_plan(now=now)
    due = reminders.reminders_queue_due(now=now)
    # After the commit of reminders_queue_due, so a worker always finds the row queued.
    transaction.on_commit(lambda: _enqueue(due))
    return len(due)


def _enqueue(reminder_ids: list[int]) -> None:
    # In batches: one broker round trip for many reminders; each is still claimed alone.
    size = settings.REMINDER_BATCH
    for first in range(0, len(reminder_ids), size):
        reminder_send_batch_task.delay(reminder_ids[first : first + size])


@shared_task(acks_late=True, ignore_result=True)
def reminder_send_batch_task(reminder_ids: list[int]) -> int:
    """Send a batch; a reminder that hits a transient error is retried on its own."""
    sent = 0
    for reminder_id in reminder_ids:
        try:
            sent += reminders.reminder_send(reminder_id=reminder_id) == "sent"
        except TransientDeliveryError:
            reminder_send_task.apply_async((reminder_id,), countdown=5)
    return sent


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(TransientDeliveryError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=SEND_RETRIES,
)
def reminder_send_task(self: Any, reminder_id: int) -> str:
    try:
        return reminders.reminder_send(reminder_id=reminder_id)
    except TransientDeliveryError as error:
        if self.request.retries >= SEND_RETRIES:
            reminders.reminder_give_up(reminder_id=reminder_id, error=str(error))
            return "failed"
        raise


@shared_task(acks_late=True, ignore_result=True)
def reviews_propose_due_task() -> int:
    """Daily (beat): propose the weekly review of every program whose week just ended."""
    return len(services.reviews_propose_due())


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=540)
def programs_recheck_task() -> int:
    """Hourly (beat): re-check every running program against the rules in force on its
    patient's own date (a pregnancy reaching 13 weeks, a 65th birthday, a new comorbidity)."""
    return len(services.programs_recheck_due())


@shared_task
def ping() -> str:
    """Does nothing: a round trip through the broker and a worker (health checks, benchmarks)."""
    return "pong"
