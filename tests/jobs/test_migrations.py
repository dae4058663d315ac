"""The migrations moving the four kinds onto the runner, on a database holding jobs of every
kind in every state: each keeps its state, progress and outcome, and the unfinished ones
are found by the sweep."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from requests_app.auditlogs.models import AuditImport
from requests_app.campaigns.models import Campaign, PacketExport
from requests_app.documents.upload import upload_file
from requests_app.jobs import runner
from requests_app.records.models import BulkJob
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("records", "0011_request_org_agency_index"), ("campaigns", "0005_campaign_residency_basis"),
          ("auditlogs", "0009_audit_import_time_zone")]
THEN = timezone.now() - timedelta(hours=1)
FAILURE = {"request": 7, "tracking": "RR-2026-0007", "agency": "Eugene Police Department", "reason": "no address"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def stored(alice):
    """Jobs as the code before the runner stored them, and the ids to find them by."""
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("WA")))
    document = upload_file(request=request, user=None, name="audit.csv",
                           stream=io.BytesIO(b"Date,User\n2025-01-01 10:00,a\n")).document
    campaigns = {s: Campaign.objects.create(organization=alice.organization, title=s, slug=s or "idle",
                                            created_by=alice.user) for s in ("", "queued", "running", "done", "failed")}
    old = migrate(BEFORE)
    ids = {"bulk": _bulk_jobs(old, alice), "export": _exports(old, campaigns), "import": _imports(old, request, document),
           "campaign": {s: c.pk for s, c in campaigns.items()}}
    _renderings(old, campaigns)
    yield ids
    migrate(latest())


def _bulk_jobs(old, alice) -> dict[str, int]:
    OldBulkJob = old.get_model("records", "BulkJob")
    made = {}
    for state_, position, done in (("queued", 0, []), ("running", 2, [[1, "RR-1", "follow-up drafted"]] * 2),
                                   ("done", 4, [])):
        job = OldBulkJob.objects.create(organization_id=alice.organization.pk, created_by_id=alice.user.pk,
                                        action="draft_follow_ups", request_ids=[1, 2, 3, 4], position=position,
                                        done=done, state=state_)
        made[state_] = job.pk
    OldBulkJob.objects.update(updated_at=THEN)
    return made


def _renderings(old, campaigns) -> None:
    OldCampaign = old.get_model("campaigns", "Campaign")
    figures = {"queued": (0, []), "running": (12, [FAILURE]), "done": (28, [FAILURE]), "failed": (0, [FAILURE] * 2)}
    for state_, (done, failures) in figures.items():
        OldCampaign.objects.filter(pk=campaigns[state_].pk).update(
            render_state=state_, render_total=29, render_done=done, render_failures=failures,
            render_updated_at=THEN, render_cursor=123, render_acknowledged_residency=True,
            render_residency_basis="media")


def _exports(old, campaigns) -> dict[str, int]:
    OldExport = old.get_model("campaigns", "PacketExport")
    made = {}
    for state_ in ("queued", "running", "done", "failed", "replaced"):
        export = OldExport.objects.create(
            campaign_id=campaigns["done"].pk, state=state_, total=9, done=5 if state_ == "running" else 0,
            run=uuid.uuid4() if state_ == "running" else None, error="Could not pack" if state_ == "failed" else "",
            file="packets/1/a.zip" if state_ == "done" else "", size=10 if state_ == "done" else 0)
        made[state_] = export.pk
    OldExport.objects.update(updated_at=THEN)
    return made


def _imports(old, request, document) -> dict[str, int]:
    OldImport = old.get_model("auditlogs", "AuditImport")
    made = {}
    for state_, lines, progress_at in (("queued", 0, None), ("running", 250, THEN), ("done", 1000, THEN),
                                       ("failed", 0, THEN)):
        made[state_] = OldImport.objects.create(
            request_id=request.pk, document_id=document.pk, state=state_, lines_done=lines, lines_total=1000,
            progress_at=progress_at, error="not an audit log" if state_ == "failed" else "",
            finished_at=THEN if state_ in ("done", "failed") else None).pk
    OldImport.objects.filter(state="queued").update(created_at=THEN)
    return made


def test_every_stored_job_keeps_its_state_and_progress_and_the_sweep_finds_the_unfinished(stored):
    """One test, as migrating back and forth costs most of a minute."""
    migrate(latest())
    _bulk_jobs_kept(stored)
    _renderings_kept(stored)
    _exports_and_imports_kept(stored)
    _unfinished_found(stored)


def _bulk_jobs_kept(stored):
    half = BulkJob.objects.get(pk=stored["bulk"]["running"])
    assert (half.state, half.position, half.total, half.percent, len(half.done)) == ("running", 2, 4, 50, 2)
    assert (half.updated_at, half.claimed_at, half.started_at) == (THEN, THEN, half.created_at)
    done = BulkJob.objects.get(pk=stored["bulk"]["done"])
    assert (done.state, done.handled, done.total, done.finished_at) == ("done", 4, 4, THEN)
    queued = BulkJob.objects.get(pk=stored["bulk"]["queued"])
    assert (queued.state, queued.handled, queued.claimed_at, queued.started_at) == ("queued", 0, None, None)


def _renderings_kept(stored):
    campaigns = {s: Campaign.objects.get(pk=pk) for s, pk in stored["campaign"].items()}
    summaries = {s: c.render_summary for s, c in campaigns.items()}
    # A rendering under way is begun again in parts (campaigns 0007), with the choices it was started with.
    assert summaries == {"": "Not started", "queued": "Queued: 0 of 29", "running": "Queued: 0 of 29",
                         "done": "Done: 28 rendered, 1 failed", "failed": "Failed: 0 rendered, 2 failed"}
    mid = campaigns["running"].rendering
    assert (mid.handled, mid.acknowledged_residency, mid.residency_basis) == (0, True, "media")
    assert (mid.updated_at, mid.claimed_at, mid.failures) == (THEN, None, [])
    assert campaigns["done"].render_failure_lines == ["Eugene Police Department (RR-2026-0007): no address"]
    assert campaigns["done"].rendering.finished_at == THEN


def _exports_and_imports_kept(stored):
    exports = {s: PacketExport.objects.get(pk=pk) for s, pk in stored["export"].items()}
    # An export under way is begun again in parts (campaigns 0008).
    assert {s: (e.state, e.done, e.total) for s, e in exports.items()} == {
        "queued": ("queued", 0, 9), "running": ("queued", 0, 9), "done": ("done", 0, 9),
        "failed": ("failed", 0, 9), "replaced": ("replaced", 0, 9)}
    assert (exports["running"].claimed_at, exports["done"].file.name, exports["failed"].error) == (
        None, "packets/1/a.zip", "Could not pack")
    imports = {s: AuditImport.objects.get(pk=pk) for s, pk in stored["import"].items()}
    assert {s: (i.state, i.lines_done, i.lines_total) for s, i in imports.items()} == {
        "queued": ("queued", 0, 1000), "running": ("running", 250, 1000), "done": ("done", 1000, 1000),
        "failed": ("failed", 0, 1000)}
    assert (imports["queued"].updated_at, imports["running"].claimed_at, imports["failed"].error) == (
        THEN, THEN, "not an audit log")


def _unfinished_found(stored):
    expected = {("bulk_job", stored["bulk"][s]) for s in ("queued", "running")}
    expected |= {("campaign_rendering", stored["campaign"][s]) for s in ("queued", "running")}
    expected |= {("packet_export", stored["export"][s]) for s in ("queued", "running")}
    expected |= {("audit_import", stored["import"][s]) for s in ("queued", "running")}
    assert set(runner.due(now=timezone.now())) == expected


def test_the_migrations_can_be_undone(stored):
    migrate(latest())
    old = migrate(BEFORE)
    campaign = old.get_model("campaigns", "Campaign").objects.get(pk=stored["campaign"]["running"])
    assert (campaign.render_state, campaign.render_done, campaign.render_total, campaign.render_cursor) == (
        "queued", 0, 29, 0)  # begun again in parts on the way forward
    job = old.get_model("records", "BulkJob").objects.get(pk=stored["bulk"]["running"])
    assert (job.state, job.position) == ("running", 2)
    audit_import = old.get_model("auditlogs", "AuditImport").objects.get(pk=stored["import"]["running"])
    assert (audit_import.lines_done, audit_import.progress_at) == (250, THEN)
