"""Typed reads of environment variables that fail loudly on bad values.

Settings call these instead of ``os.environ.get`` so that a typo in production
(``DEBUG=flase``, ``EMAIL_PORT=25x``) stops the process with a message naming the
variable, rather than silently falling back to a default.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_MISSING = object()
N = TypeVar("N", int, float)


class Env:
    """Reads typed values from a mapping (``os.environ`` unless a test passes one)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def str(self, name: str, default: str | None | object = _MISSING) -> str | None:
        value = self._raw(name)
        if value is not None:
            return value
        if default is _MISSING:
            raise ImproperlyConfigured(f"{name} must be set in the environment.")
        return default  # type: ignore[return-value]

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean; use one of: 1/0, true/false, yes/no, on/off."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        return self._number(name, default, int, "a whole number", minimum)

    def float(self, name: str, default: float, *, minimum: float | None = None) -> float:
        return self._number(name, default, float, "a finite number", minimum)

    def _number(self, name: str, default: N, kind: Callable[[str], N], noun: str, minimum: N | None) -> N:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = kind(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not {noun}.") from None
        if not math.isfinite(number):
            raise ImproperlyConfigured(f"{name}={value!r} is not {noun}.")
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number:g} is below the minimum of {minimum:g}.")
        return number

    def list(self, name: str, default: list[str]) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self._raw(name) or default
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def url(self, name: str, default: str, schemes: tuple[str, ...]) -> str:
        value = self._raw(name) or default
        scheme = urlsplit(value).scheme
        if scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} has scheme {scheme or '(none)'!r}; expected one of: {', '.join(schemes)}."
            )
        return value
