from django.urls import path

from . import event_views, export, views, views_corrections

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", export.enterprise_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/certifications/new/", views.certification_create, name="certification_create"),
    path("<int:pk>/registrations/new/", views.registration_create, name="registration_create"),
    path("certifications/<int:pk>/revoke/", views.certification_revoke, name="certification_revoke"),
    path("registrations/<int:pk>/revoke/", views.registration_revoke, name="registration_revoke"),
    # Corrections by bureau staff, with a reason (issue 12)
    path("<int:pk>/delete/", views_corrections.enterprise_delete, name="enterprise_delete"),
    path("certifications/<int:pk>/edit/", views_corrections.certification_edit, name="certification_edit"),
    path("certifications/<int:pk>/delete/", views_corrections.certification_delete, name="certification_delete"),
    path("registrations/<int:pk>/edit/", views_corrections.registration_edit, name="registration_edit"),
    path("registrations/<int:pk>/delete/", views_corrections.registration_delete, name="registration_delete"),
    # Dated events and merges (docs/domain.md §8)
    path("<int:pk>/events/new/", event_views.event_create, name="event_create"),
    path("<int:pk>/merge/", event_views.enterprise_merge, name="merge"),
]
