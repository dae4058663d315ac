"""The directory's cleaning and joining rules, on names from the bundled files; no database."""

from __future__ import annotations

import pytest

from requests_app.agencies import directory as d
from requests_app.agencies import directory_sources as src
from requests_app.agencies.directory_match import FbiIndex, match_key
from requests_app.agencies.models import Agency


@pytest.mark.parametrize(
    "raw, state, name, found_state",
    [
        ("Plymouth PD IN", "", "Plymouth Police Department", "IN"),
        ("Eugene PD OR", "", "Eugene Police Department", "OR"),
        ("Eugene OR PD", "OR", "Eugene Police Department", "OR"),
        ("Troup County GA SO", "GA", "Troup County Sheriff's Office", "GA"),
        ("(INACTIVE) Troup County GA SO", "GA", "Troup County Sheriff's Office", "GA"),
        ("TX - Groves PD", "TX", "Groves Police Department", "TX"),
        ("Dekalb County SO (GA)", "GA", "Dekalb County Sheriff's Office", "GA"),
        ("Derby PD - CT", "CT", "Derby Police Department", "CT"),
        ("Windsor- IL- PD", "", "Windsor Police Department", "IL"),
        ("IN Lakeville PD", "", "Lakeville Police Department", "IN"),
        ("Hamlet, NC NC PD", "NC", "Hamlet Police Department", "NC"),
        ("Erwin Pd TN", "TN", "Erwin Police Department", "TN"),
        ("Brownstown Twp PD MI", "MI", "Brownstown Township Police Department", "MI"),
        ("Clark Co. IL Sheriff's Dept.", "IL", "Clark County Sheriff's Department", "IL"),
        ("Wagoner CO OK SO", "OK", "Wagoner County Sheriff's Office", "OK"),
        ("Rio Blanco Co SO (CO)", "CO", "Rio Blanco County Sheriff's Office", "CO"),
        ("Piatt County IL Sheriff", "IL", "Piatt County Sheriff's Office", "IL"),
        ("Augusta KS DPS", "KS", "Augusta Department of Public Safety", "KS"),
        ("Tombstone Marshals Office (AZ)", "AZ", "Tombstone Marshal's Office", "AZ"),
        ("Gwinnett County DAs Office", "GA", "Gwinnett County District Attorney's Office", "GA"),
        ("Harris County Const TX Pct 7", "TX", "Harris County Constable Precinct 7", "TX"),
        ("Univ. of Texas - Tyler PD", "", "University of Texas - Tyler Police Department", "TX"),
        ("University of CA - Santa Barbara CA PD", "CA", "University of CA - Santa Barbara Police Department", "CA"),
        ("UT Health - Tyler (TX)", "UT", "UT Health - Tyler", "TX"),
        ("Youngtown AZ PD (Raven v1.2)", "AZ", "Youngtown Police Department", "AZ"),
        ("Cedarburg WI PD [Inactive]", "WI", "Cedarburg Police Department", "WI"),
        ("Marshall County Prosecutor\x19s Office IN", "IN", "Marshall County Prosecutor's Office", "IN"),
        ("Madison TWP (Franklin CO) OH PD", "OH", "Madison Township (Franklin County) Police Department", "OH"),
    ],
)
def test_it_spells_out_flock_short_names(raw, state, name, found_state):
    clean = d.clean_flock_name(raw, state)
    assert (clean.name, clean.state, clean.federal) == (name, found_state, False)


@pytest.mark.parametrize(
    "raw, state, name",
    [
        ("[Federal] US Postal Inspection Service", "DC", "US Postal Inspection Service"),
        ("[Federal] Langley VA Air Force Base", "VA", "Langley Air Force Base (VA)"),
        ("[Federal] Roudebush Medical Center IN Veterans Affairs PD", "IN",
         "Roudebush Medical Center Veterans Affairs Police Department (IN)"),
    ],
)
def test_federal_organizations_are_federal(raw, state, name):
    clean = d.clean_flock_name(raw, state)
    assert clean.federal and clean.name == name


def test_a_bracketed_place_is_kept_as_a_hint():
    clean = d.clean_flock_name("Miami Township OH PD (Dayton)", "OH")
    assert (clean.hint, clean.bare) == ("Dayton", "Miami Township Police Department")


@pytest.mark.parametrize(
    "raw, junk, inactive, reason",
    [
        ("Flock Safety Admins GA PD", False, False, d.DropReason.INTERNAL),
        ("Flock Safety Sales GA PD", False, False, d.DropReason.INTERNAL),
        ("Flock Safety PD Test Org", False, False, d.DropReason.INTERNAL),
        ("Flock PD", False, False, d.DropReason.INTERNAL),
        ("Florida LE Flock Training", False, False, d.DropReason.INTERNAL),
        ("Jaime LE Training", False, False, d.DropReason.INTERNAL),
        ("Training", False, False, d.DropReason.INTERNAL),
        ("Test Demo 1234", False, False, d.DropReason.INTERNAL),
        ("Example PD", False, False, d.DropReason.INTERNAL),
        ("Made in Error", False, False, d.DropReason.JUNK),
        ("DUPLICATE PLEASE DELETE", False, False, d.DropReason.JUNK),
        ("265", True, False, d.DropReason.JUNK),
        ("Georgia DOT Lookup Test - TEST DO NOT USE", True, True, d.DropReason.JUNK),
        ("Plymouth PD IN", False, True, d.DropReason.INACTIVE),
        ("(revoked MOU) - former AZ - AZDCS", False, False, d.DropReason.INACTIVE),
        ("Georgia Department of Corrections (GA) (Not in Use)", False, False, d.DropReason.INACTIVE),
        ("La Salle County IL PD - OLD", False, False, d.DropReason.INACTIVE),
        ("Missouri Information Analysis Center (Deactivate)", False, False, d.DropReason.INACTIVE),
        ("Atlanta Police Foundation Training Facility GA PD", False, False, None),
        ("Little Flock AR PD", False, False, None),
        ("Demopolis AL PD", False, False, None),
        ("Old Saybrook CT PD", False, False, None),
        ("Eugene OR PD", False, False, None),
    ],
)
def test_it_drops_junk_inactive_and_the_vendors_own_accounts(raw, junk, inactive, reason):
    assert d.drop_reason(raw_name=raw, is_junk=junk, is_inactive=inactive) == reason


@pytest.mark.parametrize(
    "flock_type, raw, kind",
    [
        ("pd", "Eugene OR PD", Agency.Kind.POLICE),
        ("so", "Troup County GA SO", Agency.Kind.SHERIFF),
        ("federal", "[Federal] US Postal Inspection Service", Agency.Kind.FEDERAL),
        ("pd", "Middle Tennessee State TN PD", Agency.Kind.POLICE),  # a campus, not the state police
        ("other", "Tennessee Highway Patrol", Agency.Kind.STATE_PATROL),
        ("other", "Texas Department of Public Safety", Agency.Kind.STATE_PATROL),
        ("other", "Augusta KS DPS", Agency.Kind.POLICE),
        ("school", "University of Iowa PD (IA)", Agency.Kind.POLICE),
        ("other", "Ohio State Fire Marshal", Agency.Kind.OTHER),
        ("other", "Solano County DA CA", Agency.Kind.OTHER),
    ],
)
def test_it_reads_the_kind_from_the_type_and_the_name(flock_type, raw, kind):
    clean = d.clean_flock_name(raw)
    assert d.flock_kind(flock_type, clean.name, raw) == kind


def test_a_state_named_only_in_words_does_not_place_an_audit_log_name():
    assert d.parse_short_name("Washington County Sheriff's Office").state == ""
    assert d.parse_short_name("Eugene PD OR").state == "OR"


def test_zero_figures_are_unknown():
    assert [d.count_or_none(v) for v in ("0", "", "12", "x")] == [None, None, 12, None]


@pytest.mark.parametrize(
    "text, title", [("MCLEAN", "McLean"), ("ST LUCIE", "St Lucie"), ("DALLAM, HARTLEY", "Dallam, Hartley")]
)
def test_fbi_counties_are_title_cased(text, title):
    assert d.title_place(text) == title


def fbi_row(ori, name, county, agency_type="City", state="OH"):
    return {"ori": ori, "agency_name": name, "county": county, "state_abbr": state, "agency_type": agency_type}


def test_same_named_fbi_agencies_get_their_county_then_their_ori():
    agencies = src.fbi_agencies([
        fbi_row("CA0010000", "Highway Patrol:", "ALAMEDA", "NA", "CA"),
        fbi_row("CA0190000", "Highway Patrol:", "LOS ANGELES", "NA", "CA"),
        fbi_row("CA0190001", "Highway Patrol:", "LOS ANGELES", "NA", "CA"),
        fbi_row("OR0200200", "Eugene Police Department", "LANE", "City", "OR"),
    ])
    assert [a.name for a in agencies] == [
        "Highway Patrol (Alameda County)",
        "Highway Patrol (Los Angeles County, ORI CA0190000)",
        "Highway Patrol (Los Angeles County, ORI CA0190001)",
        "Eugene Police Department",
    ]
    assert agencies[3].city == "Eugene" and agencies[3].county == "Lane"


@pytest.fixture
def roster() -> FbiIndex:
    return FbiIndex(src.fbi_agencies([
        fbi_row("OH1", "St. Paul Police Department", "RAMSEY"),
        fbi_row("OH2", "Oakwood Village Police Department", "CUYAHOGA"),
        fbi_row("OH3", "Oakwood Police Department, Paulding County", "PAULDING"),
        fbi_row("OH4", "Oakwood Police Department, Montgomery County", "MONTGOMERY"),
        fbi_row("OH5", "Manor Police Department", "LAKE"),
        fbi_row("OH6", "Miami Township Police Department, Clermont County", "CLERMONT"),
        fbi_row("OH7", "Miami Township Police Department, Montgomery County", "MONTGOMERY"),
        fbi_row("OH8", "Lee County Sheriff's Office", "LEE", "County"),
        fbi_row("OH9", "Fortville", "HANCOCK", "NA"),
    ]))


@pytest.mark.parametrize(
    "raw, flock_type, city, county, ori, method",
    [
        ("Lee County OH SO", "so", "", "Lee", "OH8", Agency.FbiMatch.EXACT),
        ("Saint Paul OH PD", "pd", "Saint Paul", "", "OH1", Agency.FbiMatch.NORMALISED),
        ("Miami Township (Clermont) OH PD", "pd", "Miami Township", "", "OH6", Agency.FbiMatch.NORMALISED),
        ("Fortville OH PD", "pd", "Fortville", "", "OH9", Agency.FbiMatch.PLACE),
        ("Lee OH SO", "so", "", "Lee", "OH8", Agency.FbiMatch.PLACE),
        ("OH - Oakwood PD", "pd", "Oakwood", "", None, Agency.FbiMatch.AMBIGUOUS),
        ("Manor TWP OH PD", "pd", "Manor Township", "", None, Agency.FbiMatch.NONE),  # not the borough
    ],
)
def test_it_joins_flock_names_to_the_fbi_roster_when_confident(roster, raw, flock_type, city, county, ori, method):
    clean = d.clean_flock_name(raw, "OH")
    match = roster.find(
        state="OH", name=clean.name, bare_name=clean.bare, kind=d.flock_kind(flock_type, clean.name, raw),
        places=(clean.hint, county, city), city=city, county=county,
    )
    assert (match.fbi.ori if match.fbi else None, match.method) == (ori, method)


def test_match_keys_ignore_spelling_variants():
    assert match_key("St. Paul PD") == match_key("Saint Paul Police Department")
    assert match_key("Clark Co Sheriff's Dept.") == match_key("Clark County Sheriff's Office")
    assert match_key("Manor Township PD") != match_key("Manor Police Department")
