"""Viewers change nothing, through any endpoint.

Every URL name is sorted into one of the lists below, so a new endpoint fails
`test_every_url_is_sorted_by_who_may_change_things` until someone decides who may use it.
"""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from requests_app.agencies.sets import agency_set_create
from requests_app.auditlogs.models import AuditImport
from requests_app.campaigns import services as campaigns
from requests_app.correspondence.models import ContactSuggestion
from requests_app.documents.models import InboundEmail
from requests_app.documents.upload import upload_file
from requests_app.letters.models import FollowUpLetter
from requests_app.teams.models import Role
from requests_app.workflow import invitations
from tests.factories import AgencyFactory, MembershipFactory, draft_request

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 27)


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.csv", b"plate,time\nABC123,2026-01-01 10:00\n", content_type="text/csv")


def _contacts_csv(world) -> SimpleUploadedFile:
    agency = world.request.agency
    row = f"{agency.name},{agency.jurisdiction.code},,,,555-867-5309,https://city.example.gov/records,\n"
    return SimpleUploadedFile("contacts.csv", ("name,state,email,portal_url,address,phone,source_url,verified_on\n"
                                               + row).encode(), content_type="text/csv")


# (URL name, its arguments from the world, the POST an allowed member would make, who may make it)
CHANGES = [
    ("request-create", lambda w: [], lambda w: {"title": "More ALPR records", "agency": w.request.agency_id},
     Role.EDITOR),
    ("request-bulk", lambda w: [], lambda w: {"ids": [w.request.pk], "action": "status", "status": "submitted"},
     Role.EDITOR),
    ("letter-edit", lambda w: [w.request.pk], lambda w: {"letter_text": "Dear officer, please send."}, Role.EDITOR),
    ("letter-regenerate", lambda w: [w.request.pk], lambda w: {}, Role.EDITOR),
    ("letter-readdress", lambda w: [w.request.pk], lambda w: {}, Role.EDITOR),
    ("letter-finalise", lambda w: [w.request.pk], lambda w: {}, Role.EDITOR),
    ("change-status", lambda w: [w.request.pk],
     lambda w: {"status": "submitted", "on": TODAY.isoformat(), "reason": "Mailed"}, Role.EDITOR),
    ("communication-log", lambda w: [w.request.pk], lambda w: {"subject": "Called the clerk"}, Role.EDITOR),
    ("item-outcome", lambda w: [w.request.pk, w.item.pk], lambda w: {"outcome": "released"}, Role.EDITOR),
    ("fee-add", lambda w: [w.request.pk],
     lambda w: {"kind": "estimate", "amount": "25.00", "occurred_on": TODAY.isoformat()}, Role.EDITOR),
    ("document-upload", lambda w: [w.request.pk], lambda w: {"files": _csv()}, Role.EDITOR),
    ("audit-analyse", lambda w: [w.request.pk, w.document.pk], lambda w: {}, Role.EDITOR),
    ("audit-import-columns", lambda w: [w.request.pk, w.audit_import.pk], lambda w: {"column-0": "plate"},
     Role.EDITOR),
    ("audit-import-zone", lambda w: [w.request.pk, w.audit_import.pk], lambda w: {"time_zone": "America/Denver"},
     Role.EDITOR),
    ("audit-terms", lambda w: [], lambda w: {"category": "immigration", "term": "ICE"}, Role.EDITOR),
    ("inbox-assign", lambda w: [w.inbound.pk], lambda w: {"action": "dismiss"}, Role.EDITOR),
    ("send-email", lambda w: [w.request.pk], lambda w: {}, Role.EDITOR),
    ("record-submission", lambda w: [w.request.pk], lambda w: {"channel": "mail", "sent_on": TODAY.isoformat()},
     Role.EDITOR),
    ("log-extension", lambda w: [w.request.pk], lambda w: {"new_due": "2027-01-15"}, Role.EDITOR),
    ("agency-closed-days", lambda w: [w.request.pk], lambda w: {"designated_days": "2027-01-15"}, Role.EDITOR),
    ("follow-up-draft", lambda w: [w.request.pk], lambda w: {}, Role.EDITOR),
    ("follow-up-edit", lambda w: [w.request.pk, w.follow_up.pk], lambda w: {"text": "Changed"}, Role.EDITOR),
    ("follow-up-finalise", lambda w: [w.request.pk, w.follow_up.pk], lambda w: {}, Role.EDITOR),
    ("follow-up-sent", lambda w: [w.request.pk, w.follow_up.pk], lambda w: {"sent_on": TODAY.isoformat()},
     Role.EDITOR),
    ("follow-up-email", lambda w: [w.request.pk, w.follow_up.pk], lambda w: {}, Role.EDITOR),
    ("custom-items", lambda w: [], lambda w: {"key": "bodycam", "title": "Bodycam", "wording": "All footage"},
     Role.EDITOR),
    ("campaign-create", lambda w: [], lambda w: {"terms-title": "Second campaign"}, Role.EDITOR),
    ("campaign-add", lambda w: [w.campaign.pk], lambda w: {"pick-names": "Springfield"}, Role.EDITOR),
    ("campaign-render", lambda w: [w.campaign.pk], lambda w: {}, Role.EDITOR),
    ("campaign-send", lambda w: [w.campaign.pk], lambda w: {}, Role.EDITOR),
    ("campaign-contact-fill", lambda w: [w.campaign.pk, w.in_campaign.agency_id],
     lambda w: {f"contact-{w.in_campaign.agency_id}-{k}": v for k, v in {
         "phone": "555-867-5309", "source_url": "https://city.example.gov/records",
         "verified_on": TODAY.isoformat()}.items()}, Role.EDITOR),
    ("agency-set-create", lambda w: [], lambda w: {"name": "Flock agencies in WA", "state": "WA"}, Role.EDITOR),
    ("agency-set-edit", lambda w: [w.agency_set.pk], lambda w: {"name": "Renamed set"}, Role.EDITOR),
    ("agency-set-delete", lambda w: [w.agency_set.pk], lambda w: {}, Role.EDITOR),
    ("agency-set-remove-agency", lambda w: [w.agency_set.pk, w.request.agency_id], lambda w: {}, Role.EDITOR),
    ("agency-add-to-set", lambda w: [w.request.agency_id], lambda w: {"new_name": "Picked on its page"}, Role.EDITOR),
    ("agency-contact", lambda w: [w.request.agency_id],
     lambda w: {"phone": "555-867-5309", "source_url": "https://city.example.gov/records",
                "verified_on": TODAY.isoformat()}, Role.EDITOR),
    ("agency-contacts-import", lambda w: [], lambda w: {"file": _contacts_csv(w)}, Role.EDITOR),
    ("contact-suggestion-accept", lambda w: [w.suggestion.pk], lambda w: {"replaces": ""}, Role.EDITOR),
    ("contact-suggestion-reject", lambda w: [w.suggestion.pk], lambda w: {}, Role.EDITOR),
    ("letterhead", lambda w: [], lambda w: {"name": "Renamed"}, Role.OWNER),
    ("member-invite", lambda w: [], lambda w: {"email": "new@example.org", "role": "owner"}, Role.OWNER),
    ("member-role", lambda w: [w.viewer.pk], lambda w: {"role": "owner"}, Role.OWNER),
    ("member-remove", lambda w: [w.viewer.pk], lambda w: {}, Role.OWNER),
    ("member-unlock", lambda w: [w.viewer.pk], lambda w: {}, Role.OWNER),
    ("invitation-revoke", lambda w: [w.invitation.pk], lambda w: {}, Role.OWNER),
]

# Pages that only read, whatever the method.
READS = {
    "home", "members", "agency-list", "agency-search-json", "agency-detail", "request-list", "request-export-csv",
    "request-export-xlsx",
    "bulk-job", "bulk-job-progress",
    "request-detail", "letter-preview",
    "letter-download", "request-packet", "audit-report", "audit-flagged-csv", "audit-report-pdf", "audit-sharing-csv",
    "audit-import",
    "audit-import-progress", "document-detail", "inbox", "search", "document-download", "follow-up-download",
    "deadlines", "campaign-list", "campaign-detail", "campaign-progress", "campaign-download",
    "campaign-needs-contact-csv",
    # Exporting the evidence packets is reading: its POST only queues a ZIP of what a viewer may
    # already open, so any member may start one (tests/campaigns/test_packets.py).
    "campaign-packets", "campaign-packet-export", "campaign-packet-export-progress",
    "campaign-packet-export-download",
    "campaign-audit-report", "campaign-audit-flagged-csv", "campaign-audit-report-pdf", "campaign-audit-sharing-csv",
    "law-list",
    # A law page's POST sends a correction note to the owners: it changes no data, so any member
    # may send one (tests/laws/test_law_pages.py).
    "law-detail",
    "agency-set-list", "agency-set-detail", "agency-needs-contact",
}
# A member's own settings and reminders, or their own choice of organization: any role may change them.
PERSONAL = {
    "organization-create", "organization-switch", "remind-me", "toggle-watch", "notifications",
    "calendar-settings", "api-tokens", "api-token-revoke",
}
# Reached without a session: login, links carrying their own secret, health checks, the icon.
PUBLIC = {"login", "logout", "invitation-accept", "calendar-feed", "healthz", "favicon", "password_reset",
          "password_reset_done", "password_reset_confirm", "password_reset_complete"}


@pytest.fixture
def world(alice):
    """One of everything a viewer might try to change, all in alice's organization."""
    organization, user = alice.organization, alice.user
    request = draft_request(organization=organization, agency=AgencyFactory(records_email="prr@city.example.gov"),
                            user=user)
    document = upload_file(request=request, user=user, name="audit.csv", stream=io.BytesIO(_csv().read())).document
    campaign = campaigns.campaign_create(organization=organization, user=user, title="ALPR audit logs",
                                         item_keys=["org-audit"], date_from=date(2025, 1, 1))
    in_campaign, = campaigns.campaign_add_agencies(campaign=campaign, agencies=[AgencyFactory()], user=user,
                                                   today=TODAY).created
    invitation, _ = invitations.invite_member(organization=organization, invited_by=user, email="pending@example.org",
                                              role=Role.EDITOR, now=alice.created_at)
    return SimpleNamespace(
        request=request,
        item=request.items.first(),
        document=document,
        audit_import=AuditImport.objects.create(request=request, document=document, state="failed"),
        inbound=InboundEmail.objects.create(organization=organization, raw="inbound/x.eml", sha256="0" * 64,
                                            state=InboundEmail.State.UNMATCHED, subject="Records"),
        follow_up=FollowUpLetter.objects.create(request=request, kind=FollowUpLetter.Kind.FOLLOW_UP,
                                                occasion=TODAY, reason="Overdue", text="Please respond."),
        campaign=campaign,
        in_campaign=in_campaign,
        agency_set=agency_set_create(membership=alice, name="Picked", agencies=[request.agency]),
        invitation=invitation,
        viewer=MembershipFactory(organization=organization, role=Role.VIEWER),
        suggestion=ContactSuggestion.objects.create(
            agency=request.agency, organization=organization, field="records_email", value="clerk@city.example.gov",
            evidence="the sender of the reply", received_on=TODAY),
    )


def client_as(world, alice, role: str) -> Client:
    membership = world.viewer if role == Role.VIEWER else MembershipFactory(organization=alice.organization,
                                                                            role=role)
    client = Client()
    client.force_login(membership.user)
    return client


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table of ours, so that any change shows up."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("requests_app.")]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in ours}


def names(patterns, namespace: str = "") -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                found |= names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(namespace + pattern.name)
    return found


@pytest.mark.parametrize("name, args, data, allowed", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_viewers_post_is_refused_and_changes_nothing(world, alice, name, args, data, allowed):
    client = client_as(world, alice, Role.VIEWER)
    before = snapshot()
    response = client.post(reverse(name, args=args(world)), data(world))
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name, args, data, allowed", CHANGES, ids=[c[0] for c in CHANGES])
def test_the_same_post_reaches_the_view_for_the_role_allowed_to_make_it(world, alice, name, args, data, allowed):
    # Shows that the world's objects are found and that the viewer's 403 comes from the role alone.
    response = client_as(world, alice, allowed).post(reverse(name, args=args(world)), data(world))
    assert response.status_code not in (403, 404)


@pytest.mark.parametrize("name, args, data, allowed", [c for c in CHANGES if c[3] == Role.OWNER],
                         ids=[c[0] for c in CHANGES if c[3] == Role.OWNER])
def test_an_editors_post_to_an_owners_endpoint_is_refused(world, alice, name, args, data, allowed):
    client = client_as(world, alice, Role.EDITOR)
    before = snapshot()
    assert client.post(reverse(name, args=args(world)), data(world)).status_code == 403
    assert snapshot() == before


def test_every_url_is_sorted_by_who_may_change_things():
    # The API authenticates with its own tokens and checks roles there (tests/api).
    api = {n for n in names(get_resolver().url_patterns) if n.startswith("api")} - PERSONAL
    sorted_names = {c[0] for c in CHANGES} | READS | PERSONAL | PUBLIC
    assert names(get_resolver().url_patterns) - api - sorted_names == set()
