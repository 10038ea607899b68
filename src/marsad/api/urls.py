"""The API's URLs, under /api/. The OpenAPI schema is served as YAML or JSON (`?format=json`);
no documentation UI is served, because the usual ones load their scripts from a CDN."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from marsad.api import views

app_name = "api"

SCHEMA_SETTINGS = {
    "TITLE": "Marsad API",
    "DESCRIPTION": (
        "Registration, coordination, aid-ledger and gap-map API of Marsad for member institutions' "
        "systems. "
        "Authenticate with `Authorization: Token <key>`; see docs/api.md for the error codes."
    ),
    "VERSION": "1.0.0",
}

urlpatterns = [
    path("households/", views.HouseholdRegisterView.as_view(), name="household_register"),
    path(
        "households/batch/",
        views.HouseholdBatchView.as_view(),
        name="household_register_batch",
    ),
    path("people/check/", views.PersonCheckView.as_view(), name="person_check"),
    path("people/search/", views.PersonSearchView.as_view(), name="person_search"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("aid-entries/", views.AidEntryListCreateView.as_view(), name="aid_entries"),
    path("aid-entries/<int:pk>/reverse/", views.AidEntryReverseView.as_view(), name="aid_reverse"),
    path("reach/", views.ReachView.as_view(), name="reach"),
    path("gap/", views.GapTableView.as_view(), name="gap_table"),
    path("gap/geojson/", views.GapGeoJsonView.as_view(), name="gap_geojson"),
    path("schema/", SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS), name="schema"),
]
