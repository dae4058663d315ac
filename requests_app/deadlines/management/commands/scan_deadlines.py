from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.workflow.reminders import scan


class Command(BaseCommand):
    help = ("Run the reminder scan of the periodic task once, as of --now: create any missing "
            "reminders, skip superseded ones, claim every due reminder and send it here (not through "
            "the broker), and report what happened.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="ISO date-time to scan as of (default: now), e.g. 2026-12-11T09:00")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options) -> None:
        now = self._now(options["now"])
        report = scan(now=now, send_inline=True)
        payload = {
            "now": now.isoformat(),
            "created": report.created,
            "skipped": report.skipped,
            "claimed": len(report.claimed),
            "sent": report.sent,
        }
        if options["json"]:
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(f"scan as of {now:%Y-%m-%d %H:%M %Z}: created {report.created}, "
                          f"skipped {report.skipped}, sent {len(report.sent)}")
        for sent in report.sent:
            self.stdout.write(f"  {sent['tracking']} {sent['kind']} ({sent['target_date']}): {sent['emails']} email(s)")

    def _now(self, value: str | None) -> datetime:
        if value is None:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--now {value!r} is not an ISO date-time, e.g. 2026-12-11T09:00") from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
