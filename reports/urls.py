"""URLs under /reports/ (issue 5); the dashboard itself is ``home`` at ``/``."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("progress.json", views.progress_json, name="progress_json"),
    path("progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
]
