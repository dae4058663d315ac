"""Audit-log reports: the request page's hot-list section, the campaign report, CSV and PDFs."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.auditlogs import report_pdf, rules, rules_2026_11_1
from requests_app.auditlogs.models import AuditImport, HotlistEvent, SearchEvent, SharingRelation
from requests_app.auditlogs.selectors import campaign_report_for
from requests_app.campaigns.models import Campaign
from requests_app.letters import rendering
from tests.factories import AgencyFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

GENERATED = date(2026, 11, 27)


def audit_import(request) -> AuditImport:
    from requests_app.documents.upload import upload_file

    document = upload_file(request=request, user=request.created_by, name="audit.csv",
                           stream=io.BytesIO(b"ID,Name,Org Name,Reason\n")).document
    return AuditImport.objects.create(request=request, document=document, format="network_audit_14", state="done",
                                      rules_version=rules.VERSION)


def search(request, source: AuditImport, organization: str, reason: str, when: datetime, *,
           state_code: str = "", federal: bool = False) -> SearchEvent:
    found = [list(f) for f in rules.reason_flags(reason)] + ([["federal", "federal searching organization"]]
                                                             if federal else [])
    count = SearchEvent.objects.count()
    return SearchEvent.objects.create(
        request=request, audit_import=source, line=count + 2, key=f"k{count}",
        searched_at=when, organization=organization, organization_state=state_code, federal=federal, reason=reason,
        categories="," + ",".join(sorted({c for c, _ in found})) + "," if found else "", flags=found)


def hotlist_event(request, source: AuditImport, reason: str, *, event_type: str = "Entry Added") -> HotlistEvent:
    found = [list(f) for f in rules.reason_flags(reason)]
    return HotlistEvent.objects.create(
        request=request, audit_import=source, line=HotlistEvent.objects.count() + 2,
        key=f"h{HotlistEvent.objects.count()}", occurred_at=datetime(2025, 3, 1, 12, tzinfo=UTC), user="jdoe",
        event_type=event_type, entity_type="Custom Hot List Entry", plate="ABC123", reason=reason,
        categories="," + ",".join(sorted({c for c, _ in found})) + "," if found else "", flags=found)


def filled(request) -> None:
    """Five searches: an ICE search from Florida, a federal one, two at home and one from Texas."""
    source = audit_import(request)
    search(request, source, "Okaloosa County FL SO", "ICE warrant", datetime(2025, 1, 31, 23, tzinfo=UTC),
           state_code="FL")
    search(request, source, "[Federal] Homeland Security Investigations", "fraud", datetime(2025, 2, 1, tzinfo=UTC),
           federal=True)
    search(request, source, "Bend OR PD", "Property Crime", datetime(2025, 2, 2, tzinfo=UTC), state_code="OR")
    search(request, source, "Bend OR PD", "No Kings protest", datetime(2025, 2, 3, tzinfo=UTC), state_code="OR")
    search(request, source, "Austin TX PD", "abortion", datetime(2025, 3, 4, tzinfo=UTC), state_code="TX")


@pytest.fixture
def oregon(alice):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(name="Bend Police Department", jurisdiction=state("OR")))
    filled(request)
    return request


def make_campaign(alice, states: list[str]) -> Campaign:
    campaign = Campaign.objects.create(organization=alice.organization, title="Flock audits", slug="flock-audits",
                                       item_keys=["network-audit"], created_by=alice.user)
    for code in states:
        request = draft_request(organization=alice.organization, user=alice.user, campaign=campaign,
                                agency=AgencyFactory(name=f"{code} Police Department", jurisdiction=state(code)))
        filled(request)
    return campaign


def test_the_request_report_counts_hotlist_events_by_type_and_lists_the_flagged_ones(oregon, alice_client):
    source = audit_import(oregon)
    hotlist_event(oregon, source, "ICE detainer")
    hotlist_event(oregon, source, "stolen vehicle")
    hotlist_event(oregon, source, "stolen vehicle", event_type="Entry Removed")
    response = alice_client.get(reverse("audit-report", args=[oregon.pk]))
    hotlist = response.context["report"].hotlist
    assert (hotlist.total, hotlist.flagged_total, hotlist.by_type) == (3, 1, [("Entry Added", 2), ("Entry Removed", 1)])
    assert [e.reason for e in hotlist.flagged] == ["ICE detainer"]
    assert "immigration: ICE" in response.content.decode()


def test_a_report_and_its_csv_name_the_rules_the_stored_flags_were_made_with(oregon, alice_client):
    AuditImport.objects.filter(request=oregon).update(rules_version=rules_2026_11_1.VERSION)
    page = alice_client.get(reverse("audit-report", args=[oregon.pk])).content.decode()
    assert f"rules {rules_2026_11_1.VERSION}" in page and rules.VERSION not in page
    response = alice_client.get(reverse("audit-flagged-csv", args=[oregon.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows and {r["rules_version"] for r in rows} == {rules_2026_11_1.VERSION}


def test_a_report_over_imports_of_two_rule_sets_names_both(oregon, alice_client):
    audit_import(oregon)
    first = AuditImport.objects.filter(request=oregon).order_by("pk").first()
    AuditImport.objects.filter(pk=first.pk).update(rules_version=rules_2026_11_1.VERSION)
    page = alice_client.get(reverse("audit-report", args=[oregon.pk])).content.decode()
    assert f"rules {rules_2026_11_1.VERSION}, {rules.VERSION}" in page


def test_the_request_report_shows_the_figures_and_charts(oregon, alice_client):
    response = alice_client.get(reverse("audit-report", args=[oregon.pk]))
    report, page = response.context["report"], response.content.decode()
    assert (report.total, report.flagged_total, report.federal, report.out_of_state) == (5, 4, 1, 2)
    assert page.count('<svg class="chart"') == 3 and 'role="img"' in page
    assert reverse("audit-report-pdf", args=[oregon.pk]) in page


def test_each_import_links_to_its_own_page(oregon, alice_client):
    source = AuditImport.objects.get(request=oregon)
    page = alice_client.get(reverse("audit-report", args=[oregon.pk])).content.decode()
    assert f'href="{reverse("audit-import", args=[oregon.pk, source.pk])}"' in page


def test_an_illinois_hotlist_entry_for_immigration_is_a_finding(alice):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("IL")))
    hotlist_event(request, audit_import(request), "HSI removal order")
    from requests_app.auditlogs.selectors import report_for

    assert [(f.law, f.count) for f in report_for(request).findings] == [("625 ILCS 5/2-130 (2023)", 1)]


def test_the_campaign_report_reads_each_agency_against_its_own_state(alice, alice_client):
    campaign = make_campaign(alice, ["CA", "IL", "OR"])
    report = alice_client.get(reverse("campaign-audit-report", args=[campaign.pk])).context["report"]
    rows = {row.state: row for row in report.agencies}
    # Seen from California the two Oregon searches are out of state too: four, plus the federal one.
    assert [(f.law, f.count) for f in rows["CA"].findings] == [("California Civil Code § 1798.90.5–.55 (SB 34)", 5)]
    assert [(f.law, f.count) for f in rows["IL"].findings] == [("625 ILCS 5/2-130 (2023)", 2)]
    assert rows["OR"].findings == [] and rows["OR"].tally.out_of_state == 2
    assert (report.total, report.federal, report.flagged_total, report.home_state) == (15, 3, 12, "")
    assert dict((key, n) for key, _, n in report.categories)["immigration"] == 3


def test_the_campaign_report_lists_an_agency_without_a_log(alice, alice_client):
    campaign = make_campaign(alice, ["OR"])
    draft_request(organization=alice.organization, user=alice.user, campaign=campaign,
                  agency=AgencyFactory(name="Quiet County Sheriff", jurisdiction=state("OR")))
    response = alice_client.get(reverse("campaign-audit-report", args=[campaign.pk]))
    assert response.context["report"].reporting == 1
    assert "Quiet County Sheriff" in response.content.decode()


def test_the_campaign_detail_page_links_to_the_campaign_report(alice, alice_client):
    campaign = make_campaign(alice, ["OR"])
    page = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert reverse("campaign-audit-report", args=[campaign.pk]) in page


def populated_campaign(alice, slug: str, states: list[str]) -> Campaign:
    """Searches, a flagged hot-list entry and a federal partner for every agency."""
    campaign = Campaign.objects.create(organization=alice.organization, title=slug, slug=slug,
                                       item_keys=["network-audit"], created_by=alice.user)
    for code in states:
        request = draft_request(organization=alice.organization, user=alice.user, campaign=campaign,
                                agency=AgencyFactory(jurisdiction=state(code)))
        filled(request)
        source = AuditImport.objects.get(request=request)
        hotlist_event(request, source, "ICE detainer")
        SharingRelation.objects.create(request=request, audit_import=source, organization="[Federal] CBP",
                                       direction="sharing", kind="federal")
    return campaign


def campaign_queries(client, campaign) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("campaign-audit-report", args=[campaign.pk])).status_code == 200
    return len(queries)


def test_the_campaign_report_makes_as_many_queries_for_one_agency_as_for_four(alice, alice_client):
    small = populated_campaign(alice, "small", ["OR"])
    large = populated_campaign(alice, "large", ["CA", "IL", "TX", "WA"])
    assert campaign_queries(alice_client, small) == campaign_queries(alice_client, large)


@pytest.mark.parametrize("states", [["OR"], ["CA", "IL", "OR"]])
def test_the_campaign_figures_take_a_fixed_number_of_queries(alice, django_assert_num_queries, states):
    campaign = populated_campaign(alice, "fixed", states)
    # Requests, the zones their imports read times in, search tallies, months, organizations,
    # reasons, hot-list groups and flagged entries, sharing groups and named partners.
    with django_assert_num_queries(10):
        report = campaign_report_for(campaign)
        assert len(report.agencies) == len(states) and report.sharing.total == len(states)


def test_the_campaign_csv_lists_flagged_searches_with_tracking_and_agency(alice, alice_client):
    campaign = make_campaign(alice, ["OR", "CA"])
    response = alice_client.get(reverse("campaign-audit-flagged-csv", args=[campaign.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    trackings = set(campaign.requests.values_list("tracking", flat=True))
    # Five flags a request: "No Kings protest" matches two rules.
    assert {r["tracking"] for r in rows} == trackings and len(rows) == 10
    ice = [r for r in rows if r["reason"] == "ICE warrant"]
    assert {(r["agency"], r["agency_state"], r["rule"]) for r in ice} == {
        ("OR Police Department", "OR", "ICE"), ("CA Police Department", "CA", "ICE")}


def test_the_request_pdf_shows_the_figures_and_the_flagged_reasons(oregon, alice_client):
    response = alice_client.get(reverse("audit-report-pdf", args=[oregon.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "ALPR search audit: Bend Police Department" in text and "Washington Watch" in text
    assert "lists 5 searches" in text and "4 give a reason that matched a flagging rule" in text
    assert "ICE warrant" in text and "immigration: ICE" in text
    assert rules.VERSION in text and "can mean methamphetamine" in text


def test_the_eugene_sample_makes_a_pdf_report(alice):
    from tests.auditlogs.test_analyze import EUGENE
    from tests.auditlogs.test_import import run

    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR")))
    run(request.tracking, str(EUGENE))
    text = pdf_text(report_pdf.request_report_pdf(request=request, generated=GENERATED))
    assert "lists 4,294 searches" in text and "UUV 778" in text and "No data: the export names no" in text
    # Its times carry no zone: Eugene's clock, stored in UTC and printed in Pacific time again.
    assert "searches from 18 June 2025 to 2 December 2025 (times in America/Los_Angeles)" in " ".join(text.split())


def test_the_pdf_shows_the_first_flagged_searches_and_points_to_the_csv(oregon, monkeypatch):
    monkeypatch.setattr(report_pdf, "FLAGGED_SHOWN", 2)
    text = pdf_text(report_pdf.request_report_pdf(request=oregon, generated=GENERATED))
    assert "Flagged searches (first 2 of 4)" in text and "full list, with every matched rule, is in the CSV" in text
    assert "abortion" not in text.split("Flagged searches (first 2 of 4)")[1].split("Read with care")[0]


def test_user_text_in_the_pdf_is_printed_as_text_and_nothing_is_fetched(alice, monkeypatch):
    alice.organization.name = '<img src="file:///etc/passwd"> & Co'
    alice.organization.save()
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(name="Bend Police Department", jurisdiction=state("OR")))
    source = audit_import(request)
    search(request, source, '<link rel="stylesheet" href="http://evil.example/x.css">', "ICE <b>now</b>",
           datetime(2025, 1, 1, tzinfo=UTC), state_code="WA")
    fetched: list[str] = []
    real_fetch = rendering.AssetOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(rendering.AssetOnlyFetcher, "fetch", spy)
    monkeypatch.setattr(rendering, "_local", threading.local())  # no cached fonts: they are fetched again
    text = pdf_text(report_pdf.request_report_pdf(request=request, generated=GENERATED))
    assert '<img src="file:///etc/passwd"> & Co' in text and "ICE <b>now</b>" in text
    assert "evil.example" in text
    assert fetched and all(url.startswith(rendering.ASSET_BASE + "fonts/") for url in fetched)


def test_the_campaign_pdf_has_each_agency_and_its_findings(alice, alice_client):
    campaign = make_campaign(alice, ["CA", "OR"])
    response = alice_client.get(reverse("campaign-audit-report-pdf", args=[campaign.pk]))
    text = pdf_text(response.content)
    assert "ALPR search audits: Flock audits" in text and "Washington Watch" in text
    assert "CA Police Department" in text and "OR Police Department" in text
    assert "CA Police Department (CA), California Civil Code" in text
    assert "list 10 searches" in text


@pytest.mark.parametrize("name", ["audit-report-pdf", "campaign-audit-report", "campaign-audit-flagged-csv",
                                  "campaign-audit-report-pdf"])
def test_another_organization_gets_404_for_every_report_url(alice, bob_client, name):
    campaign = make_campaign(alice, ["OR"])
    pk = campaign.requests.get().pk if name == "audit-report-pdf" else campaign.pk
    assert bob_client.get(reverse(name, args=[pk])).status_code == 404
