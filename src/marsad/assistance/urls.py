from django.urls import path

from marsad.assistance import views

app_name = "aid"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("record/", views.entry_record, name="entry_record"),
    path("record/check/", views.entry_check, name="entry_check"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("<int:pk>/evidence/", views.entry_evidence, name="entry_evidence"),
    path("<int:pk>/reverse/", views.entry_reverse, name="entry_reverse"),
    path("<int:pk>/correct/", views.entry_correct, name="entry_correct"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/categories/new/", views.category_create, name="category_create"),
    path("rules/categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("reach/", views.reach, name="reach"),
    path("reach/export/<str:fmt>/", views.reach_export, name="reach_export"),
]
