from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from requests_app.correspondence.services import Action, Message
from requests_app.letters.services import letter_finalise
from requests_app.workflow.replies import communication_log
from requests_app.workflow.sending import request_mark_submitted
from tests.documents.test_upload import pdf_bytes, up
from tests.factories import AgencyFactory, draft_request
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_the_packet_holds_letters_log_documents_and_a_manifest_of_hashes(alice_client, alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 20))
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 20))
    communication_log(request=request, user=alice.user,
                      message=Message(direction="from_agency", channel="email", occurred_on=date(2026, 11, 24),
                                      subject="Extension <needed>", body="We need until January."),
                      action=Action(kind="acknowledged", agency_reference="PIR-77"))
    up(request, "audit.pdf", pdf_bytes())
    up(request, "folder/sneaky name;rm -rf.csv", b"a,b\n1,2\n3,4\n")
    response = alice_client.get(reverse("request-packet", args=[request.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{request.tracking}-packet.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    names = [r["file"] for r in rows]
    assert names[0] == f"letters/{request.tracking}-v1.pdf" and "communications-log.pdf" in names
    assert any(n.startswith("documents/") and n.endswith("audit.pdf") for n in names)
    assert all(not n.startswith("/") and ".." not in n for n in archive.namelist())
    for row in rows:
        assert hashlib.sha256(archive.read(row["file"])).hexdigest() == row["sha256"]
    log = pdf_text(archive.read("communications-log.pdf"))
    assert "Extension <needed>" in log and "We need until January." in log and "PIR-77" in log


def test_another_organization_gets_no_packet(bob_client, alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(), user=alice.user)
    assert bob_client.get(reverse("request-packet", args=[request.pk])).status_code == 404
