"""One detector of federal organizations, for the directory's Flock rows and for the
organizations audit logs and sharing lists name."""

from __future__ import annotations

import pytest

from requests_app.agencies import directory as d
from requests_app.agencies import federal_load, federal_names
from requests_app.agencies.directory_match import match_key
from requests_app.agencies.selectors import _NameLookup
from requests_app.auditlogs import rules, sharing


@pytest.mark.parametrize(("name", "agency", "tagged"), [
    ("[Federal] US Postal Inspection Service", "[Federal] tag", True),
    ("[FEDERAL] Tennessee Valley Authority Police", "[Federal] tag", True),
    ("FBI Portland", "FBI", False),
    ("Homeland Security Investigations - Tampa", "HSI", False),
    ("US Marshals Service", "US Marshals", False),
    ("Georgia Office of Homeland Security", None, False),  # a state's own office
    ("DHS PD", None, False),  # Desert Hot Springs
    ("Ice Hockey Arena Security", None, False),
    ("Eugene PD OR", None, False),
])
def test_the_directory_and_audit_logs_tell_federal_organizations_alike(name, agency, tagged):
    assert federal_names.federal_agency(name) == agency
    assert federal_names.is_tagged(name) == tagged
    assert d.clean_flock_name(name).federal == tagged  # a Flock row is federal by its tag (or its type column)
    assert (sharing.kind_of(name) == "federal") == (agency is not None)
    assert (_NameLookup.of(name, "OR").state == "US") == (agency is not None)


def test_the_audit_log_rules_are_the_agencies_own():
    assert [r.name for r in rules.FEDERAL] == [a.name for a in federal_names.AGENCIES]
    assert all(r.pattern.pattern == a.pattern for r, a in zip(rules.FEDERAL, federal_names.AGENCIES))


@pytest.mark.parametrize(("office", "directory_name"), [
    ("Federal Bureau of Investigation (FBI)", "Federal Bureau of Investigation"),
    ("U.S. Postal Inspection Service", "US Postal Inspection Service"),
    ("United States Marshals Service", "US Marshals Service"),
    ("Bureau of Alcohol, Tobacco, Firearms & Explosives", "Bureau of Alcohol Tobacco Firearms and Explosives"),
])
def test_an_office_is_matched_by_the_directorys_own_name_key(office, directory_name):
    assert federal_load.match_key(office) == match_key(directory_name)
