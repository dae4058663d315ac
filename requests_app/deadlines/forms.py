from __future__ import annotations

from django import forms


class ExtensionForm(forms.Form):
    agency_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  label="New due date named by the agency",
                                  help_text="Leave empty to apply the law's own extension period.")


class PersonalReminderForm(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Remind me on")
    note = forms.CharField(max_length=500, required=False, label="Note")
