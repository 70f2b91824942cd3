"""Celery tasks of the planner: thin wrappers that take ids and call the services."""

from celery import shared_task

from planner import services


@shared_task(acks_late=True, ignore_result=True, time_limit=600, soft_time_limit=540)
def reviews_propose_due_task() -> int:
    """Hourly (beat): propose the weekly review of every program whose week is over on its
    patient's own date; idempotent, and one program's failure is logged, not raised."""
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
