"""Who is calling and for which organization: an API token, or a logged-in browser (the
browsable API), each resolved to one membership."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from requests_app.api.tokens import active_token
from requests_app.teams.models import Membership


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer rr_...`` (or ``Token rr_...``)."""

    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in (b"bearer", b"token"):
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        found = active_token(parts[1].decode("latin-1"))
        if found is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token, or its user is no longer a member."))
        token, membership = found
        token.membership = membership
        return membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def membership_of(request: Request) -> Membership:
    """The caller's membership: the token's organization, or the browser's current one."""
    token = request.auth
    membership = getattr(token, "membership", None) or getattr(request._request, "membership", None)
    if membership is None:
        raise exceptions.PermissionDenied(_("Choose an organization first."))
    return membership


class MemberAccess(BasePermission):
    """Members read; editors and owners write; viewers cannot change anything."""

    message = _("Your role in this organization can read but not change.")

    def has_permission(self, request: Request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        membership = membership_of(request)
        return request.method in SAFE_METHODS or membership.can_edit


class TokenScheme(OpenApiAuthenticationExtension):
    """Describes the token to the OpenAPI schema (and the docs' Authorize button)."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A token from the API tokens page."}
