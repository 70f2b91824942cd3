"""The site's languages: English and Russian, and those a clinic adds with EXTRA_LANGUAGES,
with no code change and no migration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.env import ImproperlyConfiguredEnv
from config.languages import site_languages
from tests.conftest import make_patient

ROOT = Path(__file__).resolve().parents[2]


def test_english_and_russian_without_extra_languages(monkeypatch):
    monkeypatch.delenv("EXTRA_LANGUAGES", raising=False)
    assert site_languages() == [("en", "English"), ("ru", "Русский")]


def test_extra_languages_follow_by_their_own_names(monkeypatch):
    monkeypatch.setenv("EXTRA_LANGUAGES", " uk, KK ")
    assert site_languages()[2:] == [("uk", "Українська"), ("kk", "Қазақ")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("xx", "EXTRA_LANGUAGES: 'xx' is not a language code Django knows"),
        ("ukrainian", "EXTRA_LANGUAGES: 'ukrainian' is not a language code Django knows"),
        ("ru", "EXTRA_LANGUAGES: 'ru' is listed already."),
        ("uk,uk", "EXTRA_LANGUAGES: 'uk' is listed already."),
    ],
)
def test_an_unknown_or_repeated_language_is_refused_by_name(monkeypatch, value, message):
    monkeypatch.setenv("EXTRA_LANGUAGES", value)
    with pytest.raises(ImproperlyConfiguredEnv) as refused:
        site_languages()
    assert str(refused.value).startswith(message)


def test_adding_a_language_needs_no_migration():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={**env, "EXTRA_LANGUAGES": "uk", "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.django_db
def test_a_patient_may_have_a_language_the_clinic_added_and_no_other(clinician, settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("uk", "Українська")]
    patient = make_patient(clinician)
    patient.language = "uk"
    patient.full_clean()
    patient.save()
    patient.language = "de"
    with pytest.raises(ValidationError) as refused:
        patient.full_clean()
    assert "language" in refused.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        type(patient).objects.filter(pk=patient.pk).update(language="")
