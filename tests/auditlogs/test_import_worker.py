"""An audit log analysed from the request page by a real worker over Redis."""

from __future__ import annotations

import io

import pytest
import redis
from django.test import Client
from django.urls import reverse

from bench.make_audit_log import write as write_synthetic
from requests_app.auditlogs.models import AuditImport, SearchEvent
from requests_app.documents.upload import upload_file
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state
from tests.workers import publishing_to, running_worker, wait_until

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.services]


def test_a_worker_imports_an_uploaded_network_audit_and_the_page_follows_it(redis_url, tmp_path):
    editor = MembershipFactory(role="editor")
    request = draft_request(organization=editor.organization, agency=AgencyFactory(jurisdiction=state("OR")),
                            user=editor.user)
    path = tmp_path / "network-audit.csv"
    write_synthetic(path, 5000, seed=5)
    document = upload_file(request=request, user=editor.user, name=path.name, stream=io.BytesIO(path.read_bytes())).document
    client = Client()
    client.force_login(editor.user)
    redis.Redis.from_url(redis_url).delete("celery")
    with publishing_to(redis_url), running_worker(redis_url, tmp_path) as worker:
        page = client.post(reverse("audit-analyse", args=[request.pk, document.pk]))
        audit_import = AuditImport.objects.get()
        assert page.url == reverse("audit-import", args=[request.pk, audit_import.pk])
        done = wait_until(lambda: AuditImport.objects.filter(pk=audit_import.pk, state="done").first(), worker,
                          what="the import finishing")
    progress = client.get(reverse("audit-import-progress", args=[request.pk, audit_import.pk])).json()
    assert progress == {"state": "done", "done": done.lines_total, "total": done.lines_total, "percent": 100}
    assert done.rows == SearchEvent.objects.filter(request=request).count() > 4000
    assert done.rows + done.duplicates + done.rejected == 5000
