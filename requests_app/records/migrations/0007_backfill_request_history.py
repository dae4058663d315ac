"""Backfills the request history (RequestEvent, added in 0004) for what happened before it
existed: a "created" line for each request that has none, and a "status changed" line for
each status change older than the request's first recorded event. Each line keeps the
original time and person; running it again adds nothing."""

from itertools import islice

from django.db import migrations

BATCH = 2000
STATUS_LABELS = {
    "draft": "Draft", "submitted": "Submitted", "acknowledged": "Acknowledged", "processing": "Processing",
    "needs_clarification": "Needs clarification", "fee_requested": "Fee requested",
    "partially_fulfilled": "Partially fulfilled", "fulfilled": "Fulfilled", "no_records": "No records",
    "denied": "Denied", "appealed": "Appealed", "litigation": "Litigation", "withdrawn": "Withdrawn",
}


def _label(status):
    return STATUS_LABELS.get(status, status)


def status_summary(from_status, to_status, reason):
    moved = f"status: {_label(from_status)} → {_label(to_status)}"
    return f"{moved} ({reason})" if reason else moved


def backfill(apps, schema_editor):
    from django.db.models import Min

    RecordsRequest = apps.get_model("records", "RecordsRequest")
    StatusChange = apps.get_model("records", "StatusChange")
    RequestEvent = apps.get_model("records", "RequestEvent")
    first_event = dict(RequestEvent.objects.values("request_id").annotate(first=Min("occurred_at"))
                       .values_list("request_id", "first").order_by())
    with_created = RequestEvent.objects.filter(kind="created").values("request_id")
    created = (
        RequestEvent(request_id=r.pk, actor_id=r.created_by_id, kind="created", occurred_at=r.created_at,
                     summary=f"created: {r.title!r} to {r.agency.name}")
        for r in RecordsRequest.objects.exclude(pk__in=with_created).select_related("agency").iterator(BATCH)
    )
    moves = (
        RequestEvent(request_id=c.request_id, actor_id=c.changed_by_id, kind="status_changed",
                     occurred_at=c.changed_at, summary=status_summary(c.from_status, c.to_status, c.reason))
        for c in StatusChange.objects.order_by("pk").iterator(BATCH)
        if first_event.get(c.request_id) is None or c.changed_at < first_event[c.request_id]
    )
    # occurred_at is auto_now_add: switched off here so the lines keep their original times.
    field = RequestEvent._meta.get_field("occurred_at")
    field.auto_now_add = False
    try:
        for events in (created, moves):
            batch = list(islice(events, BATCH))
            while batch:
                RequestEvent.objects.bulk_create(batch)
                batch = list(islice(events, BATCH))
    finally:
        field.auto_now_add = True


class Migration(migrations.Migration):
    dependencies = [("records", "0006_request_event_letter_finalised")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
