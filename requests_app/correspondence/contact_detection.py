"""The records contacts a message names: the address an agency replied from, or the records
portal that a portal's notification links to.

Pure: a message's headers and text in, candidates out. Which candidates are new to the
agency, and whose addresses are the organization's own, is for the caller to decide
(``suggestions.py``); the rules for what an email names are here, testable on messages.

Portal software recognised, with what their messages look like (checked against published
portal addresses and against the notification senders other requester tools filter on):

- NextRequest (CivicPlus): portals at ``https://<agency>.nextrequest.com/`` (requests at
  ``/requests/26-123``); notifications from ``messages@nextrequest.com`` or
  ``support@nextrequest.com``, signed "Powered by NextRequest".
- GovQA (Granicus): portals at ``https://<agency>.mycusthelp.com/WEBAPP/_rs/…`` or
  ``https://<agency>.govqa.us/WEBAPP/_rs/…``, a session id in the path
  (``/(S(x1znyclu25l1jq31hgycgwrs))/SupportHome.aspx``); notifications from
  ``<agency>@mycusthelp.net``, subject "… :: R001234-112526".
- JustFOIA: portals at ``https://<agency>.justfoia.com/publicportal/…``; notifications
  from ``<agency>@request.justfoia.com``.

A GovQA or JustFOIA sender's name is its agency's portal name, but not which host the
portal answers on, so only a link (or a sender at the portal's own host) names a portal.
Links that mail services rewrite into opaque click-tracking addresses name nothing.
GovDelivery (Granicus) and CivicPlus send bulk notices: their senders are never an agency's
records address.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

RECORDS_EMAIL, PORTAL_URL = "records_email", "portal_url"
HEADERS = ("From", "Reply-To", "Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe")


@dataclass(frozen=True)
class Candidate:
    field: str  # RECORDS_EMAIL or PORTAL_URL
    value: str  # a lower-case address, or a portal's front page
    evidence: str  # why, in words for the editor deciding
    vendor: str = ""  # the portal's software, for a portal


@dataclass(frozen=True)
class PortalVendor:
    name: str
    domains: tuple[str, ...]  # an agency's portal is a host one label under one of these
    front_page: str  # the path every agency's portal answers on, without a session
    mail_domains: tuple[str, ...]  # where its notifications come from


VENDORS = (
    PortalVendor("NextRequest", ("nextrequest.com",), "/", ("nextrequest.com",)),
    PortalVendor("GovQA", ("mycusthelp.com", "govqa.us"), "/WEBAPP/_rs/supporthome.aspx",
                 ("mycusthelp.net", "mycusthelp.com", "govqa.us")),
    PortalVendor("JustFOIA", ("justfoia.com",), "/publicportal/", ("justfoia.com",)),
)
# Hosts under a vendor's domain that are the vendor's own site, help or mail, not an agency's
# (NextRequest's replies go to reply+…@messages.nextrequest.com, JustFOIA's come from
# …@request.justfoia.com).
VENDOR_HOSTS = frozenset({
    "www", "help", "support", "status", "docs", "app", "api", "request", "mail", "email", "messages", "reply",
    "notifications", "notify", "mailer", "bounce", "bounces", "noreply",
})
BULK_MAIL_DOMAINS = ("govdelivery.com", "granicus.com", "civicplus.com")
# Domains whose addresses belong to a service, never to an agency's records office.
SERVICE_DOMAINS = (*{d for vendor in VENDORS for d in (*vendor.domains, *vendor.mail_domains)}, *BULK_MAIL_DOMAINS)
# Local parts of addresses nobody reads (after dropping "-", "_" and ".").
_NOBODY = re.compile(r"noreply|donotreply|^(mailerdaemon|postmaster|bounces?|notifications?|alerts?)$")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_VENDOR_HOST = re.compile(
    r"(?<![\w.-])((?:[a-z0-9-]+\.)+(?:%s))(?![\w-])"
    % "|".join(re.escape(d) for vendor in VENDORS for d in vendor.domains),
    re.IGNORECASE,
)


def contact_candidates(*, headers: Mapping[str, str], body: str) -> list[Candidate]:
    """Each records contact the message names, once: the portals it links to, then the
    sender's and reply-to addresses when a person or office at the agency wrote it."""
    headers = {name.lower(): value or "" for name, value in headers.items()}
    unique: dict[tuple[str, str], Candidate] = {}
    for candidate in (*_portals(headers, body), *_addresses(headers)):
        unique.setdefault((candidate.field, candidate.value), candidate)
    return list(unique.values())


def portal_front_page(url: str) -> tuple[str, str] | None:
    """(vendor, front page) of a records portal URL, e.g. ("NextRequest",
    "https://cityofx.nextrequest.com/") for any page of it; None for any other URL."""
    match = _VENDOR_HOST.search(url)
    return _front_page(match.group(1)) if match else None


def message_headers(message: EmailMessage) -> dict[str, str]:
    return {name: str(message.get(name, "")) for name in HEADERS}


def message_text(message: EmailMessage) -> str:
    """The text of every text part that is not an attachment, HTML as it is (so the links
    in its markup are read too)."""
    parts = (message,) if not message.is_multipart() else message.walk()
    texts = [_decoded(part) for part in parts
             if part.get_content_maintype() == "text" and part.get_content_disposition() != "attachment"]
    return "\n".join(texts)


# The portals ---------------------------------------------------------------------------


def _portals(headers: dict[str, str], body: str) -> Iterable[Candidate]:
    senders = f"{headers.get('from', '')}\n{headers.get('reply-to', '')}"
    for text, evidence in ((body, "a link to its {} portal in the message"), (senders, "the sender's {} address")):
        # Links arrive HTML-escaped or percent-encoded inside redirect links.
        for host in _VENDOR_HOST.findall(unquote(html.unescape(text))):
            portal = _front_page(host)
            if portal:
                yield Candidate(PORTAL_URL, portal[1], evidence.format(portal[0]), portal[0])


def _front_page(host: str) -> tuple[str, str] | None:
    host = host.lower()
    for vendor in VENDORS:
        for domain in vendor.domains:
            label = host.removesuffix(f".{domain}")
            if label != host and _LABEL.fullmatch(label) and label not in VENDOR_HOSTS:
                return vendor.name, f"https://{host}{vendor.front_page}"
    return None


# The addresses -------------------------------------------------------------------------


def _addresses(headers: dict[str, str]) -> Iterable[Candidate]:
    if _automated(headers):
        return
    for name, evidence in (("from", "the sender of the reply"), ("reply-to", "the reply-to address of the reply")):
        for _, address in getaddresses([headers.get(name, "")]):
            address = address.strip().lower()
            if _valid(address) and not _service_address(address):
                yield Candidate(RECORDS_EMAIL, address, evidence)


def _automated(headers: dict[str, str]) -> bool:
    """Sent by a system or to a list (RFC 3834, RFC 2369); an out-of-office reply
    ("auto-replied") still comes from a person's or office's real address."""
    submitted = headers.get("auto-submitted", "").strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    return (submitted.startswith(("auto-generated", "auto-notified")) or precedence in ("bulk", "list", "junk")
            or bool(headers.get("list-id", "").strip() or headers.get("list-unsubscribe", "").strip()))


def _service_address(address: str) -> bool:
    local, _, domain = address.rpartition("@")
    if any(domain == d or domain.endswith(f".{d}") for d in SERVICE_DOMAINS):
        return True
    return bool(_NOBODY.search(re.sub(r"[-_.]", "", local)))


def _valid(address: str) -> bool:
    if not address or len(address) > 254:
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _decoded(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    try:
        return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("latin-1")
