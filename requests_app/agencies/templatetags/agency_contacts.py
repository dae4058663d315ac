"""Template helpers for records contacts: how a request reaches an agency (the rule the
request letter follows) and a long URL shown by its host."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

from requests_app.letters.composer import Addressee, submission_route

register = template.Library()


@register.simple_tag
def route_of(agency) -> str:
    """"email", "portal", "mail" or "unknown", as letters.composer.submission_route decides."""
    addressee = Addressee(agency.name, agency.mailing_address, agency.records_email, agency.portal_url)
    return str(submission_route(addressee))


@register.filter
def url_host(url: str) -> str:
    """The host of a URL without "www.", short enough for a phone screen; the URL itself if it has none."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or url
