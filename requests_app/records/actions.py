"""The shape every change on a request's page shares: run it, say what happened, go back."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def refusal(exc: Exception) -> str:
    return "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def form_errors(form) -> str:
    return "; ".join(f"{form.fields[name].label if name in form.fields else ''} {error}".strip()
                     for name, errors in form.errors.items() for error in errors)


def back_to_request(request: HttpRequest, pk: int, change: Callable[[], str], *, prefix: str = "") -> HttpResponse:
    """Runs ``change`` (which returns the success message); a refusal, raised by the
    services as ValueError or ValidationError, is shown instead and nothing changes."""
    try:
        done = change()
    except (ValueError, ValidationError) as exc:
        messages.error(request, f"{prefix}{refusal(exc)}")
    else:
        messages.success(request, done)
    return redirect("request-detail", pk)
