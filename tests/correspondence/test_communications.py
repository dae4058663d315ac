from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from requests_app.correspondence import services
from requests_app.correspondence.models import Communication, Fee
from requests_app.deadlines.models import RequestClock
from requests_app.workflow import replies
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def texas(alice):
    """Texas, received 25 November 2026: due Friday 11 December 2026."""
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("TX")), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    return request


def log(request, user, on, **action):
    message = services.Message(direction="from_agency", channel="email", occurred_on=on, subject="Re: request")
    return replies.communication_log(request=request, user=user, message=message, action=services.Action(**action))


def clock(request) -> RequestClock:
    return RequestClock.objects.get(request=request)


def test_an_acknowledgment_records_the_agencys_number_and_moves_the_status(texas, alice):
    log(texas, alice.user, D(2026, 11, 30), kind="acknowledged", agency_reference="PIR-2026-881")
    texas.refresh_from_db()
    assert (texas.status, texas.agency_reference) == ("acknowledged", "PIR-2026-881")


def test_an_extension_moves_the_due_date_as_the_engine_says(texas, alice):
    log(texas, alice.user, D(2026, 12, 10), kind="extension", extended_to=D(2027, 1, 2))
    assert clock(texas).response_due == D(2027, 1, 4)  # Saturday 2 January moves to Monday


def test_a_fee_estimate_records_the_fee_and_stops_the_clock(texas, alice):
    log(texas, alice.user, D(2026, 12, 2), kind="fee_estimate", fee_amount=Decimal("125.50"))
    texas.refresh_from_db()
    assert texas.status == "fee_requested"
    assert clock(texas).paused_on == D(2026, 12, 2) and clock(texas).remaining_days == 7
    assert Fee.objects.get(request=texas).amount == Decimal("125.50")
    log(texas, alice.user, D(2026, 12, 21), kind="resumed")
    assert clock(texas).response_due == D(2027, 1, 4)


def test_a_denial_needs_the_exemptions_and_opens_the_appeal(alice):
    federal = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("US"), kind="federal"),
                            user=alice.user)
    request_transition(request=federal, to_status="submitted", user=alice.user, on=D(2026, 11, 2))
    with pytest.raises(ValidationError, match="exemptions"):
        log(federal, alice.user, D(2026, 12, 1), kind="denied")
    assert not Communication.objects.exists()
    log(federal, alice.user, D(2026, 12, 1), kind="denied", exemptions="5 U.S.C. § 552(b)(7)(E)")
    federal.refresh_from_db()
    assert federal.status == "denied" and "(b)(7)(E)" in federal.status_changes.last().reason
    assert clock(federal).appeal_due == D(2027, 3, 1)


def test_a_refused_move_stores_nothing(texas, alice):
    request_transition(request=texas, to_status="withdrawn", user=alice.user)
    from requests_app.records.lifecycle import TransitionError

    with pytest.raises(TransitionError):
        log(texas, alice.user, D(2026, 12, 1), kind="released_full")
    assert not Communication.objects.exists()


def test_item_outcomes_need_an_exemption_when_withheld(texas):
    item = texas.items.first()
    with pytest.raises(ValidationError, match="exemption"):
        services.item_outcome_set(item=item, outcome="withheld", on=D(2026, 12, 20))
    services.item_outcome_set(item=item, outcome="withheld", on=D(2026, 12, 20), exemption="Gov't Code § 552.108")
    item.refresh_from_db()
    assert (item.outcome, item.exemption) == ("withheld", "Gov't Code § 552.108")


def test_fees_add_up_to_what_is_owed(texas, alice):
    for kind, amount in [("estimate", "200"), ("invoice", "150"), ("payment", "100")]:
        services.fee_record(request=texas, user=alice.user, kind=kind, on=D(2026, 12, 5), amount=Decimal(amount))
    summary = services.fee_summary(list(texas.fees.all()))
    assert (summary.estimated, summary.invoiced, summary.paid, summary.owed) == (200, 150, 100, 50)
    services.fee_record(request=texas, user=alice.user, kind="waiver_granted", on=D(2026, 12, 6))
    assert services.fee_summary(list(texas.fees.all())).owed == 0
    with pytest.raises(ValidationError, match="needs an amount"):
        services.fee_record(request=texas, user=alice.user, kind="payment", on=D(2026, 12, 6))


def test_the_page_logs_a_communication_with_its_action(alice_client, texas):
    response = alice_client.post(reverse("communication-log", args=[texas.pk]), {
        "direction": "from_agency", "channel": "email", "occurred_on": "2026-11-27", "action": "clarification",
        "subject": "Which cameras?", "body": "Please narrow the request."}, follow=True)
    assert "Communication logged." in response.content.decode()
    texas.refresh_from_db()
    assert texas.status == "needs_clarification"
    assert "Please narrow the request." in response.content.decode()


def test_the_campaign_page_totals_fees(alice_client, alice):
    from requests_app.campaigns import services as campaigns

    campaign = campaigns.campaign_create(organization=alice.organization, user=alice.user, title="C", item_keys=["org-audit"])
    result = campaigns.campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory(), AgencyFactory()],
                                             user=alice.user, today=D(2026, 11, 27))
    for request in result.created:
        services.fee_record(request=request, user=alice.user, kind="invoice", on=D(2026, 11, 27), amount=Decimal("40"))
    fees = alice_client.get(reverse("campaign-detail", args=[campaign.pk])).context["fees"]
    assert (fees.invoiced, fees.owed) == (80, 80)


def test_another_organization_cannot_log_or_record(bob_client, texas):
    assert bob_client.post(reverse("communication-log", args=[texas.pk]), {}).status_code == 404
    assert bob_client.post(reverse("fee-add", args=[texas.pk]), {}).status_code == 404
    assert bob_client.post(reverse("item-outcome", args=[texas.pk, texas.items.first().pk]), {}).status_code == 404


def test_an_item_outcome_names_the_documents_that_answer_it(alice_client, texas):
    import io

    from requests_app.documents.upload import upload_file

    document = upload_file(request=texas, user=texas.created_by, name="audit.csv",
                           stream=io.BytesIO(b"a,b\n1,2\n3,4\n")).document
    item = texas.items.first()
    alice_client.post(reverse("item-outcome", args=[texas.pk, item.pk]),
                      {"outcome": "released", "documents": [str(document.pk)]})
    item.refresh_from_db()
    assert item.outcome == "released"
    assert [link.document for link in item.document_links.all()] == [document]
    assert "Answered by" in alice_client.get(reverse("request-detail", args=[texas.pk])).content.decode()
