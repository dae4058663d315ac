from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from requests_app.laws.holiday_drafts import package_days


class Command(BaseCommand):
    help = ("Print the holidays package's draft of a jurisdiction's closed days, as the "
            "data files' [date, name] pairs, to review against the statute and official calendar.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help='"US" or a state code')
        parser.add_argument("--years", default="2025,2026,2027")

    def handle(self, *args, code: str, years: str, **opts) -> None:
        draft = {year: sorted([d.isoformat(), name] for d, name in package_days(code.upper(), int(year)))
                 for year in years.split(",")}
        self.stdout.write(json.dumps(draft, indent=2))
