from __future__ import annotations

from datetime import date

from django import forms

from requests_app.records.bounds import date_in_range


class ExtensionForm(forms.Form):
    agency_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  validators=[date_in_range],
                                  label="New due date named by the agency",
                                  help_text="Leave empty to apply the law's own extension period.")


class PersonalReminderForm(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Remind me on",
                         validators=[date_in_range])
    note = forms.CharField(max_length=500, required=False, label="Note")


OPTIONAL = "optional holiday"
DESIGNATED = "designated non-business day"


class AgencyClosedDaysForm(forms.Form):
    """The days an agency itself is closed, one per line: "2026-12-24 Christmas Eve".

    Texas: the optional holidays its officer for public information observes are not
    business days, and it may designate up to 10 more non-business days a year (Gov't Code
    § 552.0031(c), (f))."""

    optional_holidays = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Optional holidays the agency observes",
        help_text='One per line, date then name: "2026-09-21 Yom Kippur".')
    designated_days = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Days the agency designated as non-business days",
        help_text='One per line: "2026-12-24 Offices closed". At most 10 a year.')

    def __init__(self, *args, designated_limit: int = 10, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.designated_limit = designated_limit

    def clean_optional_holidays(self) -> dict[date, str]:
        return _dated_lines(self.cleaned_data["optional_holidays"], OPTIONAL)

    def clean_designated_days(self) -> dict[date, str]:
        days = _dated_lines(self.cleaned_data["designated_days"], DESIGNATED)
        years: dict[int, int] = {}
        for day in days:
            years[day.year] = years.get(day.year, 0) + 1
        crowded = sorted(y for y, n in years.items() if n > self.designated_limit)
        if crowded:
            raise forms.ValidationError(
                f"At most {self.designated_limit} designated days a year; {', '.join(map(str, crowded))} has more.")
        return days

    @classmethod
    def initial_from(cls, entries: list[dict[str, str]]) -> dict[str, str]:
        """The form's fields as the clock's saved days fill them, one "date name" per line."""
        lines: dict[str, list[str]] = {"optional_holidays": [], "designated_days": []}
        for entry in entries:
            kind, _, name = entry["reason"].partition(": ")
            field = "optional_holidays" if kind == OPTIONAL else "designated_days"
            lines[field].append(f"{entry['date']} {name}".strip())
        return {field: "\n".join(rows) for field, rows in lines.items()}

    def closed_days(self) -> dict[date, str]:
        return {**self.cleaned_data["designated_days"], **self.cleaned_data["optional_holidays"]}


def _dated_lines(text: str, kind: str) -> dict[date, str]:
    days: dict[date, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        when, _, name = line.partition(" ")
        try:
            day = date.fromisoformat(when)
        except ValueError:
            raise forms.ValidationError(f"Line {number}: {when!r} is not a date; write it as YYYY-MM-DD.") from None
        if not 2000 <= day.year <= 2100:
            raise forms.ValidationError(f"Line {number}: {day.year} is not a year a request runs in.")
        days[day] = f"{kind}: {name.strip()[:80]}" if name.strip() else kind
    return days
