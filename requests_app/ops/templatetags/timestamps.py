"""``{{ moment|html_datetime }}``: a time for an HTML ``datetime`` attribute.

Django's ``date:"c"`` keeps microseconds (``2026-12-06T14:05:09.153000-05:00``), which HTML
does not accept: a valid global date and time has at most three digits of a second.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(moment: datetime | None) -> str:
    """ISO 8601 in the site's time zone, to the second, with its offset: 2026-12-06T14:05:09-05:00."""
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(microsecond=0).isoformat()
