"""Plan generation: from a patient profile, the catalogue and the rules to a daily program.

Every step is deterministic (inputs are sorted before use), so the same input
gives the same plan byte for byte, and every decision leaves a Reason that
cites the rule behind it.

The package, by topic:

- `parameters`: the numbers generation works to: starting caps, dose factors, counts, minutes.
- `candidates`: which exercises the rules in force admit, in which form, in which order of
  preference, and what every program needs.
- `dosing`: each exercise's starting dose, and fitting the day into its time.
- `daily_activity`: the day's separate walk (or other aerobic work) and the advice.
- `plan`: `generate_plan`, the entry point, which puts the day together; `starting_form`,
  how an exercise joins a program that is already running.
"""
