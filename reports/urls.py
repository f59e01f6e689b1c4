"""URLs under /reports/ (issues 5 and 14); the dashboard itself is ``home`` at ``/``."""

from django.urls import path

from . import bulletin_views, evaluation_views, views

app_name = "reports"

urlpatterns = [
    path("progress.json", views.progress_json, name="progress_json"),
    path("progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path("bulletin/", bulletin_views.bulletin, name="bulletin"),
    path("evaluation/<int:first>-<int:last>/", evaluation_views.evaluation_page, name="evaluation"),
    path("evaluation/<int:first>-<int:last>.json", evaluation_views.evaluation_json, name="evaluation_json"),
    path("evaluation/<int:first>-<int:last>.xlsx", evaluation_views.evaluation_xlsx, name="evaluation_xlsx"),
    path("evaluation/<int:first>-<int:last>.docx", evaluation_views.evaluation_docx, name="evaluation_docx"),
]
