from __future__ import annotations

from django import forms

from requests_app.agencies.models import Agency
from requests_app.agencies.selectors import DirectoryFilters, vendor_names
from requests_app.laws.selectors import state_choices


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Name", max_length=100)
    state = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Agency.Kind.choices])
    vendor = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *state_choices()]
        self.fields["vendor"].choices = [("", "Any vendor"), *((v, v) for v in vendor_names())]

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        return DirectoryFilters(**self.cleaned_data)
