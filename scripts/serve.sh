#!/usr/bin/env bash
# The production start (`make serve`): checks the environment, compiles the messages,
# collects the static files, migrates, then runs Procfile.production under honcho: gunicorn,
# a Celery worker and Celery beat, stopped together by Ctrl-C or SIGTERM (and all of them
# when one exits, so the supervisor above restarts the whole set).
#
#   SERVE_PROCESSES  which of web, worker, beat to start here (default: all three; beat
#                    must run on exactly one machine of the deployment)
#   SERVE_MIGRATE    true (default) or false: run `migrate` before starting (once per
#                    deploy: let one machine do it)
#
# Only the process environment is read (no .env file): a developer's .env next to the code
# must not leak into production.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.production
export PYTHONUNBUFFERED=1

missing=()
for name in SECRET_KEY ALLOWED_HOSTS DATABASE_URL REDIS_URL; do
    [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "error: make serve needs these environment variables: ${missing[*]}" >&2
    echo "       (README.md, \"Production\"; \`make run\` is the development start)" >&2
    exit 2
fi

processes=${SERVE_PROCESSES:-web worker beat}
for process in $processes; do
    case $process in
        web | worker | beat) ;;
        *)
            echo "error: SERVE_PROCESSES: no process '$process' (web, worker, beat)" >&2
            exit 2
            ;;
    esac
done
case ${SERVE_MIGRATE:-true} in
    1 | true | yes | on) migrate=true ;;
    0 | false | no | off) migrate=false ;;
    *)
        echo "error: SERVE_MIGRATE must be true or false, not '$SERVE_MIGRATE'" >&2
        exit 2
        ;;
esac

# The settings load here first: a malformed value stops the start with its name.
"$PY" manage.py check --deploy
"$PY" manage.py compilemessages --ignore=.venv -v0
if [[ " $processes " == *" web "* ]]; then
    # The web process serves only the collected, hashed copies.
    "$PY" manage.py collectstatic --no-input -v0
fi
if [ "$migrate" = true ]; then
    "$PY" manage.py migrate --no-input
fi

echo "Starting: $processes (config.settings.production)"
# shellcheck disable=SC2086
exec .venv/bin/honcho start -f Procfile.production --env /dev/null $processes
