"""Serializer fields with the bounds every API input keeps (records/bounds.py): an id the
database can hold, a date within two centuries, an amount of money that is not negative."""

from __future__ import annotations

from rest_framework import serializers

from requests_app.records.bounds import EARLIEST, LATEST, MAX_ID, date_in_range


class IdField(serializers.IntegerField):
    """An object's id: 1 to 2^63 - 1 (a larger number cannot be any object's id)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class TypedDateField(serializers.DateField):
    """A date a person gives: between 1900-01-01 and 2200-12-31."""

    def __init__(self, **kwargs) -> None:
        kwargs["validators"] = [*kwargs.get("validators", []), date_in_range]
        help_text = kwargs.get("help_text", "")
        kwargs["help_text"] = f"{help_text} From {EARLIEST.isoformat()} to {LATEST.isoformat()}.".strip()
        super().__init__(**kwargs)


class MoneyField(serializers.DecimalField):
    """An amount in USD, never negative."""

    def __init__(self, *, max_digits: int, **kwargs) -> None:
        super().__init__(max_digits=max_digits, decimal_places=2, min_value=0, **kwargs)
