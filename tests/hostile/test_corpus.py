"""Every hostile input of the corpus through upload, reading, the audit-log readers and the
report: refused with a reason or stored safely, read without an error escaping, never an
internal error, never a quiet success on garbage, and markup shown as text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from requests_app.auditlogs.importer import run
from requests_app.auditlogs.models import AuditImport, SearchEvent
from requests_app.documents.extract import extract
from requests_app.documents.models import Document
from tests.documents.test_upload import files_under, up
from tests.factories import AgencyFactory, draft_request, state
from tests.hostile.corpus import MARKUP, Hostile, corpus

pytestmark = pytest.mark.django_db
CORPUS = corpus()
INTERNAL = "internal error"


@pytest.fixture
def request_(alice):
    return draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("OR")),
                         user=alice.user)


@pytest.mark.parametrize("hostile", CORPUS, ids=[h.name for h in CORPUS])
def test_an_upload_is_refused_with_a_reason_or_stored_inside_the_media_folder_and_read(request_, hostile: Hostile):
    media = Path(settings.MEDIA_ROOT).resolve()
    before = files_under(media)
    result = up(request_, hostile.name, hostile.data)
    if hostile.upload == "refused":
        assert result.status == "refused" and len(result.reason) > 20, result
        assert not Document.objects.exists() and files_under(media) == before
        return
    assert result.status == "stored", result.reason
    for document in Document.objects.all():
        assert Path(document.file.path).resolve().is_relative_to(media)
        assert "/" not in document.original_name and "\x00" not in document.original_name
        read = extract(document)  # never raises: a document it cannot read is marked, and kept
        assert read.extraction in ("done", "failed")
        assert read.extraction == "done" or read.extraction_error


def test_a_bomb_inside_a_zip_is_refused_as_its_member_comes_in(request_):
    nested = next(h for h in CORPUS if h.name == "nested.zip")
    result = up(request_, nested.name, nested.data)
    assert [(m.name, m.status) for m in result.members] == [("inner.zip", "refused")]
    assert "archive bomb" in result.members[0].reason


AUDIT = [h for h in CORPUS if h.audit]


@pytest.mark.parametrize("hostile", AUDIT, ids=[h.name for h in AUDIT])
def test_the_audit_log_readers_answer_garbage_with_a_reason_and_read_what_is_there(hostile: Hostile, tmp_path):
    path = tmp_path / hostile.name
    path.write_bytes(hostile.data)
    out = io.StringIO()
    if hostile.audit == "error":
        with pytest.raises(CommandError) as refused:
            call_command("analyze_audit_log", str(path), "--json", stdout=out, stderr=io.StringIO())
        assert len(str(refused.value)) > 20 and "Traceback" not in str(refused.value)
        if hostile.name == "unclosed-quote.csv":
            assert "cannot be read from line 2" in str(refused.value)
    else:
        call_command("analyze_audit_log", str(path), "--json", stdout=out, stderr=io.StringIO())
        assert '"rows": 1' in out.getvalue()


STORED_AUDIT = [h for h in AUDIT if h.upload == "stored"]  # the others never reach the importer


@pytest.mark.parametrize("hostile", STORED_AUDIT, ids=[h.name for h in STORED_AUDIT])
def test_an_import_of_garbage_fails_saying_why_and_keeps_nothing(request_, hostile: Hostile):
    document = up(request_, hostile.name, hostile.data).document
    done = run(AuditImport.objects.create(request=request_, document=document))
    if hostile.audit == "error":
        assert done.state == "failed" and done.error and INTERNAL not in done.error, done.error
        assert not SearchEvent.objects.exists()
    else:
        assert done.state == "done" and SearchEvent.objects.count() == 1


def test_markup_from_a_release_is_shown_as_text(request_, alice_client):
    markup = next(h for h in CORPUS if h.name == "markup.csv")
    run(AuditImport.objects.create(request=request_, document=up(request_, markup.name, markup.data).document))
    page = alice_client.get(reverse("audit-report", args=[request_.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and MARKUP not in page
    assert "<img src=\"http://attacker.example" not in page
