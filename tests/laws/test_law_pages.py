"""The law pages: every fact with its section, status and sources, and correction notes
to the organization's owners.

The law data is being researched while these tests run, so they set the facts they look
for on the loaded rows rather than rely on what a data file holds today.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.laws.models import Jurisdiction, LawFact, PublicRecordsLaw, StatutoryDeadline
from requests_app.laws.services import residency_warning
from requests_app.outbox.models import Email, State
from requests_app.outbox.services import INTERRUPTED, email_claim, email_deliver, email_sweep
from requests_app.outbox.tasks import deliver_email
from requests_app.teams.law_notes import NO_OWNER_EMAIL
from requests_app.teams.models import LawCorrectionNote, Membership, Role
from requests_app.workflow import law_notes
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

READ = date(2026, 12, 6)
STATUTE = {"id": "cal-gov-7922", "kind": "statute", "title": "Cal. Gov't Code § 7922.535",
           "url": "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?sectionNum=7922.535",
           "read_on": READ.isoformat(), "note": ""}
HOSTILE = '<script>alert("x")</script>'


def _law(code: str) -> PublicRecordsLaw:
    return PublicRecordsLaw.objects.select_related("jurisdiction").get(jurisdiction__code=code)


def _text(response) -> str:
    """The page's main content as a reader sees it: no tags (a block ends a word, an inline
    element does not), entities decoded, spaces collapsed."""
    main = re.search(r"<main\b[^>]*>(.*)</main>", response.content.decode(), re.S)[1]
    inline = re.sub(r"</?(span|a|strong|em)\b[^>]*>", "", main)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def _page(client: Client, code: str = "CA"):
    return client.get(reverse("law-detail", args=[code]))


@pytest.fixture
def california() -> PublicRecordsLaw:
    """California's law with a response deadline verified against the statute."""
    law = _law("CA")
    law.sources = [*law.sources, STATUTE]
    law.save(update_fields=["sources"])
    StatutoryDeadline.objects.filter(law=law, kind="response").update(
        status="verified", verified_on=READ, section="Cal. Gov't Code § 7922.535(a)", sources=[STATUTE])
    return law


@pytest.fixture
def viewer(alice):
    return MembershipFactory(organization=alice.organization, role=Role.VIEWER, user=UserFactory(username="vera"))


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer.user)
    return client


# The list ------------------------------------------------------------------------------


def test_the_law_list_shows_all_52_jurisdictions_in_few_queries(alice_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = alice_client.get(reverse("law-list"))
    assert len(response.context["laws"]) == 52
    assert "5 U.S.C. § 552" in response.content.decode()


def test_the_law_list_shows_each_laws_status_with_a_legend(alice_client):
    PublicRecordsLaw.objects.filter(jurisdiction__code="CA").update(status="verified", reviewed_on=READ)
    text = _text(alice_client.get(reverse("law-list")))
    assert "Status: Verified the act, the response deadline" in text
    assert "Verified reviewed 6 December 2026" in text
    assert "Unverified" in text and "confidence" not in text.lower()


# The page: status, sections, sources ----------------------------------------------------


def test_the_page_shows_the_laws_status_and_review_date_at_the_top(alice_client, california):
    PublicRecordsLaw.objects.filter(pk=california.pk).update(status="verified", reviewed_on=READ)
    text = _text(_page(alice_client))
    assert text.index("Verified reviewed 6 December 2026") < text.index("Deadlines")


def test_an_unverified_law_says_so_at_the_top(alice_client, california):
    PublicRecordsLaw.objects.filter(pk=california.pk).update(status="unverified", reviewed_on=None)
    text = _text(_page(alice_client))
    assert "Unverified not yet reviewed" in text
    assert "check each fact below against its sources before citing it" in text


def test_a_verified_deadline_shows_its_section_and_what_it_was_checked_against(alice_client, california):
    text = _text(_page(alice_client))
    assert "Cal. Gov't Code § 7922.535(a)" in text
    assert "Verified against the statute, read 6 December 2026" in text


def test_an_unverified_fact_is_marked_as_such(alice_client, california):
    LawFact.objects.filter(law=california, key="fees.copies").update(status="unverified", text="Ten cents a page.")
    text = _text(_page(alice_client))
    fees = text[text.index("Ten cents a page."):]
    assert fees.index("Unverified: check before relying on it.") < fees.index("Fees: electronic records")


def test_every_deadline_and_fact_is_listed_with_its_section(alice_client, california):
    text = _text(_page(alice_client))
    rows = [*california.deadlines.all(), *california.facts.all()]
    assert [r.section for r in rows if r.section and r.section not in text] == []
    assert [f.label for f in california.facts.all() if f.label not in text] == []


def test_a_facts_sources_link_to_the_source_and_to_the_list_at_the_foot(alice_client, california):
    body = _page(alice_client).content.decode()
    link = f'<a href="{html.escape(STATUTE["url"])}" rel="noopener noreferrer nofollow">{html.escape(STATUTE["title"])}</a>'
    assert link in body
    assert 'href="#source-cal-gov-7922"' in body and 'id="source-cal-gov-7922"' in body
    assert "statute · read 6 December 2026" in _text(_page(alice_client))


def test_every_source_of_the_law_has_an_anchor_at_the_foot(alice_client, california):
    body = _page(alice_client).content.decode()
    anchors = re.findall(r'<li id="source-([^"]+)"', body)
    assert len(anchors) == len(california.sources) == len(set(anchors))


def test_the_holidays_of_each_year_are_listed_by_date(alice_client, california):
    LawFact.objects.filter(law=california, key="holidays.2026").update(
        text="2026-01-01 New Year's Day; 2026-07-03 Independence Day (observed)")
    text = _text(_page(alice_client))
    assert "Offices closed in 2026" in text
    assert "Fri 3 Jul Independence Day (observed)" in text


def test_counting_rules_and_the_calendar_notes_are_shown(alice_client, california):
    PublicRecordsLaw.objects.filter(pk=california.pk).update(
        local_calendar_note="A city may keep its own calendar.", receipt_note="A Saturday request counts from Monday.")
    LawFact.objects.create(law=california, position=900, key="counting.9", topic="counting", label="Counting the days",
                           text="Email arrives the next business day.", section="MCL 15.235(1)")
    text = _text(_page(alice_client))
    assert "Email arrives the next business day. Section MCL 15.235(1)" in text
    assert "Local calendars: A city may keep its own calendar." in text
    assert "Requests received on a closed day: A Saturday request counts from Monday." in text


def test_the_residency_rule_shows_its_exceptions_and_the_letters_statement(alice_client):
    PublicRecordsLaw.objects.filter(jurisdiction__code="VA").update(
        residency_limit="yes", residency_exceptions=["newspapers circulating in the Commonwealth"],
        residency_statement="{signer} is a citizen of {state}.")
    text = _text(_page(alice_client, "VA"))
    assert "Residents only." in text
    assert "Also entitled to request: newspapers circulating in the Commonwealth" in text
    statement = "Citizen: “[name of the person signing] is a citizen of Virginia."
    assert f"What a letter states for its signer: {statement}" in text


def test_the_page_takes_a_fixed_number_of_queries(alice, alice_client, california, django_assert_max_num_queries):
    for n in range(5):
        law_notes.law_note_create(organization=alice.organization, author=UserFactory(), law=california,
                                  fact_key="general", text=f"note {n}", now=timezone.now())
    # Session, user, membership, jurisdiction with its law, deadlines, facts, notes.
    with django_assert_max_num_queries(8):
        assert _page(alice_client).status_code == 200


def test_a_local_jurisdiction_shows_its_states_law(alice_client):
    Jurisdiction.objects.create(code="TX-TRAVIS", name="Travis County", kind="local",
                                parent=Jurisdiction.objects.get(code="TX"))
    response = _page(alice_client, "tx-travis")
    assert response.status_code == 200 and response.context["law"] == _law("TX")
    assert "Travis County is a local jurisdiction: Texas's law applies." in _text(response)


def test_an_unknown_jurisdiction_is_404(alice_client):
    assert _page(alice_client, "ZZ").status_code == 404


def test_a_jurisdiction_without_a_law_is_404(alice_client):
    Jurisdiction.objects.create(code="ZZ", name="Nowhere", kind="state")
    assert _page(alice_client, "ZZ").status_code == 404


# Correction notes ------------------------------------------------------------------------


def _send_note(client: Client, code: str = "CA", **fields):
    data = {"fact_key": "fees.copies", "text": "The fee is 10 cents a page, not 25.",
            "source_url": "https://example.gov/fees", **fields}
    return client.post(reverse("law-detail", args=[code]), data)


def test_a_viewer_can_send_a_correction_note(viewer_client, viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send_note(viewer_client)
    assert response.status_code == 302 and response["Location"] == "/laws/CA/"
    note = LawCorrectionNote.objects.get()
    assert (note.organization, note.author, note.law, note.fact_key) == (
        viewer.organization, viewer.user, _law("CA"), "fees.copies")
    assert note.source_url == "https://example.gov/fees"


def test_the_note_is_emailed_to_the_owners_only(alice, viewer_client, django_capture_on_commit_callbacks):
    MembershipFactory(organization=alice.organization, role=Role.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        _send_note(viewer_client)
    [message] = mail.outbox
    assert message.to == [alice.user.email] and message.reply_to == ["vera@example.org"]
    assert "Fees: copies" in message.body and "10 cents a page, not 25" in message.body
    assert "https://example.gov/fees" in message.body and "/laws/CA/#notes" in message.body
    email = Email.objects.get()
    assert (email.kind, email.target_id, email.state) == ("law_note", LawCorrectionNote.objects.get().pk, State.SENT)


def test_the_page_confirms_and_lists_the_note(viewer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send_note(viewer_client)
    text = _text(viewer_client.get(response["Location"]))
    assert "your note on “Fees: copies” goes to the owners of Washington Watch by email" in text
    assert "Fees: copies · vera" in text and "emailed to the owners" in text


def _note(alice) -> Email:
    """A note stored outside any commit: its delivery is never enqueued, as if the broker were down."""
    note = law_notes.law_note_create(organization=alice.organization, author=alice.user, law=_law("CA"),
                                     fact_key="general", text="Check the act's name.", now=timezone.now())
    return Email.objects.get(kind=law_notes.LAW_NOTE, target_id=note.pk)


def test_a_note_is_emailed_once_even_if_the_task_runs_twice(alice):
    email = _note(alice)
    deliver_email(email.pk)
    deliver_email(email.pk)
    assert len(mail.outbox) == 1


def test_a_note_is_emailed_once_under_two_workers(alice):
    email = _note(alice)
    assert email_claim(email.pk)  # the first worker wins the claim...
    email_deliver(email.pk)  # ...so the second, arriving before it has sent, leaves it alone
    assert mail.outbox == [] and Email.objects.get().state == State.SENDING


def test_a_note_no_owner_can_be_emailed_about_is_failed_with_the_reason(alice, viewer_client):
    Membership.objects.filter(role=Role.OWNER).update(role=Role.EDITOR)
    email = _note(alice)
    email_deliver(email.pk)
    email.refresh_from_db()
    assert (email.state, email.error) == (State.FAILED, NO_OWNER_EMAIL) and not mail.outbox
    assert "could not be emailed to the owners" in _text(_page(viewer_client))


def test_the_sweep_re_enqueues_a_note_left_unclaimed(alice):
    email = _note(alice)
    assert email_sweep(now=email.created_at + timedelta(minutes=4))["requeued"] == 0
    assert email_sweep(now=email.created_at + timedelta(minutes=6))["requeued"] == 1
    assert len(mail.outbox) == 1 and "Check the act's name." in mail.outbox[0].body


def test_the_sweep_marks_a_send_cut_short_and_does_not_resend_it(alice, viewer_client):
    email = _note(alice)
    assert email_claim(email.pk, now=email.created_at)  # a worker claimed it, then died
    assert email_sweep(now=email.created_at + timedelta(minutes=16))["interrupted"] == 1
    email.refresh_from_db()
    assert (email.state, email.error) == (State.FAILED, INTERRUPTED) and not mail.outbox
    assert "could not be emailed to the owners" in _text(_page(viewer_client))


def test_another_organization_never_sees_the_notes(alice, bob_client):
    law_notes.law_note_create(organization=alice.organization, author=alice.user, law=_law("CA"),
                              fact_key="general", text="Alice's private note", now=timezone.now())
    response = _page(bob_client)
    assert response.context["notes"] == [] and "Alice's private note" not in response.content.decode()


def test_hostile_text_in_a_note_is_escaped(viewer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send_note(viewer_client, text=HOSTILE)
    body = _page(viewer_client).content.decode()
    assert HOSTILE not in body and html.escape(HOSTILE) in body


def test_a_note_about_an_unknown_fact_is_refused(viewer_client):
    response = _send_note(viewer_client, fact_key="fees.nonsense")
    assert response.status_code == 200 and not LawCorrectionNote.objects.exists()
    assert "Select a valid choice" in response.content.decode()


def test_a_note_needs_the_csrf_token(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer.user)
    assert _send_note(client).status_code == 403 and not LawCorrectionNote.objects.exists()


# Residency warnings: a residents-only law always warns, since its letter states that the
# signer qualifies; a disputed one only warns a requester from elsewhere. ------------------


def test_no_residency_warning_where_anyone_may_request():
    assert residency_warning(law=_law("CA"), requester_state="TX") is None


def test_a_residents_only_law_warns_a_resident_too():
    warning = residency_warning(law=_law("VA"), requester_state="VA")
    assert "The letter states that its signer qualifies" in warning
    assert "based in" not in warning


def test_a_residency_warning_names_the_requesters_state():
    warning = residency_warning(law=_law("VA"), requester_state="MD")
    assert "limits requests to residents of Virginia" in warning
    assert "based in MD" in warning


def test_an_unknown_home_state_asks_for_one():
    assert "Set your organization's home state" in residency_warning(law=_law("AR"), requester_state=None)


def test_a_disputed_rule_warns_only_a_requester_from_elsewhere(alice_client):
    PublicRecordsLaw.objects.filter(jurisdiction__code="DE").update(residency_limit="disputed")
    assert residency_warning(law=_law("DE"), requester_state="DE") is None
    assert "is disputed" in _text(_page(alice_client, "DE"))
