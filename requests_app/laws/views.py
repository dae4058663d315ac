from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from requests_app.laws.selectors import LawNotFound, LawPage, law_page, laws_list
from requests_app.laws.services import residency_bases, residency_statement, residency_warning_for
from requests_app.outbox.selectors import with_latest_email
from requests_app.teams.law_notes import notes_on_law
from requests_app.teams.permissions import organization_required
from requests_app.workflow.law_notes import LAW_NOTE, law_note_create


class CorrectionNoteForm(forms.Form):
    fact_key = forms.ChoiceField(label="Which fact")
    text = forms.CharField(label="What is wrong", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source_url = forms.URLField(
        label="Where it says so (optional)", required=False, max_length=500, assume_scheme="https",
        help_text="A link to the statute, court decision or official page, if you have one.",
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fact_key"].choices = choices


@organization_required
def law_list(request: HttpRequest) -> HttpResponse:
    return render(request, "laws/law_list.html", {"laws": laws_list()})


# Every member may send a note, viewers too: it changes no data, it only tells the owners.
@organization_required
@require_http_methods(["GET", "HEAD", "POST"])
def law_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        page = law_page(code=code)
    except LawNotFound:
        raise Http404("No law recorded for this jurisdiction") from None
    labels = dict(page.fact_choices())
    form = CorrectionNoteForm(request.POST or None, choices=list(labels.items()))
    if request.method == "POST" and form.is_valid():
        law_note_create(organization=request.organization, author=request.user, law=page.law,
                        now=timezone.now(), **form.cleaned_data)
        messages.success(request, f"Thank you: your note on “{labels[form.cleaned_data['fact_key']]}” goes to the "
                                  f"owners of {request.organization.name} by email. It is listed with your "
                                  "organization's notes at the foot of this page.")
        # To the top of the page, where the confirmation shows.
        return redirect("law-detail", page.jurisdiction.code)
    return render(request, "laws/law_detail.html", _context(request, page, form, labels))


def _context(request: HttpRequest, page: LawPage, form: CorrectionNoteForm, labels: dict[str, str]) -> dict:
    notes = with_latest_email(notes_on_law(organization=request.organization, law=page.law), kind=LAW_NOTE)
    return {
        "page": page,
        "jurisdiction": page.jurisdiction,
        "law": page.law,
        "residency_warning": residency_warning_for(law=page.law, organization=request.organization),
        # With the signer left as a placeholder: the page shows the sentence, not a letter.
        "statements": [(basis, residency_statement(page.law, signer="", basis=basis))
                       for basis in residency_bases(page.law)],
        "form": form,
        "notes": [(note, labels.get(note.fact_key, note.fact_key)) for note in notes],
    }
