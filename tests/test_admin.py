from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_model_has_a_working_admin_list_and_add_page(client, alice, model):
    from django.test import RequestFactory

    AgencyFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    probe = RequestFactory().get("/")
    probe.user = superuser
    can_add = admin.site._registry[model].has_add_permission(probe)
    expected = 200 if can_add else 403  # evidence such as documents only comes in through the app
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == expected


def test_all_project_models_are_registered():
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("requests_app.")]
    assert ours and all(m in admin.site._registry for m in ours)
