"""A campaign's contact coverage: the counts before rendering, the contact column, the
needs-contact CSV and its way back through the contacts import, and how a rendering run
reports its outcome."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import tinyhtml5
from django.urls import reverse

from requests_app.agencies.contact_import import import_contacts
from requests_app.agencies.models import AgencyContactChange
from requests_app.campaigns import coverage, services
from requests_app.campaigns.models import Campaign, RenderState
from requests_app.letters.composer import submission_route
from requests_app.letters.inputs import addressee_of
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)
PORTAL = "https://records.salem.example.gov/requests"


@pytest.fixture
def reached(alice):
    """A campaign to agencies reached each way: email (two, one also with a portal), portal,
    mail, and three with nothing known."""
    agencies = {
        "email": AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), records_email="prr@eugene.example.gov"),
        "both": AgencyFactory(name="Bend Police Department", jurisdiction=state("OR"), records_email="prr@bend.example.gov",
                              portal_url="https://bend.example.gov/prr"),
        "portal": AgencyFactory(name="Salem Police Department", jurisdiction=state("OR"), portal_url=PORTAL),
        "mail": AgencyFactory(name="Albany Police Department", jurisdiction=state("OR"), mailing_address="333 Broadalbin St SW"),
        "none": AgencyFactory(name="Talent Police Department", jurisdiction=state("OR"), mailing_address="", ori="OR0150600",
                              city="Talent", county="Jackson", flock_portal_url="https://transparency.flocksafety.com/talent"),
        "none2": AgencyFactory(name="=Formula County Sheriff", jurisdiction=state("OR"), mailing_address="", county="Lane"),
        "none3": AgencyFactory(name="Cow Creek Tribal Police", jurisdiction=state("OR"), mailing_address=""),
    }
    campaign = services.campaign_create(organization=alice.organization, user=alice.user, title="Oregon audit logs",
                                        item_keys=["org-audit"], date_from=date(2025, 1, 1))
    services.campaign_add_agencies(campaign=campaign, agencies=list(agencies.values()), user=alice.user, today=TODAY)
    return campaign, agencies


def test_the_coverage_counts_each_way_in_one_query(reached, django_assert_num_queries):
    campaign, _ = reached
    with django_assert_num_queries(1):
        counted = coverage.campaign_coverage(campaign)
    assert counted == coverage.Coverage(total=7, email=2, portal=1, mail=1, unknown=3)
    assert counted.needing == 4


def test_the_database_reads_each_agencys_route_as_the_letters_composer_does(reached):
    campaign, _ = reached
    for request in coverage.with_contact_route(campaign.requests.select_related("agency")):
        assert request.contact_route == submission_route(addressee_of(request.agency)), request.agency.name


def test_the_page_shows_the_counts_each_linking_to_its_agencies(alice_client, reached):
    campaign, _ = reached
    url = reverse("campaign-detail", args=[campaign.pk])
    root = tinyhtml5.parse(alice_client.get(url).content.decode(), namespace_html_elements=False)
    counts = [(" ".join("".join(a.itertext()).split()), a.get("href")) for a in root.iterfind(".//*[@id='coverage']//li/a")]
    assert counts == [("2 by email", f"{url}?contact=email#letters"),
                      ("1 through a records portal", f"{url}?contact=portal#letters"),
                      ("1 by mail only", f"{url}?contact=mail#letters"),
                      ("3 no contact known", f"{url}?contact=unknown#letters")]
    shown = alice_client.get(url, {"contact": "unknown"})
    assert [r.agency.name for r in shown.context["requests"]] == [
        "=Formula County Sheriff", "Cow Creek Tribal Police", "Talent Police Department"]
    assert "Showing the 3 agencies with no contact known." in shown.content.decode()
    assert len(alice_client.get(url, {"contact": "nonsense"}).context["requests"]) == 7


def test_the_contact_column_says_mail_only_when_an_address_is_known(alice_client, reached):
    campaign, agencies = reached
    root = tinyhtml5.parse(alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode(),
                           namespace_html_elements=False)
    cells = {}
    for row in root.iterfind(".//table[@id='campaign-requests']/tbody/tr"):
        name = "".join(row.find("./td[@data-label='Agency']").itertext())
        cells[name] = row.find("./td[@data-label='Contact']")
    text = {name: " ".join("".join(cell.itertext()).split()) for name, cell in cells.items()}
    assert text["Eugene Police Department"] == "prr@eugene.example.gov"
    assert text["Bend Police Department"] == "prr@bend.example.gov"
    assert text["Salem Police Department"] == "portal" and cells["Salem Police Department"].find("a").get("href") == PORTAL
    assert text["Albany Police Department"] == "mail"
    assert text["Talent Police Department"] == "unknown: add the records contact of Talent Police Department"
    talent = agencies["none"]
    assert cells["Talent Police Department"].find("a").get("href") == (
        f"{reverse('campaign-detail', args=[campaign.pk])}?needs=1#contact-{talent.pk}")
    assert root.find(f".//li[@id='contact-{talent.pk}']") is not None  # where that link goes


# The needs-contact CSV -----------------------------------------------------------------


def _csv(client, campaign) -> list[dict[str, str]]:
    response = client.get(reverse("campaign-needs-contact-csv", args=[campaign.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="oregon-audit-logs-needs-contact.csv"'
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_lists_the_agencies_needing_a_contact_ready_to_research(alice_client, reached):
    campaign, _ = reached
    rows = _csv(alice_client, campaign)
    assert list(rows[0]) == ["name", "state", "ori", "city", "county", "flock_portal_url",
                             "email", "portal_url", "address", "phone", "source_url", "verified_on"]
    assert [r["name"] for r in rows] == ["'=Formula County Sheriff", "Albany Police Department",
                                         "Cow Creek Tribal Police", "Talent Police Department"]
    assert rows[3] == {"name": "Talent Police Department", "state": "OR", "ori": "OR0150600", "city": "Talent",
                       "county": "Jackson", "flock_portal_url": "https://transparency.flocksafety.com/talent",
                       "email": "", "portal_url": "", "address": "", "phone": "", "source_url": "", "verified_on": ""}


def test_the_csv_is_another_organizations_404(bob_client, reached):
    campaign, _ = reached
    assert bob_client.get(reverse("campaign-needs-contact-csv", args=[campaign.pk])).status_code == 404


def test_the_csv_filled_in_comes_back_through_the_contacts_import(alice_client, alice, reached):
    campaign, agencies = reached
    rows = _csv(alice_client, campaign)
    source = "https://www.oregon.example.gov/records-contacts"
    for row in rows:
        if row["name"] == "Talent Police Department":  # matched by its ORI
            row.update(email="records@talent.example.gov", source_url=source, verified_on="2026-11-20")
        if row["name"] == "'=Formula County Sheriff":  # no ORI: matched by name and state
            row.update(portal_url="https://formula.example.gov/prr", source_url=source)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    report = import_contacts(data=out.getvalue().encode(), membership=alice, today=TODAY)

    assert (report.updated, report.rejected) == (2, [])
    assert [str(note) for note in report.skipped] == [
        "line 3 (Albany Police Department): left blank: no contact to import yet",
        "line 4 (Cow Creek Tribal Police): left blank: no contact to import yet"]
    for agency in agencies.values():
        agency.refresh_from_db()
    assert (agencies["none"].records_email, agencies["none"].contact_verified_on) == (
        "records@talent.example.gov", date(2026, 11, 20))
    assert agencies["none2"].portal_url == "https://formula.example.gov/prr"
    assert agencies["none2"].contact_verified_on == TODAY
    assert (agencies["mail"].mailing_address, agencies["mail"].contact_source_url) == ("333 Broadalbin St SW", "")
    assert (agencies["none3"].records_email, agencies["none3"].edited_fields) == ("", [])
    assert AgencyContactChange.objects.filter(organization=alice.organization).count() == 2
    assert coverage.campaign_coverage(campaign).needing == 2


# The rendering run's outcome -------------------------------------------------------------


@pytest.mark.parametrize("fields, summary", [
    ({}, "Not started"),
    ({"render_state": RenderState.QUEUED, "render_total": 29}, "Queued: 0 of 29"),
    ({"render_state": RenderState.RUNNING, "render_total": 29, "render_done": 12}, "Rendering: 12 of 29"),
    ({"render_state": RenderState.RUNNING, "render_total": 29, "render_done": 12, "render_failures": [{}]},
     "Rendering: 13 of 29 (12 rendered, 1 failed)"),
    ({"render_state": RenderState.DONE, "render_total": 29, "render_done": 29}, "Done: 29 rendered, 0 failed"),
    ({"render_state": RenderState.DONE, "render_total": 29, "render_done": 28, "render_failures": [{}]},
     "Done: 28 rendered, 1 failed"),
    ({"render_state": RenderState.FAILED, "render_total": 2, "render_failures": [{}, {}]}, "Failed: 0 rendered, 2 failed"),
])
def test_the_run_is_summed_up_in_one_line(fields, summary):
    assert Campaign(**fields).render_summary == summary


def test_a_failed_letter_is_one_readable_line_and_the_others_are_made(alice_client, reached, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    campaign, agencies = reached
    real_finalise = services.letter_finalise

    def broken_for_talent(*, request, **kwargs):
        if request.agency == agencies["none"]:
            raise OSError("Errno 28: No space left on device")
        return real_finalise(request=request, **kwargs)

    monkeypatch.setattr(services, "letter_finalise", broken_for_talent)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=False)
    campaign.refresh_from_db()
    talent = campaign.requests.get(agency=agencies["none"])

    assert (campaign.render_state, campaign.render_done, campaign.render_failed) == (RenderState.DONE, 6, 1)
    assert campaign.render_percent == 100
    line = (f"Talent Police Department ({talent.tracking}): the PDF could not be made (OSError); open the request "
            "to finalise its letter there, or generate the PDFs again")
    assert campaign.render_failure_lines == [line]
    progress = alice_client.get(reverse("campaign-progress", args=[campaign.pk])).json()
    assert progress == {"state": "done", "done": 6, "failed": 1, "total": 7, "percent": 100,
                        "summary": "Done: 6 rendered, 1 failed", "errors": [line]}
    page = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).content.decode()
    assert "Done: 6 rendered, 1 failed" in page and "Failed:" not in page
    root = tinyhtml5.parse(page, namespace_html_elements=False)
    [item] = root.iterfind(".//*[@id='render-errors']//li")
    assert " ".join("".join(item.itertext()).split()) == line
    assert item.find("a").get("href") == reverse("request-detail", args=[talent.pk])
    assert "Traceback" not in page and "Errno" not in page


def test_a_run_where_every_letter_failed_is_failed(reached, monkeypatch, django_capture_on_commit_callbacks):
    campaign, _ = reached

    def refuse(**kwargs):
        raise services.ResidencyNotAcknowledged("Oregon limits requests to residents")

    monkeypatch.setattr(services, "letter_finalise", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=False)
    campaign.refresh_from_db()
    assert (campaign.render_state, campaign.render_summary) == (RenderState.FAILED, "Failed: 0 rendered, 7 failed")
    assert all(line.endswith(services.RESIDENTS_ONLY) for line in campaign.render_failure_lines)


def test_the_campaign_page_costs_the_same_queries_however_many_agencies(alice_client, alice, reached,
                                                                       django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign, _ = reached
    url = reverse("campaign-detail", args=[campaign.pk])

    def queries() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(url).status_code == 200
        return len(captured)

    before = queries()
    more = [AgencyFactory(jurisdiction=state("OR"), mailing_address="", records_email=f"a{n}@example.gov" if n % 2 else "")
            for n in range(8)]
    services.campaign_add_agencies(campaign=campaign, agencies=more, user=alice.user, today=TODAY)
    assert queries() == before


def test_the_zips_manifest_guards_a_name_a_spreadsheet_would_run(reached, django_capture_on_commit_callbacks):
    import zipfile

    from requests_app.campaigns.packaging import campaign_zip

    campaign, _ = reached
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_start_rendering(campaign=campaign, acknowledge_residency=True)
    with zipfile.ZipFile(campaign_zip(campaign).file) as packed:
        rows = list(csv.DictReader(io.StringIO(packed.read("manifest.csv").decode())))
    assert len(rows) == 7 and "'=Formula County Sheriff" in [r["agency"] for r in rows]
