"""The request list: its filters, sorting, pages, and the queries it costs."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.agencies.models import Agency
from requests_app.documents.models import Document, RequestDocument
from requests_app.records.models import RecordsRequest, Tag
from requests_app.web.request_list import filtered_requests
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db
D = date


def sent(alice, *, code="WA", on=D(2026, 11, 2), **terms) -> RecordsRequest:
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state(code)),
                            user=alice.user, **terms)
    request_transition(request=request, to_status="submitted", user=alice.user, on=on)
    return request


def listed(organization, query: str = "") -> tuple[list[str], list[str]]:
    requests, errors = filtered_requests(organization=organization, params=QueryDict(query))
    return list(requests.values_list("tracking", flat=True)), errors


def test_it_lists_only_the_organizations_own_requests(alice, bob):
    mine = sent(alice)
    draft_request(organization=bob.organization, agency=AgencyFactory(), user=bob.user)
    assert listed(alice.organization) == ([mine.tracking], [])


def test_it_filters_by_several_statuses(alice):
    draft = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    submitted = sent(alice)
    withdrawn = sent(alice)
    request_transition(request=withdrawn, to_status="withdrawn", user=alice.user)
    trackings, _ = listed(alice.organization, "status=draft&status=withdrawn&sort=tracking")
    assert trackings == [draft.tracking, withdrawn.tracking] and submitted.tracking not in trackings


def test_it_filters_by_the_agencys_state_including_local_agencies(alice):
    from requests_app.laws.models import Jurisdiction

    texas = sent(alice, code="TX")
    sent(alice, code="WA")
    austin = Jurisdiction.objects.create(code="TX-AUSTIN-TEST", name="Austin", kind="local", parent=state("TX"))
    local = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=austin), user=alice.user)
    assert listed(alice.organization, "state=tx&sort=tracking")[0] == [texas.tracking, local.tracking]


def test_it_filters_by_agency_campaign_owner_and_tag(alice):
    first, second = sent(alice), sent(alice)
    RecordsRequest.objects.filter(pk=first.pk).update(owner=alice.user)
    tag = Tag.objects.create(organization=alice.organization, name="Batch 2")
    second.tags.add(tag)
    assert listed(alice.organization, f"agency={first.agency_id}")[0] == [first.tracking]
    assert listed(alice.organization, f"owner={alice.user.pk}")[0] == [first.tracking]
    assert listed(alice.organization, "owner=none")[0] == [second.tracking]
    assert listed(alice.organization, "tag=batch+2")[0] == [second.tracking]
    assert listed(alice.organization, "campaign=999999")[0] == []


def test_it_filters_by_an_agency_set_its_filters_and_its_hand_picked_agencies(alice):
    from requests_app.agencies.sets import agency_set_create
    from requests_app.laws.models import Jurisdiction

    tacoma = Jurisdiction.objects.create(code="WA-TACOMA-TEST", name="Tacoma", kind="local", parent=state("WA"))
    in_network = sent(alice)
    Agency.objects.filter(pk=in_network.agency_id).update(in_flock_network=True)
    local = draft_request(organization=alice.organization, user=alice.user,
                          agency=AgencyFactory(jurisdiction=tacoma, in_flock_network=True))
    sent(alice)  # in Washington, not in the network
    oregon = sent(alice, code="OR")
    Agency.objects.filter(pk=oregon.agency_id).update(in_flock_network=True)
    picked = sent(alice, code="TX")
    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA",
                                 filters={"state": "WA", "in_flock_network": True}, agencies=[picked.agency])
    assert listed(alice.organization, f"agency_set={flock_wa.pk}&sort=tracking") == (
        [in_network.tracking, local.tracking, picked.tracking], [])


def test_an_agency_set_of_another_organization_is_reported_and_ignored(alice, bob):
    from requests_app.agencies.sets import agency_set_create

    mine = sent(alice)
    theirs = agency_set_create(membership=bob, name="Bobs set", filters={"state": "TX"})
    for value in (str(theirs.pk), "abc"):
        trackings, errors = listed(alice.organization, f"agency_set={value}")
        assert trackings == [mine.tracking]
        assert errors == [f"Agency set {value!r} is not one of your organization's sets; ignored."]


def test_the_page_offers_the_organizations_agency_sets(alice_client, alice, bob):
    from requests_app.agencies.sets import agency_set_create

    flock_wa = agency_set_create(membership=alice, name="Flock agencies in WA", filters={"state": "WA"})
    agency_set_create(membership=bob, name="Bobs set")
    body = alice_client.get(reverse("request-list"), {"agency_set": flock_wa.pk}).content.decode()
    assert f'<option value="{flock_wa.pk}" selected>Flock agencies in WA</option>' in body
    assert "Bobs set" not in body


def test_it_ignores_another_organizations_tag_of_the_same_name(alice, bob):
    mine = sent(alice)
    theirs = Tag.objects.create(organization=bob.organization, name="urgent")
    mine.tags.add(theirs)  # cannot happen through the app; the filter must still not match it
    assert listed(alice.organization, "tag=urgent")[0] == []


def test_it_filters_by_the_current_response_due_date(alice):
    early = sent(alice, on=D(2026, 11, 2))
    late = sent(alice, on=D(2026, 11, 20))
    early_due, late_due = early.clock.response_due, late.clock.response_due
    assert early_due < late_due
    assert listed(alice.organization, f"due_to={early_due}")[0] == [early.tracking]
    assert listed(alice.organization, f"due_from={late_due}&due_to={late_due}")[0] == [late.tracking]


def test_it_filters_by_whether_documents_were_filed(alice):
    with_doc, without = sent(alice), sent(alice)
    document = Document.objects.create(organization=alice.organization, file="x.pdf", original_name="x.pdf",
                                       kind="pdf", size=1, sha256="0" * 64)
    RequestDocument.objects.create(request=with_doc, document=document)
    assert listed(alice.organization, "has_documents=yes")[0] == [with_doc.tracking]
    assert listed(alice.organization, "has_documents=no")[0] == [without.tracking]


def test_it_reports_and_ignores_bad_values(alice):
    request = sent(alice)
    trackings, errors = listed(alice.organization, "status=lost&due_from=2026-13-01&agency=abc&has_documents=maybe"
                                                   "&sort=colour&state=T3X")
    assert trackings == [request.tracking]
    assert len(errors) == 6
    assert "Unknown status 'lost' ignored." in errors
    assert any("2026-13-01" in e and "is not a date" in e for e in errors)


def test_it_sorts_by_due_date_with_undated_requests_last_either_way(alice):
    draft = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    early, late = sent(alice, on=D(2026, 11, 2)), sent(alice, on=D(2026, 11, 20))
    assert listed(alice.organization, "sort=due")[0] == [early.tracking, late.tracking, draft.tracking]
    assert listed(alice.organization, "sort=-due")[0] == [late.tracking, early.tracking, draft.tracking]


def test_the_page_shows_its_rows_in_the_sorted_order_with_their_columns(alice_client, alice):
    draft = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    early, late = sent(alice, on=D(2026, 11, 2)), sent(alice, on=D(2026, 11, 20))
    for sort, order in (("due", [early, late, draft]), ("-due", [late, early, draft])):
        rows = alice_client.get(reverse("request-list"), {"sort": sort}).context["page"].object_list
        assert [r.tracking for r in rows] == [r.tracking for r in order]
        assert rows[0].response_due == RecordsRequest.objects.get(pk=order[0].pk).clock.response_due
        assert rows[-1].response_due is None and rows[0].state_code == order[0].agency.jurisdiction.code


def test_the_default_order_is_newest_first_and_stable(alice):
    requests = [sent(alice) for _ in range(3)]
    RecordsRequest.objects.update(created_at=requests[0].created_at)  # a tie: the id decides
    assert listed(alice.organization)[0] == [r.tracking for r in reversed(requests)]


def test_the_page_shows_owner_tags_and_the_filter_form(alice_client, alice):
    request = sent(alice)
    RecordsRequest.objects.filter(pk=request.pk).update(owner=alice.user)
    request.tags.add(Tag.objects.create(organization=alice.organization, name="needs-call"))
    html = alice_client.get(reverse("request-list")).content.decode()
    assert request.tracking in html and "needs-call" in html and str(alice.user) in html
    assert '<label for="f-status">Status</label>' in html and 'name="due_from"' in html
    assert "Export these 1 as" in html


def test_the_page_shows_bad_filters_as_a_message_not_an_error(alice_client, alice):
    sent(alice)
    response = alice_client.get(reverse("request-list"), {"due_to": "next week", "status": "bogus", "page": "x"})
    assert response.status_code == 200
    assert "Some filters were ignored" in response.content.decode()
    assert "&#x27;next week&#x27; is not a date" in response.content.decode()


def test_page_links_keep_the_filters(alice_client, alice):
    from requests_app.demo.bulk import seed_requests

    AgencyFactory()
    seed_requests(organization=alice.organization, user=alice.user, count=60, today=D(2026, 11, 27))
    html = alice_client.get(reverse("request-list"), {"sort": "tracking", "page": "1"}).content.decode()
    assert 'href="?sort=tracking&amp;page=2"' in html
    assert 'value="sort=tracking"' in html  # the bulk form returns to the same filters


def test_a_viewer_sees_the_list_without_the_bulk_form(alice):
    from django.test import Client

    viewer = MembershipFactory(organization=alice.organization, role="viewer")
    sent(alice)
    client = Client()
    client.force_login(viewer.user)
    html = client.get(reverse("request-list")).content.decode()
    assert "Export these" in html and 'name="ids"' not in html


# Session, user, membership; count, the page's ids, its rows, their tags; the filter form's
# agencies, campaigns, tags, members and agency sets.
LIST_QUERIES = 12


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("request-list"), {"sort": "due"})
    assert response.status_code == 200 and len(response.context["page"].object_list) > 0
    return len(queries)


def test_the_list_costs_the_same_queries_for_10_and_1000_requests(alice_client, alice):
    from requests_app.demo.bulk import seed_requests

    AgencyFactory(jurisdiction=state("TX"))
    tag = Tag.objects.create(organization=alice.organization, name="seeded")
    Through = RecordsRequest.tags.through

    def seed(count: int) -> None:
        seed_requests(organization=alice.organization, user=alice.user, count=count, today=D(2026, 11, 27))
        RecordsRequest.objects.update(owner=alice.user)
        Through.objects.bulk_create([Through(recordsrequest_id=pk, tag_id=tag.pk)
                                     for pk in RecordsRequest.objects.values_list("pk", flat=True)],
                                    ignore_conflicts=True)

    seed(10)
    assert page_queries(alice_client) == LIST_QUERIES
    seed(1000)
    assert RecordsRequest.objects.count() == 1000
    assert page_queries(alice_client) == LIST_QUERIES


def test_the_agency_set_filter_costs_one_query_for_the_set_whatever_its_size(alice_client, alice):
    from requests_app.agencies.sets import agency_set_create

    def queries(agency_set) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(reverse("request-list"), {"sort": "due", "agency_set": agency_set.pk})
        assert response.status_code == 200 and not response.context["errors"]
        return len(captured)

    one = sent(alice, code="OR")
    small = agency_set_create(membership=alice, name="Oregon pick", agencies=[one.agency])
    assert queries(small) == LIST_QUERIES + 1  # the set itself; its agencies are a subquery
    for _ in range(30):
        sent(alice)
    large = agency_set_create(membership=alice, name="Washington", filters={"state": "WA"},
                              agencies=[one.agency])
    assert queries(large) == LIST_QUERIES + 1
    assert alice_client.get(reverse("request-list"), {"agency_set": large.pk}).context["page"].paginator.count == 31


def test_the_agency_filter_offers_each_agency_of_the_organizations_requests_once(alice, bob):
    from requests_app.records.listing import agency_ids_of
    from requests_app.web.request_list import list_choices

    first, second, bobs, unused = AgencyFactory(), AgencyFactory(), AgencyFactory(), AgencyFactory()
    for agency in (second, first, second, first):
        draft_request(organization=alice.organization, agency=agency, user=alice.user)
    draft_request(organization=bob.organization, agency=bobs, user=bob.user)
    assert list_choices(organization=alice.organization).agencies == sorted(
        [(first.pk, str(first)), (second.pk, str(second))], key=lambda choice: (choice[1], choice[0]))
    assert not Agency.objects.filter(pk__in=agency_ids_of(MembershipFactory().organization)).exists()
