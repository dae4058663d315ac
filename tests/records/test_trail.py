"""A request's history: each write service records one event, with who and what, in the
same transaction as its change; the request page shows the latest events to its own
organization, in a fixed number of queries."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from functools import partial
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.correspondence import services as correspondence
from requests_app.documents.upload import upload_file
from requests_app.letters import drafts
from requests_app.letters.follow_ups import draft_follow_up
from requests_app.letters.services import letter_finalise
from requests_app.records import bulk, services
from requests_app.records.lifecycle import TransitionError
from requests_app.records.models import RecordsRequest, RequestEvent
from requests_app.records.trail import HISTORY_SHOWN, record_event
from requests_app.workflow import replies
from requests_app.workflow.bulk import bulk_change_status
from requests_app.workflow.sending import request_mark_submitted, request_queue_email
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date
Event = tuple[str, object, str]

# The request page's queries, whatever the number of events: pinned so a history that
# starts fetching each actor separately fails here.
# 19, the count of contact suggestions waiting for an editor, and the law's deadlines and
# facts (what the letter's timing paragraph rests on, and whether it is verified).
PAGE_QUERIES = 22


def new(alice, **agency) -> RecordsRequest:
    return draft_request(organization=alice.organization, agency=AgencyFactory(**agency), user=alice.user)


def submitted(alice) -> RecordsRequest:
    request = new(alice, jurisdiction=state("TX"))
    request_transition(request=request, to_status="submitted", user=alice.user, on=D(2026, 11, 25))
    return request


def events_of(call: Callable[[], object], *requests: RecordsRequest) -> list[Event]:
    """The events ``call`` records on these requests, oldest first."""
    mine = RequestEvent.objects.filter(request__in=requests)
    before = set(mine.values_list("pk", flat=True))
    call()
    return [(e.kind, e.actor, e.summary) for e in mine.exclude(pk__in=before).order_by("pk")]


def test_it_records_who_created_a_request(alice):
    request = new(alice, name="Yakima Police Department")
    assert [(e.kind, e.actor, e.summary) for e in request.events.all()] == [
        ("created", alice.user, "created: 'ALPR records' to Yakima Police Department")]


def test_it_records_a_letter_edit_and_a_fresh_composition(alice):
    request = new(alice)
    assert events_of(lambda: services.request_edit_letter(request=request, letter_text="Dear officer,",
                                                          user=alice.user), request) == [
        ("letter_edited", alice.user, "letter: text edited by hand")]
    assert events_of(lambda: drafts.request_regenerate_letter(request=request, user=alice.user), request) == [
        ("letter_edited", alice.user, "letter: composed afresh, hand edits discarded")]


def test_it_records_a_status_change_with_its_reason(alice):
    request = submitted(alice)
    move = partial(request_transition, request=request, to_status="acknowledged", user=alice.user,
                   reason="phoned", on=D(2026, 11, 30))
    assert events_of(move, request) == [("status_changed", alice.user, "status: Submitted → Acknowledged (phoned)")]


def test_it_records_nothing_for_a_refused_move(alice):
    request = submitted(alice)

    def refused():
        with pytest.raises(TransitionError):
            request_transition(request=request, to_status="draft", user=alice.user)

    assert events_of(refused, request) == []


def test_an_event_rolls_back_with_its_change(alice):
    request = submitted(alice)

    def rolled_back():
        with pytest.raises(RuntimeError), transaction.atomic():
            request_transition(request=request, to_status="processing", user=alice.user, on=D(2026, 11, 30))
            raise RuntimeError("a later step failed")

    assert events_of(rolled_back, request) == []


def test_it_records_a_submission_by_mail_as_one_sent_event(alice):
    request = new(alice)
    letter_finalise(request=request, user=alice.user, today=D(2026, 11, 20))
    send = partial(request_mark_submitted, request=request, user=alice.user, channel="mail",
                   sent_on=D(2026, 11, 20), reference="certified 7012")
    assert events_of(send, request) == [
        ("sent", alice.user, "Submitted by mail (certified 7012) on 2026-11-20; status: Draft → Submitted")]


def test_it_records_an_email_sent_by_the_worker_as_the_systems(alice, django_capture_on_commit_callbacks):
    request = new(alice, records_email="prr@agency.example.gov")
    letter_finalise(request=request, user=alice.user, today=D(2026, 11, 27))

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            request_queue_email(request=request, user=alice.user)

    assert events_of(send, request) == [
        ("sent", None, "Emailed to prr@agency.example.gov, asked by alice; status: Draft → Submitted")]


def test_a_bulk_owner_change_records_one_event_per_changed_request(alice):
    first, second = new(alice), new(alice)
    colleague = MembershipFactory(organization=alice.organization, role="editor",
                                  user=UserFactory(first_name="Carla", last_name="Diaz")).user
    bulk.bulk_assign_owner(organization=alice.organization, request_ids=[first.pk], owner=alice.user, user=alice.user)
    give = partial(bulk.bulk_assign_owner, organization=alice.organization, request_ids=[first.pk, second.pk],
                   owner=colleague, user=alice.user)
    assert events_of(give, first, second) == [
        ("owner_changed", alice.user, "owner: alice → Carla Diaz"),
        ("owner_changed", alice.user, "owner: — → Carla Diaz"),
    ]
    unchanged = partial(bulk.bulk_assign_owner, organization=alice.organization, request_ids=[first.pk],
                        owner=colleague, user=alice.user)
    assert events_of(unchanged, first) == []


def test_tagging_records_one_event_per_request_tagged_or_untagged(alice):
    tagged, plain = new(alice), new(alice)
    ids = [tagged.pk, plain.pk]
    bulk.bulk_add_tag(organization=alice.organization, request_ids=[tagged.pk], name="priority", user=alice.user)
    add = partial(bulk.bulk_add_tag, organization=alice.organization, request_ids=ids, name="Priority",
                  user=alice.user)
    assert events_of(add, tagged, plain) == [("tags_changed", alice.user, "tags: +priority")]
    remove = partial(bulk.bulk_remove_tag, organization=alice.organization, request_ids=[tagged.pk],
                     name="PRIORITY", user=alice.user)
    assert events_of(remove, tagged) == [("tags_changed", alice.user, "tags: -priority")]


def test_pausing_and_resuming_reminders_records_one_event_each(alice):
    request = submitted(alice)
    pause = partial(bulk.bulk_pause_reminders, organization=alice.organization, request_ids=[request.pk],
                    user=alice.user)
    resume = partial(bulk.bulk_resume_reminders, organization=alice.organization, request_ids=[request.pk],
                     user=alice.user)
    assert events_of(pause, request) == [("reminders_paused", alice.user, "reminders: paused")]
    assert events_of(pause, request) == []
    assert events_of(resume, request) == [("reminders_resumed", alice.user, "reminders: resumed")]


def test_a_bulk_status_change_records_one_event_per_request(alice):
    first, second = submitted(alice), submitted(alice)
    move = partial(bulk_change_status, organization=alice.organization, user=alice.user,
                   request_ids=[first.pk, second.pk], to_status="withdrawn", on=D(2026, 11, 30))
    assert events_of(move, first, second) == [("status_changed", alice.user, "status: Submitted → Withdrawn")] * 2


def test_logging_a_communication_records_one_event_naming_the_move(alice):
    request = submitted(alice)
    message = correspondence.Message(direction="from_agency", channel="email", occurred_on=D(2026, 11, 30))
    log = partial(replies.communication_log, request=request, user=alice.user, message=message,
                  action=correspondence.Action(kind="acknowledged"))
    assert events_of(log, request) == [
        ("communication_logged", alice.user,
         "from the agency by email (Acknowledged); status: Submitted → Acknowledged")]


def test_logging_a_communication_without_an_action_records_no_move(alice):
    request = submitted(alice)
    message = correspondence.Message(direction="to_agency", channel="phone", occurred_on=D(2026, 11, 30))
    log = partial(replies.communication_log, request=request, user=alice.user, message=message)
    assert events_of(log, request) == [("communication_logged", alice.user, "to the agency by phone")]


def test_recording_a_fee_records_one_event(alice):
    request = submitted(alice)
    record = partial(correspondence.fee_record, request=request, user=alice.user, kind="invoice",
                     on=D(2026, 12, 1), amount=Decimal("120.00"), note="check 1042")
    assert events_of(record, request) == [
        ("fee_recorded", alice.user, "fee: invoice $120.00 on 2026-12-01 (check 1042)")]


def test_filing_a_document_records_one_event_per_link_made(alice):
    request = new(alice)

    def upload(name: str, data: bytes):
        upload_file(request=request, user=alice.user, name=name, stream=io.BytesIO(data))

    assert events_of(lambda: upload("notes.txt", b"called the clerk"), request) == [
        ("document_added", alice.user, "document: notes.txt")]
    assert events_of(lambda: upload("again.txt", b"called the clerk"), request) == []  # already filed here


def test_filing_a_zip_records_the_archive_and_each_member(alice):
    request = new(alice)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", b"first")
        z.writestr("b.txt", b"second")
    upload = partial(upload_file, request=request, user=None, name="batch.zip",
                     stream=io.BytesIO(archive.getvalue()))
    assert events_of(upload, request) == [
        ("document_added", None, "document: batch.zip"),
        ("document_added", None, "document: a.txt (from batch.zip)"),
        ("document_added", None, "document: b.txt (from batch.zip)"),
    ]


def test_drafting_a_follow_up_records_one_event(alice):
    request = submitted(alice)
    draft = partial(draft_follow_up, request=request, on=D(2026, 12, 2), reason="Drafted by hand",
                    user=alice.user)
    assert events_of(draft, request) == [("follow_up_drafted", alice.user, "follow-up drafted: Drafted by hand")]
    assert events_of(draft, request) == []  # already drafted for that day


def test_the_letter_edit_page_records_the_member_who_edited(alice_client, alice):
    request = new(alice)
    alice_client.post(reverse("letter-edit", args=[request.pk]), {"letter_text": "Dear officer,"})
    assert request.events.latest("pk").actor == alice.user


# The request page -----------------------------------------------------------------------


def test_the_request_page_shows_the_history_newest_first(alice_client, alice):
    request = submitted(alice)
    record_event(request=request, actor=None, kind="communication_logged", summary="from the agency by email")
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    history = page[page.index('id="history"'):]
    newest, moved, created = (history.index(s) for s in (
        "from the agency by email", "status: Draft → Submitted", "created: &#x27;ALPR records&#x27;"))
    assert newest < moved < created
    assert "<strong>System</strong>" in history and "<strong>alice</strong>" in history


def test_the_request_page_shows_the_latest_fifty_events(alice_client, alice):
    request = new(alice)
    RequestEvent.objects.bulk_create(RequestEvent(request=request, kind="fee_recorded", summary=f"fee number {n}.")
                                     for n in range(HISTORY_SHOWN + 5))
    history = alice_client.get(reverse("request-detail", args=[request.pk])).context["history"]
    assert len(history) == HISTORY_SHOWN and history[0].summary == f"fee number {HISTORY_SHOWN + 4}."


def test_another_organization_cannot_see_the_history(bob_client, alice):
    request = submitted(alice)
    response = bob_client.get(reverse("request-detail", args=[request.pk]))
    assert response.status_code == 404 and "status: Draft" not in response.content.decode()


def test_the_request_page_makes_as_many_queries_for_60_events_as_for_1(alice, alice_client):
    request = submitted(alice)
    url = reverse("request-detail", args=[request.pk])
    alice_client.get(url)  # warm the session and the caches of the first visit

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    few = count()
    members = [MembershipFactory(organization=alice.organization, role="editor").user for _ in range(6)]
    for n in range(60):
        record_event(request=request, actor=members[n % 6], kind="fee_recorded", summary=f"fee {n}")
    assert count() == few == PAGE_QUERIES


def test_a_viewer_sees_the_history_but_no_status_form(alice):
    request = submitted(alice)
    viewer = Client()
    viewer.force_login(MembershipFactory(organization=alice.organization, role="viewer").user)
    page = viewer.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "status: Draft → Submitted" in page and "data-inline-status" not in page


def test_bulk_actions_on_the_list_are_recorded_as_their_user(alice_client, alice):
    from django.urls import reverse

    from requests_app.records.models import RequestEvent
    from tests.factories import AgencyFactory, draft_request

    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    alice_client.post(reverse("request-bulk"), {"ids": [request.pk], "action": "add_tag", "tag": "priority"})
    event = RequestEvent.objects.filter(request=request, kind="tags_changed").get()
    assert event.actor == alice.user


def test_finalising_a_letter_is_recorded_with_its_version(alice):
    from datetime import date

    from requests_app.letters.services import letter_finalise
    from requests_app.records.models import RequestEvent
    from tests.factories import AgencyFactory, draft_request, state

    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("WA")),
                            user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    event = RequestEvent.objects.get(request=request, kind="letter_finalised")
    assert event.actor == alice.user and event.summary.startswith("letter version 1 (sha256 ")
