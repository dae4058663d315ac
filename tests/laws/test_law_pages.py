from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.services import residency_warning

pytestmark = pytest.mark.django_db


def test_the_law_list_shows_all_52_jurisdictions_in_few_queries(alice_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = alice_client.get(reverse("law-list"))
    assert len(response.context["laws"]) == 52
    body = response.content.decode()
    assert "5 U.S.C. § 552" in body
    assert "within 20 business days of receipt of the request" in body


def test_a_law_page_shows_citation_deadlines_sources_and_confidence(alice_client):
    body = alice_client.get(reverse("law-detail", args=["ca"])).content.decode()
    law = PublicRecordsLaw.objects.get(jurisdiction__code="CA")
    assert law.citation in body
    assert "within 10 calendar days of receipt of the request" in body
    assert escape(law.sources[0]["url"]) in body
    assert f'confidence {law.confidence}' in body


def test_a_law_page_marks_unverified_facts(alice_client):
    law = PublicRecordsLaw.objects.filter(confidence="low").select_related("jurisdiction").first()
    body = alice_client.get(reverse("law-detail", args=[law.jurisdiction.code])).content.decode()
    assert "Some facts below are unverified or disputed" in body


def test_an_unknown_jurisdiction_is_404(alice_client):
    assert alice_client.get(reverse("law-detail", args=["ZZ"])).status_code == 404


def test_a_disputed_residency_rule_is_shown_as_disputed(alice_client):
    body = alice_client.get(reverse("law-detail", args=["DE"])).content.decode()
    assert "is disputed" in body


def _law(code: str) -> PublicRecordsLaw:
    return PublicRecordsLaw.objects.select_related("jurisdiction").get(jurisdiction__code=code)


def test_no_residency_warning_where_anyone_may_request():
    assert residency_warning(law=_law("CA"), requester_state="TX") is None


def test_no_residency_warning_for_a_resident():
    assert residency_warning(law=_law("VA"), requester_state="VA") is None


def test_a_residency_warning_names_the_requesters_state():
    warning = residency_warning(law=_law("VA"), requester_state="MD")
    assert "limits requests to residents of Virginia" in warning
    assert "based in MD" in warning


def test_an_unknown_home_state_asks_for_one():
    assert "Set your organization's home state" in residency_warning(law=_law("AR"), requester_state=None)
