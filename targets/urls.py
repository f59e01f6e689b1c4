from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.plan_list, name="index"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/<int:year>/", views.quota_grid, name="grid"),
]
