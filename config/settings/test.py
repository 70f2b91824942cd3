"""The test suite: real components, fast password hashing."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-7d1e0a5c4b3f2e1d0c9b8a7f6e5d4c3b"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
