"""A request's history: one line per change, written by the service that makes the change,
inside the same transaction, so a change that rolls back leaves no line behind."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from requests_app.records.models import RecordsRequest, RequestEvent
from requests_app.teams.models import User

EventKind = RequestEvent.Kind
HISTORY_SHOWN = 50
NOBODY = "—"


def record_event(*, request: RecordsRequest, actor: User | None, kind: str, summary: str,
                 happened_on: date | None = None) -> RequestEvent:
    """``actor`` None means the system did it (a worker, an email import). ``happened_on``: the
    day what is recorded happened, where it is not simply now (a reply logged days later)."""
    return RequestEvent.objects.create(request=request, actor=actor, kind=EventKind(kind), summary=summary,
                                       happened_on=happened_on)


def record_events(
    *, requests: Iterable[RecordsRequest], actor: User | None, kind: str, summary: Callable[[RecordsRequest], str]
) -> list[RequestEvent]:
    """One event per request, written with one INSERT: what a bulk action on many requests records."""
    return record_summaries(actor=actor, kind=kind, summaries=((r, summary(r)) for r in requests))


def record_summaries(
    *, actor: User | None, kind: str, summaries: Iterable[tuple[RecordsRequest, str]]
) -> list[RequestEvent]:
    """Events of one kind, each (request, summary) given (a request may have several), written
    with one INSERT (a few on SQLite)."""
    return RequestEvent.objects.bulk_create(
        RequestEvent(request=r, actor=actor, kind=EventKind(kind), summary=summary) for r, summary in summaries
    )


def history_of(request: RecordsRequest, *, limit: int = HISTORY_SHOWN) -> list[RequestEvent]:
    """The latest events with their actors, newest first, in one query."""
    events = RequestEvent.objects.filter(request=request).select_related("actor")
    # pk breaks ties between events written in the same instant.
    return list(events.order_by("-occurred_at", "-pk")[:limit])


def change(field: str, before: object, after: object) -> str:
    """The summary of one field's change, e.g. "owner: — → Alice"."""
    return f"{field}: {before or NOBODY} → {after or NOBODY}"
