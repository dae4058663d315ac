"""The request page's documents sections: the files filed on the request, and the items asked
for with the documents that answer them (templates/documents/_documents.html and _items.html).
The items are shown here because the link between an item and its documents is this app's."""

from __future__ import annotations

from requests_app.records.models import RecordsRequest, RequestItem


def documents_section(*, request: RecordsRequest) -> dict[str, object]:
    return {
        # One list for the table and for each item's outcome form: read once.
        "document_links": request.document_links.select_related("document", "added_by"),
        "items": request.items.prefetch_related("document_links__document"),
        "outcome_choices": RequestItem.Outcome.choices,
    }
