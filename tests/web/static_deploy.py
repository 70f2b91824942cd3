"""Deploys of the app's static files as production makes them, in temporary folders.

The app's own static folder is copied into `tmp/src` (the repository is never written);
a test changes that copy, then `deploy()` collects it into a fresh STATIC_ROOT with
production's hashed, compressed storage, as a new release does.
"""

import shutil
from pathlib import Path

from django.core.management import call_command

import web

WEB_STATIC = Path(web.__file__).resolve().parent / "static"
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


class StaticDeploys:
    """Production's static settings over a copy of the app's static files."""

    def __init__(self, settings, tmp_path: Path) -> None:
        self.settings = settings
        self.src = tmp_path / "src"
        self.tmp_path = tmp_path
        self.releases = 0
        shutil.copytree(WEB_STATIC, self.src)
        settings.STATICFILES_DIRS = [self.src]
        # Only the app's own files: the admin's and the API docs' would only slow it down.
        settings.STATICFILES_FINDERS = [
            "django.contrib.staticfiles.finders.FileSystemFinder",
        ]
        settings.STORAGES = settings.STORAGES | {"staticfiles": {"BACKEND": MANIFEST_STORAGE}}
        settings.WHITENOISE_USE_FINDERS = False

    def append(self, name: str, text: str) -> None:
        """Change one of the copied files, as a commit would."""
        path = self.src / name
        path.write_text(path.read_text() + text)

    def deploy(self) -> Path:
        """Collect the files into a new STATIC_ROOT and switch to it, as a release does."""
        self.releases += 1
        root = self.tmp_path / f"release-{self.releases}"
        self.settings.STATIC_ROOT = root  # a new storage, which reads its own manifest
        call_command("collectstatic", interactive=False, verbosity=0)
        return root
