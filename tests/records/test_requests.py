from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from requests_app.letters import drafts
from requests_app.records import services
from requests_app.records.models import RequestItem
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db


def test_tracking_references_count_up_within_a_year_and_restart_next_year(alice):
    agency = AgencyFactory()
    first = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    second = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    next_year = draft_request(organization=alice.organization, agency=agency, user=alice.user, today=date(2027, 1, 2))
    assert (first.tracking, second.tracking, next_year.tracking) == ("RR-2026-0001", "RR-2026-0002", "RR-2027-0001")


def test_a_request_copies_its_items_in_order(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user,
                            keys=["sharing", "org-audit"])
    assert list(request.items.values_list("position", "key")) == [(1, "sharing"), (2, "org-audit")]
    assert "1. Records showing every organization" in request.letter_text


def test_unknown_item_keys_are_refused_by_name(alice):
    with pytest.raises(ValidationError, match="Unknown item key\\(s\\): drones"):
        services.items_for(organization=alice.organization, keys=["org-audit", "drones"])


def test_an_organization_can_add_its_own_items(alice, bob):
    services.custom_item_create(organization=alice.organization, key="drone-logs", title="Drone flight logs",
                                wording="Flight logs of every drone flight {period}.")
    items = services.items_for(organization=alice.organization, keys=["drone-logs"])
    assert items[0].title == "Drone flight logs"
    with pytest.raises(ValidationError):
        services.items_for(organization=bob.organization, keys=["drone-logs"])


def test_a_custom_item_cannot_take_a_built_in_key(alice):
    with pytest.raises(ValidationError, match="built-in"):
        services.custom_item_create(organization=alice.organization, key="org-audit", title="x", wording="y")


def test_a_reversed_date_range_is_refused(alice):
    with pytest.raises(ValidationError, match="ends before it starts"):
        draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user,
                      date_from=date(2025, 1, 1), date_to=date(2024, 1, 1))


def test_editing_marks_the_text_as_edited_and_regenerating_restores_it(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    original = request.letter_text
    services.request_edit_letter(request=request, letter_text="Dear custodian,\r\n\r\nPlease send records.")
    assert request.letter_text == "Dear custodian,\n\nPlease send records.\n" and request.letter_edited
    drafts.request_regenerate_letter(request=request)
    assert request.letter_text == original and not request.letter_edited


def test_a_sent_request_cannot_be_edited(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user)
    with pytest.raises(services.NotADraft, match="can no longer change"):
        services.request_edit_letter(request=request, letter_text="new")


def test_item_wording_is_copied_not_linked(alice):
    services.custom_item_create(organization=alice.organization, key="x", title="X", wording="Old wording.")
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")),
                            user=alice.user, keys=["x"])
    alice.organization.custom_items.update(wording="New wording.")
    assert RequestItem.objects.get(request=request).wording == "Old wording."
