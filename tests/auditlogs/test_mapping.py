"""An export under other column names: refused, then mapped by hand and imported."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from requests_app.auditlogs.formats import SEARCH_FIELDS
from requests_app.auditlogs.mapping import document_headers, remap_import
from requests_app.auditlogs.models import AuditImport, SearchEvent
from requests_app.documents.upload import upload_file
from requests_app.teams.models import Role
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db

RENAMED = ("When,Agency,Officer,Why\r\n"
           "01/31/2022 11:26:24 PM,Okaloosa County FL SO,***,ICE detainer\r\n"
           "02/01/2022 10:00:00 AM,Bend OR PD,J. Smith,Stolen vehicle\r\n")
# Agency -> organization, Officer -> user, Why -> reason, When -> search time.
VALID = {"column-0": "searched_at", "column-1": "organization", "column-2": "user", "column-3": "reason"}


@pytest.fixture
def oregon(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("OR")),
                         user=alice.user)


def upload(oregon, text: str, name: str = "renamed.csv"):
    return upload_file(request=oregon, user=oregon.created_by, name=name, stream=io.BytesIO(text.encode())).document


@pytest.fixture
def refused(oregon, alice_client, django_capture_on_commit_callbacks) -> AuditImport:
    """The renamed export, analysed through the page and refused for its columns."""
    document = upload(oregon, RENAMED)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(reverse("audit-analyse", args=[oregon.pk, document.pk]))
    return AuditImport.objects.get()


def columns_url(audit_import: AuditImport) -> str:
    return reverse("audit-import-columns", args=[audit_import.request_id, audit_import.pk])


def page_url(audit_import: AuditImport) -> str:
    return reverse("audit-import", args=[audit_import.request_id, audit_import.pk])


def test_an_export_under_other_column_names_is_refused_with_the_columns_found_and_expected(refused):
    assert refused.state == "failed" and not SearchEvent.objects.exists()
    assert refused.error.startswith("the columns are not a known Flock export. Found: 'When', 'Agency', 'Officer', 'Why'.")
    assert "Expected one of: Network Audit (14 columns): ID, Name, Org Name" in refused.error


def test_its_page_offers_a_labelled_choice_for_each_column(refused, alice_client):
    body = alice_client.get(page_url(refused)).content.decode()
    for number, header in enumerate(["When", "Agency", "Officer", "Why"]):
        assert f'<label for="column-{number}">Column “{header}”</label>' in body
        assert f'<select id="column-{number}" name="column-{number}">' in body
    assert body.count('<option value="">(ignore)</option>') == 4
    assert body.count(f'<option value="searched_at">{SEARCH_FIELDS["searched_at"]}</option>') == 4


def test_a_map_without_a_search_time_is_refused_and_keeps_the_choices(refused, alice_client):
    response = alice_client.post(columns_url(refused), {**VALID, "column-0": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Map one column to the search time: without it no search can be dated" in body
    assert '<option value="reason" selected>' in body and '<option value="organization" selected>' in body
    assert AuditImport.objects.count() == 1 and not SearchEvent.objects.exists()


def test_a_field_mapped_twice_is_refused(refused, alice_client):
    body = alice_client.post(columns_url(refused), {**VALID, "column-2": "reason"}).content.decode()
    assert "Each field can take one column; mapped twice: reason" in body
    assert AuditImport.objects.count() == 1


def test_a_valid_map_imports_the_searches_under_it(refused, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(columns_url(refused), VALID)
    mapped = AuditImport.objects.exclude(pk=refused.pk).get()
    assert response.url == page_url(mapped)
    assert (mapped.state, mapped.format, mapped.rows, mapped.document_id) == ("done", "mapped", 2, refused.document_id)
    assert mapped.column_map == {"When": "searched_at", "Agency": "organization", "Officer": "user", "Why": "reason"}
    ice = SearchEvent.objects.get(reason="ICE detainer")
    assert (ice.organization, ice.organization_state, ice.user) == ("Okaloosa County FL SO", "FL", "")
    assert (ice.categories, ice.flags) == (",immigration,", [["immigration", "ICE"]])
    assert SearchEvent.objects.get(reason="Stolen vehicle").user == "J. Smith"


def test_the_new_import_page_shows_the_map_used(refused, alice_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(columns_url(refused), VALID, follow=True)
    body = response.content.decode()
    assert "Columns mapped by hand" in body and '<th scope="row">When</th><td>Search time (required)</td>' in body
    assert 'id="column-map"' not in body  # done: nothing left to map


def test_a_finished_import_cannot_be_mapped_again(refused, alice_client):
    AuditImport.objects.filter(pk=refused.pk).update(state="done", error="")
    body = alice_client.post(columns_url(refused), VALID, follow=True).content.decode()
    assert "Only an import that failed on its columns can be imported again" in body
    assert 'id="column-map"' not in body and AuditImport.objects.count() == 1
    with pytest.raises(ValueError, match="only an import that failed on its columns"):
        remap_import(audit_import=AuditImport.objects.get(), column_map={"When": "searched_at"}, user=None)


def test_a_viewer_sees_the_choices_but_cannot_post_them(refused, alice):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    body = client.get(page_url(refused)).content.decode()
    assert "An editor of Washington Watch can map the columns." in body and "<select id=\"column-0\"" not in body
    assert client.post(columns_url(refused), VALID).status_code == 403
    assert AuditImport.objects.count() == 1


def test_another_organization_gets_not_found(refused, bob_client):
    assert bob_client.get(page_url(refused)).status_code == 404
    assert bob_client.get(reverse("audit-import-progress", args=[refused.request_id, refused.pk])).status_code == 404
    assert bob_client.post(columns_url(refused), VALID).status_code == 404
    assert AuditImport.objects.count() == 1


def test_the_headers_of_a_large_export_are_read_from_its_start(oregon):
    row = "01/31/2022 11:26:24 PM,Bend OR PD,J. Smith,\"Stolen vehicle,\nseen twice\"\r\n"
    document = upload(oregon, "When,Agency,Officer,Why\r\n" + row * 30000, name="large.csv")
    assert document.size > 2 << 20
    assert document_headers(document) == ["When", "Agency", "Officer", "Why"]


def test_blank_and_repeated_headers_are_offered_once(oregon):
    document = upload(oregon, "When,Why,,WHY , \r\n01/31/2022,ICE,,x,\r\n", name="odd.csv")
    assert document_headers(document) == ["When", "Why"]
