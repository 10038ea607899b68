"""Settings for the test suite: the same code paths, with throwaway keys and fast hashing."""

import os

os.environ.setdefault("MARSAD_SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment")
os.environ.setdefault("MARSAD_PII_KEY", "dGVzdC1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE=")
os.environ.setdefault("MARSAD_BLIND_INDEX_KEY", "test-only-blind-index-key")

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Serve static files straight from the finders (node_modules, app static) in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: SQLite's shared cache locks whole tables and ignores
    # the busy timeout, which would make concurrency tests fail for the wrong reason.
    # One file per test process, so that parallel runs never share a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-marsad-{os.getpid()}.sqlite3")  # noqa: F405
    }
