"""The request page's correspondence sections: the communications log and the fees
(templates/correspondence/_communications.html and _fees.html)."""

from __future__ import annotations

from requests_app.correspondence.forms import CommunicationForm, FeeForm
from requests_app.correspondence.services import fee_summary
from requests_app.records.models import RecordsRequest


def communications_section(*, request: RecordsRequest, form: CommunicationForm | None = None) -> dict[str, object]:
    """``form``: one sent back with errors, shown as it was filled."""
    return {
        "communications": request.communications.select_related("logged_by"),
        "communication_form": form or CommunicationForm(auto_id="communication_%s", channel=request.sent_via),
    }


def fees_section(*, request: RecordsRequest) -> dict[str, object]:
    fees = list(request.fees.all())
    # Each form its own ids: several on the page share field names.
    return {"fees": fees, "fee_summary": fee_summary(fees), "fee_form": FeeForm(auto_id="fee_%s")}
