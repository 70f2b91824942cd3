# `make run` starts the whole system; `make test` runs the whole suite. Both
# set everything up on a fresh machine first.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: setup db run serve test lint typecheck pytest pytest-postgres test-postgres bench messages clean

setup:
	scripts/bootstrap.sh
	scripts/ensure-package.sh redis-server redis-server
	scripts/ensure-package.sh msgfmt gettext
	scripts/ensure-pdf-libraries.sh
	$(PY) manage.py compilemessages --ignore=.venv -v0

db: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_library
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_programs
	$(PY) manage.py seed_demo_reminders

run: db
	scripts/run.sh

# Production (README, "Production"): PostgreSQL and Redis by URL (DATABASE_URL, REDIS_URL),
# gunicorn + Celery worker + beat from Procfile.production; no demo data, no local Redis.
serve:
	scripts/bootstrap.sh
	scripts/ensure-package.sh msgfmt gettext
	scripts/ensure-pdf-libraries.sh
	scripts/serve.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

typecheck: setup
	.venv/bin/mypy

# The tests that need no browser, no whole running system and no benchmark run two at a time
# (pytest-xdist: a process a CPU of these 2-CPU machines, each with its own test database);
# then those one at a time, whose waits assume a machine to themselves.
pytest: setup
	scripts/ensure-package.sh chromium chromium
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 -m "not e2e" --ignore=tests/bench
	$(PY) -m pytest -m e2e
	$(PY) -m pytest -m "not e2e" tests/bench

test: lint typecheck pytest pytest-postgres

# The database tests once more on PostgreSQL, the production database. The browser
# tests and benchmark smoke runs need not repeat: they start their own databases.
pytest-postgres: setup
	scripts/with-postgres.sh $(PY) -m pytest -q -n 2 -m "not e2e" --ignore=tests/bench

# The suite against a throwaway PostgreSQL cluster (Debian's postgresql package).
test-postgres: setup
	scripts/with-postgres.sh $(PY) -m pytest

# Benchmarks at full size; each prints its ratio against a floor from the same run.
bench: setup
	$(PY) bench/engine.py
	$(PY) bench/bulk_programs.py
	$(PY) bench/reminders_fanout.py
	scripts/with-postgres.sh $(PY) bench/reminders_fanout.py
	$(PY) bench/today_throughput.py
	scripts/with-postgres.sh $(PY) bench/today_throughput.py
	$(PY) bench/worklist.py
	scripts/with-postgres.sh $(PY) bench/worklist.py
	$(PY) bench/phone_today.py

# Refresh the Russian catalogue after changing texts; translate the new entries, then
# `make setup` compiles it. The manifest's texts are translated too.
messages: setup
	$(PY) manage.py makemessages -l ru -e html,txt,py,webmanifest --ignore=.venv \
		--ignore=tests --ignore=bench --no-obsolete

clean:
	rm -rf .venv db.sqlite3 .pytest_cache .mypy_cache .ruff_cache test-artifacts
