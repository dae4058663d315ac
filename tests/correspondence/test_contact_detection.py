"""What a message names as an agency's records contact, read from messages written as real
replies and portal notifications look (tests/correspondence/messages/)."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from requests_app.correspondence.contact_detection import (
    Candidate,
    contact_candidates,
    message_headers,
    message_text,
    portal_front_page,
)

MESSAGES = Path(__file__).parent / "messages"


def candidates_in(name: str) -> list[Candidate]:
    message = email.message_from_bytes((MESSAGES / name).read_bytes(), policy=policy.default)
    return contact_candidates(headers=message_headers(message), body=message_text(message))


def test_it_offers_the_address_an_agency_replied_from():
    assert candidates_in("agency_reply.eml") == [
        Candidate("records_email", "publicrecords@springfield.example.gov", "the sender of the reply")]


def test_an_out_of_office_reply_still_comes_from_the_agencys_address():
    assert [c.value for c in candidates_in("out_of_office.eml")] == ["publicrecords@springfield.example.gov"]


def test_it_offers_the_nextrequest_portal_a_notification_links_to_and_not_its_sender():
    assert candidates_in("nextrequest_message.eml") == [
        Candidate("portal_url", "https://springfieldwa.nextrequest.com/", "a link to its NextRequest portal in the message",
                  "NextRequest")]


def test_it_reads_a_govqa_link_out_of_quoted_printable_html_without_its_session():
    assert candidates_in("govqa_acknowledgement.eml") == [
        Candidate("portal_url", "https://springfieldwa.govqa.us/WEBAPP/_rs/supporthome.aspx",
                  "a link to its GovQA portal in the message", "GovQA")]


def test_it_offers_a_justfoia_portal_once_however_often_it_is_linked():
    assert candidates_in("justfoia_received.eml") == [
        Candidate("portal_url", "https://springfieldwa.justfoia.com/publicportal/",
                  "a link to its JustFOIA portal in the message", "JustFOIA")]


@pytest.mark.parametrize("name", ["automated_acknowledgement.eml", "govdelivery_bulletin.eml"])
def test_automated_and_bulk_mail_names_no_contact(name):
    assert candidates_in(name) == []


def headers(sender: str, **more: str) -> dict[str, str]:
    return {"From": sender, **more}


@pytest.mark.parametrize("sender", [
    "Records <noreply@springfield.example.gov>",
    "Records <do_not_reply@springfield.example.gov>",
    "Records <DoNotReply@springfield.example.gov>",
    "springfield-noreply@springfield.example.gov",
    "MAILER-DAEMON@mail.springfield.example.gov",
    "postmaster@springfield.example.gov",
    "notifications@springfield.example.gov",
    "support@nextrequest.com",
    "cityofx@mycusthelp.net",
    "alerts@cityofx.govqa.us",
    "cityofx@request.justfoia.com",
    "news@public.govdelivery.com",
    "not an address",
    "",
])
def test_nobodys_and_services_addresses_are_not_offered(sender):
    assert [c for c in contact_candidates(headers=headers(sender), body="") if c.field == "records_email"] == []


@pytest.mark.parametrize("extra", [{"Precedence": "bulk"}, {"List-Id": "<council.springfield.example.gov>"},
                                   {"Auto-Submitted": "auto-generated"}])
def test_mail_sent_by_a_system_or_to_a_list_offers_no_address(extra):
    assert contact_candidates(headers=headers("clerk@springfield.example.gov", **extra), body="") == []


def test_a_reply_to_address_at_the_agency_is_offered_too():
    found = contact_candidates(headers=headers("A Clerk <aclerk@springfield.example.gov>",
                                               **{"Reply-To": "prr@springfield.example.gov"}), body="")
    assert [(c.value, c.evidence) for c in found] == [
        ("aclerk@springfield.example.gov", "the sender of the reply"),
        ("prr@springfield.example.gov", "the reply-to address of the reply"),
    ]


def test_a_portal_link_inside_a_redirect_link_is_read():
    body = "Track it: https://links.example.net/click?u=https%3A%2F%2Fcityofx.nextrequest.com%2Frequests%2F26-1"
    assert [c.value for c in contact_candidates(headers=headers("messages@nextrequest.com"), body=body)] == [
        "https://cityofx.nextrequest.com/"]


def test_a_sender_at_a_portals_own_host_names_the_portal():
    found = contact_candidates(headers=headers("Notices <notices@cityofx.govqa.us>"), body="")
    assert [(c.field, c.value, c.evidence) for c in found] == [
        ("portal_url", "https://cityofx.govqa.us/WEBAPP/_rs/supporthome.aspx", "the sender's GovQA address")]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://CityOfX.NextRequest.com/requests/new?dept_id=12", ("NextRequest", "https://cityofx.nextrequest.com/")),
    ("https://capecoralfl.mycusthelp.com/WEBAPP/_rs/(S(nhhgwcju0hnxqyh5e4v3metf))/supporthome.aspx",
     ("GovQA", "https://capecoralfl.mycusthelp.com/WEBAPP/_rs/supporthome.aspx")),
    ("https://killeentx.justfoia.com/publicportal/home/newrequest",
     ("JustFOIA", "https://killeentx.justfoia.com/publicportal/")),
    ("https://www.nextrequest.com/blog", None),
    ("https://help.nextrequest.com/knowledge/request-process-overview", None),
    ("https://request.justfoia.com/", None),
    ("https://a.b.nextrequest.com/", None),
    ("https://nextrequest.com.evil.example/", None),
    ("https://cityofx.gov/records", None),
    ("", None),
])
def test_a_portal_url_comes_down_to_its_front_page(url, expected):
    assert portal_front_page(url) == expected


def test_an_undecodable_message_names_nothing_and_does_not_fail():
    raw = (b"From: clerk@springfield.example.gov\nContent-Type: text/plain; charset=x-unknown-charset\n\n"
           b"\xff\xfe https://cityofx.nextrequest.com/requests/1")
    message = email.message_from_bytes(raw, policy=policy.default)
    assert [c.value for c in contact_candidates(headers=message_headers(message), body=message_text(message))] == [
        "https://cityofx.nextrequest.com/", "clerk@springfield.example.gov"]
