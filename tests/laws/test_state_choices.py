"""Wherever a state is chosen, the states come in the order of their names, as a person
reads them: Alabama before Alaska, though AK sorts before AL."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from requests_app.laws.models import Jurisdiction
from requests_app.laws.selectors import state_choices
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


def option_texts(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_state_choices_are_in_the_order_of_their_names():
    names = [name for _, name in state_choices()]
    assert names == sorted(names) and len(names) == 52  # 50 states, DC and the federal government
    assert names.index("Alabama") < names.index("Alaska") and ("AK", "Alaska") in state_choices()


def test_the_directory_filter_offers_the_states_by_name(alice_client):
    states = option_texts(alice_client.get(reverse("agency-list")).content.decode(), "id_state")
    assert states[0] == "Any state" and states[1:3] == ["Alabama", "Alaska"] and states[1:] == sorted(states[1:])


def test_the_request_list_offers_the_states_of_its_requests_by_name(alice, alice_client):
    county = Jurisdiction.objects.create(code="WA-KING", name="King County", kind=Jurisdiction.Kind.LOCAL,
                                         parent=state("WA"))
    for jurisdiction in (state("TX"), county, state("AK"), state("AL")):
        request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=jurisdiction),
                                user=alice.user)
        request_transition(request=request, to_status="submitted", user=alice.user)
    html = alice_client.get(reverse("request-list")).content.decode()
    assert option_texts(html, "f-state") == ["Any state", "Alabama", "Alaska", "Texas", "Washington"]
    assert '<option value="AK" >Alaska</option>' in html
