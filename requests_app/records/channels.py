"""How a letter can reach an agency: the contact each way of sending needs from its directory
entry, and why a way is closed when that contact is missing."""

from __future__ import annotations

from requests_app.agencies.models import Agency
from requests_app.records.models import SendChannel


class CannotSend(ValueError):
    pass


# What each way of sending needs from the agency's directory entry, and how the page names it.
CONTACT_FOR = {
    SendChannel.EMAIL: ("records_email", "records email"),
    SendChannel.PORTAL: ("portal_url", "records request portal"),
    SendChannel.MAIL: ("mailing_address", "mailing address"),
}


def missing_contact(agency: Agency, channel: str) -> str:
    """Why the letter cannot go to ``agency`` by ``channel`` ("" when it can): the contact the
    directory lacks. A letter never waits for a contact; only sending does."""
    field, label = CONTACT_FOR[SendChannel(channel)]
    if getattr(agency, field):
        return ""
    if channel == SendChannel.EMAIL:
        reason = without_email(agency)
        return f"{reason[0].upper()}{reason[1:]}."
    return (f"No {label} is known for {agency.name}: add it to the agency's records contact in the directory, "
            "or send the letter another way.")


def without_email(agency: Agency) -> str:
    """How a letter reaches an agency with no records email, for lists of those left to send."""
    if agency.portal_url:
        return f"no records email is known for {agency.name}: submit the PDF through its portal ({agency.portal_url})"
    if agency.mailing_address:
        return f"no records email is known for {agency.name}: mail the PDF to its address"
    return (f"no records email, portal or mailing address is known for {agency.name}: add its records contact "
            "to the directory to send the PDF")


def require_contact(agency: Agency, channel: str) -> str:
    if problem := missing_contact(agency, channel):
        raise CannotSend(problem)
    return getattr(agency, CONTACT_FOR[SendChannel(channel)][0])


def records_email_of(agency: Agency) -> str:
    return require_contact(agency, SendChannel.EMAIL)
