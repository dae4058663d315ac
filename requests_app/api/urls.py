from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from requests_app.api import views, views_campaigns

class ApiRootView(views.ApiViewSetMixin, APIRootView):
    pass


router = DefaultRouter()
router.APIRootView = ApiRootView
router.register("agencies", views.AgencyViewSet, basename="api-agency")
router.register("laws", views.LawViewSet, basename="api-law")
router.register("requests", views.RequestViewSet, basename="api-request")
router.register("campaigns", views_campaigns.CampaignViewSet, basename="api-campaign")
router.register("bulk-jobs", views.BulkJobViewSet, basename="api-bulk-job")


def _public(view):
    view.login_required = False  # the schema and docs describe the API; the data needs a token
    return view


urlpatterns = [
    path("schema/", _public(SpectacularAPIView.as_view()), name="api-schema"),
    # The split view serves the docs' start-up script as a file, so the page needs no inline script.
    path("docs/", _public(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include(router.urls)),
]
