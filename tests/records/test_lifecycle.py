from __future__ import annotations

import pytest

from requests_app.records.lifecycle import TRANSITIONS, TransitionError
from requests_app.records.models import Status, StatusChange
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(Status)


def test_a_move_writes_a_history_row(draft, alice):
    change = request_transition(request=draft, to_status="submitted", user=alice.user, reason="Emailed")
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == ("draft", "submitted", alice.user, "Emailed")


def test_a_bad_move_is_refused_with_the_allowed_moves(draft, alice):
    with pytest.raises(TransitionError, match=r"cannot move from Draft to Fulfilled; from Draft it can move to Submitted, Withdrawn"):
        request_transition(request=draft, to_status="fulfilled", user=alice.user)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not StatusChange.objects.exists()


def test_withdrawn_is_final(draft, alice):
    request_transition(request=draft, to_status="withdrawn", user=alice.user)
    with pytest.raises(TransitionError, match="nothing \\(it is final\\)"):
        request_transition(request=draft, to_status="submitted", user=alice.user)
