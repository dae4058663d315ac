"""A letter to an agency of each of the 52 jurisdictions: it cites the act and carries the
timing paragraph the law data gives, in the law's own terms; letters under residents-only
laws are refused until someone confirms, and then state the signer's standing."""

from __future__ import annotations

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.agencies.models import Agency
from requests_app.laws.loader import JURISDICTIONS_DIR
from requests_app.letters.composer import with_residency_statement
from requests_app.letters.services import CannotFinalise, ResidencyNotAcknowledged, letter_finalise
from requests_app.records.models import RecordsRequest
from tests.factories import AgencyFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

CODES = sorted(p.stem for p in JURISDICTIONS_DIR.glob("*.json"))
RESIDENTS_ONLY = [c for c in CODES if json.loads((JURISDICTIONS_DIR / f"{c}.json").read_text())["residency"]["limit"] == "yes"]
TODAY = date(2026, 12, 7)


def _data(code: str) -> dict:
    return json.loads((JURISDICTIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _request(member, code: str, kind: str = Agency.Kind.POLICE) -> RecordsRequest:
    agency = AgencyFactory(name=f"{code} Test Police Department", jurisdiction=state(code), kind=kind)
    return draft_request(organization=member.organization, agency=agency, user=member.user,
                         keys=("org-audit", "contracts", "vendor-terms"))


def test_all_52_jurisdictions_are_covered():
    assert len(CODES) == 52


@pytest.mark.parametrize("code", CODES)
def test_the_letter_of_each_jurisdiction_cites_its_act_and_its_timing_paragraph(alice, code):
    data = _data(code)
    request = _request(alice, code)
    text = request.letter_text
    assert f"Under the {data['act']['name']}, {data['act']['citation']}," in text
    assert f"Timing. {data['letter']['timing']['text']}" in text
    version = letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True)
    rendered = pdf_text(version.pdf.read())
    assert _flat(data["act"]["citation"]) in rendered
    assert _flat(data["letter"]["timing"]["text"])[:60] in rendered


def test_texas_says_promptly_and_names_the_attorney_general_clock(alice):
    text = _flat(_request(alice, "TX").letter_text)
    assert "promptly" in text and "552.221" in text and "552.301" in text and "Attorney General" in text
    assert "requires a response within" not in text


def test_florida_asks_for_a_prompt_acknowledgment_and_a_good_faith_response(alice):
    text = _flat(_request(alice, "FL").letter_text)
    assert "promptly" in text and "good faith" in text and "119.07(1)(c)" in text


def test_contracts_in_force_during_the_range_are_asked_for_whenever_signed(alice):
    text = _flat(_request(alice, "WA").letter_text)
    assert "in effect at any time" in text and "signed earlier and still in force" in text
    assert "non-disclosure" in text and "terms of service" in text


def test_colorado_letters_to_police_also_cite_the_criminal_justice_records_act(alice):
    also = _data("CO")["letter"]["also_cite"][0]
    police = _request(alice, "CO").letter_text
    assert f"and the {also['name']}, {also['citation']}," in police
    agency = AgencyFactory(name="Colorado Department of Revenue", jurisdiction=state("CO"), kind=Agency.Kind.OTHER)
    other = draft_request(organization=alice.organization, agency=agency, user=alice.user).letter_text
    assert also["citation"] not in other
    # A task force the FBI lists as a criminal justice agency (it has an ORI), whatever its kind.
    task_force = AgencyFactory(name="Weld County Drug Task Force", jurisdiction=state("CO"), kind=Agency.Kind.OTHER,
                               ori="CO0620500")
    assert f"and the {also['name']}" in draft_request(organization=alice.organization, agency=task_force,
                                                      user=alice.user).letter_text


# Residency ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["VA", "TN", "AR"])
def test_a_residents_only_letter_is_refused_without_confirmation_even_from_in_state(alice, code):
    alice.organization.home_state = state(code)
    alice.organization.save()
    request = _request(alice, code)
    with pytest.raises(ResidencyNotAcknowledged, match="limits requests to residents"):
        letter_finalise(request=request, user=alice.user, today=TODAY)
    assert not request.letters.exists()


@pytest.mark.parametrize("code", RESIDENTS_ONLY)
def test_with_confirmation_the_letter_states_the_signers_standing(alice, code):
    request = _request(alice, code)
    version = letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True)
    statement = _data(code)["residency"]["statement"].replace("{signer}", "Alex Rivera")
    assert f"Residency. {statement}" in version.text
    assert _flat(statement)[:50] in pdf_text(version.pdf.read())


def test_virginia_letters_can_state_the_media_exception(alice):
    request = _request(alice, "VA")
    version = letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True,
                              residency_basis="media")
    media = _data("VA")["residency"]["statement_alternatives"]["media"].replace("{signer}", "Alex Rivera")
    assert f"Residency. {media}" in version.text
    citizen = _data("VA")["residency"]["statement"].replace("{signer}", "Alex Rivera")
    assert citizen not in version.text


def test_a_basis_the_law_lacks_is_refused(alice):
    with pytest.raises(CannotFinalise, match="accepts citizen"):
        letter_finalise(request=_request(alice, "TN"), user=alice.user, today=TODAY, acknowledge_residency=True,
                        residency_basis="media")


def test_a_statement_needs_a_named_signer(alice):
    alice.organization.signer_name = ""
    alice.organization.save()
    request = _request(alice, "AR")
    with pytest.raises(CannotFinalise, match="Set the signer's name"):
        letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True)


def test_an_edited_letter_keeps_its_edits_and_gains_the_statement_once():
    text = "Dear Officer:\n\nPlease send the logs.\n\nSincerely,\n\nAlex\n"
    once = with_residency_statement(text, "Alex is a citizen of Arkansas.")
    assert once == "Dear Officer:\n\nPlease send the logs.\n\nResidency. Alex is a citizen of Arkansas.\n\nSincerely,\n\nAlex\n"
    assert with_residency_statement(once, "Alex is a citizen of Arkansas.") == once
    assert "media" in with_residency_statement(once, "Alex represents the media.")
    assert "citizen" not in with_residency_statement(once, "Alex represents the media.")


def test_tennessee_letters_and_warnings_say_the_agency_may_ask_for_identification(alice):
    from requests_app.letters.inputs import residency_warning_of

    request = _request(alice, "TN")
    assert "identification" in residency_warning_of(request).lower()
    version = letter_finalise(request=request, user=alice.user, today=TODAY, acknowledge_residency=True)
    assert "Alex Rivera will provide the identification the law allows you to ask for" in version.text


def _draft_letters(org, tmp_path, *more):
    out = StringIO()
    call_command("draft_letters", "--org", org.slug, "--items", "org-audit", "--state", "VA",
                 "--out", str(tmp_path), *more, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_draft_letters_refuses_residents_only_letters_naming_the_agencies(alice, tmp_path):
    AgencyFactory(name="Fairfax County Police Department", jurisdiction=state("VA"))
    with pytest.raises(CommandError, match=r"Fairfax County Police Department \(VA\).*--acknowledge-residency"):
        _draft_letters(alice.organization, tmp_path)
    assert not list(tmp_path.glob("*.pdf"))


def test_draft_letters_with_acknowledgment_writes_letters_with_the_statement(alice, tmp_path):
    AgencyFactory(name="Fairfax County Police Department", jurisdiction=state("VA"))
    _draft_letters(alice.organization, tmp_path, "--acknowledge-residency", "--residency-basis", "media")
    request = RecordsRequest.objects.get(agency__name="Fairfax County Police Department")
    assert "Residency. Alex Rivera" in request.letters.get().text
    assert len(list(tmp_path.glob("*.pdf"))) == 1


def test_the_api_refuses_without_acknowledgment_and_names_the_agency(alice):
    from tests.api.conftest import client_for

    request = _request(alice, "AR")
    url = f"/api/requests/{request.pk}/letter/finalise/"
    api = client_for(alice)
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 400
    assert "AR Test Police Department" in refused.json()["acknowledge_residency"][0]
    done = api.post(url, {"acknowledge_residency": True}, format="json")
    assert done.status_code == 200
    assert "Residency. Alex Rivera" in request.letters.get().text


def test_the_page_offers_the_media_basis_only_where_the_law_has_one(alice, alice_client):
    virginia = alice_client.get(reverse("request-detail", args=[_request(alice, "VA").pk])).content.decode()
    assert 'name="residency_basis" value="media"' in virginia
    tennessee = alice_client.get(reverse("request-detail", args=[_request(alice, "TN").pk])).content.decode()
    assert 'name="acknowledge_residency"' in tennessee and 'value="media"' not in tennessee
