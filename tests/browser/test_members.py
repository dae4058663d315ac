"""Members in a browser: an invited person joins and works the whole flow; an owner narrows a
member to a viewer, then removes them; a link that can no longer be used says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from requests_app.records.models import RecordsRequest, Status
from requests_app.teams import members
from requests_app.teams.models import Membership, Role
from requests_app.workflow import invitations
from tests.browser.steps import (
    add_to_letter, assert_fits_a_phone, create_campaign, csrf_token, fill_campaign_form,
    finalise_and_record_submission, log_in_from_start, log_out, open_members, tracking_of,
)
from tests.factories import UserFactory, draft_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ORGANIZATION = "Evergreen Surveillance Watch"
NEW_PASSWORD = "lantern quietly orbits 1984"


def _member_row(page: Page, name: str):
    return page.locator("table tbody tr", has=page.get_by_role("cell", name=re.compile(rf"^{re.escape(name)}\b")))


def _invite(page: Page, email: str, role: str = "Editor") -> None:
    """On the Members page, as an owner."""
    invite = page.locator("form[action$='/members/invite/']")
    invite.get_by_label("Email address").fill(email)
    invite.get_by_label("Role", exact=True).select_option(label=role)
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation sent to {email}; the link works for 7 days.")


def _emailed_link(email: str) -> str:
    """The link in the one invitation emailed to ``email`` (the live server shares this process's outbox)."""
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    links = re.findall(r"https?://\S+/invitations/\S+/", sent[0].body)
    assert len(links) == 1, sent[0].body
    return links[0]


def test_an_invited_person_joins_logs_in_again_and_works_the_whole_flow(
    open_page, anonymous_page, owner, agencies, shot, settings, live_server,
):
    settings.SITE_URL = live_server.url  # so the emailed link leads to this server
    organization = owner.organization

    # The owner invites a new person by email from the Members page, then logs out.
    olivia = anonymous_page
    log_in_from_start(olivia, "olivia")
    open_members(olivia)
    shot("members", phone=True)
    _invite(olivia, "sam@example.org")
    pending = olivia.locator("section.card", has=olivia.get_by_role("heading", name="Pending invitations"))
    expect(pending.locator("tbody tr")).to_have_count(1)
    expect(pending.locator("tbody tr")).to_contain_text("sam@example.org")
    expect(pending.locator("tbody tr")).to_contain_text("Editor")
    shot("invited", phone=True)
    assert_fits_a_phone(olivia)
    log_out(olivia, "olivia")
    shot("login", phone=True)
    assert_fits_a_phone(olivia)

    # The invitee opens the emailed link in their own browser and creates an account.
    link = _emailed_link("sam@example.org")
    assert link.startswith(live_server.url)
    sam = open_page()
    sam.goto(link)
    expect(sam.get_by_role("heading", name=f"Join {ORGANIZATION}")).to_be_visible()
    expect(sam.locator("main")).to_contain_text(f"Olivia Reyes invited sam@example.org to join {ORGANIZATION} as editor.")
    account = sam.locator("main form[method=post]")
    expect(account.get_by_label("Email address")).to_have_value("sam@example.org")
    expect(account.get_by_label("Password", exact=True)).to_have_accessible_description(
        re.compile("must contain at least 8 characters"))
    shot("invitation", page=sam, phone=True)
    assert_fits_a_phone(sam)
    account.get_by_label("Username").fill("sam")
    account.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    account.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    account.get_by_role("button", name="Create account and join").click()

    expect(sam).to_have_url(f"{live_server.url}/")  # the organization's dashboard
    expect(sam.get_by_role("status")).to_contain_text(f"Welcome to {ORGANIZATION}.")
    expect(sam.get_by_role("button", name="Log out sam")).to_be_visible()
    expect(sam.get_by_label("Organization")).to_have_value(str(organization.pk))
    shot("joined", page=sam)
    joined = Membership.objects.get(user__username="sam")
    assert (joined.organization_id, joined.role) == (organization.pk, Role.EDITOR)

    # The link worked once: opened again, it says it was used.
    sam.goto(link)
    expect(sam.get_by_role("alert")).to_contain_text(f"This invitation to {ORGANIZATION} was already used.")

    # Later, the new member logs in again with the password they chose and sees themself listed.
    log_out(sam, "sam")
    log_in_from_start(sam, "sam", NEW_PASSWORD)
    open_members(sam)
    expect(_member_row(sam, "sam")).to_contain_text("Editor")
    expect(sam.locator("form[action$='/members/invite/']")).to_have_count(0)  # editors do not manage members

    # As an editor: a three-agency campaign...
    navigation = sam.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Campaigns").click()
    sam.get_by_role("link", name="New campaign").click()
    fill_campaign_form(sam, title="Plate reader audits 2026", agencies=[
        "Seattle Police Department (WA)", "Austin Police Department (TX)", "Oakland Police Department (CA)"])
    expect(sam.get_by_role("combobox", name="Pick agencies")).to_have_accessible_description(
        re.compile("used with “Agencies picked by hand”"))
    shot("campaign-form", page=sam, phone=True)
    create_campaign(sam, title="Plate reader audits 2026", count=3)
    expect(sam.locator(".page-head")).to_contain_text("items: Organization Audit (searches by your users)")
    shot("campaign", page=sam)

    # ...one of its requests opened, its letter edited and saved...
    austin = sam.locator("table tbody tr", has_text="Austin Police Department")
    austin.get_by_role("link").click()
    tracking = tracking_of(sam)
    added = "Please include the audit logs of searches run on behalf of other agencies."
    add_to_letter(sam, added)
    shot("letter", page=sam)

    # ...marked sent...
    finalise_and_record_submission(sam, tracking=tracking, reference="PIR-2026-0107")
    shot("sent", page=sam)

    # ...and seen in the list of requests, sent, in its campaign.
    navigation.get_by_role("link", name="Requests").click()
    row = sam.locator("table.request-table tbody tr", has=sam.get_by_role("link", name=tracking, exact=True))
    expect(row.locator("td[data-label=Status]")).to_have_text("Submitted")
    expect(row.locator("td[data-label=Campaign]")).to_have_text("Plate reader audits 2026")
    expect(row.locator("td[data-label=Agency]")).to_have_text("Austin Police Department")
    shot("list", page=sam, phone=True)

    sent = RecordsRequest.objects.get(tracking=tracking)
    assert (sent.organization_id, sent.status, sent.created_by.username) == (organization.pk, Status.SUBMITTED, "sam")
    assert added in sent.letter_text


def test_an_owner_narrows_a_member_to_viewer_then_removes_them(open_page, anonymous_page, owner, editor, agencies, shot):
    request = draft_request(organization=editor.organization, agency=agencies["Austin"], user=editor.user,
                            today=timezone.localdate())
    erin = open_page()
    log_in_from_start(erin, "erin")
    erin.goto("/requests/")
    expect(erin.get_by_role("group", name="With the selected requests")).to_be_visible()  # an editor's tools

    # The owner makes the editor a viewer.
    olivia = anonymous_page
    log_in_from_start(olivia, "olivia")
    open_members(olivia)
    olivia.get_by_label("Role of Erin Park").select_option(label="Viewer")
    _member_row(olivia, "Erin Park").get_by_role("button", name="Change role").click()
    expect(olivia.get_by_role("status")).to_contain_text("Erin Park is now viewer.")
    expect(olivia.get_by_label("Role of Erin Park")).to_have_value(Role.VIEWER)
    shot("viewer", phone=True)
    assert_fits_a_phone(olivia)

    # The viewer's next page shows no change controls: no bulk actions, no new request or campaign.
    erin.reload()
    expect(erin.locator("table.request-table tbody tr")).to_have_count(1)
    expect(erin.get_by_role("group", name="With the selected requests")).to_have_count(0)
    expect(erin.locator("form.bulk-form, input[name=ids]")).to_have_count(0)
    expect(erin.get_by_role("link", name="New request")).to_have_count(0)
    expect(erin.get_by_role("link", name="New campaign")).to_have_count(0)
    shot("viewer-list", page=erin)

    # On the request: no letter editing, finalising or uploading; only the viewer's own reminder and watch.
    erin.get_by_role("link", name=request.tracking).click()
    expect(erin.get_by_role("heading", name=re.compile(re.escape(request.tracking)), level=1)).to_be_visible()
    expect(erin.get_by_text("Edit the letter text")).to_have_count(0)
    expect(erin.get_by_label("Letter text")).to_have_count(0)
    for name in ("Save text", "Finalise letter (make PDF)", "Upload", "Record submission"):
        expect(erin.get_by_role("button", name=name, exact=True)).to_have_count(0)
    actions = erin.locator("main form[method=post]").evaluate_all("forms => forms.map(f => f.action)")
    assert all(re.search(r"/(remind|watch)/$", action) for action in actions), actions
    shot("viewer-request", page=erin)

    # Sending a change anyway is refused, and nothing changes.
    token = csrf_token(erin)
    refused = erin.request.post(f"/requests/{request.pk}/letter/",
                                form={"csrfmiddlewaretoken": token, "letter_text": "Replaced by a viewer."})
    assert refused.status == 403, refused.status
    bulk = erin.request.post("/requests/bulk/", form={"csrfmiddlewaretoken": token, "ids": str(request.pk),
                                                      "action": "tag", "tag": "by-a-viewer"})
    assert bulk.status == 403, bulk.status
    request.refresh_from_db()
    assert "Replaced by a viewer." not in request.letter_text and not request.letter_edited
    assert not request.tags.exists()

    # The owner removes the member.
    _member_row(olivia, "Erin Park").get_by_role("button", name="Remove Erin Park").click()
    expect(olivia.get_by_role("status")).to_contain_text(f"Erin Park was removed from {ORGANIZATION}.")
    expect(_member_row(olivia, "Erin Park")).to_have_count(0)
    shot("removed")
    assert not Membership.objects.filter(user=editor.user).exists()

    # The removed user, still logged in, sees none of the organization's requests any more.
    for path in ("/requests/", f"/requests/{request.pk}/"):
        erin.goto(path)
        expect(erin).to_have_url(re.compile(r"/organizations/new/$"))
        expect(erin.locator("main")).not_to_contain_text(request.tracking)
        expect(erin.locator("main")).not_to_contain_text(ORGANIZATION)
    shot("removed-user", page=erin)


def _link(owner, *, email: str, days_ago: int = 0) -> str:
    _, token = invitations.invite_member(organization=owner.organization, invited_by=owner.user, email=email,
                                         role=Role.EDITOR, now=timezone.now() - timedelta(days=days_ago))
    return f"/invitations/{token}/"


def test_an_expired_or_used_link_says_so_plainly(anonymous_page, owner, shot):
    expired = _link(owner, email="late@example.org", days_ago=8)
    used = _link(owner, email="quick@example.org")
    members.accept_invitation(token=used.split("/")[2], user=UserFactory(username="quick"), now=timezone.now())
    page = anonymous_page

    response = page.goto(expired)
    assert response.status == 410
    expect(page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(
        f"This invitation to {ORGANIZATION} expired on ")
    expect(page.get_by_role("alert")).to_contain_text(f"Ask an owner of {ORGANIZATION} for a new one.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # a way on for someone who has an account
    expect(page.get_by_role("button", name="Create account and join")).to_have_count(0)
    shot("expired", phone=True)
    assert_fits_a_phone(page)

    response = page.goto(used)
    assert response.status == 410
    expect(page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(f"This invitation to {ORGANIZATION} was already used.")
    shot("used")
