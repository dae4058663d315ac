"""What pages and the API read of an email: the latest one of a row, its state and error."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from requests_app.outbox.models import Email, State


def latest_email(*, kind: str, target_id: int) -> Email | None:
    return Email.objects.filter(kind=kind, target_id=target_id).order_by("-pk").first()


def another_went(email: Email) -> bool:
    """Whether another email for the same row was sent or is being sent: a letter goes once."""
    return Email.objects.filter(kind=email.kind, target_id=email.target_id, state__in=[State.SENDING, State.SENT]
                                ).exclude(pk=email.pk).exists()


def with_latest_email(rows: QuerySet, *, kind: str | OuterRef) -> QuerySet:
    """``rows`` with the state and error of each row's latest email of ``kind`` as
    ``email_state`` and ``email_error`` (None when it never had one), in the same query."""
    latest = Email.objects.filter(kind=kind, target_id=OuterRef("pk")).order_by("-pk")
    return rows.annotate(email_state=Subquery(latest.values("state")[:1]),
                         email_error=Subquery(latest.values("error")[:1]))


class EmailedRow:
    """For a model whose rows are emailed through the outbox: the state ("" when never asked
    for) and error of the row's latest email. Read from ``with_latest_email``'s annotation when
    the query made one, else from the outbox, fresh on every read."""

    pk: int
    email_kind: str  # the outbox kind of the row's email

    @property
    def send_state(self) -> str:
        return self._latest_email_value("state")

    @property
    def send_error(self) -> str:
        return self._latest_email_value("error")

    def email_changed(self) -> None:
        """Drops the state the query read, so the next read sees an email just asked for."""
        self.__dict__.pop("email_state", None)
        self.__dict__.pop("email_error", None)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.email_changed()
        super().refresh_from_db(*args, **kwargs)  # type: ignore[misc]

    def _latest_email_value(self, field: str) -> str:
        if f"email_{field}" in self.__dict__:
            return self.__dict__[f"email_{field}"] or ""
        email = latest_email(kind=self.email_kind, target_id=self.pk)
        return getattr(email, field) if email else ""
