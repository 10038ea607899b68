from django.urls import path

from marsad.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.governorate_list, name="governorate_list"),
    path("governorates.geojson", views.governorates_geojson, name="governorates_geojson"),
]
