from django.urls import path

from marsad.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("bodies/", views.body_list, name="body_list"),
    path("partners/", views.partner_list, name="partner_list"),
    path("<slug:slug>/", views.member_detail, name="member_detail"),
    path("<slug:slug>/edit/", views.member_edit, name="member_edit"),
    path("<slug:slug>/branches/new/", views.branch_create, name="branch_create"),
]
