"""URLs under /imports/ (issue 4)."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("confirm/", views.import_confirm, name="confirm"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
]
