"""Errors under /api/ are JSON, whoever answers them.

DRF explains the errors of its own views (``{"detail": ...}`` or one list of messages per
field). An unknown path, a request Django itself refuses before any view reads it (too
many fields, a disallowed host) and a server error are answered by Django's handlers:
these give the site's HTML pages, and the same ``{"detail": ...}`` for an API path. A
refusal (403) under /api/ always comes from DRF, so the site's 403 page needs no JSON twin.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "The request could not be read (malformed, or larger than accepted)."},
                            status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": f"No API endpoint at {request.path}: the endpoints are listed at "
                                       f"{API_PREFIX} and described at {API_PREFIX}schema/."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error: the call failed on our side and has been logged. "
                                       "Try again later; if it keeps failing, tell us what you sent."}, status=500)
    return defaults.server_error(request)
