"""The notifications app's periodic tasks (see planner.beat_schedule for the format)."""

from planner.beat_schedule import PeriodicTasks

PERIODIC_TASKS: PeriodicTasks = {
    # The task keeps the name it had in the planner, so existing beat rows still work.
    "reminders: plan and send due": ("planner.tasks.reminders_tick", ("every", 60)),
}
