"""URLs under /reports/ (issue 5)."""

app_name = "reports"

urlpatterns = []
