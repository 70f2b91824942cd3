"""The notifications app's periodic tasks (see planner.beat_schedule for the format)."""

from planner.beat_schedule import PeriodicTasks

PERIODIC_TASKS: PeriodicTasks = {
    # The task keeps the name it had in the planner, so existing beat rows still work.
    "reminders: plan and send due": ("planner.tasks.reminders_tick", ("every", 60)),
    # Read by the readiness check, /api/v1/health/ (notifications.heartbeat).
    "health: worker heartbeat": ("notifications.tasks.worker_heartbeat_task", ("every", 60)),
}
