from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/certifications/new/", views.certification_create, name="certification_create"),
    path("<int:pk>/registrations/new/", views.registration_create, name="registration_create"),
    path("certifications/<int:pk>/revoke/", views.certification_revoke, name="certification_revoke"),
    path("registrations/<int:pk>/revoke/", views.registration_revoke, name="registration_revoke"),
]
