"""Settings for the test suite: the real settings, with safe values for what tests need.

Environment variables still win (``DATABASE_URL`` picks PostgreSQL), so the suite runs
against the same configuration code as production.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from recordsreq.settings import *  # noqa: E402,F403
from recordsreq.settings import DATABASES, STORAGES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test process runs tasks inline; a real worker started by an end-to-end test sends the
# tasks its tasks enqueue (a campaign's parts, a reminder's email) through its broker, as in
# production, so that the test sees them taken up by its processes.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("RECORDSREQ_TEST_WORKER")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real worker process can share the test database.
    # RECORDSREQ_TEST_DB names another file, so two test runs on one checkout do not collide.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RECORDSREQ_TEST_DB", str(VAR_DIR / "test-db.sqlite3"))}
STATIC_ROOT = None  # nothing is collected for tests; finders serve the files

if os.environ.get("RECORDSREQ_TEST_MAIL_DIR"):
    # A worker started by an end-to-end test writes its mail where the test can read it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["RECORDSREQ_TEST_MAIL_DIR"]

# Tests log in with force_login; the login-limit tests switch this on.
AXES_ENABLED = False
