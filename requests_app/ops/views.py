from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from requests_app.ops.services import check_broker, check_database, last_worker_heartbeat


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer, 503 otherwise.

    The last worker heartbeat is reported for operators but does not fail the check:
    the web tier is healthy without workers, and requests queue until one returns.
    """
    database, broker = check_database(), check_broker()
    heartbeat = last_worker_heartbeat() if database.ok else None
    healthy = database.ok and broker.ok
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": database.ok, "detail": database.detail},
        "broker": {"ok": broker.ok, "detail": broker.detail},
        "worker_last_seen": heartbeat.isoformat() if heartbeat else None,
        "checked_at": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if healthy else 503)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, for clients that ask for it rather than read a page's icon links (a PDF
    opened in a tab, the API's JSON): the icon is a static file, so this points there."""
    return redirect(static("img/favicon.ico"))
