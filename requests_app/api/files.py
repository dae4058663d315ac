"""Answers that are files (a letter's PDF, the CSV export) rather than JSON.

The file renderers only name a format for content negotiation (``Accept: application/pdf``,
``export.csv``, ``?format=csv``): the views stream the file themselves. A refusal (401,
403, 404, 400) is still explained in JSON, whichever file type was asked for.
"""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer, JSONRenderer


class FileRenderer(BaseRenderer):
    """Never renders data: a successful answer is a file response of its own."""


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"


class CsvRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class FileErrorsAsJson:
    """For a view whose actions may negotiate a FileRenderer: its errors go out as JSON."""

    def handle_exception(self, exc: Exception):
        request = self.request
        if isinstance(getattr(request, "accepted_renderer", None), FileRenderer):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)
