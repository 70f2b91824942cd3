"""Imported first by every benchmark: puts the project on the path (a script's path starts at
bench/) and sets Django up on a throwaway database (see `testsupport.database.setup_django`)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testsupport.database import setup_django as setup  # noqa: E402

__all__ = ["ROOT", "setup"]
