from django.urls import URLPattern

app_name = "scan"
urlpatterns: list[URLPattern] = []
