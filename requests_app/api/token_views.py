from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from requests_app.api.models import ApiToken
from requests_app.api.tokens import token_create, token_revoke
from requests_app.teams.permissions import organization_required


@organization_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A member's own tokens for the current organization; a new one is shown once, here."""
    new_token = None
    if request.method == "POST":
        _, new_token = token_create(membership=request.membership, name=request.POST.get("name", ""))
    tokens = ApiToken.objects.filter(user=request.user, organization=request.organization)
    return render(request, "api/tokens.html", {"tokens": tokens, "new_token": new_token})


@organization_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, organization=request.organization)
    token_revoke(token=token, now=timezone.now())
    messages.success(request, f"Revoked “{token.name}”: calls with it are refused from now on.")
    return redirect("api-tokens")
