from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from requests_app.agencies.states import STATES
from requests_app.auditlogs.analyze import analyze
from requests_app.auditlogs.formats import UnknownFormat
from requests_app.auditlogs.management.columns import add_column_option, add_sheet_option, column_map
from requests_app.auditlogs.zones import LocalZone, chosen_zone
from requests_app.ops.spreadsheets import csv_writer

FLAGGED_COLUMNS = ("file", "line", "search_time", "organization", "user", "reason", "case_number", "category", "rule")


def _zone(name: str | None, state: str | None) -> LocalZone:
    try:
        return chosen_zone(name, state)
    except ValueError as exc:
        raise CommandError(f"--tz: {exc}") from None


class Command(BaseCommand):
    help = ("Analyse Flock audit-log exports (CSV, XLSX or PDF; several monthly files of one release at once; every "
            "sheet of a workbook, each recognised one by its kind) "
            "without the database: counts, flagged searches by category, federal and out-of-state searchers.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--flagged", type=Path, metavar="OUT.csv", help="write each flagged search with its rule")
        parser.add_argument("--state", help="the agency's state, to count out-of-state searchers (e.g. OR); "
                                             "times without a zone are read in its zone")
        parser.add_argument("--tz", metavar="ZONE", help="the IANA zone times without a zone are in (e.g. "
                                                         "America/Chicago); default the --state's zone, else UTC")
        add_column_option(parser)
        add_sheet_option(parser)

    def handle(self, *args, files: list[Path], **options) -> None:
        state = (options["state"] or "").upper() or None
        if state and state not in STATES:
            raise CommandError(f"--state {options['state']!r} is not a state code")
        zone = _zone(options["tz"], state)
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        writer, handle = self._flagged_writer(options["flagged"], zone.name)
        try:
            result = analyze(files, home_state=state, on_flag=writer, column_map=column_map(options["column"]),
                             sheet=options["sheet"], zone=zone)
        except (UnknownFormat, ValueError) as exc:
            raise CommandError(str(exc)) from None
        finally:
            if handle:
                handle.close()
        summary = result.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self._print(summary)
        for name, line, reason in result.rejected[:50]:
            self.stderr.write(f"{name} line {line}: rejected: {reason}")
        if len(result.rejected) > 50:
            self.stderr.write(f"... and {len(result.rejected) - 50} more rejected rows")
        unread = result.unread()
        if unread:  # the others are counted above; a file that gave nothing is never a success
            raise CommandError("; ".join(unread))

    def _flagged_writer(self, path: Path | None, zone: str):
        """Each flagged search's time in ``zone``, with its offset: as the agency's clock read it."""
        if path is None:
            return None, None
        handle = open(path, "w", newline="", encoding="utf-8")
        out = csv_writer(handle)
        out.writerow(FLAGGED_COLUMNS)

        def write(source: Path, row: dict, found: list[list[str]]) -> None:
            searched_at = row["searched_at"].astimezone(ZoneInfo(zone)).isoformat() if row["searched_at"] else ""
            for category, rule in found:
                out.writerow([source.name, row["line"], searched_at, row["organization"], row.get("user", ""),
                              row["reason"], row.get("case_number", ""), category, rule])

        return write, handle

    def _print(self, summary: dict) -> None:
        partners = summary["organizations"] or 0  # "rows" counts a sharing release's organizations
        if summary["organizations"] is None or summary["rows"] > partners:
            self._print_searches(summary, summary["rows"] - partners)
        else:
            self.stdout.write(f"{summary['format']}: {partners} organizations ({summary['duplicates']} listed "
                              f"again, {summary['rejected']} rejected)")
        if summary["organizations"] is not None:
            flows = summary["partner_directions"]
            self.stdout.write(f"  sharing partners: {summary['organizations']} organizations listed "
                              f"({summary['federal_partners']} federal): the agency shares with {flows['sharing']} "
                              f"only, {flows['shared_with_me']} share only with it, {flows['both']} both ways, "
                              f"{flows['listed']} direction not stated")
        if summary["users"]:
            roles = ", ".join(f"{role}: {n}" for role, n in summary["roles"].items())
            self.stdout.write(f"  users: {summary['users']} ({roles})")
        for each in summary["files"]:
            where = each["file"] if each["sheet"] is None else f"{each['file']}, sheet {each['sheet']!r}"
            self.stdout.write(f"  {where}: {each['format']}: {each['read']} rows read ({each['repeated']} "
                              f"repeated, counted once), {each['rejected']} rejected")
        for each in summary["skipped_sheets"]:
            self.stdout.write(f"  {each['file']}, sheet {each['sheet']!r}: {each['why']}")

    def _print_searches(self, summary: dict, searches: int) -> None:
        self.stdout.write(f"{summary['format']}: {searches} searches ({summary['duplicates']} repeated, "
                          f"{summary['rejected']} rejected), {summary['first_search']} to {summary['last_search']}")
        self.stdout.write(f"  {LocalZone(summary['time_zone'], summary['time_zone_source']).explain()}")
        for name, count in summary["categories"].items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(f"  federal searches: {summary['federal_searches']}; out of state: {summary['out_of_state_searches']}")
