"""The demonstration commands refuse production settings: seed_demo would reset the demo
accounts, the administrator's included, to passwords published in the README."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from notifications.models import ReminderPreferences
from planner.models import Program
from tests.config.test_settings import PRODUCTION_ENV, ROOT, manage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

REFUSAL = (
    "seed_demo is for demonstrations and refuses to run on production settings: "
    "it would reset passwords to published ones."
)


@pytest.fixture
def site_admin():
    """The production site's own administrator, named like the demo's."""
    return get_user_model().objects.create_superuser("admin", password=PASSWORD)


@override_settings(DEMO_DATA_ALLOWED=False)
def test_seed_demo_refuses_with_status_2_and_writes_nothing(site_admin):
    users = get_user_model().objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", verbosity=0)
    assert str(refused.value) == REFUSAL
    assert refused.value.returncode == 2
    site_admin.refresh_from_db()
    assert site_admin.check_password(PASSWORD)
    assert get_user_model().objects.count() == users


@override_settings(DEMO_DATA_ALLOWED=False)
@pytest.mark.parametrize("command", ["seed_demo_programs", "seed_demo_reminders"])
def test_the_other_demo_commands_refuse_too(command):
    with pytest.raises(CommandError) as refused:
        call_command(command, verbosity=0)
    assert str(refused.value).startswith(
        f"{command} is for demonstrations and refuses to run on production settings: "
    )
    assert refused.value.returncode == 2
    assert not Program.objects.exists() and not ReminderPreferences.objects.exists()


def test_seed_demo_runs_where_demo_data_is_allowed(site_admin):
    call_command("seed_demo", verbosity=0)
    site_admin.refresh_from_db()
    assert not site_admin.check_password(PASSWORD)  # the demo's published one now


def test_production_settings_forbid_demo_data_and_the_others_allow_it():
    script = "from django.conf import settings; print(settings.DEMO_DATA_ALLOWED)"
    for module, expected in (
        ("config.settings.production", "False"),
        ("config.settings.local", "True"),
        ("config.settings.test", "True"),
    ):
        env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": module}
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env={**_base_env(), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}


def test_seed_demo_under_production_settings_exits_2_before_touching_the_database():
    # The production database's host does not exist: the refusal comes first.
    result = manage("seed_demo", **PRODUCTION_ENV)
    assert result.returncode == 2
    assert REFUSAL in result.stderr
    assert "Demo data" not in result.stdout
