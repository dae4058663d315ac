"""Reminders of a request whose reminders were paused from the request list."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from requests_app.deadlines.models import Reminder
from requests_app.records.bulk import bulk_pause_reminders, bulk_resume_reminders
from tests.deadlines.test_reminders import scan, sent_texas_request

D = date


@pytest.mark.django_db
def test_a_paused_request_gets_no_reminder_and_catches_up_once_resumed(alice):
    paused, other = sent_texas_request(alice), sent_texas_request(alice)
    bulk_pause_reminders(organization=alice.organization, request_ids=[paused.pk])
    report = scan(D(2026, 12, 8))
    assert [s["tracking"] for s in report.sent] == [other.tracking] and len(mail.outbox) == 1
    assert Reminder.objects.filter(request=paused, sent_at__isnull=True, skipped=False).exists()
    bulk_resume_reminders(organization=alice.organization, request_ids=[paused.pk])
    assert [(s["tracking"], s["kind"]) for s in scan(D(2026, 12, 8), hour=10).sent] == [(paused.tracking, "due_soon")]
