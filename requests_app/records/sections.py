"""The request page's records sections: the status card with the history
(templates/records/_status_panel.html and _history.html)."""

from __future__ import annotations

from requests_app.records.forms import StatusForm
from requests_app.records.lifecycle import allowed_moves
from requests_app.records.models import RecordsRequest
from requests_app.records.trail import HISTORY_SHOWN, history_of


def status_section(records_request: RecordsRequest) -> dict[str, object]:
    """What the status card and the history need besides ``req``."""
    return {
        # Ids of their own: the reminder form on the same page also has an "on" field.
        "status_form": StatusForm(moves=allowed_moves(records_request.status), auto_id="status_%s"),
        "history": history_of(records_request),
        "history_shown": HISTORY_SHOWN,
    }
