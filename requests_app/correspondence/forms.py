from __future__ import annotations

from django import forms
from django.utils import timezone

from requests_app.correspondence.models import Communication, Fee
from requests_app.records.bounds import date_in_range
from requests_app.records.models import RequestItem

DATE = forms.DateInput(attrs={"type": "date"})


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["direction", "channel", "occurred_on", "sender", "recipient", "subject", "body", "action",
                  "agency_reference", "extended_to", "fee_amount", "exemptions"]
        labels = {"occurred_on": "Date", "sender": "From", "recipient": "To", "action": "What it does",
                  "extended_to": "New due date (extension)", "fee_amount": "Fee estimate (USD)",
                  "agency_reference": "Agency's tracking number (acknowledgment)"}
        widgets = {"occurred_on": DATE, "extended_to": DATE, "body": forms.Textarea(attrs={"rows": 5}),
                   "exemptions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, channel: str = "", **kwargs) -> None:
        """``channel``: the way the request went; an agency mostly answers the same way."""
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate
        for name in ("occurred_on", "extended_to"):
            self.fields[name].validators.append(date_in_range)
        # What is logged is mostly the agency's answer, so both start chosen, with no blank
        # "---------" to pick by mistake.
        self.fields["direction"].choices = Communication.Direction.choices
        self.fields["direction"].initial = Communication.Direction.FROM_AGENCY
        self.fields["channel"].choices = Communication.Channel.choices
        known = channel in Communication.Channel.values  # a draft has none yet
        self.fields["channel"].initial = channel if known else Communication.Channel.EMAIL

    def clean_occurred_on(self):
        if self.cleaned_data["occurred_on"] > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return self.cleaned_data["occurred_on"]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=RequestItem.Outcome.choices)
    exemption = forms.CharField(max_length=500, required=False)
    note = forms.CharField(max_length=500, required=False)


class FeeForm(forms.ModelForm):
    class Meta:
        model = Fee
        fields = ["kind", "amount", "occurred_on", "note"]
        labels = {"occurred_on": "Date", "amount": "Amount (USD)"}
        widgets = {"occurred_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate
        self.fields["occurred_on"].validators.append(date_in_range)
