from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone as tz

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.outbox.models import Email, State
from requests_app.outbox.services import email_claim, email_sweep
from requests_app.teams import members
from requests_app.teams.models import Invitation, Membership, Role, User
from requests_app.workflow import invitations
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=tz.utc)


def client_for(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def invite(alice, email="carol@example.org", role=Role.EDITOR, now=None) -> tuple[Invitation, str]:
    return invitations.invite_member(organization=alice.organization, invited_by=alice.user, email=email, role=role,
                                     now=now or timezone.now())


def accept_url(token: str) -> str:
    return reverse("invitation-accept", args=[token])


@pytest.fixture
def editor(alice):
    return MembershipFactory(organization=alice.organization, role=Role.EDITOR, user=UserFactory(username="eddie"))


@pytest.fixture
def viewer(alice):
    return MembershipFactory(organization=alice.organization, role=Role.VIEWER, user=UserFactory(username="vera"))


# Inviting -----------------------------------------------------------------------------


def test_it_emails_one_working_link(alice_client, alice, settings):
    settings.SITE_URL = "https://records.example.org"
    response = alice_client.post(reverse("member-invite"), {"email": "carol@example.org", "role": "editor"})
    assert response.url == reverse("members")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.org"]
    assert "Washington Watch" in message.subject
    link = re.search(r"https://records\.example\.org(/invitations/[\w-]+/)", message.body).group(1)
    page = Client().get(link)
    assert page.status_code == 200
    assert "Join Washington Watch" in page.content.decode()
    assert "<strong>editor</strong>" in page.content.decode()


def test_the_email_shows_names_as_written(alice):
    alice.organization.name = "Police & Public <Watch>"
    alice.organization.save()
    invite(alice)
    assert mail.outbox[0].subject == "alice invited you to join Police & Public <Watch> on recordsreq"
    assert "join Police & Public <Watch> on recordsreq" in mail.outbox[0].body


def test_it_stores_only_the_hash_of_the_token(alice):
    invitation, token = invite(alice)
    assert len(token) >= 43  # 32 random bytes
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert not any(token in str(value) for value in stored.values())


def test_it_expires_invitations_after_seven_days(alice):
    invitation, _ = invite(alice, now=NOW)
    assert invitation.expires_at == NOW + timedelta(days=7)


def test_reinviting_an_address_withdraws_the_older_link(alice):
    first, old_token = invite(alice, email="carol@example.org", role=Role.VIEWER)
    second, new_token = invite(alice, email="Carol@example.org", role=Role.EDITOR)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    with pytest.raises(members.InvitationRefused, match="was withdrawn"):
        members.accept_invitation(token=old_token, user=UserFactory(), now=timezone.now())


def test_inviting_an_existing_member_is_refused_with_a_message(alice_client, alice, editor):
    response = alice_client.post(reverse("member-invite"), {"email": editor.user.email.upper(), "role": "owner"},
                                 follow=True)
    assert "is already a member of Washington Watch" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invitation_the_mail_server_refuses_is_not_kept(alice_client, settings):
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    response = alice_client.post(reverse("member-invite"), {"email": "refuse@example.org", "role": "viewer"},
                                 follow=True)
    assert "could not be sent" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_goes_through_the_outbox(alice):
    invitation, _ = invite(alice)
    email = Email.objects.get()
    assert (email.kind, email.target_id, email.to, email.state) == ("invitation", invitation.pk,
                                                                     ["carol@example.org"], State.SENT)
    assert email.requested_by == alice.user and mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_a_refused_invitation_is_removed_and_the_earlier_link_still_works(alice, settings):
    first, token = invite(alice, email="refuse@example.org")
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    with pytest.raises(members.MemberChangeRefused, match="could not be sent .*nobody was invited"):
        invite(alice, email="refuse@example.org")
    assert list(Invitation.objects.all()) == [first]
    assert members.accept_invitation(token=token, user=UserFactory(), now=timezone.now()).role == Role.EDITOR


def _stored_emails() -> str:
    return repr(list(Email.objects.values()))


def test_the_raw_token_is_not_kept_once_the_invitation_is_sent(alice):
    _, token = invite(alice)
    assert token not in _stored_emails() and "/invitations/" not in _stored_emails()
    assert Email.objects.get().body == invitations.FORGOTTEN_LINK


def test_the_raw_token_is_not_kept_once_the_invitation_is_refused(alice, settings):
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    with pytest.raises(members.MemberChangeRefused):
        invite(alice, email="refuse@example.org")
    assert Email.objects.get().state == State.FAILED and "/invitations/" not in _stored_emails()


def _stored_not_delivered(alice) -> tuple[Invitation, str, Email]:
    """As when the owner's request died between storing the invitation and delivering it."""
    return invitations._store(organization=alice.organization, invited_by=alice.user, email="carol@example.org",
                              role=Role.EDITOR, now=timezone.now())


def test_no_worker_is_woken_for_an_invitation_its_request_delivers(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _stored_not_delivered(alice)
    assert callbacks == []


def test_the_sweep_delivers_an_invitation_its_request_left_queued(alice):
    _, token, email = _stored_not_delivered(alice)
    email_sweep(now=email.created_at + timedelta(minutes=6))
    assert token in mail.outbox[0].body and token not in _stored_emails()


def test_an_invitation_cut_short_is_kept_and_its_link_forgotten(alice):
    invitation, token, email = _stored_not_delivered(alice)
    assert email_claim(email.pk, now=email.created_at)  # a worker claimed it, then died
    email_sweep(now=email.created_at + timedelta(minutes=16))
    assert Email.objects.get().state == State.FAILED and token not in _stored_emails()
    assert Invitation.objects.get() == invitation  # the link may have gone: the owner may withdraw it


def test_an_owner_withdraws_a_pending_invitation(alice_client, alice):
    invitation, token = invite(alice)
    alice_client.post(reverse("invitation-revoke", args=[invitation.pk]))
    response = Client().get(accept_url(token))
    assert response.status_code == 410
    assert "was withdrawn" in response.content.decode()


# Accepting ----------------------------------------------------------------------------


def test_an_existing_user_accepts_with_a_button(alice):
    _, token = invite(alice, email="dana@example.org", role=Role.EDITOR)
    dana = MembershipFactory(user=UserFactory(username="dana", email="dana@example.org"))
    client = client_for(dana)
    assert "Accept and join Washington Watch" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.url == reverse("home")
    assert Membership.objects.get(user=dana.user, organization=alice.organization).role == Role.EDITOR
    assert client.get(reverse("home")).context["current_organization"] == alice.organization
    invitation = Invitation.objects.get()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (dana.user, True)


def test_the_page_says_whose_invitation_it_is_when_the_addresses_differ(alice):
    _, token = invite(alice, email="carol@example.org")
    other = MembershipFactory(user=UserFactory(username="frank"))
    body = client_for(other).get(accept_url(token)).content.decode()
    assert "This invitation was sent to carol@example.org. You are logged in as frank" in body


def test_a_new_user_signs_up_and_joins_in_one_step(alice):
    _, token = invite(alice, email="carol@example.org", role=Role.VIEWER)
    client = Client()
    page = client.get(accept_url(token))
    assert page.context["form"]["email"].value() == "carol@example.org"
    response = client.post(accept_url(token), {"username": "carol", "email": "carol@example.org",
                                               "password1": "a long passphrase 42",
                                               "password2": "a long passphrase 42"})
    assert response.url == reverse("home")
    carol = User.objects.get(username="carol")
    assert Membership.objects.get(user=carol).role == Role.VIEWER
    assert client.get(reverse("home")).context["current_organization"] == alice.organization


def test_the_sign_up_fields_are_described_by_their_help(alice):
    _, token = invite(alice)
    body = Client().get(accept_url(token)).content.decode()
    described = set(re.findall(r'aria-describedby="([^"]+)"', body))
    assert {"id_username_helptext", "id_password1_helptext", "id_password2_helptext"} <= described
    for ref in described:
        assert f'id="{ref}"' in body, ref
    assert '<div class="help" id="id_password1_helptext"><ul><li>' in body  # the rules, as a list


def test_a_sign_up_with_an_email_already_in_use_asks_to_log_in(alice, bob):
    _, token = invite(alice, email=bob.user.email)
    response = Client().post(accept_url(token), {"username": "bob2", "email": bob.user.email,
                                                 "password1": "a long passphrase 42",
                                                 "password2": "a long passphrase 42"})
    assert response.status_code == 200
    assert "log in to accept instead" in response.content.decode()
    assert not User.objects.filter(username="bob2").exists()


def refused_expired(alice):
    _, token = invite(alice, now=timezone.now() - timedelta(days=8))
    return token


def refused_revoked(alice):
    invitation, token = invite(alice)
    members.revoke_invitation(organization=alice.organization, by=alice.user, invitation=invitation,
                              now=timezone.now())
    return token


def refused_used(alice):
    _, token = invite(alice)
    members.accept_invitation(token=token, user=UserFactory(), now=timezone.now())
    return token


@pytest.mark.parametrize("make, message", [
    (refused_expired, "expired on"),
    (refused_revoked, "was withdrawn"),
    (refused_used, "was already used"),
])
def test_unusable_links_are_refused_with_a_clear_message(alice, make, message):
    token = make(alice)
    with pytest.raises(members.InvitationRefused, match=message):
        members.accept_invitation(token=token, user=UserFactory(), now=timezone.now())
    response = Client().get(accept_url(token))
    assert response.status_code == 410
    assert message in response.content.decode()


def test_a_refused_link_creates_no_account(alice):
    token = refused_expired(alice)
    response = Client().post(accept_url(token), {"username": "mallory", "email": "m@example.org",
                                                 "password1": "a long passphrase 42",
                                                 "password2": "a long passphrase 42"})
    assert response.status_code == 410
    assert not User.objects.filter(username="mallory").exists()


def test_an_unknown_link_is_not_found(client):
    response = client.get(accept_url("not-a-real-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_a_member_cannot_accept_into_their_own_organization_again(alice, editor):
    _, token = invite(alice, email="new@example.org", role=Role.OWNER)
    with pytest.raises(members.InvitationRefused, match="already a member"):
        members.accept_invitation(token=token, user=editor.user, now=timezone.now())
    assert Membership.objects.get(pk=editor.pk).role == Role.EDITOR


# Roles and removal --------------------------------------------------------------------


def test_an_owner_changes_a_role(alice_client, editor):
    alice_client.post(reverse("member-role", args=[editor.pk]), {"role": "viewer"})
    assert Membership.objects.get(pk=editor.pk).role == Role.VIEWER


def test_an_owner_removes_a_member(alice_client, editor):
    alice_client.post(reverse("member-remove", args=[editor.pk]))
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_a_removed_member_is_told_why_the_organization_is_gone(alice_client, editor):
    from django.test import Client

    client = Client()
    client.force_login(editor.user)
    assert client.get(reverse("request-list")).status_code == 200  # working in alice's organization
    alice_client.post(reverse("member-remove", args=[editor.pk]))
    page = client.get(reverse("request-list"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("organization-create")
    assert "no longer a member of the organization you were working in" in page.content.decode()
    again = client.get(reverse("request-list"), follow=True)  # said once, not on every page
    assert "no longer a member" not in again.content.decode()


def test_the_last_owner_cannot_be_demoted(alice_client, alice):
    response = alice_client.post(reverse("member-role", args=[alice.pk]), {"role": "editor"}, follow=True)
    assert "alice is the only owner of Washington Watch" in response.content.decode()
    assert Membership.objects.get(pk=alice.pk).role == Role.OWNER


def test_the_last_owner_cannot_be_removed(alice):
    with pytest.raises(members.MemberChangeRefused, match="only owner"):
        members.remove_member(organization=alice.organization, by=alice.user, membership=alice)
    assert Membership.objects.filter(pk=alice.pk).exists()


def test_an_owner_may_step_down_once_there_is_another_owner(alice, editor):
    members.change_role(organization=alice.organization, by=alice.user, membership=editor, role=Role.OWNER)
    members.change_role(organization=alice.organization, by=alice.user, membership=alice, role=Role.VIEWER)
    assert Membership.objects.get(pk=alice.pk).role == Role.VIEWER


@pytest.mark.parametrize("name, args, data", [
    ("member-invite", lambda m: [], {"email": "x@example.org", "role": "owner"}),
    ("member-role", lambda m: [m.pk], {"role": "owner"}),
    ("member-remove", lambda m: [m.pk], {}),
    ("letterhead", lambda m: [], {"name": "Renamed"}),
])
def test_an_editor_cannot_manage_members_or_the_letterhead(alice, editor, viewer, name, args, data):
    response = client_for(editor).post(reverse(name, args=args(viewer)), data)
    assert response.status_code == 403
    assert Membership.objects.get(pk=viewer.pk).role == Role.VIEWER
    assert not Invitation.objects.exists()
    alice.organization.refresh_from_db()
    assert alice.organization.name == "Washington Watch"


def test_an_editor_cannot_withdraw_an_invitation(alice, editor):
    invitation, _ = invite(alice)
    assert client_for(editor).post(reverse("invitation-revoke", args=[invitation.pk])).status_code == 403
    assert Invitation.objects.get().revoked_at is None


def test_the_services_refuse_anyone_but_an_owner(alice, editor, viewer):
    organization = alice.organization
    with pytest.raises(PermissionDenied):
        invitations.invite_member(organization=organization, invited_by=editor.user, email="x@example.org",
                                  role=Role.VIEWER, now=NOW)
    with pytest.raises(PermissionDenied):
        members.change_role(organization=organization, by=editor.user, membership=viewer, role=Role.OWNER)
    with pytest.raises(PermissionDenied):
        members.remove_member(organization=organization, by=editor.user, membership=viewer)


def test_another_organizations_member_or_invitation_is_not_found(alice_client, bob):
    foreign, _ = invitations.invite_member(organization=bob.organization, invited_by=bob.user, email="z@example.org",
                                           role=Role.VIEWER, now=timezone.now())
    assert alice_client.post(reverse("member-role", args=[bob.pk]), {"role": "viewer"}).status_code == 404
    assert alice_client.post(reverse("member-remove", args=[bob.pk])).status_code == 404
    assert alice_client.post(reverse("invitation-revoke", args=[foreign.pk])).status_code == 404
    assert Membership.objects.get(pk=bob.pk).role == Role.OWNER


def test_the_services_refuse_a_membership_of_another_organization(alice, bob):
    with pytest.raises(PermissionDenied):
        members.remove_member(organization=alice.organization, by=alice.user, membership=bob)


# The members page ---------------------------------------------------------------------


def test_a_viewer_sees_the_list_without_any_form(alice, viewer):
    response = client_for(viewer).get(reverse("members"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "alice" in body and "vera" in body
    assert "<form" not in body.split('<main id="main"')[1]
    assert "invitations" not in response.context


def test_an_owner_sees_the_invite_form_roles_and_pending_invitations(alice_client, alice, viewer):
    invite(alice, email="pending@example.org")
    body = alice_client.get(reverse("members")).content.decode()
    assert '<label for="id_email">Email address</label>' in body
    assert '<label for="id_role">Role</label>' in body
    assert '<label for="role-%d" class="visually-hidden">Role of vera</label>' % viewer.pk in body
    assert reverse("member-remove", args=[viewer.pk]) in body
    assert "pending@example.org" in body


def test_the_members_page_makes_the_same_queries_for_more_members(alice_client, alice):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(reverse("members")).status_code == 200
        return len(captured.captured_queries)

    invite(alice, email="one@example.org")
    few = queries()
    MembershipFactory.create_batch(5, organization=alice.organization, role=Role.EDITOR)
    invite(alice, email="two@example.org")
    assert queries() == few


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_invitation_is_emailed_with_no_transaction_open(alice_client, settings):
    from tests.deadlines.test_reminder_emails import InTransaction

    settings.EMAIL_BACKEND = "tests.deadlines.test_reminder_emails.InTransaction"
    InTransaction.atomic = []
    alice_client.post(reverse("member-invite"), {"email": "new@example.org", "role": "viewer"})
    assert InTransaction.atomic == [False] and Invitation.objects.filter(email="new@example.org").count() == 1


def test_a_refused_invitation_leaves_the_earlier_link_working(alice, alice_client, settings):
    first, token = invite(alice, email="refuse-later@example.org")  # sent before the mailbox filled up
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    alice_client.post(reverse("member-invite"), {"email": first.email, "role": "viewer"}, follow=True)
    first.refresh_from_db()
    assert first.revoked_at is None and Invitation.objects.count() == 1
