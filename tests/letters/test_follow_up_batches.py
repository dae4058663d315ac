"""Drafting many follow-up letters at once: the same few queries however many, the same
letters as drafting each on its own, and none drafted twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app.laws.models import Jurisdiction
from requests_app.letters import follow_ups
from requests_app.letters.follow_ups import FollowUpInput, FollowUpOccasion, draft_follow_ups
from requests_app.letters.inputs import letter_input_for
from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import RecordsRequest, RequestEvent
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date
SENT = D(2026, 11, 25)
LATE = D(2026, 12, 30)  # past every deadline below
# Texas and Washington (10 and 5 business days), Connecticut and Illinois (silence past the
# deadline is a denial), Arizona (no fixed deadline), Virginia and Tennessee (residents
# only), Colorado (its police are cited the Criminal Justice Records Act), the United States.
STATES = ("TX", "WA", "CT", "IL", "AZ", "VA", "TN", "CO", "US")


def sent_in(alice, place: Jurisdiction, *, law_from: Jurisdiction | None = None) -> RecordsRequest:
    """A request sent on SENT to an agency of ``place``; ``law_from``: where its clock was
    started, for a place with no law."""
    agency = AgencyFactory(jurisdiction=law_from or place)
    request = draft_request(organization=alice.organization, agency=agency, user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=SENT)
    if law_from:
        type(agency).objects.filter(pk=agency.pk).update(jurisdiction=place)
    return request


def fresh(requests: list[RecordsRequest]) -> list[RecordsRequest]:
    """As a caller holds them: nothing related loaded."""
    by_pk = RecordsRequest.objects.in_bulk([r.pk for r in requests])
    return [by_pk[r.pk] for r in requests]


def occasions(requests: list[RecordsRequest], on: date = LATE, reason: str = "Overdue") -> list[FollowUpOccasion]:
    return [FollowUpOccasion(request, on, reason) for request in fresh(requests)]


def alone(request: RecordsRequest, on: date, **extra) -> FollowUpInput:
    """What one request's letter says, read as drafting it on its own read it: through the
    request (the law by governing_law), nothing loaded ahead."""
    request = RecordsRequest.objects.get(pk=request.pk)
    base = letter_input_for(request, items=[])
    law, clock = request.agency.jurisdiction.governing_law(), request.clock
    return FollowUpInput(
        letterhead=base.letterhead, addressee=base.addressee, law=base.law, tracking=request.tracking,
        received=clock.received_on, today=on, due=clock.response_due,
        appeal_route=law.appeal_route if law else "", appeal_due=clock.appeal_due, **extra)


@pytest.fixture
def places(db) -> list[Jurisdiction]:
    seattle = Jurisdiction.objects.create(code="WA-SEATTLE", name="Seattle", kind="local", parent=state("WA"))
    return [state(code) for code in STATES] + [seattle]


def test_each_letter_says_what_drafting_it_alone_would(alice, places):
    lawless = Jurisdiction.objects.create(code="ZZ", name="Nowhere", kind="state")
    requests = [sent_in(alice, place) for place in places] + [sent_in(alice, lawless, law_from=state("WA"))]
    draft_follow_ups(occasions(requests))
    for request in requests:
        letter = FollowUpLetter.objects.get(request=request, kind="follow_up")
        assert letter.text == follow_ups.compose_follow_up(alone(request, LATE)), request.agency.jurisdiction.code
    for code in ("CT", "IL"):
        appeal = FollowUpLetter.objects.get(request__agency__jurisdiction__code=code, kind="appeal")
        assert appeal.text == follow_ups.compose_appeal(alone(appeal.request, LATE, constructive=True))
    assert "the law requires a response promptly" in FollowUpLetter.objects.get(
        request__agency__jurisdiction__code="AZ").text


def test_drafting_many_takes_the_same_queries_as_drafting_a_few(alice, places):
    counts = []
    for size in (3, 30):
        requests = [sent_in(alice, places[n % len(places)]) for n in range(size)]
        batch = occasions(requests)
        with CaptureQueriesContext(connection) as queries:
            letters = draft_follow_ups(batch)
        assert len([letter for letter in letters if letter.kind == "follow_up"]) == size
        counts.append(len(queries))
    assert FollowUpLetter.objects.filter(kind="appeal").count() == 1 + 6  # Connecticut's and Illinois's
    assert counts[0] == counts[1]


def test_the_laws_are_read_once_for_all_the_letters(alice, places):
    requests = [sent_in(alice, places[n % len(places)]) for n in range(12)]
    batch = occasions(requests)
    with CaptureQueriesContext(connection) as queries:
        draft_follow_ups(batch)
    laws = [q for q in queries if 'FROM "laws_publicrecordslaw"' in q["sql"]]
    assert len(laws) == 1


def test_a_letter_already_drafted_is_left_alone_with_no_history_line(alice):
    drafted, new = sent_in(alice, state("TX")), sent_in(alice, state("TX"))
    FollowUpLetter.objects.create(request=drafted, kind="follow_up", occasion=LATE, reason="By hand", text="Mine.\n")
    letters = draft_follow_ups(occasions([drafted, new]))
    assert [letter.request_id for letter in letters] == [new.pk]
    assert FollowUpLetter.objects.get(request=drafted).text == "Mine.\n"
    assert list(RequestEvent.objects.filter(kind="follow_up_drafted").values_list("request_id", "summary")) == [
        (new.pk, "follow-up drafted: Overdue")]


def test_two_occasions_of_one_request_and_day_make_one_letter_the_first(alice):
    request = sent_in(alice, state("TX"))
    batch = occasions([request], reason="Overdue") + occasions([request], reason="Follow-up due")
    assert [letter.reason for letter in draft_follow_ups(batch)] == ["Overdue"]
    assert FollowUpLetter.objects.get().reason == "Overdue"


def test_a_constructive_denial_gets_its_appeal_after_its_follow_up(alice):
    request = sent_in(alice, state("CT"))  # due Wednesday 2 December 2026
    letters = draft_follow_ups(occasions([request], on=D(2026, 12, 3)))
    assert [(letter.kind, letter.reason) for letter in letters] == [
        ("follow_up", "Overdue"), ("appeal", "Constructive denial: no response by the deadline")]
    assert "constructive denial" in letters[1].text
    assert list(RequestEvent.objects.filter(kind="follow_up_drafted").order_by("pk").values_list("summary", flat=True)) == [
        "follow-up drafted: Overdue", "appeal drafted: Constructive denial: no response by the deadline"]


def test_no_appeal_before_the_deadline_passes_nor_with_a_follow_up_already_drafted(alice):
    early, drafted = sent_in(alice, state("CT")), sent_in(alice, state("CT"))
    FollowUpLetter.objects.create(request=drafted, kind="follow_up", occasion=LATE, reason="By hand", text="Mine.\n")
    draft_follow_ups(occasions([early], on=D(2026, 12, 2)) + occasions([drafted]))
    assert list(FollowUpLetter.objects.order_by("pk").values_list("request_id", "kind")) == [
        (drafted.pk, "follow_up"), (early.pk, "follow_up")]


def test_a_letter_drafted_by_another_caller_between_the_look_and_the_insert_is_left_to_it(alice, monkeypatch):
    theirs, ours = sent_in(alice, state("TX")), sent_in(alice, state("TX"))
    FollowUpLetter.objects.create(request=theirs, kind="follow_up", occasion=LATE, reason="By hand", text="Theirs.\n")
    undrafted = follow_ups._undrafted

    def a_look_before_theirs_was_written(letters):
        monkeypatch.setattr(follow_ups, "_undrafted", undrafted)  # the next look is made after
        return list(letters)

    monkeypatch.setattr(follow_ups, "_undrafted", a_look_before_theirs_was_written)
    letters = draft_follow_ups(occasions([theirs, ours]))
    assert [letter.request_id for letter in letters] == [ours.pk]
    assert FollowUpLetter.objects.get(request=theirs).text == "Theirs.\n"
    assert list(RequestEvent.objects.filter(kind="follow_up_drafted").values_list("request_id", flat=True)) == [ours.pk]


def test_drafting_one_by_hand_still_answers_with_its_letter_or_none(alice):
    request = sent_in(alice, state("CT"))
    letter = follow_ups.draft_follow_up(request=request, on=LATE, reason="Drafted by hand", user=alice.user)
    assert letter.pk and letter.kind == "follow_up" and letter.drafted_at
    assert FollowUpLetter.objects.filter(request=request, kind="appeal").exists()
    assert follow_ups.draft_follow_up(request=request, on=LATE, reason="Drafted by hand", user=alice.user) is None
    assert set(RequestEvent.objects.filter(kind="follow_up_drafted").values_list("actor", flat=True)) == {alice.user.pk}
