"""Readiness (`/api/v1/health/`): the database, a real Redis and the workers' heartbeat, each
named when it fails; liveness (`/api/v1/health/live/`) checks nothing."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from rest_framework.test import APIClient

from notifications.tasks import worker_heartbeat_task
from testsupport.processes import RedisServer, free_port

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
ALL_OK = {"database": "ok", "redis": "ok", "worker": "ok"}


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(autouse=True)
def broker(redis_server: RedisServer, settings) -> Iterator[None]:
    """The checks and the heartbeat use this test's own Redis, emptied first."""
    settings.CELERY_BROKER_URL = redis_server.url
    settings.HEALTH_WORKER_MAX_AGE = 180
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushdb()
    yield


def worker_ran_heartbeat(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        worker_heartbeat_task.apply().get()


def health(at: datetime = NOW):
    with time_machine.travel(at, tick=False):
        return APIClient().get("/api/v1/health/")


def test_ready_when_the_database_redis_and_a_recent_heartbeat_are_fine():
    worker_ran_heartbeat(NOW - timedelta(seconds=60))
    response = health()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}
    assert response["Cache-Control"] == "no-store"


def test_a_stale_heartbeat_names_the_worker():
    worker_ran_heartbeat(NOW - timedelta(seconds=600))
    response = health()
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["worker"],
        "checks": ALL_OK | {"worker": "Unavailable: no heartbeat for 600 s"},
    }


def test_no_heartbeat_at_all_names_the_worker():
    response = health()
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert "no heartbeat yet" in body["checks"]["worker"]


def test_the_age_allowed_is_the_setting(settings):
    settings.HEALTH_WORKER_MAX_AGE = 300
    worker_ran_heartbeat(NOW)
    assert health(NOW + timedelta(seconds=300)).status_code == 200
    late = health(NOW + timedelta(seconds=301))
    assert late.status_code == 503 and late.json()["failed"] == ["worker"]


def test_an_unreachable_redis_is_named(settings):
    worker_ran_heartbeat(NOW)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = health()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "redis" in body["failed"]
    assert body["checks"]["redis"].startswith("Unavailable: Unable to connect to Redis")
    assert body["checks"]["database"] == "ok"
    # Nor can the heartbeat be read there: the worker is not known to be fine either.
    assert (
        body["checks"]["worker"] == "Unavailable: cannot read the heartbeat: Redis did not answer"
    )


def test_a_database_failure_is_named_without_the_drivers_message(monkeypatch):
    worker_ran_heartbeat(NOW)

    def refuse(self) -> None:
        raise ServiceUnavailable('connection to server at "db.internal" (10.0.0.5) failed')

    monkeypatch.setattr(Database, "run", refuse)
    response = health()
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "Unavailable: the database did not answer SELECT 1"
    assert "db.internal" not in response.content.decode()


def test_liveness_checks_nothing_and_touches_no_database(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/health/live/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert len(queries) == 0


def test_the_schema_documents_ready_and_unavailable():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    responses = schema["paths"]["/api/v1/health/"]["get"]["responses"]
    assert set(responses) == {"200", "503"}
    ok = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    unavailable = responses["503"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    assert set(components[ok.rsplit("/", 1)[1]]["properties"]) == {"status", "checks"}
    assert set(components[unavailable.rsplit("/", 1)[1]]["properties"]) == {
        "status",
        "failed",
        "checks",
    }
    live = schema["paths"]["/api/v1/health/live/"]["get"]["responses"]
    assert set(live) == {"200"}
