"""The schema names every status code an operation can answer, not only its success.

Each operation's own responses come from its view (``extend_schema``); the refusals every
API call shares are added here, each with its JSON body, so a client can rely on a
documented code and shape for anything it receives.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, and what to send instead.")

    class Meta:
        ref_name = "Error"


_INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description=(
    "Refused: a field or parameter is missing or out of bounds. Each key is the field (or "
    "``detail``), with its messages."))
_ERRORS = {
    "401": "No token, or an unknown or revoked one.",
    "403": "Your role cannot do this (viewers read only), or no organization is chosen.",
    "404": "Not found: not one of your organization's objects, a page past the last, or no such format.",
    "415": "The body's content type is not one the operation reads.",
    "429": "Too many calls: wait the seconds the message gives.",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ContractSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(set(self._error_codes()) | {c for c in responses if c >= "400"}):
            if code == "400":
                answer = self._get_response_for_code(_INVALID, code, ("application/json",), direction)
            else:
                error = OpenApiResponse(ErrorSerializer, description=_ERRORS.get(code, ""))
                answer = self._get_response_for_code(error, code, ("application/json",), direction)
            declared = responses.setdefault(code, answer)
            if "content" not in declared:  # declared by the view with a description only
                declared["content"] = answer["content"]
        return responses

    def _error_codes(self) -> list[str]:
        writes = self.method in _WRITES
        paginated = self._is_list_view() and self._get_paginator() is not None
        queried = bool(self._get_filter_parameters()) or any(
            p.location == "query" for p in self.get_override_parameters() if hasattr(p, "location"))
        codes = ["401", "403", "429"]
        if writes or paginated or queried:
            codes.append("400")
        if writes:
            codes.append("415")
        if "{" in self.path or paginated or self._get_format_parameters():  # ?format= names no renderer
            codes.append("404")
        return codes
