"""The records contacts suggested by replies, for the agency page and the request page.

The agency page belongs to the shared directory, which never reads an organization's
correspondence; the page's template asks here, for the viewer's organization only.
"""

from __future__ import annotations

from django import template

from requests_app.correspondence import suggestions

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_contact_suggestions(context, agency) -> list[suggestions.Pending]:
    organization = getattr(context.get("request"), "organization", None)
    return suggestions.pending_suggestions(agency=agency, organization=organization) if organization else []


@register.simple_tag(takes_context=True)
def pending_contact_suggestion_count(context, agency) -> int:
    organization = getattr(context.get("request"), "organization", None)
    return suggestions.pending_count(agency=agency, organization=organization) if organization else 0
