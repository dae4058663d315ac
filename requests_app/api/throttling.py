"""API throttling that never turns a cache outage into failed calls."""

from __future__ import annotations

import logging

from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)


class MemberRateThrottle(UserRateThrottle):
    """Calls per user (API_THROTTLE_RATE), counted in the default cache. While the cache
    cannot be reached (Redis down), calls are let through and the outage is logged: a
    missed limit for a few minutes costs less than an API that answers nothing."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache client's own errors (redis.ConnectionError, timeouts)
            logger.warning("API throttling skipped: the cache cannot be reached", exc_info=True)
            return True
