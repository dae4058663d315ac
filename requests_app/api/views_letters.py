"""A request's letter, its sending and its follow-ups, as actions of the request endpoint.

The same services as the request page: editing the draft (refused once sent), finalising
it into an immutable PDF version, emailing it or recording a portal or mail submission,
and drafting a follow-up letter.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from requests_app.api import serializers as s
from requests_app.api.files import PdfRenderer
from requests_app.letters.follow_ups import draft_follow_up, follow_up_refusal
from requests_app.letters.inputs import residency_warning_of
from requests_app.letters.services import (
    CannotFinalise,
    ResidencyNotAcknowledged,
    letter_finalise,
    letter_is_current,
)
from requests_app.records.bounds import MAX_ID, parse_id
from requests_app.records.channels import CannotSend
from requests_app.records.lifecycle import TransitionError
from requests_app.records.models import RecordsRequest, SendChannel
from requests_app.records.services import NotADraft, request_edit_letter
from requests_app.workflow.sending import SubmissionBeforeLetter, request_mark_submitted, request_queue_email

_VERSION = OpenApiParameter("version", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                            description="A version number (default: the latest).")


class LetterActions:
    """Mixed into the request viewset: ``self.get_object()`` is the caller's request or 404."""

    @extend_schema(methods=["GET"], responses={200: s.LetterSerializer})
    @extend_schema(methods=["PUT", "PATCH"], request=s.LetterEditSerializer, responses={200: s.LetterSerializer})
    @action(detail=True, methods=["get", "put", "patch"])
    def letter(self, request: Request, pk: str | None = None) -> Response:
        """The draft letter and its finalised versions; PUT ``text`` edits the draft, as PATCH
        does when it gives ``text`` (a sent request's letter can no longer change)."""
        records_request = self.get_object()
        if request.method != "GET":
            form = s.LetterEditSerializer(data=request.data, partial=request.method == "PATCH")
            form.is_valid(raise_exception=True)
            if "text" in form.validated_data:
                _edit(records_request, request, form.validated_data["text"])
        return Response(_letter(records_request, request))

    @extend_schema(request=s.AcknowledgeSerializer, responses={200: s.LetterVersionSerializer})
    @action(detail=True, methods=["post"], url_path="letter/finalise", url_name="letter-finalise")
    def finalise_letter(self, request: Request, pk: str | None = None) -> Response:
        """The PDF of the current draft: a new version, or the latest if the text is unchanged."""
        records_request = self.get_object()
        form = s.AcknowledgeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            version = letter_finalise(request=records_request, user=request.user, today=timezone.localdate(),
                                      acknowledge_residency=form.validated_data["acknowledge_residency"],
                                      residency_basis=form.validated_data["residency_basis"])
        except ResidencyNotAcknowledged as exc:
            raise ApiValidationError({"acknowledge_residency": [
                f"Not finalised: the letter to {records_request.agency.name} needs your confirmation. {exc} "
                "Pass acknowledge_residency: true if the signer qualifies."]}) from None
        except CannotFinalise as exc:
            raise ApiValidationError({"detail": [str(exc)]}) from None
        return Response(s.LetterVersionSerializer(version, context={"request": request}).data)

    @extend_schema(parameters=[_VERSION], responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter's PDF."),
        404: OpenApiResponse(description="No finalised letter (or no such version)."),
    })
    @action(detail=True, methods=["get"], url_path="letter/pdf", url_name="letter-pdf",
            renderer_classes=[JSONRenderer, PdfRenderer])
    def letter_pdf(self, request: Request, pk: str | None = None, **kwargs) -> FileResponse:
        """The latest finalised letter's PDF, or version ``version``."""
        versions = self.get_object().letters.order_by("-number")
        wanted = request.query_params.get("version", "").strip()
        number = parse_id(wanted) if wanted else None
        if wanted and number is None:
            raise ApiValidationError({"version": ["Give a version number, e.g. 1."]})
        version = (versions.filter(number=number) if wanted else versions).first()
        if version is None:
            raise NotFound("No such letter version." if wanted else
                           "The letter has not been finalised: POST to letter/finalise/ first.")
        return FileResponse(version.pdf.open("rb"), as_attachment=True, filename=version.filename,
                            content_type="application/pdf")

    @extend_schema(request=s.SendSerializer, responses={
        200: OpenApiResponse(s.RequestSerializer, description="A portal or mail submission, recorded."),
        202: OpenApiResponse(s.RequestSerializer, description="Queued to be emailed (send_state)."),
    })
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        """Sends the finalised letter: by email through the app, or records that it was
        submitted through the agency's portal or by mail; either way it leaves draft."""
        records_request = self.get_object()
        form = s.SendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            if data["channel"] == SendChannel.EMAIL:
                request_queue_email(request=records_request, user=request.user)
            else:
                request_mark_submitted(request=records_request, user=request.user, channel=data["channel"],
                                       sent_on=data["sent_on"], reference=data["reference"],
                                       confirm_before_letter=data["confirm_before_letter"])
        except SubmissionBeforeLetter as exc:
            raise ApiValidationError({"confirm_before_letter": [
                f"{exc} Pass confirm_before_letter: true to record it anyway."]}) from None
        except (CannotSend, TransitionError) as exc:
            raise ApiValidationError({"detail": [str(exc)]}) from None
        answer = s.RequestSerializer(self.get_queryset().get(pk=records_request.pk)).data
        queued = data["channel"] == SendChannel.EMAIL
        return Response(answer, status=status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK)

    @extend_schema(methods=["GET"], responses={200: s.FollowUpSerializer(many=True)})
    @extend_schema(methods=["POST"], request=None, responses={
        201: s.FollowUpSerializer,
        409: OpenApiResponse(description="A follow-up was already drafted today."),
    })
    @action(detail=True, methods=["get", "post"], url_path="follow-ups", url_name="follow-ups",
            pagination_class=None)  # a request's own letters: one list
    def follow_ups(self, request: Request, pk: str | None = None) -> Response:
        """The request's follow-up and appeal letters; POST drafts a follow-up today, for a
        request awaiting the agency's answer."""
        records_request = self.get_object()
        if request.method == "GET":
            letters = records_request.follow_ups.order_by("drafted_at", "pk")
            return Response(s.FollowUpSerializer(letters, many=True).data)
        refusal = follow_up_refusal(records_request)
        if refusal:
            raise ApiValidationError({"detail": [refusal]})
        letter = draft_follow_up(request=records_request, on=timezone.localdate(), user=request.user,
                                 reason=f"Drafted through the API by {_caller(request)}")
        if letter is None:
            return Response({"detail": "A follow-up was already drafted today: GET follow-ups/ lists it."},
                            status=status.HTTP_409_CONFLICT)
        return Response(s.FollowUpSerializer(letter).data, status=status.HTTP_201_CREATED)


def _edit(records_request: RecordsRequest, request: Request, text: str) -> None:
    try:
        request_edit_letter(request=records_request, letter_text=text, user=request.user)
    except (NotADraft, ValidationError) as exc:
        raise ApiValidationError({"text": _messages(exc)}) from None


def _letter(records_request: RecordsRequest, request: Request) -> dict:
    versions = list(records_request.letters.order_by("-number"))
    answer = {
        "text": records_request.letter_text,
        "edited": records_request.letter_edited,
        "current": letter_is_current(records_request, versions[0] if versions else None),
        "residency_warning": residency_warning_of(records_request),
        "versions": versions,
    }
    return s.LetterSerializer(answer, context={"request": request}).data


def _caller(request: Request) -> str:
    token = getattr(request.auth, "name", "")
    caller = f"{request.user} (token “{token}”)" if token else str(request.user)
    return caller[:200]  # the reason holds 300 characters


def _messages(exc: Exception) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]
