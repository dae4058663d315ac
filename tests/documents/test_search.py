from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from requests_app.correspondence.services import Message
from requests_app.documents.search import search
from requests_app.workflow.replies import communication_log
from tests.documents.test_extraction import upload
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(alice, bob, django_capture_on_commit_callbacks):
    mine = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    theirs = draft_request(organization=bob.organization, agency=AgencyFactory(), user=bob.user)
    upload(mine, "network-audit.csv", b"org,reason\nOkaloosa County FL SO,ICE detainer\nBend PD,burglary\n",
           django_capture_on_commit_callbacks)
    upload(theirs, "secret.csv", b"org,reason\nOther PD,ICE detainer\nX,y\n", django_capture_on_commit_callbacks)
    communication_log(request=mine, user=alice.user, message=Message(
        direction="from_agency", channel="email", occurred_on=date(2026, 11, 24), subject="Fee estimate",
        body="The audit logs will cost $125 to redact."))
    return mine


def test_it_finds_words_in_documents_and_communications(filed, alice):
    hits = search(organization=alice.organization, query="detainer")
    assert [h.title for h in hits] == ["network-audit.csv"] and "ICE detainer" in hits[0].snippet
    hits = search(organization=alice.organization, query="audit logs redact")
    assert [h.kind for h in hits] == ["communication"]


def test_another_organizations_documents_are_never_found(filed, bob, alice):
    assert [h.title for h in search(organization=bob.organization, query="detainer")] == ["secret.csv"]
    assert all(h.title != "secret.csv" for h in search(organization=alice.organization, query="detainer"))


def test_the_search_page_escapes_and_scopes(filed, alice_client, bob_client):
    body = alice_client.get(reverse("search"), {"q": "detainer"}).content.decode()
    assert "network-audit.csv" in body and "secret.csv" not in body
    assert "secret.csv" in bob_client.get(reverse("search"), {"q": "detainer"}).content.decode()
    assert alice_client.get(reverse("search"), {"q": "<script>"}).status_code == 200


def test_the_header_search_box_holds_only_a_document_search(alice_client):
    """Pages whose own filters travel as a query string must not leak it into the header's box."""
    import re

    from django.urls import reverse

    def box(url: str) -> str:
        page = alice_client.get(url).content.decode()
        return re.search(r'<input type="search" id="site-search"[^>]*value="([^"]*)"', page).group(1)

    assert box(reverse("search") + "?q=hotlist") == "hotlist"
    assert box(reverse("agency-needs-contact") + "?state=WA") == ""
    assert box(reverse("request-list") + "?state=WA") == ""


@pytest.mark.parametrize(("name", "query"), [("search", "?q=hotlist"), ("agency-needs-contact", ""),
                                             ("agency-list", ""), ("request-list", "")])
def test_each_search_form_on_a_page_has_its_own_name(alice_client, name, query):
    """The header's search and a page's own are both search landmarks: a screen reader lists
    them by name, so each has one, and no two are the same."""
    import re

    page = alice_client.get(reverse(name) + query).content.decode()
    forms = re.findall(r'<form[^>]*role="search"[^>]*>', page)
    names = [re.search(r'aria-label="([^"]+)"', form).group(1) for form in forms]
    assert len(names) == 2 and len(set(names)) == 2, forms
