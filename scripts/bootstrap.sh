#!/usr/bin/env bash
# Creates .venv and installs the pinned dependencies; re-runs only when the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "error: Python 3.11 or newer is needed; $python is $("$python" --version 2>&1)." >&2
    exit 1
}
stamp=.venv/.installed-$(sha256sum requirements.lock | cut -c1-16)
if [ -f "$stamp" ]; then
    exit 0
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.lock
rm -f .venv/.installed-*
touch "$stamp"
