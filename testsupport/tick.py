"""One beat tick in a process of its own, started together with others at a barrier.

`python -m testsupport.tick BARRIER` sets Django up, writes `BARRIER/ready-<pid>`, waits for
`BARRIER/go`, runs the reminders' tick and prints one JSON line: when it started and ended
(wall-clock seconds, comparable across processes) and how many rows it handed out. The
test starts the processes, waits until each is ready and only then writes `go`, so their
ticks start together whatever each took to import Django, and it can check from the
printed times that they did overlap.
"""

import json
import os
import sys
import time
from pathlib import Path

WAIT_AT_MOST = 120.0


def main(barrier: Path) -> None:
    import django

    django.setup()
    from notifications.tasks import reminders_tick

    (barrier / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + WAIT_AT_MOST
    while not (barrier / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("testsupport.tick: no `go` within 120 s")
        time.sleep(0.002)
    started = time.time()
    handed_out = reminders_tick()
    ended = time.time()
    print(json.dumps({"started": started, "ended": ended, "handed_out": handed_out}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
