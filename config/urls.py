from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("marsad.members.auth_urls")),
    path("members/", include("marsad.members.urls")),
    path("geo/", include("marsad.geo.urls")),
    path("registry/", include("marsad.registry.urls")),
    path("audit/", include("marsad.core.urls")),
    path("review/", include("marsad.matching.urls")),
    path("registry-scan/", include("marsad.matching.scan_urls")),
    path("aid/", include("marsad.assistance.urls")),
    path("imports/", include("marsad.imports.urls")),
    path("observatory/", include("marsad.observatory.urls")),
    path("api/", include("marsad.api.urls")),
    path("", include("marsad.dashboard.urls")),
]

# Addresses under /api/ that are no endpoint answer in the API's JSON error shape.
handler404 = "marsad.api.errors.page_not_found"
