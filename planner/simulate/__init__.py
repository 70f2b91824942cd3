"""A rehabilitation course simulated through the real services, then undone.

`simulate_course` builds a clinician, a patient from a plan_preview profile and
the patient's records, then walks the course the way the clinic would: the
program generated and approved, supervised sessions until every exercise is
mastered, home weeks logged by a synthetic patient, and each week's review
proposed and approved. Everything happens inside one transaction that is rolled
back at the end, so nothing lasts and nothing queued with `on_commit` (alert
emails, Celery tasks) ever runs.

Choices the simulation makes, so its output can be read:

- The supervised course is 3 sessions a week, 10 sessions (the program defaults;
  a profile has no STarT Back score). The specialist rates technique 3, then 4,
  and signs off every exercise as mastered at the third session; home week 1
  starts the day after that session.
- The program runs `min(26, weeks + the weeks before home week 1)` weeks, 26 being
  the longest program. With `--weeks 26` the last home week runs past the
  program's end: days after it are not logged, that week is not reviewed, and an
  alert says so.
- A week's `exercises` are those in force on its first day (after the previous
  review was approved and the day's re-check); its `status` is the program's at the end of the week,
  before its own review; its `changes` come from that review (holds left out):
  "progress reps to 2 x 11", "step_back ...", "harder_variant -> slug",
  "easier_variant -> slug", each with its first reason's rule id.
- Every simulated day begins with the clinic's daily re-check against the rules in
  force that day (`program_recheck`, which the beat runs hourly): gestational weeks
  advance, so at 13 weeks R-PREG-2 takes out supine and prone work. What it changes
  is listed with the week's changes as "recheck ...".
- An exercise a review or a re-check sends back to supervision (a harder or easier variant) is
  mastered at the next planned supervised session on or after the review's day;
  once the course's sessions are used up, it is signed off the day after the
  review (a specialist would see the patient for it).
- When a review pauses progression, the simulated clinician approves the review,
  looks, and resumes progression (`progression_resume`), which the alerts say.
- Clinician alerts are read from the event rows (`PatientEvent`) the planner
  records while a week is simulated, which the notifications app would turn into
  alerts. They are deduplicated per day and kind by `patient_event_record`.
- Patterns (pain during / after, how it felt):
  `steady`: every day done, 1 / 2, easy.
  `flare`: steady, except the whole of home week 4 at 7 / 5, hard (a week rather
  than a day, so the step back and its recovery are both visible).
  `creep`: every day done, weekly pain 2, 3, 3, 4, 4, 5 and then 5, felt right.
  `missed`: like steady on 40 % of the home days, chosen by day index
  (`(index * 2) % 5 < 2`); nothing is logged on the other days.

The package, by topic:

- `course`: `simulate_course`, the entry point: the patient created, the course run, undone.
- `clinic`: the clinic's side: supervised sessions, mastery and the daily re-check.
- `home`: the home weeks: the days logged, each week's review approved, the alerts.
- `patterns`: what the synthetic patient logs on each home day.
- `report`: the course as text for people, and every way it breaks the rules in force.
"""

from planner.engine.profile import ProfileError
from planner.simulate.clinic import SimulationError
from planner.simulate.course import MAX_WEEKS, MIN_WEEKS, simulate_course
from planner.simulate.patterns import PATTERNS, DayLog
from planner.simulate.report import course_to_text, course_violations

__all__ = [
    "MAX_WEEKS",
    "MIN_WEEKS",
    "PATTERNS",
    "DayLog",
    "ProfileError",
    "SimulationError",
    "course_to_text",
    "course_violations",
    "simulate_course",
]
