"""The browser policy, login limits, password reset, session rotation and CSRF on every
state-changing view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, draft_request
from tests.teams.test_roles import CHANGES, snapshot, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PASSWORD = "correct horse battery"
# Rendered to PDF by WeasyPrint, never served to a browser: their styles are their own.
PDF_TEMPLATES = {"auditlogs/report_pdf.html", "documents/communications_log.html"}


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


# Content-Security-Policy ----------------------------------------------------------------------


def pages(alice) -> list[str]:
    request = draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory())
    return [reverse("home"), reverse("request-list"), reverse("request-detail", args=[request.pk]),
            reverse("audit-report", args=[request.pk]), reverse("members"), reverse("agency-list"),
            reverse("law-list"), reverse("api-docs"), "/api/schema/", "/no-such-page/"]


def test_every_kind_of_page_carries_a_strict_policy(alice, alice_client):
    for url in pages(alice) + [reverse("login")]:
        response = alice_client.get(url) if url != reverse("login") else Client().get(url)
        policy = policy_of(response)
        assert policy.get("default-src") == ["'self'"], url
        assert policy.get("script-src") == ["'self'"] and policy.get("style-src") == ["'self'"], url
        assert policy.get("frame-ancestors") == ["'none'"] and policy.get("object-src") == ["'none'"], url


def test_no_page_template_has_inline_script_or_style():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_TEMPLATES:
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", text):
            found.append(name)
    assert found == []


def test_the_api_docs_load_their_start_up_script_from_the_app(client):
    page = client.get(reverse("api-docs")).content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)
    assert not re.search(r"https?://(?!testserver)", " ".join(scripts))


# Login limits -------------------------------------------------------------------------------


@pytest.fixture
def limits(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_the_limit_and_says_so(alice, limits):
    client = Client()
    for _ in range(2):
        assert log_in(client, "alice", "wrong").status_code == 200  # the form again, with its error
    assert "Logging in is paused" in log_in(client, "alice", "wrong").content.decode()  # the third
    locked = log_in(client, "alice", PASSWORD, address="198.51.100.9")  # even right, even from elsewhere
    assert locked.status_code in (403, 429) and "Logging in is paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_stopped(alice, limits):
    client = Client()
    for name in ("bob", "carol", "dave"):
        log_in(client, name, "guess")
    assert "Logging in is paused" in log_in(client, "alice", PASSWORD).content.decode()


def test_an_owner_unlocks_a_locked_member(alice, alice_client, limits):
    member = MembershipFactory(organization=alice.organization, role=Role.EDITOR)
    for _ in range(3):
        log_in(Client(), member.user.username, "wrong", address=f"192.0.2.{_ + 1}")
    page = alice_client.get(reverse("members")).content.decode()
    assert "locked out" in page and reverse("member-unlock", args=[member.pk]) in page
    alice_client.post(reverse("member-unlock", args=[member.pk]))
    assert "locked out" not in alice_client.get(reverse("members")).content.decode()
    assert log_in(Client(), member.user.username, PASSWORD, address="192.0.2.50").status_code == 302


def test_an_editor_cannot_unlock(alice, limits):
    member = MembershipFactory(organization=alice.organization, role=Role.EDITOR)
    editor = Client()
    editor.force_login(member.user)
    assert editor.post(reverse("member-unlock", args=[member.pk])).status_code == 403


def test_a_success_before_the_limit_clears_the_count(alice, limits):
    client = Client()
    log_in(client, "alice", "wrong")
    log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    log_in(client, "alice", "wrong")
    log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302


# Password reset and sessions -----------------------------------------------------------------


def test_a_password_is_reset_by_email_end_to_end(alice):
    client = Client()
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": alice.user.email}, follow=True)
    assert "Check your email" in response.content.decode()
    link = re.search(r"https?://testserver(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a much longer secret 42",
                                                    "new_password2": "a much longer secret 42"}, follow=True)
    assert "Your new password is set" in done.content.decode()
    assert Client().login(username="alice", password="a much longer secret 42")
    assert "no longer works" in Client().get(link, follow=True).content.decode()  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_email(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode() and mail.outbox == []


def test_the_session_key_changes_on_login(alice):
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    assert log_in(client, "alice", PASSWORD).status_code == 302
    assert client.session.session_key != before and client.session["_auth_user_id"] == str(alice.user.pk)


# CSRF on every state-changing view ------------------------------------------------------------


@pytest.mark.parametrize("name, args, data, allowed", CHANGES, ids=[c[0] for c in CHANGES])
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(world, alice, name, args, data,  # noqa: F811
                                                                      allowed):
    member = MembershipFactory(organization=alice.organization, role=allowed) if allowed != Role.OWNER else alice
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    before = snapshot()
    assert client.post(reverse(name, args=args(world)), data(world)).status_code == 403
    assert snapshot() == before


def test_only_the_letter_preview_may_be_framed_and_only_by_the_app(alice, alice_client):
    request = draft_request(organization=alice.organization, user=alice.user, agency=AgencyFactory())
    preview = alice_client.get(reverse("letter-preview", args=[request.pk]))
    assert policy_of(preview)["frame-ancestors"] == ["'self'"] and preview["X-Frame-Options"] == "SAMEORIGIN"
