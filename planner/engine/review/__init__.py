"""The weekly progression review: from a week of the patient's log to one proposal per exercise.

CLINICAL.md, "Progression from the patient's log". The review only proposes; the
clinician approves, or the clinic policy applies it. Like plan generation it is
deterministic: neither the order of the exercises nor the order of the log entries
changes the result, and every proposal carries Reasons that cite the rule behind it.

The review grows and cuts the exact dose (one decimal, `planner.engine.dose`), so 10 %
steps of small numbers add up, and shows the rounded one. Pain is compared like with
like: pain during an exercise with the baseline pain during it and with the day
before's pain during it, pain after with pain after.

The package, by topic:

- `types`: what the review reads (a week's log of each exercise) and what it returns.
- `thresholds`: the numbers of CLINICAL.md the review judges by.
- `week_log`: a week's log summarised, the next-day flare, the median and the baseline pain.
- `doses`: the exact-dose arithmetic, how a change reads, and building a proposal.
- `step_back`: when pain calls for doing less, and by how much.
- `progress`: one step up: the volume, the hold, one more set, the harder variant.
- `week`: `review_week`, the entry point: each exercise by priority, the pause, creeping pain.
"""
