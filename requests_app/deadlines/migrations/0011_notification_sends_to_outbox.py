"""Moves the email state of reminder notifications into the outbox, before 0012 drops the
claim fields.

Notifications that shared a claim (a digest), or that a user taking digests was emailed,
become one "digest" email; any other becomes its own "reminder" email. Each keeps its state:
- emailed: a sent email at ``emailed_at``;
- claimed and not emailed (a worker on it, a refused send, or a dead worker): a "sending"
  email claimed then, which the outbox sweep takes again after its claim goes stale, as the
  next scan did, or gives up two days after;
- never claimed, for a user emailed each reminder, of a reminder sent in the last two days
  (which the next scan would have emailed): a queued email;
- otherwise (a digest user's next digest, or too late to email) no email, as before.
Going back puts a "sending" email's claim in the fields again.
"""

from collections import defaultdict
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.db import migrations
from django.urls import reverse
from django.utils import timezone

from requests_app.outbox.services import message_domain

TOO_LATE = timedelta(days=2)


def reminder_fields(notification) -> dict[str, object]:
    link = settings.SITE_URL.rstrip("/") + reverse("request-detail", args=[notification.request_id])
    return {"kind": "reminder", "target_id": notification.pk, "subject": f"[recordsreq] {notification.message[:150]}",
            "body": f"{notification.message}\n\n{link}\n"}


def digest_fields(notifications) -> dict[str, object]:
    body = "\n".join(f"- {n.message}" for n in sorted(notifications, key=lambda n: n.created_at))
    return {"kind": "digest", "target_id": notifications[0].user_id,
            "subject": f"[recordsreq] {len(notifications)} reminder(s)", "body": body + "\n"}


def state_fields(first) -> dict[str, object]:
    if first.emailed_at:
        when = first.email_claimed_at or first.emailed_at
        return {"state": "sent", "created_at": when, "state_changed_at": first.emailed_at, "attempts": 1,
                "sent_at": first.emailed_at, "claimed_at": first.email_claimed_at}
    if first.email_claimed_at:
        return {"state": "sending", "created_at": first.email_claimed_at, "state_changed_at": first.email_claimed_at,
                "claimed_at": first.email_claimed_at, "attempts": 1}
    # Asked for when its reminder was sent, so the sweep takes it up as the scan would have.
    return {"state": "queued", "created_at": first.reminder.sent_at, "state_changed_at": first.reminder.sent_at}


def groups(Notification, digest_users):
    """Notifications that went, or were to go, in one email."""
    now = timezone.now()
    taken = defaultdict(list)
    for n in (Notification.objects.exclude(user__email="").select_related("user", "reminder").order_by("pk")
              .iterator()):
        if n.emailed_at or n.email_claimed_at:
            digest = n.user_id in digest_users
            taken[("claim", n.user_id, n.email_claim or (digest and n.emailed_at) or n.pk)].append(n)
        elif n.user_id not in digest_users and n.reminder and (n.reminder.sent_at or now - TOO_LATE) > now - TOO_LATE:
            taken[("left", n.pk)].append(n)
    return taken.values()


def forwards(apps, schema_editor):
    Notification = apps.get_model("deadlines", "Notification")
    Email = apps.get_model("outbox", "Email")
    digest_users = set(apps.get_model("deadlines", "ReminderPreference").objects.filter(delivery="digest")
                       .values_list("user_id", flat=True))
    for notifications in groups(Notification, digest_users):
        first = notifications[0]
        digest = len(notifications) > 1 or first.user_id in digest_users
        email = Email.objects.create(
            to=[first.user.email], message_id=make_msgid(domain=message_domain()), **state_fields(first),
            **(digest_fields(notifications) if digest else reminder_fields(first)))
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(email=email)


def backwards(apps, schema_editor):
    Notification = apps.get_model("deadlines", "Notification")
    Email = apps.get_model("outbox", "Email")
    for email in Email.objects.filter(kind__in=["reminder", "digest"], state="sending").iterator():
        Notification.objects.filter(email=email).update(email_claimed_at=email.claimed_at,
                                                        email_claim=f"{email.pk:032x}")
    Email.objects.filter(kind__in=["reminder", "digest"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('deadlines', '0010_notification_email'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
