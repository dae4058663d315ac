from __future__ import annotations

from django import forms
from django.utils import timezone

from requests_app.agencies.pickers import AgencyChoiceField, AgencyPickerMixin
from requests_app.records.bounds import date_in_range
from requests_app.records.catalogue import BUILT_IN
from requests_app.records.models import CustomItem, SendChannel, Status
from requests_app.teams.models import Organization

DEFAULT_ITEMS = ["org-audit", "network-audit", "sharing"]


def item_choices(organization: Organization) -> list[tuple[str, str]]:
    custom = CustomItem.objects.filter(organization=organization).order_by("title")
    return [(i.key, i.title) for i in BUILT_IN] + [(c.key, f"{c.title} (ours)") for c in custom]


class RequestTermsForm(forms.Form):
    """What is asked for: shared by single requests and campaigns."""

    title = forms.CharField(max_length=200, initial="ALPR records")
    items = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, initial=DEFAULT_ITEMS)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Records from",
                                validators=[date_in_range])
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Records until",
                              validators=[date_in_range],
                              help_text="Leave empty for “to the date of your search”.")
    fee_cap = forms.DecimalField(min_value=0, max_digits=8, decimal_places=2, initial=50, label="Fee cap (USD)",
                                 help_text="Above this amount the agency is asked to check with you first.")

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices(organization)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The date range ends before it starts.")
        return data


class RequestCreateForm(AgencyPickerMixin, RequestTermsForm):
    agency = AgencyChoiceField(label="Agency", help_text="Type part of its name, city, county or ORI, then pick it.")

    field_order = ["agency", "title", "items", "date_from", "date_to", "fee_cap"]


class LetterEditForm(forms.Form):
    letter_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "true"}), label="Letter text",
                                  max_length=100_000)


class FinaliseForm(forms.Form):
    acknowledge_residency = forms.BooleanField(
        required=False, label="I have read the residency warning: the signer qualifies, and the letter may say so")
    # The law's own grounds ("citizen", "media", ...); letter_finalise refuses any other.
    residency_basis = forms.SlugField(required=False, max_length=40)


class SubmissionForm(forms.Form):
    channel = forms.ChoiceField(choices=[(SendChannel.PORTAL, "Records portal"), (SendChannel.MAIL, "Mail")])
    sent_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Submitted on",
                              initial=timezone.localdate, validators=[date_in_range])
    reference = forms.CharField(max_length=200, required=False, label="Agency's reference",
                                help_text="The request or confirmation number the portal gave (needed for a portal "
                                          "submission); for mail, a certified-mail number if you have one.")
    confirm_before_letter = forms.BooleanField(
        required=False, label="Yes, it was submitted on that day, before the letter's date",
    )

    def __init__(self, *args, ask_confirmation: bool = False, channels: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if channels is not None:  # the ways whose contact the directory has
            self.fields["channel"].choices = [c for c in self.fields["channel"].choices if c[0] in channels]
        if not ask_confirmation:  # offered only once the date was found to be before the letter's
            del self.fields["confirm_before_letter"]


class CustomItemForm(forms.ModelForm):
    class Meta:
        model = CustomItem
        fields = ["key", "title", "wording"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 4})}


class StatusForm(forms.Form):
    """A move in the lifecycle; the lifecycle itself refuses moves it does not allow."""

    status = forms.ChoiceField(choices=Status.choices, label="New status")
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate, label="As of",
                         validators=[date_in_range])
    reason = forms.CharField(max_length=500, required=False, label="Why")

    def __init__(self, *args, moves: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if moves is not None:
            self.fields["status"].choices = [(m.value, m.label) for m in moves]

    def clean_on(self):
        if self.cleaned_data["on"] > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return self.cleaned_data["on"]
