"""Sharing records as released: one partner per organization listed, the way its data flows,
its networks kept as its own, federal partners found by tag and by name."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.auditlogs.models import SharingRelation
from requests_app.auditlogs.sharing import Direction, kind_of, networks, to_relation
from tests.auditlogs.test_import import run
from tests.auditlogs.test_reports import make_campaign
from tests.factories import AgencyFactory, draft_request, state

OKALOOSA = Path(__file__).parent / "fixtures" / "okaloosa-fl-so-sharing-agencies.pdf"
HEADER = "Organization Name,Networks Shared With Me,Networks I'm Sharing\n"


def analyse(*paths: Path) -> dict:
    out = io.StringIO()
    call_command("analyze_audit_log", *map(str, paths), "--json", stdout=out)
    return json.loads(out.getvalue())


def shared_networks(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write(HEADER)
        csv.writer(handle).writerows(rows)
    return path


ROWS = [
    ("Bend OR PD", "Bend OR PD, Bend OR PD (LPR)", "Redmond OR PD"),  # both ways, two networks of its own
    ("Reno NV PD", "Reno NV PD", ""),  # the agency can search it
    ("Customs and Border Protection", "", "Redmond OR PD"),  # federal by name, no tag
    ("[Federal] US Postal Inspection Service", "", "Redmond OR PD"),
    ("Georgia Office of Homeland Security", "", "Redmond OR PD"),  # a state's office: not federal
    ("Sunny Acres HOA OR", "Sunny Acres HOA OR", ""),
    ("Deschutes County OR SO", "", ""),  # listed, neither cell filled
    ("", "Orphan Network", ""),  # no organization: rejected, not a partner
    ("bend or pd", "", "Redmond OR PD"),  # listed again under another spelling
]


# The rows ------------------------------------------------------------------------------------


def test_a_row_is_one_organization_with_its_direction_and_networks():
    partner = to_relation(3, {"organization": "Bend OR PD", "shared_with_me": "Bend OR PD,Bend OR PD (LPR), ",
                              "sharing": "Redmond OR PD"})
    assert (partner.organization, partner.direction, partner.state, partner.kind) == ("Bend OR PD", "both", "OR",
                                                                                      "police")
    assert (partner.shared_with_me, partner.sharing) == (("Bend OR PD", "Bend OR PD (LPR)"), ("Redmond OR PD",))


@pytest.mark.parametrize(("theirs", "ours", "direction"), [
    ("A", "", Direction.SHARED_WITH_ME), ("", "B", Direction.SHARING), ("A", "B", Direction.BOTH),
    ("", "", Direction.LISTED), ("***", "", Direction.LISTED),
])
def test_the_direction_follows_the_filled_cells(theirs, ours, direction):
    fields = {"organization": "Bend OR PD", "shared_with_me": theirs, "sharing": ours}
    assert to_relation(2, fields).direction == direction


def test_a_row_without_an_organization_is_refused():
    with pytest.raises(ValueError, match="no organization name"):
        to_relation(2, {"organization": " ", "shared_with_me": "Bend OR PD", "sharing": ""})


@pytest.mark.parametrize(("name", "stated", "kind"), [
    ("[Federal] US GSA Office of Inspector General", "", "federal"),
    ("Customs and Border Protection", "", "federal"),
    ("US Marshals Service - District of Oregon", "", "federal"),
    ("Wright Patterson OH Air Force Base", "", "federal"),
    ("Georgia Office of Homeland Security", "", "other"),
    ("Anything at all", "Federal", "federal"),
    ("Ada County ID SO", "Sheriff's Office", "sheriff"),
    ("Polk County FL SO", "", "sheriff"),
    ("Auburn WA PD", "", "police"),
    ("Sunny Acres HOA", "", "private"),
])
def test_the_kind_of_partner_comes_from_its_name_or_what_the_release_states(name, stated, kind):
    assert kind_of(name, stated) == kind


def test_a_cell_of_networks_is_split_trimmed_and_kept_in_order_once():
    assert networks(" Polk County FL SO,Polk County FL SO (LR) , Polk County FL SO,,") == (
        "Polk County FL SO", "Polk County FL SO (LR)")
    assert networks(None) == () and networks("[redacted]") == ()


# The command line ---------------------------------------------------------------------------


def test_the_analysis_counts_organizations_not_networks(tmp_path):
    summary = analyse(shared_networks(tmp_path / "networks.csv", ROWS))
    assert (summary["rows"], summary["duplicates"], summary["rejected"]) == (7, 1, 1)
    assert (summary["organizations"], summary["federal_partners"]) == (7, 2)
    assert summary["partner_directions"] == {"sharing": 3, "shared_with_me": 2, "both": 1, "listed": 1}
    assert summary["top_orgs"] == []  # partners are not searchers
    assert summary["files"] == [{"file": "networks.csv", "sheet": None, "format": "shared_networks", "kind": "sharing",
                                 "read": 8, "rows": 7, "repeated": 1, "rejected": 1}]


def test_an_organization_listed_in_two_releases_counts_once(tmp_path):
    first = shared_networks(tmp_path / "a.csv", ROWS[:3])
    second = shared_networks(tmp_path / "b.csv", ROWS[2:5])
    summary = analyse(first, second)
    assert (summary["organizations"], summary["duplicates"]) == (5, 1)


def test_a_search_log_has_no_partner_counts(tmp_path):
    from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv

    summary = analyse(write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14)))
    assert (summary["organizations"], summary["federal_partners"], summary["partner_directions"]) == (None, None, None)


def test_the_plain_output_speaks_of_organizations(tmp_path):
    out = io.StringIO()
    call_command("analyze_audit_log", str(shared_networks(tmp_path / "n.csv", ROWS)), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert text.startswith("shared_networks: 7 organizations (1 listed again, 1 rejected)")
    assert "7 organizations listed (2 federal): the agency shares with 3 only, 2 share only with it, 1 both ways" in text
    assert "searches" not in text.splitlines()[0]


def test_a_list_with_organizations_but_no_names_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no row was read: all 2 rows were rejected .*no organization name"):
        analyse(shared_networks(tmp_path / "n.csv", [("", "A", ""), ("", "", "B")]))


def test_the_okaloosa_sharing_list_reads_858_organizations():
    summary = analyse(OKALOOSA)
    assert (summary["format"], summary["rows"], summary["rejected"], summary["duplicates"]) == (
        "shared_networks", 858, 0, 0)
    assert (summary["organizations"], summary["federal_partners"]) == (858, 3)
    assert summary["partner_directions"] == {"sharing": 203, "shared_with_me": 352, "both": 303, "listed": 0}


# Imports and reports -------------------------------------------------------------------------


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, user=alice.user,
                         agency=AgencyFactory(name="Redmond Police Department", jurisdiction=state("OR")))


@pytest.mark.django_db
def test_the_okaloosa_sharing_list_is_stored_one_row_per_organization(alice, alice_client):
    florida = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(name="Okaloosa County Sheriff's Office", jurisdiction=state("FL")))
    assert "shared_networks: 858 partner organizations stored, 0 repeated, 0 rejected" in run(
        florida.tracking, str(OKALOOSA))
    polk = SharingRelation.objects.get(organization="Polk County FL SO")
    assert (polk.direction, polk.state, polk.kind) == ("both", "FL", "sheriff")
    assert polk.networks_shared_with_me == ["Polk County FL SO", "Polk County FL SO (LR)", "Polk County FL SO - Axon",
                                            "Polk County FL SO (Tech)"]
    assert polk.networks_sharing == ["Okaloosa County FL SO"]
    assert SharingRelation.objects.filter(kind="federal").count() == 3
    sharing = alice_client.get(reverse("audit-report", args=[florida.pk])).context["sharing"]
    assert sharing.total == 858
    assert dict(sharing.by_direction) == {Direction.LABELS["sharing"]: 203, Direction.LABELS["shared_with_me"]: 352,
                                          Direction.LABELS["both"]: 303}


@pytest.mark.django_db
def test_the_report_says_which_way_each_partner_shares_and_names_its_networks(oregon, alice_client, tmp_path):
    run(oregon.tracking, str(shared_networks(tmp_path / "n.csv", ROWS)))
    page = alice_client.get(reverse("audit-report", args=[oregon.pk])).content.decode()
    assert "Sharing: 7 partner organizations" in page
    assert "Each shares its data with the other</th><td class=\"num\">1<" in page
    assert ("Customs and Border Protection <span class=\"muted\">· the agency shares its data with it; the "
            "agency's networks it can search: Redmond OR PD") in page
    assert "Georgia Office of Homeland Security" not in page  # neither federal nor private: counted, not named
    assert reverse("audit-sharing-csv", args=[oregon.pk]) in page


@pytest.mark.django_db
def test_the_partners_csv_lists_every_organization_with_its_networks(oregon, alice_client, tmp_path):
    rows = [*ROWS[:2], ("=HYPERLINK(\"http://x\")", "", "Redmond OR PD")]
    run(oregon.tracking, str(shared_networks(tmp_path / "n.csv", rows)))
    response = alice_client.get(reverse("audit-sharing-csv", args=[oregon.pk]))
    listed = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["organization"], r["direction"], r["networks_shared_with_me"]) for r in listed] == [
        ("'=HYPERLINK(\"http://x\")", "sharing", ""),  # written as text, never run as a formula
        ("Bend OR PD", "both", "Bend OR PD; Bend OR PD (LPR)"),
        ("Reno NV PD", "shared_with_me", "Reno NV PD"),
    ]
    assert {r["document"] for r in listed} == {"n.csv"}


@pytest.mark.django_db
def test_another_organizations_partners_are_not_found(oregon, bob_client, tmp_path):
    run(oregon.tracking, str(shared_networks(tmp_path / "n.csv", ROWS)))
    assert bob_client.get(reverse("audit-sharing-csv", args=[oregon.pk])).status_code == 404


@pytest.mark.django_db
def test_only_partners_the_agencys_data_goes_to_make_a_california_finding(alice, alice_client, tmp_path):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("CA")))
    run(request.tracking, str(shared_networks(tmp_path / "n.csv", [
        ("Reno NV PD", "Reno NV PD", ""),  # out of state, but only shares its own data with the agency
        ("[Federal] US Border Patrol", "", "Oakland CA PD"),
    ])))
    findings = alice_client.get(reverse("audit-report", args=[request.pk])).context["report"].findings
    assert [f.count for f in findings] == [1]


@pytest.mark.django_db
def test_the_campaign_report_counts_each_agencys_partners_by_direction(alice, alice_client, tmp_path):
    campaign = make_campaign(alice, ["OR", "WA"])
    first, second = campaign.requests.order_by("pk")
    run(first.tracking, str(shared_networks(tmp_path / "a.csv", ROWS[:3])))
    run(second.tracking, str(shared_networks(tmp_path / "b.csv", ROWS[1:4])))
    page = alice_client.get(reverse("campaign-audit-report", args=[campaign.pk]))
    sharing = page.context["sharing"]
    assert sharing.total == 6
    assert dict(sharing.by_direction) == {Direction.LABELS["sharing"]: 3, Direction.LABELS["shared_with_me"]: 2,
                                          Direction.LABELS["both"]: 1}
    response = alice_client.get(reverse("campaign-audit-sharing-csv", args=[campaign.pk]))
    listed = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(listed) == 6 and {r["tracking"] for r in listed} == {first.tracking, second.tracking}


@pytest.mark.django_db
def test_shared_networks_imported_before_are_read_again_and_stored_per_organization(oregon, tmp_path):
    """Imports stored one row per network name are queued again by the migration, and the
    worker that re-reads one replaces its rows with one per organization."""
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from requests_app.auditlogs.importer import run as run_import
    from requests_app.jobs.runner import claim
    from requests_app.auditlogs.models import AuditImport

    run(oregon.tracking, str(shared_networks(tmp_path / "n.csv", ROWS[:3])))
    done = AuditImport.objects.get()
    SharingRelation.objects.all().delete()  # as stored before: a row per network, no organization
    SharingRelation.objects.create(request=oregon, audit_import=done, organization="Redmond OR PD", direction="sharing",
                                   kind="police")
    migration = importlib.import_module("requests_app.auditlogs.migrations.0007_sharing_per_organization")
    migration.reread_shared_networks(apps, None)
    assert AuditImport.objects.get().state == "queued"
    run_import(claim("audit_import", done.pk, now=timezone.now()))
    assert sorted(SharingRelation.objects.values_list("organization", "direction")) == [
        ("Bend OR PD", "both"), ("Customs and Border Protection", "sharing"), ("Reno NV PD", "shared_with_me")]
