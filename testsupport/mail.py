"""A mail server for the delivery tests that can stop a worker in the middle of a send.

`GatedFileBackend` writes each message to a file like Django's file backend. With
`MAIL_GATE` naming a folder, the test can arm the gate (`arm` in that folder): the next
message written is followed by `held` (holding the message's reminder id) and the worker
then waits, inside the send, until `release` appears. At that moment the mail server has
the message and the row is not yet marked sent: exactly where a crash leaves a send in
doubt, and where the tests kill the worker or stop Redis.
"""

import os
import re
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend

MESSAGE_ID = re.compile(r"reminder-(\d+)@")
HOLD_AT_MOST = 600.0  # seconds; a test that never releases must not leave a worker forever


class GatedFileBackend(FileBackend):
    def send_messages(self, email_messages: Any) -> int:
        sent = super().send_messages(email_messages)
        gate = os.environ.get("MAIL_GATE")
        if gate and sent:
            _hold_if_armed(Path(gate), email_messages)
        return sent


def _hold_if_armed(gate: Path, messages: Any) -> None:
    if not (gate / "arm").exists():
        return
    try:
        # Only the first message after arming is held: the lock file, made with O_EXCL and
        # never removed, has one winner among all the workers' processes.
        os.close(os.open(gate / "hold.lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    found = MESSAGE_ID.search(messages[0].extra_headers.get("Message-ID", ""))
    (gate / "held.tmp").write_text(found[1] if found else "0")
    os.replace(gate / "held.tmp", gate / "held")  # seen whole or not at all
    deadline = time.monotonic() + HOLD_AT_MOST
    while not (gate / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
