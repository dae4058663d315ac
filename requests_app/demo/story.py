"""The demo organization's own few weeks, told through the app's services as its members
would have lived them, so that `make demo` opens on a dashboard with something in it.

A campaign went to the six demo agencies a few weeks ago, and each answered in its own
way since: an acknowledgment and an extension, a fee estimate still to pay, a question
still to answer, a fee paid and the records released, a first installment, a denial. A
second campaign has gone to two agencies this week and waits on a third; an older request
has had no answer at all. Three teammates share the work.

Told once: when the organization has either campaign, a re-run changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from requests_app.agencies.models import Agency
from requests_app.campaigns.models import Campaign
from requests_app.campaigns.services import campaign_add_agencies, campaign_create
from requests_app.correspondence.models import Communication, Fee
from requests_app.correspondence.services import Action, Message, fee_record, item_outcome_set
from requests_app.deadlines import engine
from requests_app.deadlines.rules import calendar_for
from requests_app.demo import files
from requests_app.demo.cast import StoryAgency, resolve_cast
from requests_app.demo.history import noon
from requests_app.documents.models import RequestDocument
from requests_app.documents.upload import upload_file
from requests_app.letters.drafts import request_create
from requests_app.letters.services import letter_finalise
from requests_app.records.bulk import bulk_add_tag, bulk_assign_owner
from requests_app.records.models import RecordsRequest, RequestItem, SendChannel
from requests_app.records.services import items_for
from requests_app.teams.models import Membership, Organization, Role, User
from requests_app.workflow.replies import communication_log
from requests_app.workflow.sending import request_mark_submitted

A = Communication.Action
FROM_AGENCY, TO_AGENCY = Communication.Direction.FROM_AGENCY, Communication.Direction.TO_AGENCY
FIRST_CAMPAIGN = ("Flock audit logs and sharing", "demo-story-audit-logs", ["org-audit", "network-audit", "sharing"])
SECOND_CAMPAIGN = ("Camera inventory and contracts", "demo-story-cameras", ["cameras", "contracts", "policies"])
LONE_REQUEST = ("Hot lists and federal access", ["hot-lists", "federal-access"])
FIRST_SENT_AGO = 24  # days
SECOND_SENT_AGO = 3
LONE_SENT_AGO = 40
# Usernames that say they are demo accounts, as the demo user's does.
TEAMMATES = [("demo-sam", "Sam", "Ortiz", Role.EDITOR), ("demo-priya", "Priya", "Natarajan", Role.EDITOR),
             ("demo-jordan", "Jordan", "Lee", Role.VIEWER)]
# By state and FBI ORI as well as name: the directory has agencies of these names in other states.
OAKLAND = StoryAgency("Oakland Police Department", "CA", "CA0010900")
AUSTIN = StoryAgency("Austin Police Department", "TX", "TX2270100")
CAMBRIDGE = StoryAgency("Cambridge Police Department", "MA", "MA0091100")
SANTA_CRUZ = StoryAgency("Santa Cruz Police Department", "CA", "CA0440200")
EUGENE = StoryAgency("Eugene Police Department", "OR", "OR0200200")
MOUNTLAKE_TERRACE = StoryAgency("Mountlake Terrace Police Department", "WA", "WA0310600")


@dataclass(frozen=True)
class Reply:
    """One communication of the story, ``days`` after the request was sent."""

    days: int
    action: str
    subject: str
    body: str = ""
    ours: bool = False  # we wrote to the agency
    fee: Decimal | None = None  # the estimate
    paid: Decimal | None = None  # a payment we recorded first
    extended_until: int | None = None  # the date the agency named, in days from today
    exemptions: str = ""
    reference: str = ""
    released: tuple[Callable[..., files.DemoFile], ...] = ()  # the files it brought


# What each agency of the first campaign did since it was sent.
FIRST_REPLIES: dict[StoryAgency, list[Reply]] = {
    MOUNTLAKE_TERRACE: [
        Reply(2, A.ACKNOWLEDGED, "Public records request received", reference="P000413",
              body="Your request is received. We will provide an estimate of the time needed within five days."),
        Reply(5, A.EXTENSION, "Time estimate for your request", extended_until=4,
              body="The vendor must export the audit logs; we expect to provide the records by the date below."),
    ],
    AUSTIN: [
        Reply(1, A.ACKNOWLEDGED, "Open records request acknowledgment", reference="R026381-112025"),
        Reply(9, A.FEE_ESTIMATE, "Itemized cost estimate", fee=Decimal("48.50"),
              body="Programming and redaction time: 2 hours. Please confirm in writing within 10 business days or "
                   "the request will be considered withdrawn."),
    ],
    CAMBRIDGE: [
        Reply(4, A.CLARIFICATION, "Clarification needed",
              body="Do you want the audit logs of searches by our officers only, or also of searches of our "
                   "cameras by other agencies?"),
    ],
    SANTA_CRUZ: [
        Reply(3, A.FEE_ESTIMATE, "Estimate for duplication", fee=Decimal("25.00"),
              body="The cost of duplicating the records on electronic media is $25.00."),
        Reply(6, A.RESUMED, "Payment for our request", ours=True, paid=Decimal("25.00"),
              body="Enclosed is a check for $25.00 as estimated. Please go on with the request."),
        Reply(14, A.RELEASED_FULL, "Records responsive to your request", released=(files.audit_log, files.cover_letter),
              body="Attached are the audit log and our cover letter. This closes your request."),
    ],
    OAKLAND: [
        Reply(2, A.ACKNOWLEDGED, "NextRequest: request received", reference="26-4417"),
        Reply(17, A.RELEASED_PARTIAL, "First installment of records", released=(files.audit_log,),
              exemptions="Gov. Code § 7923.600 (investigative records) for the sharing agreements.",
              body="Attached is the audit log of searches. Sharing records are withheld under the exemption below; "
                   "the network audit will follow."),
    ],
    EUGENE: [
        Reply(6, A.DENIED, "Denial of public records request",
              exemptions="ORS 192.345(3): criminal investigatory information.",
              body="The audit logs are investigatory information compiled for criminal law purposes."),
    ],
}
OWNERS = {MOUNTLAKE_TERRACE: "demo-sam", AUSTIN: "demo-priya", CAMBRIDGE: "demo-sam", SANTA_CRUZ: "demo-priya",
          OAKLAND: "demo-sam", EUGENE: "demo-priya"}
SECOND_AGENCIES = [MOUNTLAKE_TERRACE, EUGENE, SANTA_CRUZ]  # the last still a draft
TAGS = {"priority": [AUSTIN, EUGENE], "call the clerk": [CAMBRIDGE]}


@dataclass(frozen=True)
class StoryReport:
    told: bool
    requests: int = 0
    communications: int = 0

    def summary(self) -> str:
        if not self.told:
            return "already told (its campaigns exist); nothing changed"
        return f"2 campaigns and {self.requests} requests, {self.communications} communications logged"


def tell_story(*, organization: Organization, user: User, today: date) -> StoryReport:
    """Makes the organization's campaigns, requests and correspondence, unless it has them already."""
    if Campaign.objects.filter(organization=organization, slug__in=[FIRST_CAMPAIGN[1], SECOND_CAMPAIGN[1]]).exists():
        return StoryReport(told=False)
    with transaction.atomic():
        agencies = resolve_cast(FIRST_REPLIES)
        team = _teammates(organization)
        first = _campaign(organization, user, FIRST_CAMPAIGN, [agencies[a] for a in FIRST_REPLIES], today)
        second = _campaign(organization, user, SECOND_CAMPAIGN, [agencies[a] for a in SECOND_AGENCIES], today)
        lone = _lone_request(organization, user, agencies[AUSTIN], today)
        cast_of = {agency.pk: wanted for wanted, agency in agencies.items()}
        by_agency = {cast_of[r.agency_id]: r for r in first}
        for wanted, request in by_agency.items():
            _assign(organization, user, [request], team.get(OWNERS[wanted], user))
            _send(request, user, today - timedelta(days=FIRST_SENT_AGO), today)
        for request in second[:-1]:
            _send(request, user, today - timedelta(days=SECOND_SENT_AGO), today)
        _send(lone, user, today - timedelta(days=LONE_SENT_AGO), today)
        _assign(organization, user, [lone], user)
        logged = sum(_replies(request, FIRST_REPLIES[wanted], request.owner or user, today)
                     for wanted, request in by_agency.items())
        for tag, cast in TAGS.items():
            ids = [by_agency[a].pk for a in cast] + ([lone.pk] if tag == "priority" else [])
            bulk_add_tag(organization=organization, request_ids=ids, name=tag, user=user)
    return StoryReport(told=True, requests=len(first) + len(second) + 1, communications=logged)


def _teammates(organization: Organization) -> dict[str, User]:
    """The demo user's colleagues: members who cannot log in (no password), for owners and history."""
    team = {}
    for username, first_name, last_name, role in TEAMMATES:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first_name, "last_name": last_name, "email": f"{first_name.lower()}@example.org"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": role})
        team[username] = user
    return team


def _campaign(organization: Organization, user: User, spec: tuple[str, str, list[str]], agencies: list[Agency],
              today: date) -> list[RecordsRequest]:
    title, slug, keys = spec
    campaign = campaign_create(organization=organization, user=user, title=title, item_keys=keys, slug=slug,
                               date_from=date(today.year - 1, 1, 1))
    created = campaign_add_agencies(campaign=campaign, agencies=agencies, user=user, today=today).created
    return list(RecordsRequest.objects.filter(pk__in=[r.pk for r in created]).select_related("agency").order_by("pk"))


def _lone_request(organization: Organization, user: User, agency: Agency, today: date) -> RecordsRequest:
    title, keys = LONE_REQUEST
    return request_create(organization=organization, agency=agency, user=user, title=title,
                          items=items_for(organization=organization, keys=keys), date_from=date(today.year - 2, 1, 1),
                          today=today)


def _assign(organization: Organization, user: User, requests: list[RecordsRequest], owner: User) -> None:
    bulk_assign_owner(organization=organization, request_ids=[r.pk for r in requests], owner=owner, user=user)
    for request in requests:
        request.owner = owner


def _working_day(request: RecordsRequest, day: date, today: date) -> date:
    """``day`` or the agency's next business day (offices write on those), but not after today."""
    return min(engine.next_business_day(day, calendar_for(request.agency.jurisdiction))[0], today)


def _send(request: RecordsRequest, user: User, day: date, today: date) -> None:
    """Finalises the letter and records it as sent that working day by mail or portal."""
    on = _working_day(request, day, today)
    letter_finalise(request=request, user=user, today=on, acknowledge_residency=True)
    if request.agency.portal_url:  # a portal gives every request its number
        request_mark_submitted(request=request, user=user, channel=SendChannel.PORTAL, sent_on=on,
                               reference=f"W{request.pk:06d}")
    else:
        request_mark_submitted(request=request, user=user, channel=SendChannel.MAIL, sent_on=on)


def _replies(request: RecordsRequest, replies: list[Reply], user: User, today: date) -> int:
    sent_on = request.sent_at.date()
    agency_side, our_side = f"Records Unit, {request.agency.name}", request.organization.email
    for reply in replies:
        on = _working_day(request, sent_on + timedelta(days=reply.days), today)
        if reply.paid is not None:
            fee_record(request=request, user=user, kind=Fee.Kind.PAYMENT, on=on, amount=reply.paid, note="check 1042")
        communication = communication_log(
            request=request, user=user,
            message=Message(direction=TO_AGENCY if reply.ours else FROM_AGENCY,
                            channel=Communication.Channel.MAIL if reply.ours else Communication.Channel.EMAIL,
                            occurred_on=on, sender=our_side if reply.ours else agency_side,
                            recipient=agency_side if reply.ours else our_side, subject=reply.subject, body=reply.body),
            action=Action(kind=reply.action, agency_reference=reply.reference, fee_amount=reply.fee,
                          exemptions=reply.exemptions,
                          extended_to=today + timedelta(days=reply.extended_until) if reply.extended_until else None),
        )
        _file(request, user, communication, reply, today)
    return len(replies)


def _file(request: RecordsRequest, user: User, communication: Communication, reply: Reply, today: date) -> None:
    """Uploads what the reply released, files it with the reply, and records each item's outcome."""
    if not reply.released:
        return
    ids = []
    for make in reply.released:
        file = make(request.agency, year=today.year - 1)
        result = upload_file(request=request, user=user, name=file.name, stream=io.BytesIO(file.data),
                             note=f"Released with the reply of {communication.occurred_on.isoformat()}")
        ids.append(result.document.pk)
    # Filed with the reply, on the day it came.
    RequestDocument.objects.filter(request=request, document_id__in=ids).update(
        communication=communication, added_at=noon(communication.occurred_on))
    for item in request.items.all():
        released = reply.action == A.RELEASED_FULL or item.key == "org-audit"
        withheld = not released and item.key == "sharing"
        if released or withheld:
            item_outcome_set(item=item, on=communication.occurred_on, document_ids=ids if released else [],
                             outcome=RequestItem.Outcome.RELEASED if released else RequestItem.Outcome.WITHHELD,
                             exemption=reply.exemptions if withheld else "")
