"""Celery tasks of the notifications app: thin wrappers that take ids and call the services.

The task names are the ones these tasks had in the planner (`planner.tasks.*`): beat
rows and messages already queued under those names keep working.
"""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import alerts, delivery, heartbeat, planning
from notifications.channels import TransientDeliveryError
from planner.services.events import EVENT_RECORDED_TASK

SEND_RETRIES = 6


@shared_task(name="planner.tasks.reminders_tick", acks_late=True, ignore_result=True)
def reminders_tick() -> int:
    """Every minute (beat): plan today's rows and alerts, settle the sends a dead worker left in
    doubt, then hand the due ones to the workers."""
    now = timezone.now()
    planning.reminders_plan(now=now)
    delivery.reminders_recover_in_doubt(now=now)
    due = delivery.reminders_queue_due(now=now)
    # After the commit of reminders_queue_due, so a worker always finds the row queued.
    transaction.on_commit(lambda: _enqueue(due))
    return len(due)


def _enqueue(reminder_ids: list[int]) -> None:
    # In batches: one broker round trip for many reminders; each is still claimed alone.
    size = settings.REMINDER_BATCH
    for first in range(0, len(reminder_ids), size):
        reminder_send_batch_task.delay(reminder_ids[first : first + size])


@shared_task(name=EVENT_RECORDED_TASK, acks_late=True, ignore_result=True)
def patient_event_alert_task(event_id: int) -> str:
    """Right after the planner recorded an event: its alert, sent now."""
    reminder = alerts.alert_raise(event_id=event_id, now=timezone.now())
    if reminder is None:
        return "no-alert"
    try:
        return delivery.reminder_send(reminder_id=reminder.pk)
    except TransientDeliveryError:
        reminder_send_task.apply_async((reminder.pk,), countdown=5)
        return "retrying"


@shared_task(name="planner.tasks.reminder_send_batch_task", acks_late=True, ignore_result=True)
def reminder_send_batch_task(reminder_ids: list[int]) -> int:
    """Send a batch; a reminder that hits a transient error is retried on its own."""
    outcomes = delivery.reminders_send(reminder_ids=reminder_ids)
    for reminder_id, outcome in outcomes.items():
        if outcome == "transient":
            reminder_send_task.apply_async((reminder_id,), countdown=5)
    return sum(outcome == "sent" for outcome in outcomes.values())


@shared_task(
    name="planner.tasks.reminder_send_task",
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
        return delivery.reminder_send(reminder_id=reminder_id)
    except TransientDeliveryError as error:
        if self.request.retries >= SEND_RETRIES:
            delivery.reminder_give_up(reminder_id=reminder_id, error=str(error))
            return "failed"
        raise


# Expires unless a worker takes it within a minute: the heartbeat then shows that the queue is
# served promptly, not merely that a worker works through a backlog (notifications.heartbeat).
@shared_task(
    name="notifications.tasks.worker_heartbeat_task",
    ignore_result=True,
    expires=60,
    time_limit=15,
    soft_time_limit=10,
)
def worker_heartbeat_task() -> None:
    """Every minute (beat): tell the readiness check that a worker is taking tasks."""
    heartbeat.worker_heartbeat_record(now=timezone.now())


@worker_ready.connect
def worker_heartbeat_on_start(**kwargs: Any) -> None:
    """A worker that has just started is taking tasks: the readiness check need not wait for
    beat's next heartbeat (up to a minute) after a deploy."""
    heartbeat.worker_heartbeat_record(now=timezone.now())
