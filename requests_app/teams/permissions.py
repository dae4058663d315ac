"""Role checks for views: every change needs an editor or owner of the current organization,
and managing the organization itself (members, letterhead) needs an owner."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from requests_app.teams.middleware import SESSION_KEY

View = Callable[..., HttpResponse]

# Reads leave everything as it was, so every member may make them.
SAFE_METHODS = ("GET", "HEAD")


def organization_required(view: View) -> View:
    """Pages that show an organization's data send a user without one to create one."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.organization is None:
            if request.session.pop(SESSION_KEY, None) is not None:  # it was working in one a moment ago
                messages.info(request, "You are no longer a member of the organization you were working in. "
                                       "Ask one of its owners to invite you again, or create an organization.")
            return redirect("organization-create")
        return view(request, *args, **kwargs)

    return wrapper


def editor_required(view: View) -> View:
    """Viewers may look (GET) but never change anything."""

    @organization_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS and not request.membership.can_edit:
            raise PermissionDenied("Viewers cannot change anything; ask an owner for the editor role.")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view: View) -> View:
    """Every member may look (GET); only owners change members and the letterhead."""

    @organization_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS and not request.membership.can_manage:
            raise PermissionDenied("Only an owner can manage members and the letterhead.")
        return view(request, *args, **kwargs)

    return wrapper
