from __future__ import annotations

from django import forms

from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Organization


class _HomeStateMixin:
    def _limit_home_state(self) -> None:
        field = self.fields["home_state"]
        field.queryset = Jurisdiction.objects.filter(kind=Jurisdiction.Kind.STATE).order_by("name")
        field.empty_label = "(not set)"


class OrganizationCreateForm(_HomeStateMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "home_state"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_home_state()


class LetterheadForm(_HomeStateMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "home_state", "address", "signer_name", "signer_title", "email", "phone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit_home_state()
