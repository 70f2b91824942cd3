"""The planner's periodic tasks, kept as data rows of django-celery-beat's scheduler.

Each app lists its own (notifications.beat_schedule has the reminders'). Created by
migrations and brought back to this shape by `manage.py sync_beat` (idempotent),
never by hand, so every machine runs the same schedule.
"""

from typing import Any

# name -> (task, schedule); a schedule is ("every", seconds) or ("crontab", minute, hour).
PeriodicTasks = dict[str, tuple[str, tuple[Any, ...]]]

PERIODIC_TASKS: PeriodicTasks = {
    # Hourly, like the re-check: a patient's week ends at their own midnight, which falls on
    # any hour of the server's day (a daily run missed or delayed the patients west of UTC).
    "reviews: propose the weeks that ended": (
        "planner.tasks.reviews_propose_due_task",
        ("crontab", "15", "*"),
    ),
    # Hourly, so each patient's new day is re-checked within an hour of their midnight.
    "programs: re-check against the rules in force": (
        "planner.tasks.programs_recheck_task",
        ("crontab", "5", "*"),
    ),
}


def sync_periodic_tasks(apps: Any, tasks: PeriodicTasks = PERIODIC_TASKS) -> int:
    """Create or update the rows of `tasks`; `apps` is a migration's or the live registry."""
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, schedule) in tasks.items():
        values: dict[str, Any] = {"task": task, "enabled": True, "interval": None, "crontab": None}
        if schedule[0] == "every":
            values["interval"], _ = interval_model.objects.get_or_create(
                every=schedule[1], period="seconds"
            )
        else:
            values["crontab"], _ = crontab_model.objects.get_or_create(
                minute=schedule[1],
                hour=schedule[2],
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone="UTC",
            )
        task_model.objects.update_or_create(name=name, defaults=values)
    return len(tasks)
