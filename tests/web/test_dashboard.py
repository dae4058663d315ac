from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from requests_app.campaigns.models import Campaign
from requests_app.correspondence.models import Communication, Fee
from requests_app.deadlines.models import RequestClock
from requests_app.deadlines.selectors import due_board
from requests_app.documents.models import Document, RequestDocument
from requests_app.laws.models import Jurisdiction
from requests_app.records.models import RecordsRequest, Status
from requests_app.web.dashboard import STATUS_GROUPS, dashboard
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)
PAUSED = (Status.NEEDS_CLARIFICATION, Status.FEE_REQUESTED)
# The home page's queries: session, user, memberships, ten dashboard blocks, members, directory (2).
HOME_QUERIES = 16


@pytest.fixture
def agencies():
    return [AgencyFactory(jurisdiction=state(code)) for code in ("WA", "WA", "TX", "CA", "OR")]


def make(membership, agency, status=Status.SUBMITTED, *, campaign=None, due=None, paused_on=None) -> RecordsRequest:
    """A request straight into the tables: the dashboard only reads them."""
    n = RecordsRequest.objects.count()
    request = RecordsRequest.objects.create(
        organization=membership.organization, agency=agency, campaign=campaign, tracking=f"T-{n:05d}",
        title="ALPR records", status=status, created_by=membership.user)
    if status != Status.DRAFT:
        RequestClock.of(request, received_on=TODAY - timedelta(days=20), day_type="business",
                        response_due=due, paused_on=paused_on, explanation="test").save()
    return request


def campaign_of(membership, title="Flock audit logs") -> Campaign:
    return Campaign.objects.create(organization=membership.organization, title=title, slug=title.lower().replace(" ", "-"),
                                   created_by=membership.user)


def reply(request, on: date, direction=Communication.Direction.FROM_AGENCY, subject="") -> Communication:
    return Communication.objects.create(request=request, direction=direction, channel="email", occurred_on=on,
                                        subject=subject or f"About {request.tracking} on {on}")


def test_every_status_falls_in_exactly_one_campaign_column():
    grouped = [status for group in STATUS_GROUPS for status in group.statuses]
    assert sorted(grouped) == sorted(Status) and len(grouped) == len(set(grouped))


def test_it_counts_requests_by_status_and_links_each_to_the_filtered_list(alice_client, alice, agencies):
    for status in (Status.DRAFT, Status.SUBMITTED, Status.SUBMITTED, Status.DENIED):
        make(alice, agencies[0], status)
    counts = {s.status: s.count for s in alice_client.get(reverse("home")).context["dashboard"].statuses}
    assert (counts["draft"], counts["submitted"], counts["denied"], counts["fulfilled"]) == (1, 2, 1, 0)
    body = alice_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("request-list")}?status=submitted"' in body
    assert f'href="{reverse("request-list")}?status=litigation"' in body


def test_it_lists_overdue_and_due_this_week_as_the_deadlines_board_does(alice, agencies):
    late = make(alice, agencies[0], due=TODAY - timedelta(days=3))
    today = make(alice, agencies[1], Status.PROCESSING, due=TODAY)
    in_a_week = make(alice, agencies[2], Status.ACKNOWLEDGED, due=TODAY + timedelta(days=7))
    make(alice, agencies[3], due=TODAY + timedelta(days=8))
    make(alice, agencies[4], Status.FULFILLED, due=TODAY - timedelta(days=9))
    make(alice, agencies[0], Status.NEEDS_CLARIFICATION, due=TODAY - timedelta(days=2), paused_on=TODAY - timedelta(days=5))
    due = dashboard(organization=alice.organization, today=TODAY).due
    assert (due.overdue_count, due.due_soon_count) == (1, 2)
    assert [c.request for c in due.overdue] == [late]
    assert [c.request for c in due.due_soon] == [today, in_a_week]
    board = due_board(alice.organization, TODAY)
    assert (due.overdue, due.due_soon) == (board["overdue"], board["due_soon"])


def test_it_cuts_the_lists_at_ten_but_counts_them_all(alice, agencies):
    for n in range(12):
        make(alice, agencies[n % 5], due=TODAY - timedelta(days=n + 1))
    due = dashboard(organization=alice.organization, today=TODAY).due
    assert (due.overdue_count, len(due.overdue)) == (12, 10)
    assert due.overdue[0].response_due == TODAY - timedelta(days=12)


def test_it_lists_requests_waiting_on_us_longest_waiting_first(alice, agencies):
    fee = make(alice, agencies[0], Status.FEE_REQUESTED, paused_on=TODAY - timedelta(days=2))
    question = make(alice, agencies[1], Status.NEEDS_CLARIFICATION, paused_on=TODAY - timedelta(days=9))
    make(alice, agencies[2], Status.PROCESSING)
    board = dashboard(organization=alice.organization, today=TODAY)
    assert board.waiting_on_us == [question, fee]
    assert board.waiting_on_us_count == 2


def test_it_shows_the_newest_ten_replies_from_agencies(alice, agencies):
    request = make(alice, agencies[0])
    for n in range(12):
        reply(request, TODAY - timedelta(days=n))
    reply(request, TODAY + timedelta(days=1), direction=Communication.Direction.TO_AGENCY, subject="Our follow-up")
    replies = dashboard(organization=alice.organization, today=TODAY).replies
    assert len(replies) == 10
    assert [c.occurred_on for c in replies] == [TODAY - timedelta(days=n) for n in range(10)]


def test_it_shows_the_newest_documents_with_their_request(alice_client, alice, agencies):
    request = make(alice, agencies[0])
    for n in range(11):
        document = Document.objects.create(organization=alice.organization, file=f"d/{n}.pdf", original_name=f"audit-{n}.pdf",
                                           kind="pdf", size=1, sha256=f"{n:064d}")
        RequestDocument.objects.create(request=request, document=document)
    body = alice_client.get(reverse("home")).content.decode()
    documents = dashboard(organization=alice.organization, today=TODAY).documents
    assert [link.document.original_name for link in documents] == [f"audit-{n}.pdf" for n in range(10, 0, -1)]
    assert "audit-10.pdf" in body and "audit-0.pdf" not in body


def test_it_counts_each_campaigns_agencies_by_status_group_and_by_state(alice, agencies):
    austin = Jurisdiction.objects.create(code="TX-AUSTIN", name="Austin", kind="local", parent=state("TX"))
    flock = campaign_of(alice, "Flock audit logs")
    for agency, status in zip(agencies, (Status.DRAFT, Status.SUBMITTED, Status.FEE_REQUESTED, Status.FULFILLED, Status.APPEALED)):
        make(alice, agency, status, campaign=flock)
    make(alice, AgencyFactory(jurisdiction=austin), Status.DENIED, campaign=flock)
    campaign_of(alice, "Empty campaign")
    make(alice, agencies[0], Status.SUBMITTED)  # in no campaign
    empty, progress = dashboard(organization=alice.organization, today=TODAY).campaigns
    assert (progress.row.label, progress.row.counts, progress.row.total) == ("Flock audit logs", [1, 1, 1, 1, 2], 6)
    assert [(s.label, s.counts) for s in progress.states] == [
        ("CA", [0, 0, 0, 1, 0]), ("OR", [0, 0, 0, 0, 1]), ("TX", [0, 0, 1, 0, 1]), ("WA", [1, 1, 0, 0, 0])]
    assert (empty.row.label, empty.row.counts, empty.states, empty.fees.owed) == ("Empty campaign", [0] * 5, [], 0)


def test_the_campaign_table_shows_each_count_in_its_labelled_column(alice_client, alice, agencies):
    flock = campaign_of(alice, "Flock <audit> logs")
    for agency, status in zip(agencies, (Status.DRAFT, Status.SUBMITTED, Status.ACKNOWLEDGED, Status.DENIED)):
        make(alice, agency, status, campaign=flock)
    html = alice_client.get(reverse("home")).content.decode()
    row = ('<td class="num" data-label="Draft">1</td><td class="num" data-label="Sent / awaiting">2</td>'
           '<td class="num zero" data-label="Waiting on us">0</td><td class="num zero" data-label="Closed">0</td>'
           '<td class="num" data-label="Denied / appealed">1</td>')
    assert "Flock &lt;audit&gt; logs</a></th>\n          " + row + '\n          <td class="num" data-label="Agencies">4</td>' in html
    washington = ('<tr><th scope="row">WA</th><td class="num" data-label="Draft">1</td>'
                  '<td class="num" data-label="Sent / awaiting">1</td><td class="num zero" data-label="Waiting on us">0</td>'
                  '<td class="num zero" data-label="Closed">0</td><td class="num zero" data-label="Denied / appealed">0</td>'
                  '<td class="num" data-label="Agencies">2</td></tr>')
    assert washington in html


def test_it_sums_each_campaigns_fees_as_the_campaign_page_does(alice_client, alice, agencies):
    flock = campaign_of(alice)
    estimated, invoiced, waived = (make(alice, agencies[n], Status.FEE_REQUESTED, campaign=flock) for n in range(3))
    for request, kind, amount in [(estimated, "estimate", "40"), (estimated, "estimate", "25"), (estimated, "payment", "10"),
                                  (invoiced, "invoice", "80"), (invoiced, "payment", "80"),
                                  (waived, "estimate", "500"), (waived, "waiver_granted", None)]:
        Fee.objects.create(request=request, kind=kind, amount=amount and Decimal(amount), occurred_on=TODAY)
    fees = dashboard(organization=alice.organization, today=TODAY).campaigns[0].fees
    assert (fees.owed, fees.paid) == (Decimal("15"), Decimal("90"))
    page = alice_client.get(reverse("campaign-detail", args=[flock.pk])).context["fees"]
    assert fees == page


def test_bob_sees_only_his_organizations_numbers(bob_client, alice, bob, agencies):
    theirs = campaign_of(alice, "Alice only")
    for n in range(3):
        reply(make(alice, agencies[n], Status.PROCESSING, campaign=theirs, due=TODAY - timedelta(days=1)), TODAY)
    make(alice, agencies[3], Status.FEE_REQUESTED, paused_on=TODAY)
    make(bob, agencies[4], Status.DRAFT)
    with time_machine.travel(datetime(2026, 11, 27, 12, tzinfo=timezone.get_current_timezone()), tick=False):
        response = bob_client.get(reverse("home"))
    board = response.context["dashboard"]
    assert {s.status: s.count for s in board.statuses if s.count} == {"draft": 1}
    assert (board.due.overdue_count, board.waiting_on_us_count, board.replies, board.campaigns) == (0, 0, [], [])
    assert "Alice only" not in response.content.decode()


def test_the_home_page_still_shows_the_letterhead_and_members(alice_client):
    body = alice_client.get(reverse("home")).content.decode()
    assert "Letterhead" in body and "alice@example.org" in body


@pytest.mark.parametrize("name", ["home", "request-list", "campaign-list", "deadlines", "inbox", "agency-list", "law-list",
                                  "calendar-settings", "notifications", "custom-items", "audit-terms", "letterhead",
                                  "members", "api-tokens"])
def test_the_navigation_links_every_section(alice_client, name):
    body = alice_client.get(reverse("home")).content.decode()
    nav = body[body.index('<nav class="mainnav"'):body.index("</nav>")]
    assert f'href="{reverse(name)}"' in nav


def test_the_navigation_marks_a_page_in_the_more_menu(alice_client):
    body = alice_client.get(reverse("law-list")).content.decode()
    assert 'class="nav-more has-current"' in body
    assert f'<a href="{reverse("law-list")}" aria-current="page">Laws</a>' in body


def populate(membership, agencies, *, requests: int, campaigns: int) -> None:
    """Requests spread over every status, in campaigns, with clocks, replies, fees and documents,
    written in a handful of bulk inserts."""
    organization, user = membership.organization, membership.user
    start = RecordsRequest.objects.filter(organization=organization).count()
    made = Campaign.objects.bulk_create([
        Campaign(organization=organization, title=f"Campaign {start + n}", slug=f"c-{start + n}", created_by=user)
        for n in range(campaigns)])
    per_campaign = requests // campaigns  # at most one request per agency in a campaign
    statuses = list(Status)
    rows = RecordsRequest.objects.bulk_create([
        RecordsRequest(organization=organization, agency=agencies[n % len(agencies)], campaign=made[n // per_campaign],
                       tracking=f"B{organization.pk}-{start + n:05d}", title="Bulk", status=statuses[n % len(statuses)],
                       created_by=user)
        for n in range(requests)])
    sent = [r for r in rows if r.status != Status.DRAFT]
    RequestClock.objects.bulk_create([
        RequestClock.of(r, received_on=TODAY, day_type="business", response_due=TODAY + timedelta(days=r.pk % 20 - 10),
                     paused_on=TODAY if r.status in PAUSED else None, explanation="bulk") for r in sent])
    Communication.objects.bulk_create([
        Communication(request=r, direction="from_agency", channel="email", occurred_on=TODAY, subject="Reply") for r in sent])
    Fee.objects.bulk_create([Fee(request=r, kind="estimate", amount=Decimal(25), occurred_on=TODAY) for r in sent])
    documents = Document.objects.bulk_create([
        Document(organization=organization, file=f"bulk/{r.pk}.pdf", original_name=f"{r.tracking}.pdf", kind="pdf", size=1,
                 sha256=f"{r.pk:064d}") for r in rows[::10]])
    RequestDocument.objects.bulk_create([RequestDocument(request=r, document=d) for r, d in zip(rows[::10], documents)])


def test_the_dashboard_costs_one_query_per_block(alice, agencies, django_assert_num_queries):
    populate(alice, agencies + [AgencyFactory() for _ in range(5)], requests=100, campaigns=10)
    with django_assert_num_queries(10):
        dashboard(organization=alice.organization, today=TODAY)


def test_the_page_makes_as_many_queries_for_1000_requests_as_for_10(alice_client, alice, agencies, django_assert_num_queries):
    agencies += [AgencyFactory(jurisdiction=state("NY")) for _ in range(5)]  # ten, so a campaign holds ten requests
    populate(alice, agencies, requests=10, campaigns=1)
    with django_assert_num_queries(HOME_QUERIES):
        small = alice_client.get(reverse("home"))
    populate(alice, agencies, requests=990, campaigns=99)
    with django_assert_num_queries(HOME_QUERIES):
        large = alice_client.get(reverse("home"))
    assert sum(s.count for s in small.context["dashboard"].statuses) == 10
    assert sum(s.count for s in large.context["dashboard"].statuses) == 1000
    assert len(large.context["dashboard"].campaigns) == 100
