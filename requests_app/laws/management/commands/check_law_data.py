from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from requests_app.laws.checks import problems_of
from requests_app.laws.loader import JURISDICTIONS_DIR


class Command(BaseCommand):
    help = "Check the law data files (all, or the codes given) and list every problem."

    def add_arguments(self, parser) -> None:
        parser.add_argument("codes", nargs="*", help="jurisdiction codes, e.g. TX NY (default: all)")

    def handle(self, *args, codes: list[str], **opts) -> None:
        paths = [JURISDICTIONS_DIR / f"{c.upper()}.json" for c in codes] or sorted(JURISDICTIONS_DIR.glob("*.json"))
        failed = 0
        for path in paths:
            if not path.exists():
                raise CommandError(f"no data file {path.name}")
            try:
                problems = problems_of(json.loads(path.read_text(encoding="utf-8")))
            except json.JSONDecodeError as exc:
                problems = [f"not valid JSON: {exc}"]
            failed += bool(problems)
            for problem in problems:
                self.stdout.write(f"{path.stem}: {problem}")
        self.stdout.write(f"{len(paths) - failed} of {len(paths)} file(s) without problems")
        if failed:
            raise CommandError(f"{failed} file(s) with problems")
