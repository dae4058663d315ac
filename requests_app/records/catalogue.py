"""The built-in catalogue of ALPR records a request can ask for.

Keys are stable: campaigns, the command line and outside tools refer to them. Wording is
written to be read by a records officer: it names the record, the system it lives in,
and the format, so that "no records" cannot be answered by looking in the wrong place.
``{period}`` is replaced by the request's date range ("from 1 January 2024 to the date
of your search").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogueItem:
    key: str
    title: str
    wording: str


BUILT_IN: tuple[CatalogueItem, ...] = (
    CatalogueItem(
        "org-audit",
        "Organization Audit (searches by your users)",
        "The audit log of every search of the automated license plate reader (ALPR) system "
        "run by your agency's own users {period}, such as the Flock Safety \"Organization "
        "Audit\" export, including for each search: the user, the networks and devices "
        "searched, the time frame searched, the license plate or other search terms, the "
        "case number, filters, the stated reason or offense type, the search type, and the "
        "date and time of the search.",
    ),
    CatalogueItem(
        "network-audit",
        "Network Audit (searches of your cameras by others)",
        "The audit log of every search of your agency's ALPR cameras or data by any user of "
        "any other organization {period}, such as the Flock Safety \"Network Audit\" export, "
        "including the name of the searching organization and the same fields as the item "
        "above.",
    ),
    CatalogueItem(
        "sharing",
        "Sharing with other agencies",
        "Records showing every organization with which your agency shares ALPR data or "
        "whose ALPR data your agency can search, {period}: the lists of \"networks I'm "
        "sharing\" and \"networks shared with me\", hot lists shared in either direction, "
        "and every memorandum of understanding, data-sharing agreement or certification "
        "signed with an outside agency or organization concerning ALPR data.",
    ),
    CatalogueItem(
        "federal-access",
        "National lookup and federal access",
        "Records showing whether and when your agency enabled national or statewide lookup "
        "or any other access to its ALPR data by federal agencies, {period}, including any "
        "\"Federal Searches\" export and any request for access from a federal agency.",
    ),
    CatalogueItem(
        "hot-lists",
        "Hot lists",
        "The hot-list event log of your ALPR system {period}; records identifying every "
        "external hot list that feeds the system (for example state or national crime "
        "databases); and the criteria and procedures for adding a plate to a hot list.",
    ),
    CatalogueItem(
        "users",
        "User roster",
        "A roster of every account with access to your agency's ALPR system, with each "
        "account's role, permissions, organization and date of last login.",
    ),
    CatalogueItem(
        "contracts",
        "Contracts and payments",
        "Every contract, master services agreement, statement of work, order form, quote, "
        "invoice, renewal and grant document concerning the ALPR system that was in effect at "
        "any time {period}, whatever the date it was signed or issued: an agreement signed "
        "earlier and still in force is included.",
    ),
    CatalogueItem(
        "vendor-terms",
        "Vendor terms, NDAs and vendor communications",
        "Every non-disclosure or confidentiality agreement, terms of service, end-user licence "
        "agreement and data-use or data-sharing terms concerning the ALPR system that bound "
        "your agency at any time {period}, whatever the date it was accepted; and "
        "communications {period} between your agency and the ALPR vendor concerning audit "
        "logs, data sharing, national or federal lookup, or changes to the fields the system "
        "records or exports.",
    ),
    CatalogueItem(
        "policies",
        "Policies and training",
        "Your agency's ALPR usage and privacy policies, standard operating procedures, "
        "training materials, data-retention settings and any rules for auditing use of the "
        "system, in the versions in force {period}.",
    ),
    CatalogueItem(
        "statistics",
        "Aggregate statistics",
        "Aggregate statistics on the ALPR system by year {period}: the number of plate "
        "detections, the number of hot-list hits, and the number of searches.",
    ),
    CatalogueItem(
        "cameras",
        "Camera inventory",
        "An inventory of the ALPR cameras your agency operates or can access, with each "
        "camera's location, direction of view, owner (including private, business or "
        "homeowners' association cameras shared with your agency) and installation date.",
    ),
    CatalogueItem(
        "communications",
        "Communications about ALPR",
        "Communications {period} between your agency and the ALPR vendor, and between your "
        "agency and U.S. Immigration and Customs Enforcement, Homeland Security "
        "Investigations or U.S. Customs and Border Protection, concerning ALPR data or "
        "access to it.",
    ),
    CatalogueItem(
        "saved-exports",
        "Exports saved before fields were removed",
        "Every export of audit logs, search histories, hot-list logs or sharing lists that "
        "your agency downloaded or saved from the ALPR system {period}, in the form it was "
        "saved, with the date each was made, including exports made before the vendor "
        "removed or changed fields such as the search reason, the case number or the "
        "searching organization.",
    ),
    CatalogueItem(
        "stops",
        "Stops initiated by ALPR alerts",
        "Records of traffic stops, detentions, arrests or other enforcement actions "
        "initiated by an ALPR alert {period}, or aggregate counts of them where the records "
        "themselves are exempt.",
    ),
)

BY_KEY: dict[str, CatalogueItem] = {item.key: item for item in BUILT_IN}
