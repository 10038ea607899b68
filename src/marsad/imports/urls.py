from django.urls import path

from marsad.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("new/", views.batch_upload, name="upload"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/mapping/", views.batch_mapping, name="mapping"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/import/", views.batch_import, name="import"),
    path(
        "<int:pk>/rejected.<str:file_format>",
        views.rejections_download,
        name="rejections",
    ),
]
