"""For the migrations moving each kind's jobs onto the runner: the runner's times, as well as
the rows stored before it can tell them."""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce

from requests_app.jobs.models import ACTIVE, JobState


def backfill_times(model) -> None:
    """Started when created, unless still queued; finished at its last update, once finished;
    a running job held since its last update, so no second worker takes it up until its
    kind's staleness has passed (the sweep's restart, as before)."""
    jobs = model.objects.all()
    jobs.exclude(state=JobState.QUEUED).update(started_at=F("created_at"))
    jobs.exclude(state__in=ACTIVE).update(finished_at=Coalesce(F("finished_at"), F("updated_at")))
    jobs.filter(state=JobState.RUNNING).update(claimed_at=F("updated_at"))

