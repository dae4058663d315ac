"""The API keeps its contract: ids, numbers and dates bounded and refused with 400 when out
of bounds, every error JSON, lists shaped as the schema says, PATCH partial."""

from __future__ import annotations

import pytest
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db

PAST_64_BITS = 2**63


@pytest.fixture
def oregon(alice):
    agency = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"))
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


@pytest.fixture
def campaign(alice_api):
    agency = AgencyFactory(jurisdiction=state("WA"))
    made = alice_api.post("/api/campaigns/", {"title": "WA", "item_keys": ["org-audit"], "agencies": [agency.pk]},
                          format="json")
    assert made.status_code == 201
    return made.json()


def _refused(response, field: str) -> list:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()[field]


# Ids past 64 bits -------------------------------------------------------------------------


def test_a_bulk_action_refuses_an_id_past_64_bits(alice_api):
    answer = alice_api.post("/api/requests/bulk/", {"action": "pause", "ids": [PAST_64_BITS]}, format="json")
    assert "9223372036854775807" in str(_refused(answer, "ids"))


def test_a_campaign_is_not_created_for_an_agency_id_past_64_bits(alice_api):
    answer = alice_api.post("/api/campaigns/", {"title": "WA", "item_keys": ["org-audit"],
                                                "agencies": [PAST_64_BITS]}, format="json")
    assert _refused(answer, "agencies")


def test_agencies_past_64_bits_are_not_added_to_a_campaign(alice_api, campaign):
    answer = alice_api.post(f"/api/campaigns/{campaign['id']}/agencies/", {"agencies": [PAST_64_BITS]}, format="json")
    assert _refused(answer, "agencies")


def test_a_request_is_not_created_for_an_agency_id_past_64_bits(alice_api):
    answer = alice_api.post("/api/requests/", {"agency": PAST_64_BITS, "title": "ALPR", "items": ["org-audit"]},
                            format="json")
    assert _refused(answer, "agency")


@pytest.mark.parametrize("name", ["owner", "agency", "campaign", "agency_set"])
@pytest.mark.parametrize("path", ["/api/requests/", "/api/requests/export/"])
def test_the_list_and_its_export_refuse_an_id_filter_past_64_bits(alice_api, oregon, path, name):
    answer = alice_api.get(path, {name: str(PAST_64_BITS)})
    assert "is not a valid choice" in str(_refused(answer, "detail")) or "not one of" in str(answer.json())


@pytest.mark.parametrize("value", ["²", "١٢"])
def test_an_id_filter_in_other_scripts_digits_is_refused(alice_api, oregon, value):
    assert _refused(alice_api.get("/api/requests/", {"agency": value}), "detail")


def test_a_letter_version_past_64_bits_or_in_other_digits_is_refused(alice_api, oregon):
    for version in (str(PAST_64_BITS), "²"):
        assert _refused(alice_api.get(f"/api/requests/{oregon.pk}/letter/pdf/", {"version": version}), "version")


# Dates, money and pages -------------------------------------------------------------------


@pytest.mark.parametrize("occurred_on", ["0004-06-01", "8409-01-01"])
def test_a_communication_dated_outside_1900_to_2200_is_refused(alice_api, oregon, occurred_on):
    answer = alice_api.post(f"/api/requests/{oregon.pk}/communications/",
                            {"direction": "from_agency", "channel": "email", "occurred_on": occurred_on}, format="json")
    assert "between 1900-01-01 and 2200-12-31" in _refused(answer, "occurred_on")[0]


def test_a_due_date_filter_outside_the_range_is_refused(alice_api, oregon):
    assert "between 1900-01-01" in str(_refused(alice_api.get("/api/requests/", {"due_to": "8409-01-01"}), "detail"))


def test_a_negative_fee_cap_is_refused(alice_api):
    agency = AgencyFactory(jurisdiction=state("TX"))
    answer = alice_api.post("/api/requests/", {"agency": agency.pk, "title": "ALPR", "items": ["org-audit"],
                                               "fee_cap": "-1.00"}, format="json")
    assert _refused(answer, "fee_cap")


def test_a_negative_fee_amount_is_refused(alice_api, oregon):
    answer = alice_api.post(f"/api/requests/{oregon.pk}/communications/",
                            {"direction": "from_agency", "channel": "email", "occurred_on": "2026-11-30",
                             "fee_amount": "-5.00"}, format="json")
    assert _refused(answer, "fee_amount")


@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "1.5"])
def test_a_page_size_that_is_not_a_positive_number_is_refused(alice_api, oregon, page_size):
    assert "from 1 to 200" in _refused(alice_api.get("/api/requests/", {"page_size": page_size}), "page_size")[0]


def test_a_page_that_is_not_a_number_is_refused_and_one_past_the_last_is_not_found(alice_api, oregon):
    assert _refused(alice_api.get("/api/agencies/", {"page": "abc"}), "page")
    assert alice_api.get("/api/requests/", {"page": "9"}).status_code == 404


def test_a_page_size_above_the_largest_gives_the_largest(alice_api, oregon):
    assert alice_api.get("/api/requests/", {"page_size": "5000"}).status_code == 200


# Errors as JSON ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/api/requests/1/no-such-action/"])
def test_an_unknown_api_path_is_a_json_404(alice_api, path):
    answer = alice_api.get(path)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert "/api/schema/" in answer.json()["detail"]


def test_an_unknown_page_outside_the_api_is_still_the_sites_page(alice_client):
    answer = alice_client.get("/no-such-page/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json(alice_api, monkeypatch):
    from requests_app.api import views

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "agency_search", fail)
    alice_api.raise_request_exception = False
    answer = alice_api.get("/api/agencies/")
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"
    assert "Server error" in answer.json()["detail"] and "boom" not in answer.content.decode()


@pytest.mark.parametrize(("path", "accept"), [
    ("/api/requests/export/", "text/csv"), ("/api/requests/export/", "*/*"),
    ("/api/requests/{pk}/letter/pdf/", "application/pdf"), ("/api/requests/{pk}/letter/pdf/", "*/*"),
])
def test_options_on_a_file_endpoint_describes_it_in_json(alice_api, oregon, path, accept):
    answer = alice_api.options(path.format(pk=oregon.pk), HTTP_ACCEPT=accept)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer.json()["name"]


# Shapes the schema promises ---------------------------------------------------------------


def test_patch_of_the_letter_without_text_leaves_it_and_answers_the_letter(alice_api, oregon):
    before = oregon.letter_text
    answer = alice_api.patch(f"/api/requests/{oregon.pk}/letter/", {}, format="json")
    assert answer.status_code == 200 and answer.json()["text"] == before


def test_put_of_the_letter_still_needs_text(alice_api, oregon):
    assert _refused(alice_api.put(f"/api/requests/{oregon.pk}/letter/", {}, format="json"), "text")


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


@pytest.mark.parametrize("path", ["communications", "documents", "follow-ups"])
def test_a_requests_own_lists_are_documented_as_the_plain_lists_they_are(schema, path):
    answer = schema["paths"][f"/api/requests/{{id}}/{path}/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"


def test_a_requests_owner_is_documented_as_nullable(schema):
    assert schema["components"]["schemas"]["Request"]["properties"]["owner"]["nullable"] is True


def test_the_documents_refusals_are_documented_with_their_json(schema):
    post = schema["paths"]["/api/requests/{id}/documents/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "429"} <= set(post)
    assert post["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_request_lists_filters_are_documented_with_their_bounds(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/requests/"]["get"]["parameters"]}
    assert parameters["agency"]["schema"]["maximum"] == 2**63 - 1 and "owner" in parameters
    assert "400" in schema["paths"]["/api/requests/export/"]["get"]["responses"]


def test_an_unknown_format_is_a_404_naming_the_formats_and_documented(alice_api, oregon, schema):
    answer = alice_api.get("/api/requests/export/", {"format": "xlsx"})
    assert answer.status_code == 404 and "choose json, csv" in answer.json()["detail"]
    assert "404" in schema["paths"]["/api/requests/export/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/laws/"]["get"]["responses"]


def test_a_request_for_an_unknown_agency_is_refused_on_its_field(alice_api):
    answer = alice_api.post("/api/requests/", {"agency": 999999, "title": "ALPR", "items": ["org-audit"]},
                            format="json")
    assert "Unknown agency id 999999" in _refused(answer, "agency")[0]


def test_a_request_django_refuses_before_the_api_reads_it_is_a_json_400(alice_api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    answer = alice_api.post("/api/requests/bulk/", {f"field{n}": "x" for n in range(10)})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
    assert answer.json()["detail"].startswith("The request could not be read")


def test_the_export_answers_a_failing_query_with_a_json_500_not_a_cut_download(alice_api, oregon, monkeypatch):
    from requests_app.web import exports

    def fail(*args, **kwargs):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(exports, "export_rows", fail)
    alice_api.raise_request_exception = False
    answer = alice_api.get("/api/requests/export/")
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"


def test_one_request_is_found_by_its_id_whatever_the_lists_filters_say(alice_api, oregon):
    # The schema documents the filters on the list only: elsewhere they are not read.
    assert alice_api.get(f"/api/requests/{oregon.pk}/", {"status": "fulfilled", "owner": "abc"}).status_code == 200
    assert alice_api.get(f"/api/requests/{oregon.pk}/letter/", {"agency": "x"}).status_code == 200
