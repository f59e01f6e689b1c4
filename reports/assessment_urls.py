from django.urls import path

from . import assessment_views as views

app_name = "assessment"

urlpatterns = [
    path("<int:year>/", views.assessment_page, name="page"),
    path("<int:year>.json", views.assessment_json, name="json"),
    path("<int:year>/publish/", views.assessment_publish, name="publish"),
    path("<int:year>/scheme/", views.scheme_edit, name="scheme"),
]
