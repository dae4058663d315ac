from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from requests_app.documents.inbox import file_on
from requests_app.documents.integrity import IntegrityFailure
from requests_app.documents.models import Document, InboundEmail
from requests_app.documents.packet import request_packet
from requests_app.documents.search import search
from requests_app.documents.upload import upload_files
from requests_app.records.models import RecordsRequest
from requests_app.records.selectors import request_of
from requests_app.teams.permissions import editor_required, organization_required

SAID = {"stored": "stored", "linked": "already held, now filed here too", "already": "already on this request"}


@editor_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "Choose one or more files to upload.")
        return redirect("request-detail", pk)
    results = upload_files(request=records_request, user=request.user, files=[(f.name, f) for f in files],
                           note=request.POST.get("note", ""))
    for result in results:
        _say(request, result)
    return redirect("request-detail", pk)


def _say(request: HttpRequest, result) -> None:
    if result.status == "refused":
        messages.error(request, f"{result.name} was refused: {result.reason}")
    else:
        extra = f" ({len(result.members)} file(s) extracted)" if result.members else ""
        messages.success(request, f"{result.name}: {SAID[result.status]}{extra}.")
    for member in result.members:
        if member.status == "refused":
            messages.warning(request, f"{member.name} (in {result.name}) was refused: {member.reason}")


@organization_required
def download(request: HttpRequest, document_id: int) -> FileResponse:
    document = get_object_or_404(Document, pk=document_id, organization=request.organization)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


LINKS_PER_PAGE = 50


@organization_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(Document.objects.select_related("parent", "uploaded_by"), pk=document_id,
                                 organization=request.organization)
    links = document.request_links.select_related("request__agency", "communication").order_by("-added_at", "-pk")
    # One file can answer many requests (a shared release, a campaign's common reply).
    page = Paginator(links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"document": document, "links": page.object_list, "page": page, "members": document.members.all(),
               "excerpt": document.text[:5000]}
    return render(request, "documents/document_detail.html", context)


@organization_required
def packet(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = request_of(request.organization, pk)
    try:
        bundle = request_packet(records_request)
    except IntegrityFailure as exc:
        messages.error(request, f"Packet stopped: {exc}. The stored file may have been altered.")
        return redirect("request-detail", pk)
    return FileResponse(bundle, as_attachment=True, filename=f"{records_request.tracking}-packet.zip",
                        content_type="application/zip")


@organization_required
def inbox(request: HttpRequest) -> HttpResponse:
    waiting = InboundEmail.objects.filter(organization=request.organization, state=InboundEmail.State.UNMATCHED)
    requests = RecordsRequest.objects.filter(organization=request.organization).exclude(status="draft").select_related(
        "agency").order_by("-created_at")[:500]
    return render(request, "documents/inbox.html", {"waiting": waiting, "requests": requests})


@editor_required
@require_POST
def inbox_assign(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = get_object_or_404(InboundEmail, pk=inbound_id, organization=request.organization,
                                state=InboundEmail.State.UNMATCHED)
    if request.POST.get("action") == "dismiss":
        inbound.state = InboundEmail.State.DISMISSED
        inbound.save(update_fields=["state"])
        messages.success(request, "Dismissed.")
        return redirect("inbox")
    target = RecordsRequest.objects.filter(pk=request.POST.get("request") or 0, organization=request.organization).first()
    if target is None:
        messages.error(request, "Choose one of your organization's requests.")
        return redirect("inbox")
    file_on(inbound, target, user=request.user, how=f"assigned by {request.user}")
    messages.success(request, f"Filed on {target.tracking}.")
    return redirect("inbox")


@organization_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    hits = search(organization=request.organization, query=query) if query else []
    # site_query: base.html fills the header's search box with it.
    return render(request, "documents/search.html", {"query": query, "site_query": query, "hits": hits})
