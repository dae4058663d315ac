from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from requests_app.campaigns import services
from requests_app.campaigns.models import Campaign, RenderState
from requests_app.campaigns.packaging import campaign_zip
from requests_app.letters.models import LetterVersion
from requests_app.records.models import RecordsRequest
from tests.factories import AgencyFactory, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


@pytest.fixture
def agencies():
    return [
        AgencyFactory(name="Seattle Police Department", jurisdiction=state("WA"), records_email="prr@seattle.example.gov"),
        AgencyFactory(name="Austin Police Department", jurisdiction=state("TX")),
        AgencyFactory(name="Oakland Police Department", jurisdiction=state("CA"), portal_url="https://oakland.example.gov/prr"),
    ]


@pytest.fixture
def campaign(alice, agencies):
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Flock audit logs 2025",
                                        item_keys=["org-audit", "network-audit"], date_from=date(2025, 1, 1))
    services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=alice.user, today=TODAY)
    return campaign


def render_all(campaign, django_capture_on_commit_callbacks, acknowledge=True) -> Campaign:
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=acknowledge)
    campaign.refresh_from_db()
    return campaign


def test_each_agency_gets_a_letter_citing_its_own_states_law(campaign):
    letters = {r.agency.jurisdiction.code: r.letter_text for r in campaign.requests.select_related("agency__jurisdiction")}
    assert "Under the Public Records Act, chapter 42.56 RCW" in letters["WA"]
    assert "Under the Texas Public Information Act" in letters["TX"]
    assert "Under the California Public Records Act" in letters["CA"]
    assert "Within 10 days of receiving this request" in letters["CA"] and "within 10 business days" in letters["TX"]
    assert all("from 1 January 2025" in text for text in letters.values())


def test_adding_the_same_agencies_again_creates_no_duplicates(campaign, alice, agencies):
    result = services.campaign_add_agencies(campaign=campaign, agencies=agencies + agencies[:1], user=alice.user, today=TODAY)
    assert (len(result.created), len(result.existing)) == (0, 4)
    assert campaign.requests.count() == 3


def test_rendering_finalises_every_letter_in_chunks_and_reports_progress(campaign, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "RENDER_CHUNK", 2)
    campaign = render_all(campaign, django_capture_on_commit_callbacks)
    assert (campaign.render_state, campaign.render_done, campaign.render_total) == (RenderState.DONE, 3, 3)
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 3
    assert campaign.render_percent == 100


def test_the_parts_of_a_rendering_may_end_in_any_order(campaign, alice, django_capture_on_commit_callbacks,
                                                       monkeypatch):
    """Workers render the parts side by side: whichever ends last ends the run, every letter
    is counted once, and the failures are listed in the campaign's order."""
    monkeypatch.setattr(services, "RENDER_CHUNK", 1)
    for name, code in (("Richmond Police Department", "VA"), ("Norfolk Police Department", "VA")):
        services.campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory(name=name, jurisdiction=state(code))],
                                       user=alice.user, today=TODAY)
    with django_capture_on_commit_callbacks() as started:
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=False)
    with django_capture_on_commit_callbacks() as parts:
        for callback in started:
            callback()  # the job's first step: it records five parts and wakes a worker for each
    assert len(parts) == 5
    with django_capture_on_commit_callbacks(execute=True):
        for callback in reversed(parts):
            callback()
    campaign.refresh_from_db()
    assert (campaign.render_state, campaign.render_done, campaign.render_failed) == (RenderState.DONE, 3, 2)
    assert [line.split(" (")[0] for line in campaign.render_failure_lines] == [
        "Richmond Police Department", "Norfolk Police Department"]
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 3


def test_rendering_again_makes_no_new_versions(campaign, django_capture_on_commit_callbacks):
    render_all(campaign, django_capture_on_commit_callbacks)
    render_all(campaign, django_capture_on_commit_callbacks)
    assert LetterVersion.objects.filter(request__campaign=campaign).count() == 3


def test_residency_limited_agencies_are_skipped_until_acknowledged(campaign, alice, django_capture_on_commit_callbacks):
    richmond = AgencyFactory(name="Richmond Police Department", jurisdiction=state("VA"))
    [added] = services.campaign_add_agencies(campaign=campaign, agencies=[richmond], user=alice.user, today=TODAY).created
    assert [w for _, w in services.residency_warnings(campaign)][0].startswith("Virginia Freedom of Information Act limits")
    campaign = render_all(campaign, django_capture_on_commit_callbacks, acknowledge=False)
    # The run is done: three letters made, one left for a person to confirm.
    assert (campaign.render_state, campaign.render_done, campaign.render_failed) == (RenderState.DONE, 3, 1)
    assert campaign.render_summary == "Done: 3 rendered, 1 failed"
    assert campaign.render_failure_lines == [
        f"Richmond Police Department ({added.tracking}): the agency's law may answer residents only — tick the "
        "confirmation under the residency warnings and generate the PDFs again"]
    assert campaign.render_failures[0]["request"] == added.pk


def test_a_campaign_states_the_ground_chosen_only_where_the_law_accepts_it(campaign, alice, alice_client,
                                                                           django_capture_on_commit_callbacks):
    from django.urls import reverse

    richmond = AgencyFactory(name="Richmond Police Department", jurisdiction=state("VA"))
    knoxville = AgencyFactory(name="Knoxville Police Department", jurisdiction=state("TN"))
    services.campaign_add_agencies(campaign=campaign, agencies=[richmond, knoxville], user=alice.user, today=TODAY)
    page = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert '<option value="media">media (Virginia)</option>' in page
    assert '<option value="citizen">citizen (Tennessee, Virginia)</option>' in page
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("campaign-render", args=[campaign.pk]),
                          {"acknowledge_residency": "on", "residency_basis": "media"})
    campaign.refresh_from_db()
    virginia = RecordsRequest.objects.get(agency=richmond).letters.get().text
    assert "Alex Rivera, who signs this request, is a representative of a newspaper or magazine" in virginia
    # Tennessee answers its citizens only: a media ground is never stated there, nor swapped for another.
    assert not RecordsRequest.objects.get(agency=knoxville).letters.exists()
    assert campaign.render_failed == 1 and "accepts citizen, not 'media'" in campaign.render_failure_lines[0]


def test_the_zip_holds_every_pdf_and_a_manifest_with_matching_hashes(campaign, django_capture_on_commit_callbacks):
    render_all(campaign, django_capture_on_commit_callbacks)
    packed = campaign_zip(campaign)
    archive = zipfile.ZipFile(packed.file)
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert list(rows[0]) == ["tracking", "agency", "state", "email", "portal_url", "file", "sha256"]
    assert [r["state"] for r in rows] == ["CA", "TX", "WA"]
    for row in rows:
        data = archive.read(row["file"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert row["tracking"] in pdf_text(data)
    seattle = next(r for r in rows if r["state"] == "WA")
    assert seattle["email"] == "prr@seattle.example.gov"
    assert next(r for r in rows if r["state"] == "CA")["portal_url"] == "https://oakland.example.gov/prr"
    assert sorted(archive.namelist()) == sorted([r["file"] for r in rows] + ["manifest.csv"])


def test_a_tampered_pdf_stops_the_zip(campaign, django_capture_on_commit_callbacks):
    from requests_app.documents.integrity import IntegrityFailure

    render_all(campaign, django_capture_on_commit_callbacks)
    letter = LetterVersion.objects.filter(request__campaign=campaign).first()
    with open(letter.pdf.path, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(IntegrityFailure, match="does not match its recorded sha256"):
        campaign_zip(campaign)


def test_agencies_can_come_from_a_csv_of_names():
    AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    AgencyFactory(name="Springfield Police Department", jurisdiction=state("OR"))
    AgencyFactory(name="Springfield Police Department", jurisdiction=state("IL"))
    data = b"name,state\nEugene police department,\nSpringfield Police Department,IL\nSpringfield Police Department,\nNowhere PD,WA\n"
    selection = services.agencies_from_csv(data)
    assert [(a.name, a.jurisdiction.code) for a in selection.agencies] == [
        ("Eugene Police Department", "OR"), ("Springfield Police Department", "IL")]
    assert selection.problems == [
        "line 4: 'Springfield Police Department' matches agencies in several states; add a state column",
        "line 5: no agency named 'Nowhere PD' in WA",
    ]


def test_a_csv_without_a_name_column_is_explained():
    assert services.agencies_from_csv(b"agency\nX\n").problems == ["no 'name' column (found: agency)"]
    assert "not UTF-8" in services.agencies_from_csv(b"name\nCaf\xe9\n").problems[0]


def test_draft_letters_writes_pdfs_and_a_manifest_and_reuses_the_campaign(alice, agencies, tmp_path, capsys):
    tn = AgencyFactory(name="Knoxville Police Department", jurisdiction=state("TN"))
    (tmp_path / "agencies.csv").write_text("name,state\nAustin Police Department,TX\nKnoxville Police Department,TN\n")
    args = ["draft_letters", "--org", alice.organization.slug, "--items", "org-audit,network-audit,sharing",
            "--agency-file", str(tmp_path / "agencies.csv"), "--date-from", "2024-01-01", "--out", str(tmp_path / "out")]
    with pytest.raises(CommandError, match=r"Knoxville Police Department \(TN\)"):
        call_command(*args)  # Tennessee answers its citizens only: someone must confirm the signer is one
    assert not LetterVersion.objects.exists()
    args.append("--acknowledge-residency")
    call_command(*args)
    out = capsys.readouterr()
    assert "note: RR-2026-" in out.err and "Knoxville Police Department" in out.err and "residents of Tennessee" in out.err
    rows = list(csv.DictReader(open(tmp_path / "out" / "manifest.csv")))
    assert sorted(r["agency"] for r in rows) == ["Austin Police Department", tn.name]
    for row in rows:
        assert hashlib.sha256((tmp_path / "out" / row["file"]).read_bytes()).hexdigest() == row["sha256"]
    call_command(*args)
    assert RecordsRequest.objects.count() == 2 and Campaign.objects.count() == 1
    assert LetterVersion.objects.count() == 2


def test_draft_letters_by_state(alice, agencies, tmp_path):
    call_command("draft_letters", "--org", alice.organization.slug, "--items", "org-audit", "--state", "wa",
                 "--out", str(tmp_path))
    assert [r.agency.name for r in RecordsRequest.objects.all()] == ["Seattle Police Department"]
    assert len(list(tmp_path.glob("*.pdf"))) == 1


@pytest.mark.parametrize("args, message", [
    (["--org", "nope", "--items", "org-audit", "--state", "WA"], "no organization with slug 'nope'"),
    (["--items", "org-audit,drones", "--state", "WA"], "Unknown item key(s): drones"),
    (["--items", "org-audit", "--state", "ZZ"], "no agencies in ZZ"),
    (["--items", "org-audit", "--state", "WA", "--date-from", "2024-13-01"], "'2024-13-01' is not a date"),
])
def test_draft_letters_explains_bad_arguments(alice, agencies, tmp_path, args, message):
    if "--org" not in args:
        args = ["--org", alice.organization.slug, *args]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("draft_letters", *args, "--out", str(tmp_path))
    assert not RecordsRequest.objects.exists()
