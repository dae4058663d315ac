from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.agencies.selectors import DirectoryFilters, agency_search
from requests_app.campaigns import services
from requests_app.campaigns.models import Campaign
from requests_app.campaigns.packaging import latest_letters, write_letters_to
from requests_app.laws.services import CITIZEN
from requests_app.letters.inputs import residency_warning_of
from requests_app.letters.services import CannotFinalise, letter_finalise
from requests_app.records.catalogue import BY_KEY
from requests_app.teams.models import Membership, Organization, Role, User


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; use YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Create (or reuse) a campaign with one draft request per agency, then write one PDF "
        "letter per agency and manifest.csv into --out. Re-running never duplicates requests."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--items", required=True, help=f"comma-separated keys, e.g. {','.join(list(BY_KEY)[:3])}")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--state", help="every agency in this state (two-letter code)")
        where.add_argument("--agency-file", type=Path, help="CSV with a name column and optional state column")
        parser.add_argument("--date-from", type=iso_date)
        parser.add_argument("--date-to", type=iso_date)
        parser.add_argument("--fee-cap", type=Decimal, default=Decimal(50))
        parser.add_argument("--title", help="campaign title (default: from the selection); the same title reuses the campaign")
        parser.add_argument("--user", help="username to act as (default: the organization's first owner)")
        parser.add_argument("--out", required=True, type=Path, help="folder for the PDFs and manifest.csv")
        parser.add_argument(
            "--acknowledge-residency", action="store_true",
            help="confirm that the signer may ask under laws that answer only their own citizens (Virginia, "
                 "Tennessee, Arkansas, ...): their letters then carry the statement those laws need",
        )
        parser.add_argument(
            "--residency-basis", default=CITIZEN,
            help='the ground the statement gives: "citizen" (default) or another the law accepts, such as '
                 '"media" in Virginia',
        )

    def handle(self, *args, **opts) -> None:
        organization = self._organization(opts["org"])
        user = self._user(organization, opts["user"])
        agencies = self._agencies(opts)
        out = self._out(opts["out"])
        campaign = self._campaign(organization, user, opts)
        today = timezone.localdate()
        result = services.campaign_add_agencies(campaign=campaign, agencies=agencies, user=user, today=today)
        self.stdout.write(f"campaign {campaign.slug}: {len(result.created)} new request(s), {len(result.existing)} existing")
        self._finalise(campaign, user, today, opts["acknowledge_residency"], opts["residency_basis"])
        letters = latest_letters(campaign)
        write_letters_to(out, letters)
        self.stdout.write(f"wrote {len(letters)} letter(s) and manifest.csv to {out}")

    def _organization(self, slug: str) -> Organization:
        try:
            return Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"no organization with slug {slug!r}") from None

    def _user(self, organization: Organization, username: str | None) -> User:
        members = Membership.objects.filter(organization=organization).select_related("user")
        if username:
            membership = members.filter(user__username=username).first()
            if membership is None or not membership.can_edit:
                raise CommandError(f"{username!r} is not an owner or editor of {organization.slug}")
            return membership.user
        owner = members.filter(role=Role.OWNER).order_by("created_at").first()
        if owner is None:
            raise CommandError(f"{organization.slug} has no owner; pass --user")
        return owner.user

    def _agencies(self, opts) -> list:
        if opts["state"]:
            agencies = list(agency_search(DirectoryFilters(state=opts["state"])))
            if not agencies:
                raise CommandError(f"no agencies in {opts['state'].upper()} in the directory")
            return agencies
        try:
            data = opts["agency_file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {opts['agency_file']}: {exc.strerror or exc}") from None
        selection = services.agencies_from_csv(data)
        for problem in selection.problems:
            self.stderr.write(f"warning: {opts['agency_file']}: {problem}")
        if not selection.agencies:
            raise CommandError("no agency in the file matched the directory")
        return selection.agencies

    def _out(self, out: Path) -> Path:
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        return out

    def _campaign(self, organization: Organization, user: User, opts) -> Campaign:
        keys = [k.strip() for k in opts["items"].split(",") if k.strip()]
        where = opts["state"].upper() if opts["state"] else opts["agency_file"].stem
        title = opts["title"] or f"ALPR records: {where}"
        existing = Campaign.objects.filter(organization=organization, title=title).first()
        if existing:
            if existing.item_keys != keys or (existing.date_from, existing.date_to) != (opts["date_from"], opts["date_to"]):
                raise CommandError(
                    f"campaign {title!r} exists with items {','.join(existing.item_keys)} and other dates; "
                    "pass --title to start a new campaign"
                )
            return existing
        try:
            return services.campaign_create(
                organization=organization, user=user, title=title, item_keys=keys,
                date_from=opts["date_from"], date_to=opts["date_to"], fee_cap=opts["fee_cap"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages) + f" Known keys: {', '.join(BY_KEY)}") from None

    def _finalise(self, campaign: Campaign, user: User, today: date, acknowledged: bool, basis: str) -> None:
        drafts = list(services.campaign_drafts(campaign).select_related(
            "agency__jurisdiction__parent", "organization__home_state"))
        limited = [(request, warning) for request in drafts if (warning := residency_warning_of(request))]
        if limited and not acknowledged:
            raise CommandError(self._residency_refusal(limited))
        for request, warning in limited:
            self.stderr.write(f"note: {request.tracking} {request.agency.name}: {warning}")
        for request in drafts:
            try:
                letter_finalise(request=request, user=user, today=today, acknowledge_residency=acknowledged,
                                residency_basis=basis)
            except CannotFinalise as exc:
                raise CommandError(str(exc)) from None

    def _residency_refusal(self, limited: list) -> str:
        names = [f"{request.agency.name} ({request.agency.jurisdiction.state_code})" for request, _ in limited]
        shown = "; ".join(names[:20]) + (f"; and {len(names) - 20} more" if len(names) > 20 else "")
        return (f"no letter written: {len(limited)} letter(s) go to agencies whose law may answer only its own "
                f"residents: {shown}. Those letters state that the signer qualifies (a citizen, or in Virginia "
                f"the media). If that is true, run again with --acknowledge-residency "
                f"(and --residency-basis media where it applies).")
