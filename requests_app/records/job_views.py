"""The page of a bulk action a worker runs: its progress, then each request's outcome."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from requests_app.records.models import BulkJob
from requests_app.teams.permissions import organization_required


def _job(request: HttpRequest, pk: int) -> BulkJob:
    return get_object_or_404(BulkJob.objects.select_related("created_by"), pk=pk, organization=request.organization)


@organization_required
def bulk_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    return render(request, "records/bulk_job.html", {
        "job": job, "active": job.state != BulkJob.State.DONE, "done": _lines(job.done), "skipped": _lines(job.skipped),
    })


def _lines(rows: list) -> list[tuple[int, str, str]]:
    """(id, tracking, the rest): an outcome that starts with the tracking reads on from the link."""
    return [(pk, tracking, text[len(tracking):] if text.startswith(tracking) else f": {text}")
            for pk, tracking, text in rows]


@organization_required
def bulk_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse({
        "state": job.state, "done": job.position, "total": job.total, "percent": job.percent,
        "changed": len(job.done), "skipped": len(job.skipped),
    })
