from __future__ import annotations

import json as json_module
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from requests_app.deadlines.engine import due_date, follow_up_date
from requests_app.deadlines.rules import calendar_for, rule_for
from requests_app.laws.models import Jurisdiction


class Command(BaseCommand):
    help = "When a jurisdiction's law requires a response to a request received on a date, and why."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--jurisdiction", required=True, help='"US", a state code such as TX, or a local code')
        parser.add_argument("--received", required=True, help="date the agency received the request, YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, jurisdiction: str, received: str, **options) -> None:
        place = self._jurisdiction(jurisdiction)
        day = self._date(received)
        law = place.governing_law()
        if law is None:
            raise CommandError(f"no law is recorded for {place.code}")
        rule = rule_for(law)
        calendar = calendar_for(place)
        result = due_date(rule, day, calendar)
        follow_up = follow_up_date(received=day, due=result.due, last_follow_up=None, calendar=calendar)
        payload = {
            "jurisdiction": place.code,
            "received": day.isoformat(),
            "days": rule.days,
            "day_type": rule.day_type,
            "due": result.due.isoformat() if result.due else None,
            "explanation": result.explanation,
            "followup": follow_up.due.isoformat(),
            "followup_explanation": follow_up.explanation,
        }
        self.stdout.write(_json(payload) if options['json'] else _text(payload))

    def _jurisdiction(self, code: str) -> Jurisdiction:
        try:
            return Jurisdiction.objects.select_related("parent").get(code=code.strip().upper())
        except Jurisdiction.DoesNotExist:
            raise CommandError(f"unknown jurisdiction {code!r}: use US, DC or a state code such as TX") from None

    def _date(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--received {value!r} is not a date; use YYYY-MM-DD") from None


def _json(payload: dict) -> str:
    return json_module.dumps(payload, ensure_ascii=False)


def _text(payload: dict) -> str:
    due = payload["due"] or "no fixed deadline"
    return f"{payload['jurisdiction']}: due {due}\n{payload['explanation']}\n{payload['followup_explanation']}"
