"""Full-text search over an organization's documents and communications.

PostgreSQL ranks with its full-text search (an expression GIN index serves it, created by
migration on PostgreSQL only); SQLite, the embedded default, matches every word with a
case-insensitive containment test, which is exact if slower.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from requests_app.correspondence.models import Communication
from requests_app.documents.models import Document
from requests_app.teams.models import Organization

MAX_HITS = 50
_WORD = re.compile(r"[\w@.\-]+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    kind: str  # "document" or "communication"
    object: Document | Communication
    title: str
    snippet: str


def words(query: str) -> list[str]:
    return [w for w in _WORD.findall(query)[:10] if len(w) > 1]


def snippet(text: str, terms: list[str], width: int = 120) -> str:
    lowered = text.lower()
    positions = [p for p in (lowered.find(t.lower()) for t in terms) if p >= 0]
    start = max(min(positions) - width // 2, 0) if positions else 0
    piece = " ".join(text[start:start + width * 2].split())
    return ("…" if start else "") + piece + ("…" if start + width * 2 < len(text) else "")


def _postgres(queryset: QuerySet, fields: tuple[str, ...], query: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = SearchVector(*fields, config="english")
    search = SearchQuery(query, config="english", search_type="websearch")
    return (queryset.annotate(search_text=vector, rank=SearchRank(vector, search))
            .filter(search_text=search).order_by("-rank"))


def _fallback(queryset: QuerySet, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    for term in terms:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset


def _matching(queryset: QuerySet, fields: tuple[str, ...], query: str, terms: list[str]) -> QuerySet:
    if connection.vendor == "postgresql":
        return _postgres(queryset, fields, query)
    return _fallback(queryset, fields, terms)


DOCUMENT_FIELDS = ("original_name", "text")
COMMUNICATION_FIELDS = ("subject", "body", "sender")


def search(*, organization: Organization, query: str) -> list[Hit]:
    terms = words(query)
    if not terms:
        return []
    documents = _matching(Document.objects.filter(organization=organization), DOCUMENT_FIELDS, query, terms)
    communications = _matching(
        Communication.objects.filter(request__organization=organization).select_related("request__agency"),
        COMMUNICATION_FIELDS, query, terms)
    hits = [Hit("document", d, d.original_name, snippet(d.text or d.original_name, terms))
            for d in documents.defer("preview")[:MAX_HITS]]
    hits += [Hit("communication", c, f"{c.request.tracking}: {c.subject or c.get_direction_display()}",
                 snippet(f"{c.subject} {c.body}", terms)) for c in communications[:MAX_HITS]]
    return hits
