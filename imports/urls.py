"""URLs under /imports/ (issue 4)."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("confirm/", views.import_confirm, name="confirm"),
    path("<int:pk>/", views.import_record, name="record"),
    path("<int:pk>/revert/", views.import_revert, name="revert"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
]
