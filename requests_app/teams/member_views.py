"""Pages for an organization's members: the list, owners' changes, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from requests_app.teams import logins, members
from requests_app.teams.middleware import SESSION_KEY
from requests_app.teams.models import Invitation, Membership, Role, User
from requests_app.teams.permissions import owner_required
from requests_app.workflow.invitations import invite_member


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists: log in to accept instead.")
        return email


@owner_required  # every member sees the list; a non-owner's POST is refused like any other
@require_safe
def member_list(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    people = list(members.members_of(organization=organization))
    context = {
        "members": people,
        "can_manage": request.membership.can_manage,
        "roles": Role.choices,
    }
    if request.membership.can_manage:
        context["locked"] = logins.locked_out(usernames=[m.user.username for m in people], now=timezone.now())
        context["invite_form"] = InviteForm()
        context["invitations"] = members.pending_invitations(organization=organization, now=timezone.now())
    return render(request, "teams/members.html", context)


@owner_required
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter an email address and a role to invite someone.")
        return redirect("members")
    try:
        invitation, _ = invite_member(
            organization=request.organization, invited_by=request.user, now=timezone.now(), **form.cleaned_data
        )
    except members.MemberChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Invitation sent to {invitation.email}; the link works for 7 days.")
    return redirect("members")


def _member(request: HttpRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, organization=request.organization
    )


@owner_required
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, editor or viewer.")
        return redirect("members")
    try:
        members.change_role(
            organization=request.organization, by=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except members.MemberChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display().lower()}.")
    return redirect("members")


@owner_required
@require_POST
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        members.remove_member(organization=request.organization, by=request.user, membership=membership)
    except members.MemberChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{membership.user} was removed from {request.organization.name}.")
    return redirect("members")


@owner_required
@require_POST
def member_unlock(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        logins.unlock_member(organization=request.organization, by=request.user, membership=membership)
    except members.MemberChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{membership.user} can log in again.")
    return redirect("members")


@owner_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, organization=request.organization)
    members.revoke_invitation(organization=request.organization, by=request.user, invitation=invitation,
                              now=timezone.now())
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("members")


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """One link for everyone: a logged-in user accepts with a button, anyone else signs up here."""
    invitation = members.invitation_for_token(token)
    problem = members.invitation_problem(invitation, now=timezone.now())
    if problem:
        return render(request, "teams/invitation.html", {"problem": problem}, status=404 if invitation is None else 410)
    authenticated = request.user.is_authenticated
    form = None if authenticated else SignUpForm(request.POST or None, initial={"email": invitation.email})
    if request.method == "POST" and (authenticated or form.is_valid()):
        try:
            membership = _accept(request, token, form)
        except members.InvitationRefused as refused:
            return render(request, "teams/invitation.html", {"problem": str(refused)}, status=410)
        request.session[SESSION_KEY] = membership.organization_id
        messages.success(request, f"Welcome to {membership.organization.name}.")
        return redirect("home")
    context = {
        "invitation": invitation,
        "form": form,
        "already_member": authenticated and any(m.organization_id == invitation.organization_id
                                                for m in request.memberships),
    }
    return render(request, "teams/invitation.html", context)


def _accept(request: HttpRequest, token: str, form: SignUpForm | None) -> Membership:
    now = timezone.now()
    if form is None:
        return members.accept_invitation(token=token, user=request.user, now=now)
    membership = members.accept_invitation_as_new_user(
        token=token, username=form.cleaned_data["username"], email=form.cleaned_data["email"],
        password=form.cleaned_data["password1"], now=now,
    )
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")  # just signed up
    return membership
