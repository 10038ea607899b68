from django.urls import path

from marsad.observatory import views

app_name = "observatory"
urlpatterns = [
    path("", views.gap_map, name="map"),
    path("data.geojson", views.gap_map_geojson, name="geojson"),
    path("area/<str:level>/<str:code>/", views.area_panel, name="area"),
    path("export.csv", views.gap_export, {"fmt": "csv"}, name="export_csv"),
    path("export.hxl.csv", views.gap_export, {"fmt": "hxl"}, name="export_hxl"),
]
