from django.urls import path

from marsad.matching import scan_views

app_name = "scan"
urlpatterns = [
    path("", scan_views.scan_page, name="scan"),
    path("start/", scan_views.scan_start, name="start"),
    path("<int:pk>/progress/", scan_views.scan_progress, name="progress"),
]
