"""URLs under /imports/ (issue 4)."""

from django.urls import path

from . import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.import_index, name="index"),
    path("confirm/", import_views.import_confirm, name="confirm"),
    path("template/<str:kind>.xlsx", import_views.import_template, name="template"),
]
