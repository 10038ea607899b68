from django.urls import path

from marsad.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/<str:decision>/", views.case_decide, name="case_decide"),
]
