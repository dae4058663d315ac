"""A campaign's packets exported in parts: packed side by side in any order, run twice or
taken over, assembled once into the ZIP ``write_campaign_packets`` writes, and no partial
file left behind. The export's pages and downloads are tested in test_packets.py."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from requests_app.campaigns import exports, services
from requests_app.campaigns.models import PacketExport
from requests_app.campaigns.packets import write_campaign_packets
from requests_app.jobs import parts, registry, runner
from requests_app.jobs.models import JobPart
from requests_app.jobs.tasks import jobs_sweep
from requests_app.ops import queue
from tests.documents.test_upload import pdf_bytes, up
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
KIND = "packet_export"
LATER = timedelta(minutes=11)  # past the export's staleness


@pytest.fixture
def campaign(alice, monkeypatch):
    """Five requests, packed two a part: parts 0, 1 and 2 (of one request)."""
    monkeypatch.setattr(exports, "PART_SIZE", 2)
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Flock audits",
                                        item_keys=["org-audit"])
    agencies = [AgencyFactory(name=f"Agency {n}", jurisdiction=state("WA")) for n in range(5)]
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=date(2026, 11, 27))
    up(campaign.requests.order_by("tracking")[2], "audit.pdf", pdf_bytes())
    return campaign


@pytest.fixture
def export(alice, campaign):
    """The export, its parts recorded by its first step (no worker woken)."""
    export = PacketExport.objects.create(campaign=campaign, requested_by=alice.user)
    runner.run_step(KIND, export.pk, now=timezone.now())
    return export


def run_parts(export, *indexes, now=None):
    for index in indexes:
        parts.run_part(KIND, export.pk, index, now=now or timezone.now())


def assemble(export, now=None) -> PacketExport:
    runner.run_step(KIND, export.pk, now=now or timezone.now())
    export.refresh_from_db()
    return export


def parts_folder_exists(export) -> bool:
    return default_storage.exists(f"packets/parts/{export.pk}")


def partial_files(export) -> list[str]:
    try:
        return default_storage.listdir(f"packets/parts/{export.pk}")[1]
    except FileNotFoundError:
        return []


def zips_of(alice) -> set[str]:
    try:
        return set(default_storage.listdir(f"packets/{alice.organization_id}")[1])
    except FileNotFoundError:
        return set()


def entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def replace_part_run(monkeypatch, run) -> None:
    kind = registry.kind_named(KIND)
    monkeypatch.setitem(registry._KINDS, KIND,
                        dataclasses.replace(kind, parts=dataclasses.replace(kind.parts, run=run)))


def test_the_first_step_splits_the_requests_in_tracking_order(campaign, export):
    tracking_order = list(campaign.requests.order_by("tracking").values_list("pk", flat=True))
    planned = JobPart.objects.filter(kind=KIND, job_id=export.pk).order_by("index")
    assert [part.items for part in planned] == [tracking_order[0:2], tracking_order[2:4], tracking_order[4:]]
    export.refresh_from_db()
    assert (export.state, export.total, export.handled) == ("running", 5, 0)


def test_parts_run_in_reverse_order_make_the_zip_written_in_one_go(campaign, export, time_machine):
    time_machine.move_to(timezone.now(), tick=False)  # each communications log says when it was printed
    run_parts(export, 2, 1, 0)
    assert len(partial_files(export)) == 3
    export = assemble(export)
    assert (export.state, export.handled, export.total, export.error) == ("done", 5, 5, "")
    with export.file.open("rb") as handle:
        stored = handle.read()
    in_one_go = io.BytesIO()
    write_campaign_packets(campaign, in_one_go)
    assert entries(stored) == entries(in_one_go.getvalue())  # names, order and bytes
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        assert {entry.compress_type for entry in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert partial_files(export) == [] and not JobPart.objects.exists()
    assert not parts_folder_exists(export)  # on local disk, the emptied folder goes too


def test_the_last_part_queues_the_assembly_once_it_commits(export, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_parts(export, 0, 1)
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_parts(export, 2)
        export.refresh_from_db()
        assert export.state == "running" and export.assembling  # the ZIP is not made under the part's lock
    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.state == "done" and export.file


def test_a_part_taken_over_is_recorded_once_and_the_slow_ones_file_deleted(monkeypatch, export):
    real = exports.packet_part

    def slow(job, ids):
        outcome = real(job, ids)
        replace_part_run(monkeypatch, real)
        run_parts(export, 0, now=timezone.now() + LATER)  # the takeover, while this run is still going
        return outcome

    replace_part_run(monkeypatch, slow)
    run_parts(export, 0)
    export.refresh_from_db()
    assert export.handled == 2
    recorded = JobPart.objects.get(job_id=export.pk, index=0).outcome["name"]
    assert partial_files(export) == [recorded.rsplit("/", 1)[1]]  # the slow run's file is gone
    run_parts(export, 0)  # its message again: done, nothing runs
    run_parts(export, 1, 2)
    assert assemble(export).state == "done" and partial_files(export) == []


def test_an_assembly_run_twice_stores_one_zip(alice, export):
    before = zips_of(alice)
    run_parts(export, 0, 1, 2)
    first = assemble(export)
    assert assemble(export).file.name == first.file.name  # the second finds it done
    assert zips_of(alice) - before == {first.file.name.rsplit("/", 1)[1]}


def test_a_superseded_assembler_stores_nothing(alice, monkeypatch, export):
    """The first assembler was only slow: another took the export over past the staleness
    and stored the ZIP first; the slow one's file is deleted again."""
    before = zips_of(alice)
    run_parts(export, 0, 1, 2)
    then = timezone.now() - LATER
    real = exports._size_and_sha256

    def slow(out):
        monkeypatch.setattr(exports, "_size_and_sha256", real)
        assemble(export)  # the sweep's takeover
        return real(out)

    monkeypatch.setattr(exports, "_size_and_sha256", slow)
    runner.run_step(KIND, export.pk, now=then)
    export.refresh_from_db()
    assert export.state == "done"
    assert zips_of(alice) - before == {export.file.name.rsplit("/", 1)[1]}
    with export.file.open("rb") as handle:
        assert export.sha256 == exports._size_and_sha256(handle)[1]


def test_an_assembler_taken_over_midway_stops_at_its_next_heartbeat(monkeypatch, export):
    run_parts(export, 0, 1, 2)
    copied = []
    real = exports.copy_entries

    def copy(source, archive, **kwargs):
        copied.append(source)
        PacketExport.objects.filter(pk=export.pk).update(claimed_at=timezone.now())  # another worker's claim
        real(source, archive, **kwargs)

    monkeypatch.setattr(exports, "copy_entries", copy)
    export = assemble(export, now=timezone.now() - LATER)
    assert len(copied) == 1 and export.state == "running" and not export.file
    assert len(partial_files(export)) == 3  # kept for the worker now holding it, which assembles them
    monkeypatch.setattr(exports, "copy_entries", real)
    assert assemble(export, now=timezone.now() + LATER).state == "done" and partial_files(export) == []


def test_a_killed_assembler_is_replaced_through_the_sweep(monkeypatch, export):
    run_parts(export, 0, 1, 2)
    then = timezone.now() - LATER
    runner.claim(KIND, export.pk, now=then)  # an assembler that was killed: its claim goes silent
    assert runner.due(now=timezone.now()) == [(KIND, export.pk)]
    replace_part_run(monkeypatch, lambda job, ids: pytest.fail("a part ran again"))
    assert jobs_sweep(now=timezone.now()) == 1  # eager here: wakes the step, which assembles
    export.refresh_from_db()
    assert (export.state, export.handled) == ("done", 5) and export.file
    assert partial_files(export) == [] and not JobPart.objects.exists()


def test_an_assembler_killed_before_deleting_the_partial_files_leaves_them_to_the_sweep(monkeypatch, export):
    run_parts(export, 0, 1, 2)

    def killed(export):
        raise SystemExit("the worker was killed")

    monkeypatch.setattr(exports, "_replace_older", killed)  # between marking the export done and deleting
    with pytest.raises(SystemExit):
        assemble(export)
    export.refresh_from_db()
    assert export.state == "done" and len(partial_files(export)) == 3 and JobPart.objects.count() == 3
    zipped = export.file.read()
    assert jobs_sweep(now=timezone.now()) == 0
    assert partial_files(export) == [] and not parts_folder_exists(export) and not JobPart.objects.exists()
    export.refresh_from_db()
    assert export.state == "done" and export.file.read() == zipped  # the ZIP itself is kept


def test_a_tampered_document_fails_the_export_and_its_partial_files_go(campaign, monkeypatch, export):
    document = campaign.requests.order_by("tracking")[2].document_links.get().document
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    run_parts(export, 0)
    real = exports.packet_part

    def racing(job, ids):
        """Part 2 packs while part 1 finds the tampered file and fails the export."""
        outcome = real(job, ids)
        replace_part_run(monkeypatch, real)
        run_parts(export, 1)
        return outcome

    replace_part_run(monkeypatch, racing)
    run_parts(export, 2)
    export.refresh_from_db()
    assert export.state == "failed" and not export.file and export.finished_at
    assert export.error == exports.TAMPERED.format("audit.pdf does not match its recorded sha256")
    assert partial_files(export) == [] and not JobPart.objects.exists()


def test_a_deleted_exports_partial_files_go_at_the_next_sweep(export):
    run_parts(export, 0, 1)
    assert len(partial_files(export)) == 2
    PacketExport.objects.filter(pk=export.pk).delete()
    assert jobs_sweep(now=timezone.now()) == 0
    assert partial_files(export) == [] and not JobPart.objects.exists() and not parts_folder_exists(export)


def test_a_campaign_without_requests_exports_an_index_alone(alice):
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Empty",
                                        item_keys=["org-audit"])
    export = PacketExport.objects.create(campaign=campaign, requested_by=alice.user)
    export = assemble(export)
    assert (export.state, export.total) == ("done", 0)
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert archive.namelist() == ["index.csv"]


def test_parts_are_queued_with_limits_of_their_own_within_the_staleness(alice, campaign, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(queue, "enqueue_now", lambda task, *args, **options: sent.append((task.name, options)))
    export = PacketExport.objects.create(campaign=campaign, requested_by=alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        runner.run_step(KIND, export.pk, now=timezone.now())
    assert sent == [("jobs.run_part", {"soft_time_limit": 480, "time_limit": 540})] * 3
    kind = registry.kind_named(KIND)
    assert 540 < kind.stale_after.total_seconds() and kind.task_options()["time_limit"] > 540  # the assembly's


def test_an_assembly_that_breaks_fails_the_export_and_its_partial_files_go(monkeypatch, export):
    run_parts(export, 0, 1, 2)

    def broken(source, archive, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "copy_entries", broken)
    export = assemble(export)
    assert (export.state, export.claimed_at, bool(export.file)) == ("failed", None, False)
    assert export.error == exports.UNEXPECTED.format("OSError: disk full")
    assert partial_files(export) == [] and not JobPart.objects.exists()
