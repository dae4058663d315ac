"""The demo data past the requests: campaigns, replies, fees, documents, owners and tags,
in the small story `make demo` tells and in the bulk seeding of `seed_demo --requests N`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.campaigns.models import Campaign
from requests_app.correspondence.models import Communication, Fee
from requests_app.deadlines import engine
from requests_app.deadlines.models import Reminder, RequestClock
from requests_app.deadlines.rules import calendar_for, rule_for
from requests_app.documents.models import Document, RequestDocument
from requests_app.letters.models import LetterVersion
from requests_app.records.lifecycle import TRANSITIONS
from requests_app.records.models import (
    RecordsRequest, RequestEvent, RequestItem, Status, StatusChange, Tag, WAITING_ON_US,
)
from requests_app.teams.models import Membership, Organization, Role, User
from requests_app.web.dashboard import LIST_LENGTH, dashboard
from requests_app.workflow.reminders import scan

pytestmark = pytest.mark.django_db
A = Communication.Action
SEEDED = 200
LIST_SHOWN = LIST_LENGTH
STORY_REQUESTS = 10  # the story's two campaigns (six and three agencies) and one lone request


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def demo() -> Organization:
    return Organization.objects.get(slug="demo")


def counts(media: Path) -> dict[str, int]:
    models = [RecordsRequest, Campaign, Communication, Fee, Document, RequestDocument, StatusChange, RequestClock,
              Reminder, RequestEvent, RequestItem, Tag, User, Membership, LetterVersion, RecordsRequest.tags.through]
    found = {model.__name__: model.objects.count() for model in models}
    found["owned"] = RecordsRequest.objects.filter(owner__isnull=False).count()
    found["stored files"] = sum(1 for p in media.rglob("*") if p.is_file())
    return found


# The story `make demo` opens on ---------------------------------------------------------


def test_the_default_demo_fills_every_block_of_the_dashboard(today):
    seed()
    board = dashboard(organization=demo(), today=today)
    assert board.due.overdue_count >= 1 and board.due.due_soon_count >= 1
    assert {r.agency.name for r in board.waiting_on_us} == {"Austin Police Department", "Cambridge Police Department"}
    assert len(board.replies) == LIST_SHOWN and all(c.direction == "from_agency" for c in board.replies)
    assert {link.document.original_name for link in board.documents} == {
        "Oakland Police Department ALPR audit log 2025 (demo).csv",
        "Santa Cruz Police Department ALPR audit log 2025 (demo).csv",
        "Santa Cruz Police Department response letter (demo).txt"}
    progress = {c.row.label: c for c in board.campaigns}
    assert sorted(progress) == ["Camera inventory and contracts", "Flock audit logs and sharing"]
    first = progress["Flock audit logs and sharing"]
    assert first.row.total == 6 and len(first.states) == 5  # CA, MA, OR, TX, WA
    assert (first.fees.owed, first.fees.paid) == (Decimal("48.50"), Decimal("25.00"))
    assert progress["Camera inventory and contracts"].row.counts[0] == 1  # one letter still a draft



def test_the_story_is_told_through_the_services_as_a_member_would(today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the work queued once the story is stored
        output = seed()
    assert "story: 2 campaigns and 10 requests, 11 communications logged" in output
    status = {r.agency.name: r.status for r in RecordsRequest.objects.filter(campaign__slug="demo-story-audit-logs")}
    assert status == {
        "Mountlake Terrace Police Department": Status.ACKNOWLEDGED, "Austin Police Department": Status.FEE_REQUESTED,
        "Cambridge Police Department": Status.NEEDS_CLARIFICATION, "Santa Cruz Police Department": Status.FULFILLED,
        "Oakland Police Department": Status.PARTIALLY_FULFILLED, "Eugene Police Department": Status.DENIED,
    }
    # Each reply wrote its history line, each sent request has its finalised letter and its clock.
    assert RequestEvent.objects.filter(kind="communication_logged").count() == Communication.objects.count() == 11
    sent = RecordsRequest.objects.exclude(status=Status.DRAFT)
    assert sent.count() == 9 == LetterVersion.objects.values("request").distinct().count()
    assert RequestClock.objects.count() == 9
    # The documents were read (by the queued task) and filed with the reply that brought them.
    assert set(Document.objects.values_list("extraction", flat=True)) == {"done"}
    assert not RequestDocument.objects.filter(communication__isnull=True).exists()
    santa_cruz = RecordsRequest.objects.get(campaign__slug="demo-story-audit-logs", agency__name__startswith="Santa")
    assert set(santa_cruz.items.values_list("outcome", flat=True)) == {RequestItem.Outcome.RELEASED}
    assert [f.kind for f in santa_cruz.fees.order_by("occurred_on", "pk")] == ["estimate", "payment"]
    owners = set(RecordsRequest.objects.filter(owner__isnull=False).values_list("owner__username", flat=True))
    assert owners == {"demo", "demo-sam", "demo-priya"}
    assert set(Tag.objects.values_list("name", flat=True)) == {"priority", "call the clerk"}


def test_the_dashboard_page_shows_the_story(today):
    seed()
    client = Client()
    client.force_login(User.objects.get(username="demo"))
    html = client.get(reverse("home")).content.decode()
    for empty in ("No agency has replied yet", "No documents filed yet", "No campaigns yet", "Nothing overdue"):
        assert empty not in html
    assert "Flock audit logs and sharing" in html and "$48.50" in html and "First installment of records" in html


# Bulk seeding -------------------------------------------------------------------------


def test_a_seeded_team_of_200_requests_fills_every_block_of_the_dashboard(today):
    seed("--requests", str(SEEDED))
    organization = demo()
    assert RecordsRequest.objects.filter(organization=organization).count() == SEEDED + STORY_REQUESTS
    board = dashboard(organization=organization, today=today)
    assert board.due.overdue_count and board.due.due_soon_count and board.waiting_on_us
    assert len(board.replies) == len(board.documents) == LIST_SHOWN
    bulk = [c for c in board.campaigns if Campaign.objects.get(pk=c.pk).slug.startswith("demo-round-")]
    assert len(bulk) == 3  # one per 75 requests
    assert all(c.row.total == 6 and len(c.states) == 5 for c in bulk)  # each of the six agencies once
    assert sum(c.fees.owed for c in board.campaigns) > 0 and sum(c.fees.paid for c in board.campaigns) > 0
    seeded = RecordsRequest.objects.filter(campaign__isnull=True, title="ALPR records (demo)")
    assert 0.4 < seeded.filter(owner__isnull=False).count() / seeded.count() < 0.8
    assert 0.1 < seeded.filter(tags__isnull=False).count() / seeded.count() < 0.3
    members = Membership.objects.filter(organization=organization, role__in=[Role.OWNER, Role.EDITOR])
    owners = set(seeded.exclude(owner=None).values_list("owner", flat=True))
    assert owners <= set(members.values_list("user", flat=True))


def test_seeded_rows_agree_with_each_request_and_its_status(today):
    seed("--requests", str(SEEDED))
    requests = {r.pk: r for r in RecordsRequest.objects.select_related("clock", "agency__jurisdiction__parent")}
    replies: dict[int, list[Communication]] = defaultdict(list)
    for c in Communication.objects.order_by("occurred_on", "pk"):
        request = requests[c.request_id]
        assert request.sent_at is not None and day(request.sent_at) <= c.occurred_on <= today, c
        if c.direction == Communication.Direction.FROM_AGENCY and c.occurred_on < today:
            assert calendar_for(request.agency.jurisdiction).is_business_day(c.occurred_on), c  # offices write then
        replies[c.request_id].append(c)
    for fee in Fee.objects.all():
        assert day(requests[fee.request_id].sent_at) <= fee.occurred_on <= today
    for pk, request in requests.items():
        actions = [c.action for c in replies[pk]]
        clock = getattr(request, "clock", None)
        assert (clock is None) == (request.status == Status.DRAFT) == (request.sent_at is None), request
        if clock is None:
            continue
        assert clock.received_on == day(request.sent_at) and clock.request_status == request.status
        assert (clock.paused_on is not None) == (request.status in WAITING_ON_US), request
        if request.status == Status.FEE_REQUESTED:
            estimate = request.fees.get(kind=Fee.Kind.ESTIMATE)
            assert actions[-1] == A.FEE_ESTIMATE and estimate.communication == replies[pk][-1]
            assert estimate.amount == replies[pk][-1].fee_amount and clock.paused_on == estimate.occurred_on
        if request.status == Status.NEEDS_CLARIFICATION:
            assert actions[-1] == A.CLARIFICATION and clock.paused_on == replies[pk][-1].occurred_on
        if request.status in (Status.FULFILLED, Status.PARTIALLY_FULFILLED):
            release = next(c for c in reversed(replies[pk]) if c.action in (A.RELEASED_FULL, A.RELEASED_PARTIAL))
            assert set(release.document_links.values_list("request", flat=True)) == {pk}
            assert all(day(link.added_at) == release.occurred_on for link in release.document_links.all())
        if request.status in (Status.DENIED, Status.APPEALED):
            denial = next(c for c in replies[pk] if c.action == A.DENIED)
            jurisdiction = request.agency.jurisdiction
            appeal = rule_for(jurisdiction.governing_law(), "appeal")
            assert denial.exemptions and clock.appeal_due == engine.appeal_deadline(
                appeal, denial.occurred_on, calendar_for(jurisdiction)).due
        if request.status == Status.FULFILLED:
            assert set(request.items.values_list("outcome", flat=True)) == {RequestItem.Outcome.RELEASED}
        if request.status == Status.ACKNOWLEDGED:
            assert A.ACKNOWLEDGED in actions and request.agency_reference


def test_each_status_history_is_a_path_the_lifecycle_allows(today):
    seed("--requests", str(SEEDED))
    history: dict[int, list[StatusChange]] = defaultdict(list)
    for change in StatusChange.objects.order_by("changed_at", "pk"):
        history[change.request_id].append(change)
    for request in RecordsRequest.objects.all():
        moves = history[request.pk]
        if request.status == Status.DRAFT:
            assert not moves
            continue
        assert moves[0].from_status == Status.DRAFT and moves[-1].to_status == request.status, request
        for before, after in zip(moves, moves[1:]):
            assert after.from_status == before.to_status
        for move in moves:
            assert Status(move.to_status) in TRANSITIONS[Status(move.from_status)], move


def test_seeded_reminders_are_the_ones_the_clocks_call_for(today):
    seed("--requests", str(SEEDED))
    now = timezone.make_aware(datetime.combine(today, time(9)))
    assert scan(now=now, send_inline=False).created == 0


def test_seeding_again_adds_nothing_and_a_larger_count_adds_only_the_difference(today, media):
    seed("--requests", str(SEEDED))
    before = counts(media)
    output = seed("--requests", str(SEEDED))
    assert "requests: added 0" in output and "story: already told" in output
    assert counts(media) == before
    seed("--requests", "300")
    after = counts(media)
    assert after["RecordsRequest"] == 300 + STORY_REQUESTS
    assert after["Campaign"] == before["Campaign"] + 1  # 300 requests call for four campaigns
    # The agencies' released files are stored once and linked again.
    assert after["Document"] == before["Document"] and after["stored files"] - before["stored files"] == 0
    assert after["Communication"] > before["Communication"] and after["RequestDocument"] > before["RequestDocument"]
