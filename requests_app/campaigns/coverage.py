"""How a campaign's agencies can be reached, and gathering the contacts it lacks.

A letter never waits for a contact (it is addressed to the agency's records custodian),
but sending does: these are the counts the campaign page shows before rendering, the list
of agencies still needing a records email or portal, filled in inline or through a CSV
that comes back through the contacts import, and what happens to the campaign's drafts
once a contact is known.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from requests_app.agencies.contacts import ContactEdit, contact_update
from requests_app.agencies.models import Agency, AgencyContactChange
from requests_app.campaigns.models import Campaign
from requests_app.letters.composer import Route
from requests_app.letters.drafts import letter_address_outdated, request_readdress_letter
from requests_app.letters.services import latest_letter, letter_is_current
from requests_app.ops.spreadsheets import csv_writer
from requests_app.records.models import RecordsRequest, Status
from requests_app.teams.models import Membership


def route_conditions(prefix: str = "") -> dict[Route, Q]:
    """How each agency is reached, as conditions on its fields (``prefix`` reaches the agency
    from another model, e.g. "agency__"): the database's reading of composer.submission_route."""
    email, portal, address = (f"{prefix}records_email", f"{prefix}portal_url", f"{prefix}mailing_address")
    return {
        Route.EMAIL: ~Q(**{email: ""}),
        Route.PORTAL: Q(**{email: ""}) & ~Q(**{portal: ""}),
        Route.MAIL: Q(**{email: "", portal: ""}) & ~Q(**{address: ""}),
        Route.UNKNOWN: Q(**{email: "", portal: "", address: ""}),
    }


def with_contact_route(requests: QuerySet[RecordsRequest]) -> QuerySet[RecordsRequest]:
    """Annotates each request with ``contact_route``, the Route its agency is reached by."""
    whens = [When(condition, then=Value(route.value)) for route, condition in route_conditions("agency__").items()]
    return requests.annotate(contact_route=Case(*whens, output_field=CharField()))


def of_route(requests: QuerySet[RecordsRequest], route: Route) -> QuerySet[RecordsRequest]:
    return requests.filter(route_conditions("agency__")[route])


# Coverage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """How many of a campaign's agencies can be reached each way: by email, through a portal
    (no email), only by mail, or not at all yet."""

    total: int
    email: int
    portal: int
    mail: int
    unknown: int

    @property
    def needing(self) -> int:
        """Agencies with neither a records email nor a portal: the "Needs a contact" list."""
        return self.mail + self.unknown


def campaign_coverage(campaign: Campaign) -> Coverage:
    """One aggregate query, whatever the number of agencies."""
    agencies = Agency.objects.filter(pk__in=campaign.requests.values("agency"))
    counts = agencies.aggregate(total=Count("pk"), **{route.value: Count("pk", filter=condition)
                                                      for route, condition in route_conditions().items()})
    return Coverage(**counts)


# The needs-contact list -------------------------------------------------------------


def needing_contact(campaign: Campaign) -> QuerySet[RecordsRequest]:
    """The campaign's requests to agencies with neither a records email nor a portal, in the
    campaign table's order (state, then agency)."""
    return (
        campaign.requests.filter(agency__records_email="", agency__portal_url="")
        .select_related("agency__jurisdiction__parent")
        .order_by("agency__jurisdiction__code", "agency__name", "pk")
    )


def page_of_agencies(campaign: Campaign, *, per_page: int) -> dict[int, int]:
    """The page of the needs-contact list each agency is on, for links to its row."""
    ids = needing_contact(campaign).values_list("agency_id", flat=True)
    return {agency_id: n // per_page + 1 for n, agency_id in enumerate(ids)}


# Columns the contacts import reads (contact_import.COLUMNS, with ori), then notes for the
# researcher that it leaves alone. The contact cells start blank: blank cells never erase.
NEEDS_CONTACT_COLUMNS = ("name", "state", "ori", "city", "county", "flock_portal_url",
                         "email", "portal_url", "address", "phone", "source_url", "verified_on")


def needs_contact_csv(campaign: Campaign) -> str:
    """The needs-contact list as a CSV to research: fill a row's contact cells and its source,
    then import the file on the contacts import page; rows left blank are skipped there."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(NEEDS_CONTACT_COLUMNS)
    for request in needing_contact(campaign):
        agency = request.agency
        cells = [agency.name, agency.jurisdiction.state_code, agency.ori or "", agency.city, agency.county,
                 agency.flock_portal_url]
        writer.writerow([*cells, *[""] * 6])
    return out.getvalue()


# Filling a contact in -----------------------------------------------------------------


@dataclass
class ContactFill:
    change: AgencyContactChange
    readdressed: list[RecordsRequest] = field(default_factory=list)
    # Drafts keeping their letter for now: finalised (generating the PDFs again readdresses
    # it), or edited by hand (only a person updates it, on its request page).
    finalised: list[RecordsRequest] = field(default_factory=list)
    edited: list[RecordsRequest] = field(default_factory=list)


def campaign_contact_fill(*, campaign: Campaign, agency: Agency, edit: ContactEdit,
                          membership: Membership) -> ContactFill:
    """Saves the agency's contact as the contact form does (shared with every organization,
    kept in its history), then puts the new address on the campaign's drafts to it.

    Only a draft whose letter is neither finalised nor edited by hand is readdressed now: its
    text is still the one the site composed, so nothing a person wrote or approved changes.
    A finalised letter stays as it is (addressed to the records custodian, it can be sent
    to the new address) until the PDFs are generated again; an edited one until a person
    updates its address on its request page."""
    fill = ContactFill(change=contact_update(agency=agency, edit=edit, membership=membership))
    drafts = campaign.requests.filter(agency=agency, status=Status.DRAFT).select_related(
        "agency__jurisdiction__parent", "organization")
    for request in drafts:
        if not letter_address_outdated(request):
            continue
        if request.letter_edited:
            fill.edited.append(request)
        elif letter_is_current(request, latest_letter(request)):
            fill.finalised.append(request)
        else:
            fill.readdressed.append(request_readdress_letter(request=request, user=membership.user))
    return fill
