"""Answers that are files (a letter's PDF, the CSV export) rather than JSON.

The file renderers only name a format for content negotiation (``Accept: application/pdf``,
``export.csv``, ``?format=csv``): the views stream the file themselves. A refusal (401,
403, 404, 400) is still explained in JSON, whichever file type was asked for, and so is
the endpoint's description (OPTIONS).
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response


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


class DataAsJson:
    """For a view whose actions may negotiate a FileRenderer: whatever it answers that is
    data rather than a file (an error, the description OPTIONS gives) goes out as JSON."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), FileRenderer):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class FormatNegotiation(DefaultContentNegotiation):
    """An unknown format (``?format=``, ``.xyz``) is not found (404), as DRF has it, and the
    answer names the formats there are."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise NotFound(f"No format {format!r} here: choose {formats}.")
        return matching
