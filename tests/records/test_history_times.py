"""When things happened and when they were recorded: a reply logged days after it came, a
letter posted before its submission was recorded. The history and the timeline date each
line by the day it happened, name the recording time where it differs, and give HTML valid
``datetime`` values."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from requests_app.correspondence import services as correspondence
from requests_app.deadlines.selectors import timeline
from requests_app.letters.services import letter_finalise
from requests_app.workflow import replies
from requests_app.workflow.sending import request_mark_submitted
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
# The day everything below is recorded: a Thursday afternoon, with microseconds on the clock.
RECORDED = datetime(2026, 12, 3, 19, 5, 9, 153_000, tzinfo=UTC)  # 14:05:09 in New York
# HTML's valid global date and time: to the second (or up to three digits more), with an offset.
HTML_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)$")


@pytest.fixture
def recording_day():
    with time_machine.travel(RECORDED, tick=False):
        yield


@pytest.fixture
def submitted(alice, recording_day):
    request = draft_request(organization=alice.organization, user=alice.user,
                            agency=AgencyFactory(jurisdiction=state("WA")), today=date(2026, 11, 20))
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 20))
    return request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 23))


def log_reply(request, user, *, on: date):
    message = correspondence.Message(direction="from_agency", channel="email", occurred_on=on)
    return replies.communication_log(request=request, user=user, message=message,
                                            action=correspondence.Action(kind="acknowledged"))


def history_html(client, request) -> str:
    page = client.get(reverse("request-detail", args=[request.pk])).content.decode()
    return page[page.index('id="history"'):page.index("</section>", page.index('id="history"'))]


def test_a_reply_logged_days_later_keeps_the_day_it_came(submitted, alice):
    log_reply(submitted, alice.user, on=date(2026, 11, 30))
    event = submitted.events.latest("pk")
    assert event.happened_on == date(2026, 11, 30) and event.recorded_later
    assert submitted.status_changes.latest("pk").effective_on == date(2026, 11, 30)


def test_a_submission_recorded_later_keeps_the_day_it_was_posted(submitted):
    event = submitted.events.get(kind="sent")
    assert event.happened_on == date(2026, 11, 23) and event.recorded_later


def test_a_fee_keeps_the_day_it_was_paid(submitted, alice):
    correspondence.fee_record(request=submitted, user=alice.user, kind="payment", on=date(2026, 12, 1),
                              amount=Decimal("25.00"))
    assert submitted.events.latest("pk").happened_on == date(2026, 12, 1)


def test_an_edit_happens_when_it_is_recorded(alice, recording_day):
    request = draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory())
    event = request.events.get(kind="created")
    assert event.happened_on is None and not event.recorded_later


def test_the_history_shows_the_day_it_happened_then_when_it_was_recorded(submitted, alice, alice_client):
    log_reply(submitted, alice.user, on=date(2026, 11, 30))
    history = history_html(alice_client, submitted)
    assert re.search(r'<time datetime="2026-11-30">30 Nov 2026</time>\s*<span class="recorded">\(recorded '
                     r'<time datetime="2026-12-03T14:05:09-05:00">3 Dec 2026, 14:05</time>\)</span>', history), history


def test_the_history_shows_one_time_for_what_happened_when_recorded(submitted, alice, alice_client):
    log_reply(submitted, alice.user, on=date(2026, 12, 3))
    history = history_html(alice_client, submitted)
    newest = history[history.index("<li"):history.index("</li>")]
    assert '<time datetime="2026-12-03T14:05:09-05:00">3 Dec 2026, 14:05</time>' in newest
    assert "recorded" not in newest


def test_every_history_time_is_a_valid_html_datetime(submitted, alice, alice_client):
    log_reply(submitted, alice.user, on=date(2026, 11, 30))
    values = re.findall(r'datetime="([^"]+)"', history_html(alice_client, submitted))
    assert len(values) >= 4
    assert all(HTML_DATETIME.match(v) or re.fullmatch(r"\d{4}-\d\d-\d\d", v) for v in values), values


def test_the_timeline_orders_by_the_day_things_happened(submitted, alice):
    log_reply(submitted, alice.user, on=date(2026, 11, 30))
    request_transition(request=submitted, to_status="processing", user=alice.user, on=date(2026, 11, 26))
    statuses = [(e.on, e.title, e.recorded_later) for e in timeline(submitted) if e.kind == "status"]
    assert statuses == [
        (date(2026, 11, 23), "Draft → Submitted", True),
        (date(2026, 11, 26), "Acknowledged → Processing", True),
        (date(2026, 11, 30), "Submitted → Acknowledged", True),
    ]


def test_the_timeline_dates_a_move_from_before_the_day_was_kept_by_its_recording(submitted):
    submitted.status_changes.update(effective_on=None)
    (entry,) = [e for e in timeline(submitted) if e.kind == "status"]
    assert entry.on == date(2026, 12, 3) and not entry.recorded_later


def test_the_request_page_timeline_says_when_a_late_entry_was_recorded(submitted, alice_client):
    page = alice_client.get(reverse("request-detail", args=[submitted.pk])).content.decode()
    timeline_html = page[page.index("<h2>Timeline</h2>"):]
    assert re.search(r'<time class="muted" datetime="2026-11-23">23 Nov 2026</time> <strong>Draft → Submitted</strong>'
                     r' <span class="small muted">\(recorded <time datetime="2026-12-03T14:05:09-05:00">3 Dec 2026'
                     r'</time>\)</span>', timeline_html), timeline_html[:800]


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 12, 3, 19, 5, 9, 153_000, tzinfo=UTC), "2026-12-03T14:05:09-05:00"),
    (datetime(2026, 7, 3, 19, 5, 9, 999_999, tzinfo=UTC), "2026-07-03T15:05:09-04:00"),
    (datetime(2026, 12, 3, 14, 5, 9, 5), "2026-12-03T14:05:09"),
    (None, ""),
])
def test_html_datetime_drops_microseconds_and_keeps_the_offset(moment, expected):
    rendered = Template("{% load timestamps %}{{ moment|html_datetime }}").render(Context({"moment": moment}))
    assert rendered == expected
