#!/usr/bin/env bash
# Starts Redis (unless one already answers), the web server, a Celery worker and
# Celery beat under honcho. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
export WEB_PORT=${WEB_PORT:-8000}
export REDIS_PORT=${REDIS_PORT:-6379}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
export PYTHONUNBUFFERED=1

processes="web worker beat"
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "Using the Redis server already answering on port $REDIS_PORT."
else
    processes="redis $processes"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$WEB_PORT") 2>/dev/null; then
    echo "error: port $WEB_PORT is already in use. Stop what runs there or set WEB_PORT." >&2
    exit 1
fi

cat <<MSG

  Rehabilitation planner
  ----------------------
  Start:  http://127.0.0.1:$WEB_PORT/  (patients and clinicians find their way from here)

  Clinicians, the admin:  http://127.0.0.1:$WEB_PORT/admin/
  Logins: doctor / demo-doctor-2026   (rehabilitation doctor, 11 patients)
          doctor2 / demo-doctor-2026  (a colleague with 1 patient)
          admin / demo-admin-2026     (administrator)

  Patients, the app (phone-first):  http://127.0.0.1:$WEB_PORT/app/
  Logins: smirnova / demo-patient-2026    (a week into home training)
          kuznetsova / demo-patient-2026  (the same, in Russian)
          ivanov / demo-patient-2026      (still in supervised sessions)
          every demo patient: last name in lower case, same password

  Press Ctrl-C to stop the web server, worker, beat and Redis.

MSG
# shellcheck disable=SC2086
exec .venv/bin/honcho start -f Procfile $processes
