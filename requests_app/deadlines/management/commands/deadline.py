from __future__ import annotations

import json as json_module
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from requests_app.deadlines.engine import follow_up_date
from requests_app.deadlines.rules import calendar_for, clock_notes, rule_for, statutory_dates
from requests_app.laws.models import Jurisdiction


class Command(BaseCommand):
    help = "When a jurisdiction's law requires a response to a request received on a date, and why."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--jurisdiction", required=True, help='"US", a state code such as TX, or a local code')
        parser.add_argument("--received", required=True, help="date the request was sent or delivered, YYYY-MM-DD")
        parser.add_argument("--via", choices=["email", "portal", "mail"], default="mail",
                            help="how it went (Michigan counts an emailed request as received a business day later)")
        parser.add_argument("--acknowledged", help="date the agency acknowledged it, where the law counts from that")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, jurisdiction: str, received: str, **options) -> None:
        place = self._jurisdiction(jurisdiction)
        day = self._date(received)
        law = place.governing_law()
        if law is None:
            raise CommandError(f"no law is recorded for {place.code}")
        rule = rule_for(law)
        calendar = calendar_for(place)
        acknowledged = self._date(options["acknowledged"], "--acknowledged") if options["acknowledged"] else None
        dates = statutory_dates(law, sent_on=day, via=options["via"], calendar=calendar, acknowledged_on=acknowledged)
        result, received = dates.response, dates.receipt.on
        follow_up = follow_up_date(received=received, due=result.due, last_follow_up=None, calendar=calendar)
        explanation = " ".join(filter(None, [dates.receipt.explanation, result.explanation,
                                             clock_notes(law, calendar, around=received)]))
        payload = {
            "jurisdiction": place.code,
            "received": day.isoformat(),
            "received_as": received.isoformat(),
            "days": rule.days,
            "day_type": rule.day_type,
            "due": result.due.isoformat() if result.due else None,
            "acknowledgment_due": dates.acknowledgment.due.isoformat() if dates.acknowledgment else None,
            "verified": bool(law.response_deadline and law.response_deadline.verified),
            "explanation": explanation,
            "followup": follow_up.due.isoformat(),
            "followup_explanation": follow_up.explanation,
        }
        self.stdout.write(_json(payload) if options['json'] else _text(payload))

    def _jurisdiction(self, code: str) -> Jurisdiction:
        try:
            return Jurisdiction.objects.select_related("parent").get(code=code.strip().upper())
        except Jurisdiction.DoesNotExist:
            raise CommandError(f"unknown jurisdiction {code!r}: use US, DC or a state code such as TX") from None

    def _date(self, value: str, option: str = "--received") -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"{option} {value!r} is not a date; use YYYY-MM-DD") from None


def _json(payload: dict) -> str:
    return json_module.dumps(payload, ensure_ascii=False)


def _text(payload: dict) -> str:
    due = payload["due"] or "no fixed deadline"
    return f"{payload['jurisdiction']}: due {due}\n{payload['explanation']}\n{payload['followup_explanation']}"
