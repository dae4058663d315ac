from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Seeded letters and documents are stored under the test's own folder."""
    folder = tmp_path / "media"
    settings.MEDIA_ROOT = str(folder)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder), "base_url": "/media/"}}}
    return folder


@pytest.fixture
def today():
    """Seeding runs on a fixed day, so holidays and weekends fall the same way every run."""
    with time_machine.travel(datetime(2026, 11, 27, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        yield TODAY
