from django.urls import path

from marsad.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/assessment/", views.household_assess, name="household_assess"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<int:pk>/national-id/",
        views.person_reveal_national_id,
        name="person_reveal_national_id",
    ),
    path("search/", views.coalition_search, name="search"),
    path("register/", views.register_household, name="register_household"),
    path("register/members/", views.register_people, name="register_people"),
    path("register/check/", views.register_check, name="register_check"),
    path("register/confirm/", views.register_confirm, name="register_confirm"),
]
