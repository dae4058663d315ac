from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_app.agencies.federal_offices import OFFICES_FILE, BuildError, build_offices, write_offices


class Command(BaseCommand):
    help = (
        "Rebuild the bundled federal FOIA offices (data/federal_foia/offices.json) from 18F's contact "
        "list (github.com/18F/2015-foia, contacts/data): role emails, request forms and office "
        "addresses only; people's names, phone numbers and personal emails are left out. With -v 2 "
        "it lists each value it dropped and why."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", type=Path, help="The folder of 18F's contacts/data/*.json files.")
        parser.add_argument("--output", type=Path, default=OFFICES_FILE,
                            help="Where to write the offices (default: the bundled file).")

    def handle(self, *args, source: Path, output: Path, **options) -> None:
        if not source.is_dir():
            raise CommandError(f"{source} is not a folder: give the folder of 18F's contacts/data/*.json files")
        try:
            result = build_offices(source)
        except BuildError as exc:
            raise CommandError(f"{exc}: nothing was written") from None
        write_offices(result, output)
        units = sum(1 for o in result.offices if o.part_of)
        self.stdout.write(f"{len(result.offices)} offices written to {output} ({units} of them units of another "
                          "office)")
        for line in result.skipped:
            self.stdout.write(f"Skipped {line}")
        for (what, reason), count in sorted(result.dropped_counts.items()):
            self.stdout.write(f"Dropped {count} {what}{'s' if count > 1 else ''}: {reason}")
        if options["verbosity"] > 1:  # for reviewing the rules; the values stay out of the shipped file
            for what, dropped in result.dropped:
                self.stdout.write(f"  {what}: {dropped.value!r}: {dropped.reason}")
