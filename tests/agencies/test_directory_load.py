"""The bundled directory, loaded once for the module (it takes seconds), then loaded again.

Before the first load the demo agencies are imported, as an existing installation has
them; between the loads a field is edited by hand and another is changed without being
marked, so the second load shows what a re-run keeps and what it restores. The first load
is the command's two parts (the directory files, then the federal FOIA offices), the second
the command itself.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from requests_app.agencies import credits
from requests_app.agencies.directory_load import load_directory
from requests_app.agencies.federal_load import load_federal_offices
from requests_app.agencies.importer import import_agencies
from requests_app.agencies.models import Agency, AgencyAlias, AlprVendor, VendorEvidence
from requests_app.agencies.selectors import agencies_for_names, agency_for_name
from requests_app.demo.services import DEMO_AGENCIES

pytestmark = pytest.mark.django_db

SNAPSHOT_FIELDS = ("jurisdiction__code", "name", *Agency.DIRECTORY_FIELDS[1:])


def snapshot() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Agency.objects.values_list("pk", *SNAPSHOT_FIELDS)}


def wipe() -> None:
    VendorEvidence.objects.all().delete()
    AgencyAlias.objects.all().delete()
    Agency.objects.all().delete()
    AlprVendor.objects.all().delete()


@pytest.fixture(scope="module")
def loads(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            import_agencies(data=DEMO_AGENCIES.read_bytes())
            first = load_directory()
            federal = load_federal_offices()
            before = snapshot()
            eugene = Agency.objects.get(name="Eugene Police Department")
            eugene.kind, eugene.city = Agency.Kind.OTHER, "Eugene (edited)"
            eugene.mark_edited(["kind", "city"])
            eugene.save()
            Agency.objects.filter(name="Lane County Sheriff's Office", jurisdiction__code="OR").update(county="X")
            out = StringIO()
            call_command("load_agency_directory", stdout=out)
            yield {"first": first, "federal": federal, "before": before, "after": snapshot(), "output": out.getvalue(),
                   "eugene": eugene.pk}
        finally:
            wipe()


def test_the_fbi_roster_is_loaded_with_ori_county_and_kind(loads):
    assert Agency.objects.exclude(ori=None).count() == 19166
    opelika = Agency.objects.get(ori="AL0430200")
    assert (opelika.name, opelika.jurisdiction.code, opelika.county, opelika.city, opelika.kind) == (
        "Opelika Police Department", "AL", "Lee", "Opelika", Agency.Kind.POLICE,
    )
    assert Agency.objects.get(ori="AL0430000").kind == Agency.Kind.SHERIFF


def test_at_least_5500_flock_police_and_sheriff_agencies_are_loaded_with_a_state(loads):
    members = Agency.objects.filter(
        in_flock_network=True, kind__in=[Agency.Kind.POLICE, Agency.Kind.SHERIFF], jurisdiction__kind="state"
    )
    assert members.count() >= 5500


def test_eugene_pd_or_is_the_eugene_police_department_in_oregon(loads):
    eugene = agency_for_name("Eugene PD OR")
    assert (eugene.name, eugene.jurisdiction.code) == ("Eugene Police Department", "OR")
    assert eugene.ori == "OR0200200" and eugene.flock_id == "eugene-or-pd"
    assert eugene.flock_portal_url == "https://transparency.flocksafety.com/eugene-or-pd"
    assert eugene.population == 177520 and eugene.cameras is None  # the file's 0 means unknown
    assert agency_for_name("Eugene OR PD") == eugene == agency_for_name("eugene police department", state="OR")


def test_names_from_audit_logs_resolve_by_alias_or_spelled_out(loads):
    assert agency_for_name("MN - Isanti CO SO").name == "Isanti County Sheriff's Office"
    assert agency_for_name("Knoxville TN PD").name == "Knoxville Police Department"  # inactive in the network
    assert agency_for_name("Lane County Sheriff's Office") is None  # Oregon's, and another state's
    assert agency_for_name("Lane County Sheriff's Office", state="OR").jurisdiction.code == "OR"


def test_a_federal_row_is_federal(loads):
    postal = agency_for_name("[Federal] US Postal Inspection Service")
    assert (postal.jurisdiction.code, postal.kind, postal.in_flock_network) == ("US", Agency.Kind.FEDERAL, True)
    assert Agency.objects.filter(kind=Agency.Kind.FEDERAL).exclude(jurisdiction__code="US").count() == 0


def test_the_vendors_internal_accounts_and_dropped_rows_are_absent(loads):
    internal = ["flock-safety-admins-ga-pd", "flock-safety-sales-ga-pd", "flock-pd", "jaime-le-training",
                "test-demo-1234", "example-pd", "florida-le-flock-training"]
    dropped = ["plymouth-in-pd", "troup-county-ga-so", "do-not-use", "former-az-azdcs"]
    assert not Agency.objects.filter(flock_id__in=internal + dropped).exists()
    assert not Agency.objects.filter(name__icontains="Flock Safety").exists()
    assert not AgencyAlias.objects.filter(name__icontains="Flock Safety").exists()
    plymouth = agency_for_name("Plymouth PD IN")  # in the FBI roster, inactive in the network
    assert plymouth is not None and not plymouth.in_flock_network


def test_loading_twice_gives_the_same_rows(loads):
    assert "Agencies: 0 created, 1 updated" in loads["output"]
    assert "Aliases: 0 created, 0 removed; vendor evidence: 0 created, 0 updated, 0 removed" in loads["output"]
    before, after = dict(loads["before"]), dict(loads["after"])
    edited = loads["eugene"]
    assert before.pop(edited) != after.pop(edited)
    assert before == after


def test_a_hand_edit_survives_a_reload(loads):
    eugene = Agency.objects.get(pk=loads["eugene"])
    assert (eugene.kind, eugene.city) == (Agency.Kind.OTHER, "Eugene (edited)")
    assert "2 edited values kept" in loads["output"]


def test_a_value_changed_without_the_edit_mark_is_restored(loads):
    assert Agency.objects.get(name="Lane County Sheriff's Office", jurisdiction__code="OR").county == "Lane"


def test_the_demo_agencies_merge_with_the_directory(loads):
    eugene = Agency.objects.get(name="Eugene Police Department", jurisdiction__code="OR")
    assert eugene.mailing_address.startswith("300 Country Club Road")  # from the demo file
    assert eugene.ori == "OR0200200" and eugene.in_flock_network
    assert Agency.objects.filter(name_key="austin police department", jurisdiction__code="TX").count() == 1
    count = Agency.objects.count()
    report = import_agencies(data=DEMO_AGENCIES.read_bytes())
    assert (report.imported, Agency.objects.count()) == (0, count)


def test_the_report_counts_add_up(loads):
    plan = loads["first"].plan
    assert plan.flock_rows == 6461
    assert all(plan.flock_dropped[reason] > 0 for reason in ("junk", "inactive", "internal", "no_state"))
    joined = sum(plan.flock_matched.values())
    assert joined + plan.flock_unmatched + plan.flock_ambiguous + plan.flock_federal == (
        plan.flock_rows - sum(plan.flock_dropped.values())
    )
    assert plan.flock_matched["exact"] > 4500 and plan.flock_matched["normalised"] > 0
    assert plan.survey_matched >= 110
    assert loads["first"].created > 19166
    for words in ("FBI roster: 19166 agencies read", "Flock network: 6461 rows read", "NC survey: 121 rows", "Elapsed:"):
        assert words in loads["output"]


def test_same_named_fbi_agencies_are_told_apart_and_keep_the_roster_name(loads):
    patrols = Agency.objects.filter(jurisdiction__code="CA", aliases__name="Highway Patrol")
    assert patrols.count() > 100
    assert all(name.startswith("Highway Patrol (") for name in patrols.values_list("name", flat=True))


def test_every_match_records_how_it_was_made(loads):
    members = Agency.objects.filter(in_flock_network=True)
    assert set(members.values_list("fbi_match", flat=True)) == {"exact", "normalised", "place", "none", "ambiguous"}
    assert set(Agency.objects.filter(in_flock_network=False).exclude(ori=None).values_list("fbi_match", flat=True)) == {"ori"}


def test_vendors_follow_the_evidence(loads):
    flock = AlprVendor.objects.get(name="Flock Safety")
    with_evidence = set(VendorEvidence.objects.filter(vendor=flock).values_list("agency_id", flat=True))
    assert with_evidence == set(flock.agencies.values_list("pk", flat=True))
    fayetteville = Agency.objects.get(name="Fayetteville Police Department", jurisdiction__code="NC")
    assert "Rekor" in {v.name for v in fayetteville.vendors.all()}
    assert fayetteville.vendor_evidence.get(vendor__name="Rekor").source == VendorEvidence.Source.NC_SURVEY


def test_agency_pages_get_the_credits_the_licences_ask_for(loads):
    eugene = Agency.objects.get(pk=loads["eugene"])
    assert eugene.data_credits == [credits.FLOCK, credits.FBI]
    assert "CC BY-SA 4.0" == credits.FLOCK.licence and "EyesOnFlock and DeFlock" in credits.FLOCK.text
    raleigh = Agency.objects.get(name="Raleigh Police Department", jurisdiction__code="NC")
    assert credits.NC_SURVEY in raleigh.data_credits


def test_audit_log_names_resolve_in_a_fixed_number_of_queries(loads, django_assert_num_queries):
    names = ["Eugene PD OR", "Lane County SO OR", "Troup County GA SO", "Unknown Org", "[Federal] USPIS"] * 20
    with django_assert_num_queries(3):
        found = agencies_for_names(names)
    assert found["Lane County SO OR"].name == "Lane County Sheriff's Office"
    assert found["Unknown Org"] is None


def test_the_agency_page_shows_the_directory_data_with_its_credits(loads, alice_client):
    eugene = Agency.objects.get(pk=loads["eugene"])
    page = alice_client.get(f"/agencies/{eugene.pk}/").content.decode()
    assert eugene.ori in page and "named in Flock Safety sharing lists" in page
    assert "EyesOnFlock and DeFlock" in page and 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in page
    assert "FBI Crime Data Explorer" in page


def test_the_federal_offices_join_the_directorys_federal_agencies(loads):
    assert (loads["federal"].read, loads["federal"].matched, loads["federal"].created) == (428, 3, 425)
    fbi = Agency.objects.get(flock_id="federal-federal-bureau-of-investigation-fbi")
    assert (fbi.federal_foia_office, fbi.records_email) == ("doj/federal-bureau-of-investigation", "foiparequest@ic.fbi.gov")
    assert agency_for_name("FBI") == fbi == agency_for_name("[Federal] Federal Bureau of Investigation (FBI)")
    assert agency_for_name("HSI").name == "Homeland Security Investigations"
    assert Agency.objects.filter(jurisdiction__code="US", name__in=[
        "Drug Enforcement Administration", "U.S. Immigration and Customs Enforcement", "United States Secret Service",
    ]).count() == 3
    assert not Agency.objects.get(flock_id="federal-fort-eustis-va-us-army").records_email  # a field unit


def test_the_command_reports_the_federal_offices_and_a_rerun_changes_none(loads):
    assert ("Federal FOIA offices: 428 read (18F, FOIA.gov data of 25 Jul 2017); 0 matched to agencies already in "
            "the directory, 0 added as agencies, 428 already linked") in loads["output"]
    assert f"0 set, {loads['federal'].values['set']} unchanged, 0 kept" in loads["output"]
    assert Agency.objects.filter(jurisdiction__code="US").count() == 13 + 425
