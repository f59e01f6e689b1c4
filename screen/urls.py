"""URLs under /screen/ (issue 14)."""

from django.urls import path

from . import views

app_name = "screen"

urlpatterns = [
    path("", views.board, name="board"),
    path("k/<str:token>/", views.kiosk, name="kiosk"),
    path("links/", views.link_list, name="links"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
]
