"""A mail backend for tests: like locmem, but refuses any recipient containing "refuse"."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = [r for r in message.recipients() if "refuse" in r]
            if refused:
                raise smtplib.SMTPRecipientsRefused({r: (550, b"mailbox unavailable") for r in refused})
        return super().send_messages(messages)
