"""Developer machine: `make run`. Not for production."""

from config.env import env_list, env_str
from config.settings.base import *  # noqa: F403

DEBUG = True
# A fixed development key: production.py refuses to start without its own.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-9f3b2c")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# Messages are printed unless another backend is named (the delivery tests write files).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # noqa: F405
