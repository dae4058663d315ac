"""Role checks for views: every change needs an editor or owner of the current organization."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from requests_app.teams.views import organization_required

View = Callable[..., HttpResponse]


def editor_required(view: View) -> View:
    """Viewers may look (GET) but never change anything."""

    @organization_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") and not request.membership.can_edit:
            raise PermissionDenied("Viewers cannot change anything; ask an owner for the editor role.")
        return view(request, *args, **kwargs)

    return wrapper
