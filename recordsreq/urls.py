from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from requests_app.agencies import views as agencies
from requests_app.laws import views as laws
from requests_app.ops import views as ops
from requests_app.teams import views as teams

urlpatterns = [
    path("", teams.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organizations/new/", teams.organization_new, name="organization-create"),
    path("organizations/switch/", teams.organization_switch, name="organization-switch"),
    path("organizations/letterhead/", teams.letterhead, name="letterhead"),
    path("agencies/", agencies.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", agencies.agency_page, name="agency-detail"),
    path("laws/", laws.law_list, name="law-list"),
    path("laws/<str:code>/", laws.law_detail, name="law-detail"),
    path("healthz", ops.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
