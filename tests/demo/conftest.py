from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def media(media_folder):
    """Seeded letters and documents are stored under the test's own folder."""
    return media_folder


@pytest.fixture
def today():
    """Seeding runs on a fixed day, so holidays and weekends fall the same way every run."""
    with time_machine.travel(datetime(2026, 11, 27, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        yield TODAY
